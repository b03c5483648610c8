"""Shared monitor handling for the callbacks (private): mode resolution and the missing-metric error."""

from __future__ import annotations

import math

from clara_keras.errors import ConfigError
from clara_keras.errors import suggest

MODES = ("auto", "min", "max")
_MAX_HINTS = ("acc", "auc", "f1", "precision", "recall", "r2", "top_k", "iou", "score")


def resolve_mode(monitor: str, mode: str) -> str:
    """``'min'`` or ``'max'``; ``'auto'`` is ``'max'`` for accuracy-like names, ``'min'`` otherwise."""
    if mode not in MODES:
        raise ConfigError(f"Received an invalid value for `mode`, expected one of {MODES}. Received: mode={mode!r}")
    if mode != "auto":
        return mode
    name = monitor.lower()
    if name.endswith("loss") or "error" in name:
        return "min"
    return "max" if any(h in name for h in _MAX_HINTS) else "min"


def is_better(value: float, best: float | None, mode: str, min_delta: float = 0.0) -> bool:
    """Whether ``value`` improves on ``best`` (``None`` = nothing yet); NaN never improves."""
    if value is None or not math.isfinite(value):
        return False
    if best is None:
        return True
    return value < best - min_delta if mode == "min" else value > best + min_delta


def missing_monitor_error(owner: str, monitor: str, logs) -> ConfigError:
    available = sorted(k for k in (logs or {}))
    return ConfigError(
        f"{owner} monitors {monitor!r}, which is not logged. Logged metrics: {', '.join(available) or '(none)'}."
        f"{suggest(monitor, available)}"
    )


def monitor_value(owner: str, monitor: str, logs) -> float | None:
    """The monitored value in ``logs``; ``None`` on an epoch without validation; raises if it is never logged.

    A ``val_*`` monitor is absent on epochs where Keras did not validate
    (``validation_freq`` > 1): that returns ``None``. Any other absence
    (a misspelt name, a metric the model does not compute) raises
    `ConfigError` listing the logged names.
    """
    logs = logs or {}
    if monitor in logs:
        return float(logs[monitor])
    if monitor.startswith("val_") and not any(k.startswith("val_") for k in logs):
        return None
    raise missing_monitor_error(owner, monitor, logs)


def loss_is_finite(logs) -> bool:
    """False when the epoch's loss (or any logged loss) is NaN or infinite."""
    for key, value in (logs or {}).items():
        if key.endswith("loss"):
            try:
                if not math.isfinite(float(value)):
                    return False
            except (TypeError, ValueError):
                continue
    return True


def scalar_logs(logs) -> dict:
    """Only the scalar entries of ``logs``, as Python floats (matrices such as a confusion matrix are dropped)."""
    out = {}
    for key, value in (logs or {}).items():
        try:
            out[key] = float(value)
        except (TypeError, ValueError):
            continue
    return out
