"""`SearchSpace`: the search keywords of the optimizers, parsed once and checked before any trial."""

from __future__ import annotations

import itertools
import math
import numbers
from collections.abc import Mapping
from typing import Any

import keras_tuner
import numpy as np

from clara_keras import params as P
from clara_keras.errors import ConfigError
from clara_keras.errors import ParamTypeError
from clara_keras.errors import suggest

__all__ = ["SearchSpace", "SEARCH_KEYWORDS", "grid_size", "grid_values"]

# Keywords that name a searchable parameter of the one schema (with its aliases), plus the
# regularizer pair of the seed: `lmbda` (the penalty) with `regularization` ('l1' | 'l2' | 'l1_l2').
_SCHEMA_KEYWORDS = {alias: p.name for p in P.PARAMS.values() if p.searchable for alias in (p.name, *p.aliases)}
SEARCH_KEYWORDS = tuple(sorted({*_SCHEMA_KEYWORDS, "lmbda", "regularization"}))
_INT_PARAMS = {"batch_size"}
_RANGE_SAMPLING = ("linear", "log")


def _to_python(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    return value


def _is_sequence(value: Any) -> bool:
    return isinstance(value, (list, np.ndarray)) or (isinstance(value, tuple) and not _is_range(value))


def _is_range(value: Any) -> bool:
    """``(low, high)`` or ``(low, high, 'log'|'linear')`` with numeric bounds."""
    if not isinstance(value, tuple) or len(value) not in (2, 3):
        return False
    if len(value) == 3 and not isinstance(value[2], str):
        return False
    return all(isinstance(v, numbers.Real) and not isinstance(v, bool) for v in value[:2])


class SearchSpace:
    """The hyper-parameters to search and the fixed training parameters, from the seed's keywords.

    Keywords are the searchable parameters of `clara_keras.params` (`lr`/`learning_rate`,
    `momentum`, `decay`, `batch_size`, `optimizer`, `clipnorm`) and the pair `lmbda` +
    `regularization` (`'l1'`, `'l2'` or `'l1_l2'`), which becomes the `regularizer` parameter
    `{'name': regularization, 'value': lmbda}`. A value may be:

    - a list or array: the values to try (`lr=[0.1, 0.01]`, `lmbda=np.logspace(-4, -3, 5)`);
    - a range `(low, high)` or `(low, high, 'log')`: sampled (not allowed for grid search);
    - a single value: fixed for every trial (`optimizer='sgd'`).

    Every value is validated against the schema here, so a bad value fails before any trial.

    Args:
        keywords: Dict of keyword -> value, as passed to an optimizer.
        search_space: Optional dict with the same keys and forms (the seed's
            `search_space={'lr': [0.01, 0.001]}`).

    Example:

    ```python
    space = clara_keras.optimizers.SearchSpace({"lr": [0.1, 0.01], "optimizer": "sgd"})
    space.searched  # {'lr': [0.1, 0.01]}
    space.fixed_params()  # {'optimizer': 'sgd'}
    ```
    """

    def __init__(self, keywords: Mapping[str, Any] | None = None, search_space: Mapping[str, Any] | None = None):
        if search_space is not None and not isinstance(search_space, Mapping):
            raise ParamTypeError(
                f"`search_space` must be a dict like {{'lr': [0.01, 0.001]}}. Received: {search_space!r}"
            )
        merged: dict[str, Any] = {}
        for source in (keywords or {}, search_space or {}):
            for key, value in source.items():
                if value is None:
                    continue
                if key in merged:
                    raise ConfigError(f"Search keyword {key!r} was given twice (as a keyword and in `search_space`).")
                merged[key] = value
        #: name -> list of values (choices) or ("range", low, high, sampling)
        self.searched: dict[str, Any] = {}
        #: name -> single value
        self.fixed: dict[str, Any] = {}
        seen_canonical: dict[str, str] = {}
        for key, value in merged.items():
            canonical = self._canonical(key)
            if canonical in seen_canonical:
                raise ConfigError(
                    f"Search keyword {key!r} names the same parameter as {seen_canonical[canonical]!r} "
                    f"({canonical!r}); give it once."
                )
            seen_canonical[canonical] = key
            self._add(key, canonical, value)
        if "lmbda" in merged and "regularization" not in merged:
            raise ConfigError(
                "`lmbda` was given without `regularization`: say which penalty it scales, e.g. "
                "regularization='l2' (one of 'l1', 'l2', 'l1_l2')."
            )

    # -- parsing --------------------------------------------------------------------------------
    @staticmethod
    def _canonical(key: str) -> str:
        if not isinstance(key, str):
            raise ParamTypeError(f"Search keywords must be strings. Received: {key!r}")
        if key in ("lmbda", "regularization"):
            return key
        if key in _SCHEMA_KEYWORDS:
            return _SCHEMA_KEYWORDS[key]
        if key in P.PARAMS or any(key in p.aliases for p in P.PARAMS.values()):
            raise ConfigError(
                f"Parameter {key!r} cannot be searched; searchable keywords: {', '.join(SEARCH_KEYWORDS)}. "
                "Pass it to the optimizer as a fixed argument instead (epochs=, loss=, metrics=)."
            )
        raise ConfigError(
            f"Unknown search keyword {key!r}. Expected one of: {', '.join(SEARCH_KEYWORDS)}.{suggest(key, SEARCH_KEYWORDS)}"
        )

    def _check_value(self, key: str, canonical: str, value: Any) -> Any:
        value = _to_python(value)
        if canonical == "lmbda":
            return _check_lmbda(key, value)
        if canonical == "regularization":
            if not isinstance(value, str) or value.lower() not in P.REGULARIZERS:
                raise ConfigError(
                    f"Received an invalid value for `regularization`, expected one of {P.REGULARIZERS}. "
                    f"Received: regularization={value!r}.{suggest(str(value), P.REGULARIZERS)}"
                )
            return value.lower()
        if canonical == "optimizer" and not isinstance(value, str):
            raise ParamTypeError(
                f"Searched or fixed `optimizer` values must be optimizer names ({', '.join(P.OPTIMIZERS)}). "
                f"Received: {value!r}"
            )
        return P.validate_param(key, value)[1]

    def _add(self, key: str, canonical: str, value: Any) -> None:
        if _is_range(value):
            if canonical in ("optimizer", "regularization"):
                raise ConfigError(f"`{key}` takes a list of names, not a range. Received: {key}={value!r}")
            low, high = value[0], value[1]
            sampling = value[2].lower() if len(value) == 3 else "linear"
            if sampling not in _RANGE_SAMPLING:
                raise ConfigError(
                    f"Range sampling for `{key}` must be one of {_RANGE_SAMPLING}. Received: {key}={value!r}"
                )
            low, high = self._check_value(key, canonical, low), self._check_value(key, canonical, high)
            if not low < high:
                raise ConfigError(f"Range for `{key}` needs low < high. Received: {key}={value!r}")
            if sampling == "log" and low <= 0:
                raise ConfigError(f"A 'log' range for `{key}` needs low > 0. Received: {key}={value!r}")
            self.searched[key] = ("range", low, high, sampling)
            return
        if _is_sequence(value):
            values = [self._check_value(key, canonical, v) for v in list(value)]
            if not values:
                raise ConfigError(f"The list of values for `{key}` is empty; give at least one value.")
            unique: list[Any] = []
            for v in values:
                if v not in unique:
                    unique.append(v)
            if len(unique) != len(values):
                raise ConfigError(f"The values for `{key}` contain duplicates. Received: {key}={list(value)!r}")
            self.searched[key] = unique
            return
        if isinstance(value, (set, frozenset, dict)):
            raise ParamTypeError(
                f"`{key}` must be a list, a (low, high[, 'log']) range or one value. Received: {value!r}"
            )
        self.fixed[key] = self._check_value(key, canonical, value)

    # -- use ------------------------------------------------------------------------------------
    def declare(self, hp: keras_tuner.HyperParameters) -> keras_tuner.HyperParameters:
        """Register the searched keywords on a keras-tuner `HyperParameters` (returns it)."""
        for key, spec in self.searched.items():
            canonical = self._canonical(key)
            if isinstance(spec, tuple):
                _, low, high, sampling = spec
                if canonical in _INT_PARAMS:
                    hp.Int(key, int(low), int(high), sampling=sampling)
                else:
                    hp.Float(key, float(low), float(high), sampling=sampling)
            else:
                hp.Choice(key, spec, ordered=all(isinstance(v, numbers.Real) for v in spec))
        return hp

    def params_for(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """`set_params`-ready dict (canonical names) for trial ``values`` plus the fixed keywords."""
        merged = {**self.fixed, **{k: v for k, v in values.items() if k in self.searched}}
        out: dict[str, Any] = {}
        reg_name = merged.pop("regularization", None)
        lmbda = merged.pop("lmbda", None)
        if reg_name is not None:
            out["regularizer"] = {"name": reg_name, "value": 1e-4 if lmbda is None else float(lmbda)}
        for key, value in merged.items():
            out[self._canonical(key)] = value
        return out

    @property
    def names(self) -> list[str]:
        """Names of the searched keywords."""
        return list(self.searched)

    def describe(self) -> dict[str, Any]:
        """JSON-safe description (used by `plan()` and to recognise a resumed search)."""
        searched = {
            k: ({"range": [v[1], v[2]], "sampling": v[3]} if isinstance(v, tuple) else list(v))
            for k, v in self.searched.items()
        }
        return {"searched": searched, "fixed": dict(self.fixed)}


def _check_lmbda(key: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value) or value < 0:
        raise ConfigError(
            f"Received an invalid value for `{key}`, expected a non-negative finite number. Received: {key}={value!r}"
        )
    return float(value)


def grid_size(hp: keras_tuner.HyperParameters) -> int | None:
    """Number of combinations of ``hp.space`` (``None`` when a range has no step)."""
    total = 1
    for item in hp.space:
        values = _hp_values(item)
        if values is None:
            return None
        total *= len(values)
    return total


def grid_values(hp: keras_tuner.HyperParameters, limit: int = 1000) -> list[dict[str, Any]] | None:
    """All combinations of ``hp.space`` as dicts (``None`` if infinite or above ``limit``)."""
    size = grid_size(hp)
    if size is None or size > limit:
        return None
    names = [item.name for item in hp.space]
    lists = [_hp_values(item) for item in hp.space]
    return [dict(zip(names, combo)) for combo in itertools.product(*lists)]


def _hp_values(item) -> list[Any] | None:
    kind = type(item).__name__
    if kind == "Choice":
        return list(item.values)
    if kind == "Boolean":
        return [False, True]
    if kind == "Fixed":
        return [item.value]
    if kind in ("Int", "Float"):
        if item.step is None:
            if kind == "Int" and item.sampling == "linear":
                return list(range(item.min_value, item.max_value + 1))
            return None
        out, i = [], 0
        while True:
            if item.sampling == "linear":
                value = item.min_value + i * item.step
            else:
                value = item.min_value * item.step**i
            if value > item.max_value * (1 + 1e-9):
                return out
            out.append(value)
            i += 1
    return None
