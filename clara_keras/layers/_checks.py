"""Argument checks shared by the Clara layers (messages follow Keras's pattern)."""

from __future__ import annotations

import math
import numbers

import keras

from clara_keras.errors import ConfigError
from clara_keras.errors import ParamTypeError
from clara_keras.errors import ShapeError
from clara_keras.errors import suggest

_PADDINGS = ("valid", "same")


def _is_int(value) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def check_positive_int(name: str, value, allow_none: bool = False):
    """`value` as an int; `ConfigError` unless it is a positive integer."""
    if value is None and allow_none:
        return None
    if not _is_int(value) or int(value) <= 0:
        raise ConfigError(
            f"Received an invalid value for `{name}`, expected a positive integer. Received: {name}={value!r}"
        )
    return int(value)


def check_int_tuple(name: str, value, rank: int):
    """`value` (an int or a tuple of `rank` ints) as a tuple of positive ints."""
    try:
        items = (value,) * rank if _is_int(value) else tuple(value)
    except TypeError:
        items = ()
    if len(items) != rank or any(not _is_int(v) or v <= 0 for v in items):
        raise ConfigError(
            f"Received an invalid value for `{name}`, expected a positive integer or a tuple of {rank} positive "
            f"integers. Received: {name}={value!r}"
        )
    return tuple(int(v) for v in items)


def check_rate(name: str, value):
    """`value` as a float; `ConfigError` unless it is in [0, 1)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0.0 <= float(value) < 1.0:
        raise ConfigError(
            f"Received an invalid value for `{name}`, expected a probability in [0, 1). Received: {name}={value!r}"
        )
    return float(value)


def check_positive_float(name: str, value):
    """`value` as a float; `ConfigError` unless it is a positive finite number."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0.0 < float(value) < math.inf:
        raise ConfigError(
            f"Received an invalid value for `{name}`, expected a positive number. Received: {name}={value!r}"
        )
    return float(value)


def check_choice(name: str, value, choices):
    """`value` if it is one of `choices`, else `ConfigError` with the nearest spelling."""
    if value not in choices:
        raise ConfigError(
            f"Received an invalid value for `{name}`, expected one of {tuple(choices)}. "
            f"Received: {name}={value!r}.{suggest(str(value), [str(c) for c in choices])}"
        )
    return value


def check_padding(value, allowed=_PADDINGS):
    """Padding name, lower-cased; `ConfigError` if not in `allowed`."""
    if not isinstance(value, str):
        raise ParamTypeError(f"`padding` must be a string, one of {allowed}. Received: padding={value!r}")
    return check_choice("padding", value.lower(), allowed)


def check_activation(value):
    """`value` if Keras knows the activation; `ConfigError` with the nearest name otherwise."""
    if value is None or callable(value):
        return value
    if not isinstance(value, str):
        raise ParamTypeError(
            f"`activation` must be an activation name, a callable or None. Received: activation={value!r}"
        )
    try:
        keras.activations.get(value)
    except ValueError:
        known = [n for n in dir(keras.activations) if not n.startswith("_") and n not in ("get", "serialize")]
        raise ConfigError(
            f"Received an invalid value for `activation`, expected a Keras activation name such as 'relu', "
            f"'softmax' or 'gelu'. Received: activation={value!r}.{suggest(value, known)}"
        ) from None
    return value


def check_layer_instance(name: str, value):
    """`value` if it is a `keras.layers.Layer`, else `ParamTypeError`."""
    if not isinstance(value, keras.layers.Layer):
        raise ParamTypeError(
            f"`{name}` must be a keras.layers.Layer instance (e.g. clara_keras.layers.LSTMLayer(units=8)). "
            f"Received: {name}={value!r}"
        )
    return value


def check_input_rank(layer_name: str, input_shape, ranks, what: str = "input"):
    """`ShapeError` unless ``len(input_shape)`` is one of `ranks` (batch axis included)."""
    if len(input_shape) not in tuple(ranks):
        raise ShapeError(
            f"Layer '{layer_name}' expects a {what} of rank {' or '.join(str(r) for r in ranks)} (batch axis "
            f"included). Received input shape {tuple(input_shape)} of rank {len(input_shape)}."
        )


def check_window_fits(
    layer_name: str, what: str, window, input_shape, padding: str, data_format: str, dilation_rate=None
):
    """Raise `ShapeError` if a 'valid' (dilated) window is larger than the spatial input."""
    rank = len(window)
    check_input_rank(layer_name, input_shape, (rank + 2,))
    if padding != "valid":
        return
    spatial = tuple(input_shape[1:-1] if data_format == "channels_last" else input_shape[2:])
    dilation = tuple(dilation_rate) if dilation_rate is not None else (1,) * rank
    effective = tuple((size - 1) * d + 1 for size, d in zip(window, dilation))
    for size, dim in zip(effective, spatial):
        if dim is not None and size > dim:
            dilated = f" (dilated to {effective})" if effective != tuple(window) else ""
            raise ShapeError(
                f"Layer '{layer_name}': {what}={tuple(window)}{dilated} is larger than its input's spatial shape "
                f"{spatial} (input shape {tuple(input_shape)}) with padding='valid'. Use a smaller "
                f"{what}, padding='same', or a larger input."
            )


def clone_initializer(initializer):
    """A fresh copy of `initializer` (unseeded Keras initializers repeat their values when shared)."""
    return keras.initializers.get(keras.initializers.serialize(initializer))
