"""Learning-rate helpers shared by the schedule callbacks (private)."""

from __future__ import annotations

import numbers

import keras

from clara_keras.errors import ConfigError


def get_lr(model) -> float:
    return float(keras.ops.convert_to_numpy(model.optimizer.learning_rate))


def set_lr(model, value: float) -> None:
    model.optimizer.learning_rate = float(value)


def check_positive(name: str, value, integer: bool = False, allow_zero: bool = False):
    kind = numbers.Integral if integer else numbers.Real
    ok = isinstance(value, kind) and not isinstance(value, bool) and (value >= 0 if allow_zero else value > 0)
    if not ok:
        what = "integer" if integer else "number"
        expected = f"a non-negative {what}" if allow_zero else f"a positive {what}"
        raise ConfigError(f"Received an invalid value for `{name}`, expected {expected}. Received: {name}={value!r}")
    return int(value) if integer else float(value)
