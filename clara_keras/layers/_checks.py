"""Argument checks shared by the Clara layers (messages follow Keras's pattern)."""

from __future__ import annotations

import numbers

from clara_keras.errors import ConfigError
from clara_keras.errors import ShapeError


def check_positive_int(name: str, value, allow_none: bool = False):
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or int(value) <= 0:
        raise ConfigError(
            f"Received an invalid value for `{name}`, expected a positive integer. Received: {name}={value!r}"
        )
    return int(value)


def check_int_tuple(name: str, value, rank: int):
    items = (value,) * rank if isinstance(value, numbers.Integral) and not isinstance(value, bool) else tuple(value)
    if len(items) != rank or any(isinstance(v, bool) or not isinstance(v, numbers.Integral) or v <= 0 for v in items):
        raise ConfigError(
            f"Received an invalid value for `{name}`, expected a positive integer or a tuple of {rank} positive integers. "
            f"Received: {name}={value!r}"
        )
    return tuple(int(v) for v in items)


def check_rate(name: str, value):
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0.0 <= float(value) < 1.0:
        raise ConfigError(
            f"Received an invalid value for `{name}`, expected a probability in [0, 1). Received: {name}={value!r}"
        )
    return float(value)


def check_window_fits(layer_name: str, what: str, window, input_shape, padding: str, data_format: str):
    """Raise `ShapeError` if a 'valid' window is larger than the spatial input."""
    if padding != "valid":
        return
    spatial = input_shape[1:-1] if data_format == "channels_last" else input_shape[2:]
    for size, dim in zip(window, spatial):
        if dim is not None and size > dim:
            raise ShapeError(
                f"Layer '{layer_name}': {what} {tuple(window)} is larger than its input's spatial shape "
                f"{tuple(spatial)} (input shape {tuple(input_shape)}) with padding='valid'. Use a smaller "
                f"{what}, padding='same', or a larger input."
            )
