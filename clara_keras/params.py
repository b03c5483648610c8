"""The one parameter schema.

Every training parameter a user can set (``model.set_params``, the search
keywords, the CLI flags, the ``config.json`` of a run) is declared here once,
with its aliases, type, allowed values and default. Adding a parameter is one
edit of :data:`PARAMS`.
"""

from __future__ import annotations

import dataclasses
import numbers
from collections.abc import Callable
from collections.abc import Mapping
from typing import Any

import keras

from clara_keras.errors import ConfigError
from clara_keras.errors import ParamTypeError
from clara_keras.errors import suggest

__all__ = [
    "Param",
    "PARAMS",
    "OPTIMIZERS",
    "REGULARIZERS",
    "canonical_name",
    "validate_params",
    "validate_param",
    "default_params",
    "build_optimizer",
    "build_regularizer",
    "serialize_params",
]

OPTIMIZERS = ("sgd", "adam", "adamw", "rmsprop", "adagrad", "adadelta", "adamax", "nadam", "lion", "ftrl")
REGULARIZERS = ("l1", "l2", "l1_l2")


@dataclasses.dataclass(frozen=True)
class Param:
    """Declaration of one parameter.

    Attributes:
        name: Canonical name.
        aliases: Other accepted spellings (``lr`` for ``learning_rate``).
        check: Callable ``(name, value) -> value`` that validates and normalises.
        default: Default value (``None``: chosen by the model type or the optimizer).
        doc: One-line description, shown by the CLI and the docs.
        searchable: Whether the search optimizers accept it as a keyword list.
    """

    name: str
    check: Callable[[str, Any], Any]
    default: Any = None
    aliases: tuple[str, ...] = ()
    doc: str = ""
    searchable: bool = True


def _bad(name: str, value: Any, expected: str) -> ConfigError:
    return ConfigError(f"Received an invalid value for `{name}`, expected {expected}. Received: {name}={value!r}")


def _positive_float(name, value):
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Real)
        or not float(value) > 0
        or float(value) == float("inf")
    ):
        raise _bad(name, value, "a positive finite number")
    return float(value)


def _fraction(name, value):
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0.0 <= float(value) < 1.0:
        raise _bad(name, value, "a number in [0, 1)")
    return float(value)


def _non_negative_float(name, value):
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Real)
        or not float(value) >= 0
        or float(value) == float("inf")
    ):
        raise _bad(name, value, "a non-negative finite number")
    return float(value)


def _positive_int(name, value):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or int(value) <= 0:
        raise _bad(name, value, "a positive integer")
    return int(value)


def _optimizer(name, value):
    if isinstance(value, keras.optimizers.Optimizer):
        return value
    if isinstance(value, str):
        key = value.lower()
        if key in OPTIMIZERS:
            return key
        raise ConfigError(
            f"Unknown optimizer {value!r}. Expected one of {', '.join(OPTIMIZERS)} or a "
            f"keras.optimizers.Optimizer instance.{suggest(key, OPTIMIZERS)}"
        )
    raise ParamTypeError(f"`{name}` must be an optimizer name or a keras.optimizers.Optimizer. Received: {value!r}")


def _regularizer(name, value):
    if value is None:
        return None
    if isinstance(value, str):
        value = {"name": value, "value": 1e-4}
    if isinstance(value, keras.regularizers.Regularizer):
        return value
    if not isinstance(value, Mapping):
        raise ParamTypeError(
            f"`{name}` must be a dict like {{'name': 'l2', 'value': 5e-4}}, a name in {REGULARIZERS}, a "
            f"keras.regularizers.Regularizer or None. Received: {value!r}"
        )
    unknown = set(value) - {"name", "value"}
    if unknown:
        raise ConfigError(
            f"Unknown key(s) {sorted(unknown)} in `{name}`; expected 'name' and 'value'. Received: {value!r}"
        )
    reg_name = str(value.get("name", "")).lower()
    if reg_name not in REGULARIZERS:
        raise ConfigError(
            f"Unknown regularizer name {value.get('name')!r} in `{name}`. Expected one of {REGULARIZERS}.{suggest(reg_name, REGULARIZERS)}"
        )
    return {"name": reg_name, "value": _non_negative_float(f"{name}['value']", value.get("value", 1e-4))}


def _loss(name, value):
    if value is None or isinstance(value, str) or callable(value):
        return value
    raise ParamTypeError(f"`{name}` must be a loss name, a keras.losses.Loss or a callable. Received: {value!r}")


def _metrics(name, value):
    if value is None:
        return None
    if isinstance(value, (str, keras.metrics.Metric)) or callable(value):
        return [value]
    if isinstance(value, (list, tuple)):
        return list(value)
    raise ParamTypeError(f"`{name}` must be a list of metric names or keras.metrics.Metric. Received: {value!r}")


def _bool(name, value):
    if not isinstance(value, bool):
        raise _bad(name, value, "True or False")
    return value


PARAMS: dict[str, Param] = {
    p.name: p
    for p in (
        Param("learning_rate", _positive_float, 1e-3, ("lr",), "Learning rate of the optimizer."),
        Param("optimizer", _optimizer, "adam", (), f"Optimizer name ({', '.join(OPTIMIZERS)}) or instance."),
        Param("momentum", _fraction, None, (), "Momentum for sgd/rmsprop (ignored by optimizers without one)."),
        Param(
            "decay",
            _non_negative_float,
            0.0,
            ("weight_decay",),
            "Decoupled weight decay (Keras `weight_decay`); not a learning-rate decay.",
        ),
        Param(
            "regularizer",
            _regularizer,
            None,
            ("regularization",),
            "{'name': 'l1'|'l2'|'l1_l2', 'value': float}: penalty on every kernel of the model.",
            searchable=False,
        ),
        Param("clipnorm", _positive_float, None, (), "Clip each gradient to this norm."),
        Param("loss", _loss, None, (), "Loss; default implied by the model type.", searchable=False),
        Param("metrics", _metrics, None, (), "Metrics; default implied by the model type.", searchable=False),
        Param("batch_size", _positive_int, 32, (), "Samples per gradient step."),
        Param("epochs", _positive_int, 10, (), "Number of training epochs.", searchable=False),
        Param("validation_freq", _positive_int, 1, (), "Validate every N epochs.", searchable=False),
        Param(
            "jit_compile",
            lambda n, v: v if v == "auto" else _bool(n, v),
            "auto",
            (),
            "XLA compile the step.",
            searchable=False,
        ),
    )
}

_ALIASES = {alias: p.name for p in PARAMS.values() for alias in (p.name, *p.aliases)}


def canonical_name(key: str) -> str:
    """Canonical name of ``key`` (``'lr'`` -> ``'learning_rate'``); raises `ConfigError` if unknown."""
    if not isinstance(key, str):
        raise ParamTypeError(f"Parameter names must be strings. Received: {key!r}")
    try:
        return _ALIASES[key]
    except KeyError:
        raise ConfigError(
            f"Unknown parameter {key!r}. Allowed parameters: {', '.join(sorted(_ALIASES))}.{suggest(key, _ALIASES)}"
        ) from None


def validate_param(key: str, value: Any) -> tuple[str, Any]:
    """Validate one parameter; returns ``(canonical_name, normalised_value)``."""
    name = canonical_name(key)
    if value is None and PARAMS[name].default is None:
        return name, None
    return name, PARAMS[name].check(key, value)


def validate_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """Validate a mapping of parameters; returns it with canonical names."""
    if not isinstance(params, Mapping):
        raise ParamTypeError(f"Parameters must be a dict. Received: {params!r}")
    out: dict[str, Any] = {}
    for key, value in params.items():
        name, value = validate_param(key, value)
        if name in out:
            raise ConfigError(f"Parameter {name!r} was given twice (as {key!r} and under another alias).")
        out[name] = value
    return out


def default_params() -> dict[str, Any]:
    """Every parameter with its default value."""
    return {name: p.default for name, p in PARAMS.items()}


def build_optimizer(params: Mapping[str, Any]) -> keras.optimizers.Optimizer:
    """A Keras optimizer from validated params (``optimizer``, ``learning_rate``, ``momentum``, ``decay``, ``clipnorm``)."""
    p = {**default_params(), **params}
    opt = p["optimizer"]
    if isinstance(opt, keras.optimizers.Optimizer):
        return opt
    kwargs: dict[str, Any] = {"learning_rate": p["learning_rate"]}
    if p["decay"]:
        kwargs["weight_decay"] = p["decay"]
    if p["clipnorm"] is not None:
        kwargs["clipnorm"] = p["clipnorm"]
    if p["momentum"] is not None and opt in ("sgd", "rmsprop"):
        kwargs["momentum"] = p["momentum"]
    classes = {
        "sgd": keras.optimizers.SGD,
        "adam": keras.optimizers.Adam,
        "adamw": keras.optimizers.AdamW,
        "rmsprop": keras.optimizers.RMSprop,
        "adagrad": keras.optimizers.Adagrad,
        "adadelta": keras.optimizers.Adadelta,
        "adamax": keras.optimizers.Adamax,
        "nadam": keras.optimizers.Nadam,
        "lion": keras.optimizers.Lion,
        "ftrl": keras.optimizers.Ftrl,
    }
    return classes[opt](**kwargs)


def build_regularizer(spec) -> keras.regularizers.Regularizer | None:
    """A Keras regularizer from a validated ``regularizer`` value."""
    if spec is None or isinstance(spec, keras.regularizers.Regularizer):
        return spec
    value = spec["value"]
    if spec["name"] == "l1":
        return keras.regularizers.L1(value)
    if spec["name"] == "l2":
        return keras.regularizers.L2(value)
    return keras.regularizers.L1L2(l1=value, l2=value)


def serialize_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """JSON-safe copy of params (Keras objects serialized with ``keras.saving.serialize_keras_object``)."""
    out = {}
    for key, value in params.items():
        if isinstance(value, (keras.optimizers.Optimizer, keras.regularizers.Regularizer, keras.losses.Loss)):
            value = keras.saving.serialize_keras_object(value)
        elif isinstance(value, list):
            value = [
                keras.saving.serialize_keras_object(v)
                if isinstance(v, (keras.metrics.Metric, keras.losses.Loss))
                else v
                for v in value
            ]
        elif callable(value) and not isinstance(value, str):
            value = keras.saving.serialize_keras_object(value)
        out[key] = value
    return out


def deserialize_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """Inverse of :func:`serialize_params`."""
    out = {}
    for key, value in params.items():
        if isinstance(value, dict) and "class_name" in value:
            value = keras.saving.deserialize_keras_object(value)
        elif isinstance(value, list):
            value = [
                keras.saving.deserialize_keras_object(v) if isinstance(v, dict) and "class_name" in v else v
                for v in value
            ]
        out[key] = value
    return out
