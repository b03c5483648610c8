"""Keras's ReduceLROnPlateau with a missing-metric error and resumable counters."""

from __future__ import annotations

import keras

from clara_keras.api_export import clara_export
from clara_keras.callbacks._config import ConfigMixin
from clara_keras.callbacks._monitor import monitor_value
from clara_keras.callbacks._monitor import resolve_mode

__all__ = ["ReduceLROnPlateau"]


@clara_export("clara_keras.callbacks.ReduceLROnPlateau")
class ReduceLROnPlateau(ConfigMixin, keras.callbacks.ReduceLROnPlateau):
    """Multiply the learning rate by `factor` when the monitored value stops improving.

    A thin wrapper of `keras.callbacks.ReduceLROnPlateau`: same arguments and
    behaviour, plus a `ConfigError` listing the logged metrics when `monitor`
    is never logged (Keras only warns) and `get_state`/`set_state` so `wait`,
    `best` and the cooldown survive a Trainer resume (the learning rate itself
    is optimizer state and is resumed with it).

    Example:

    ```python
    cb = clara_keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=2)
    ```
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        factor: float = 0.1,
        patience: int = 10,
        verbose: int = 0,
        mode: str = "auto",
        min_delta: float = 1e-4,
        cooldown: int = 0,
        min_lr: float = 0.0,
    ):
        super().__init__(
            monitor=monitor,
            factor=factor,
            patience=patience,
            verbose=verbose,
            mode=resolve_mode(monitor, mode),
            min_delta=min_delta,
            cooldown=cooldown,
            min_lr=min_lr,
        )

    def on_epoch_end(self, epoch, logs=None):
        if monitor_value(type(self).__name__, self.monitor, logs) is None:
            return
        super().on_epoch_end(epoch, logs)

    def get_state(self) -> dict:
        return {
            "wait": self.wait,
            "best": None if self.best is None else float(self.best),
            "cooldown_counter": self.cooldown_counter,
        }

    def set_state(self, state: dict) -> None:
        self.wait = int(state.get("wait", 0))
        self.best = state.get("best")
        self.cooldown_counter = int(state.get("cooldown_counter", 0))

    def get_config(self):
        return {
            "monitor": self.monitor,
            "factor": self.factor,
            "patience": self.patience,
            "verbose": self.verbose,
            "mode": self.mode,
            "min_delta": self.min_delta,
            "cooldown": self.cooldown,
            "min_lr": self.min_lr,
        }
