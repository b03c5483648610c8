"""`Scaler`: the base of the fitted feature scalers (`Standardize`, `MinMaxScale`), and `load_scaler`."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np

from clara_keras import io_utils
from clara_keras.data.dataset import Dataset
from clara_keras.errors import CheckpointError
from clara_keras.errors import ConfigError
from clara_keras.errors import DataError
from clara_keras.errors import ShapeError
from clara_keras.errors import suggest

__all__ = ["Scaler", "load_scaler", "SCALER_FORMAT"]

SCALER_FORMAT = "clara_keras.scaler"
_REGISTRY: dict[str, type] = {}


def _normalize_axis(axis) -> tuple[int, ...] | None:
    if axis is None:
        return None
    if isinstance(axis, (int, np.integer)) and not isinstance(axis, bool):
        return (int(axis),)
    try:
        return tuple(int(a) for a in axis)
    except (TypeError, ValueError):
        raise ConfigError(
            f"Received an invalid value for `axis`, expected an integer, a tuple of integers or None. Received: axis={axis!r}"
        ) from None


class Scaler:
    """Base class of the scalers: fit statistics on training data, apply them anywhere.

    A scaler is fitted once, on the training split only, and then used as the
    `preprocess` of every `DataGenerator` (train, validation, test). Its state
    is plain JSON (`get_config`, `save`, `load_scaler`) so a run can save it
    beside the model.

    Subclasses define `_fit(sums)` from streamed moments and `_transform(x)`.

    Args:
        axis: Integer or tuple of integers: the axes that keep their own
            statistics (the batch axis 0 is always reduced), as in
            `keras.layers.Normalization`. `-1` gives per-feature (or per-channel)
            statistics; `None` gives one scalar for all values. Defaults to `-1`.
    """

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        _REGISTRY[cls.__name__] = cls

    def __init__(self, axis=-1):
        self.axis = _normalize_axis(axis)
        self.input_shape: tuple[int, ...] | None = None

    # -- fitting ---------------------------------------------------------------------------------
    @property
    def fitted(self) -> bool:
        return self.input_shape is not None

    def _kept_axes(self, ndim: int) -> tuple[int, ...]:
        if self.axis is None:
            return ()
        kept = []
        for a in self.axis:
            if not -ndim <= a < ndim:
                raise ShapeError(f"`axis`={a} is out of range for data of rank {ndim} (batch axis included).")
            a = a % ndim
            if a == 0:
                raise ConfigError("`axis` must not include the batch axis 0; statistics are taken over samples.")
            kept.append(a)
        return tuple(sorted(set(kept)))

    def _stat_shape(self, shape: tuple[int, ...]) -> tuple[int, ...]:
        kept = self._kept_axes(len(shape))
        return tuple(shape[a] if a in kept else 1 for a in range(len(shape)))

    def fit(self, data) -> Scaler:
        """Fit on training data: a `Dataset`, an array or a lazy `ImageFiles`; returns the scaler.

        Raises:
            DataError: `data` is a validation or test split (fit on training data only), or is empty.
        """
        if isinstance(data, Dataset):
            part = data.meta.get("split")
            if part in ("validation", "val", "test"):
                raise DataError(
                    f"Refusing to fit {type(self).__name__} on the {part!r} split: fit scalers on the training "
                    "split only, then apply them to every split."
                )
            data = data["X"]
        if len(data) == 0:
            raise DataError(f"Cannot fit {type(self).__name__} on empty data (0 samples).")
        shape = tuple(data.shape) if hasattr(data, "shape") else np.shape(data)
        stat_shape = self._stat_shape(shape)
        reduce = tuple(a for a in range(len(shape)) if stat_shape[a] == 1)
        count = 0
        acc = None
        shift = None  # moments about the first chunk's mean, for numerical accuracy
        for chunk in self._chunks(data):
            c = chunk.astype(np.float64)
            if shift is None:
                shift = c.mean(axis=reduce, keepdims=True)
            d = c - shift
            part = {
                "sum": d.sum(axis=reduce, keepdims=True),
                "sumsq": np.square(d).sum(axis=reduce, keepdims=True),
                "min": c.min(axis=reduce, keepdims=True),
                "max": c.max(axis=reduce, keepdims=True),
            }
            count += c.size // int(np.prod(stat_shape))
            if acc is None:
                acc = part
            else:
                acc = {
                    "sum": acc["sum"] + part["sum"],
                    "sumsq": acc["sumsq"] + part["sumsq"],
                    "min": np.minimum(acc["min"], part["min"]),
                    "max": np.maximum(acc["max"], part["max"]),
                }
        if not all(np.isfinite(v).all() for v in acc.values()):
            raise DataError(f"Cannot fit {type(self).__name__}: the data holds NaN or infinite values.")
        acc["count"] = count
        acc["shift"] = shift
        self.input_shape = tuple(int(s) for s in shape[1:])
        shape_kept = list(stat_shape[1:])
        while shape_kept and shape_kept[0] == 1:  # leading 1s are implied by broadcasting
            shape_kept.pop(0)
        self._fit(acc, tuple(shape_kept))
        return self

    @staticmethod
    def _chunks(data, size: int = 1024):
        if hasattr(data, "iter_batches"):
            yield from data.iter_batches(256)
            return
        arr = np.asarray(data)
        for start in range(0, len(arr), size * 64):
            yield arr[start : start + size * 64]

    def _fit(self, acc: dict, stat_shape: tuple[int, ...]) -> None:
        raise NotImplementedError

    # -- applying --------------------------------------------------------------------------------
    def _check_ready(self, x):
        if not self.fitted:
            raise ConfigError(f"{type(self).__name__} is not fitted; call .fit(train_data) first.")
        x = np.asarray(x)
        if self.input_shape and tuple(x.shape[-len(self.input_shape) :]) != self.input_shape:
            raise ShapeError(
                f"{type(self).__name__} was fitted on samples of shape {self.input_shape}, received data of "
                f"shape {x.shape}."
            )
        return x

    def transform(self, x):
        """Apply the fitted scaling to an array (a batch, or one sample); returns `float32`.

        A `Dataset` with in-memory ``'X'`` gives a new `Dataset`; for a lazy
        ``'X'`` pass the scaler as `DataGenerator(preprocess=...)` instead.
        """
        if isinstance(x, Dataset):
            if hasattr(x["X"], "iter_batches"):
                raise ConfigError(
                    "Cannot transform a lazy Dataset in memory; pass the scaler as DataGenerator(preprocess=scaler)."
                )
            extra = {k: v for k, v in x.items() if k not in ("X", "y", "classes")}
            return Dataset(X=self.transform(x["X"]), y=x.get("y"), classes=x.get("classes"), meta=x.meta, **extra)
        x = self._check_ready(x)
        return self._transform(x).astype(np.float32, copy=False)

    def inverse_transform(self, x) -> np.ndarray:
        """Undo `transform`."""
        x = self._check_ready(x)
        return self._inverse(x).astype(np.float32, copy=False)

    def fit_transform(self, data):
        """`fit` then `transform` the same (training) data."""
        return self.fit(data).transform(data)

    def __call__(self, x):
        return self.transform(x)

    def _transform(self, x):
        raise NotImplementedError

    def _inverse(self, x):
        raise NotImplementedError

    # -- state -----------------------------------------------------------------------------------
    def _state(self) -> dict[str, Any]:
        raise NotImplementedError

    def _set_state(self, state: dict[str, Any]) -> None:
        raise NotImplementedError

    def get_config(self) -> dict[str, Any]:
        """Constructor arguments and fitted statistics, JSON-serializable."""
        config = {"axis": list(self.axis) if self.axis is not None else None}
        config["input_shape"] = list(self.input_shape) if self.input_shape is not None else None
        config["state"] = self._state() if self.fitted else None
        return config

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Scaler:
        config = dict(config)
        input_shape = config.pop("input_shape", None)
        state = config.pop("state", None)
        obj = cls(**config)
        if input_shape is not None and state is not None:
            obj.input_shape = tuple(int(s) for s in input_shape)
            obj._set_state(state)
        return obj

    def save(self, path: str | os.PathLike, overwrite: bool = False) -> None:
        """Write the scaler as JSON (atomically); an existing file is kept unless `overwrite=True`."""
        path = Path(path)
        if path.exists() and not overwrite:
            raise CheckpointError(f"'{path}' exists; pass overwrite=True to replace it.")
        io_utils.atomic_write_json(
            path,
            {"format": SCALER_FORMAT, "version": 1, "class_name": type(self).__name__, "config": self.get_config()},
        )

    @classmethod
    def load(cls, path: str | os.PathLike) -> Scaler:
        """Read a scaler written by `save` (same as `load_scaler`)."""
        obj = load_scaler(path)
        if cls is not Scaler and not isinstance(obj, cls):
            raise CheckpointError(f"'{path}' holds a {type(obj).__name__}, not a {cls.__name__}.")
        return obj

    def __repr__(self) -> str:
        state = "fitted" if self.fitted else "not fitted"
        return f"{type(self).__name__}(axis={self.axis}, {state})"


def load_scaler(path: str | os.PathLike) -> Scaler:
    """Load a scaler saved with `Scaler.save` (plain JSON, no code is run).

    Example:

    ```python
    scaler = clara_keras.data.load_scaler("runs/latest/scaler.json")
    ```
    """
    path = Path(path)
    try:
        with open(path, encoding="utf-8") as f:
            blob = json.load(f)
    except FileNotFoundError:
        raise CheckpointError(f"Scaler file not found: '{path}'.") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise CheckpointError(f"'{path}' is not a scaler JSON file: {e}") from None
    if not isinstance(blob, dict) or blob.get("format") != SCALER_FORMAT:
        raise CheckpointError(f"'{path}' is not a clara_keras scaler file (no format={SCALER_FORMAT!r}).")
    name = blob.get("class_name")
    if name not in _REGISTRY:
        raise CheckpointError(
            f"'{path}' holds an unknown scaler {name!r}; expected one of {sorted(_REGISTRY)}.{suggest(str(name), _REGISTRY)}"
        )
    return _REGISTRY[name].from_config(blob["config"])
