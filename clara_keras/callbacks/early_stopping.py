"""Early stopping that restores the best weights and fails loudly on a missing metric."""

from __future__ import annotations

import keras

from clara_keras.api_export import clara_export
from clara_keras.callbacks._config import ConfigMixin
from clara_keras.callbacks._monitor import monitor_value
from clara_keras.callbacks._monitor import resolve_mode

__all__ = ["EarlyStopping"]


@clara_export("clara_keras.callbacks.EarlyStopping")
class EarlyStopping(ConfigMixin, keras.callbacks.EarlyStopping):
    """`keras.callbacks.EarlyStopping` with Clara's defaults and checks.

    What it adds to Keras's: `restore_best_weights` defaults to `True`; a
    monitored name that is never logged raises `ConfigError` listing the
    logged ones (Keras only warns, then never stops); a `val_*` monitor is
    skipped quietly on epochs without validation (`validation_freq` > 1); and
    its counters (`wait`, `best`, `best_epoch`) are saved with the Trainer's
    resume state, so patience carries over a resume. Best weights held in
    memory are not part of that state: after a resume the Trainer tests the
    weights in `best.keras`.

    Args:
        monitor: String. Defaults to `"val_loss"`.
        min_delta, patience, verbose, baseline, start_from_epoch: as in Keras.
        mode: `"auto"`, `"min"` or `"max"`. Defaults to `"auto"`.
        restore_best_weights: Bool. Defaults to `True`.

    Example:

    ```python
    stop = clara_keras.callbacks.EarlyStopping(monitor="val_accuracy", patience=3)
    ```
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        min_delta: float = 0.0,
        patience: int = 0,
        verbose: int = 0,
        mode: str = "auto",
        baseline: float | None = None,
        restore_best_weights: bool = True,
        start_from_epoch: int = 0,
    ):
        super().__init__(
            monitor=monitor,
            min_delta=min_delta,
            patience=patience,
            verbose=verbose,
            mode=resolve_mode(monitor, mode),
            baseline=baseline,
            restore_best_weights=restore_best_weights,
            start_from_epoch=start_from_epoch,
        )

    def get_monitor_value(self, logs):
        return monitor_value(type(self).__name__, self.monitor, logs)

    def get_state(self) -> dict:
        return {
            "wait": self.wait,
            "best": None if self.best is None else float(self.best),
            "best_epoch": getattr(self, "best_epoch", 0),
            "stopped_epoch": self.stopped_epoch,
        }

    def set_state(self, state: dict) -> None:
        self.wait = int(state.get("wait", 0))
        self.best = state.get("best")
        self.best_epoch = int(state.get("best_epoch", 0))
        self.stopped_epoch = int(state.get("stopped_epoch", 0))

    def get_config(self):
        return {
            "monitor": self.monitor,
            "min_delta": abs(self.min_delta),
            "patience": self.patience,
            "verbose": self.verbose,
            "mode": self.mode,
            "baseline": self.baseline,
            "restore_best_weights": self.restore_best_weights,
            "start_from_epoch": self.start_from_epoch,
        }
