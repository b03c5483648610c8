"""Keep the best model on disk, written atomically."""

from __future__ import annotations

import os

import keras

from clara_keras.api_export import clara_export
from clara_keras.callbacks._config import ConfigMixin
from clara_keras.callbacks._fast_archive import archive_for
from clara_keras.callbacks._monitor import is_better
from clara_keras.callbacks._monitor import loss_is_finite
from clara_keras.callbacks._monitor import missing_monitor_error
from clara_keras.callbacks._monitor import monitor_value
from clara_keras.callbacks._monitor import resolve_mode
from clara_keras.errors import ConfigError

__all__ = ["BestModelCheckpoint"]


@clara_export("clara_keras.callbacks.BestModelCheckpoint")
class BestModelCheckpoint(ConfigMixin, keras.callbacks.Callback):
    """Save the whole model (`.keras`) whenever the monitored value improves.

    Unlike `keras.callbacks.ModelCheckpoint(save_best_only=True)`, the file is
    written through `clara_keras.io_utils.atomic_save_model` (temporary file
    in the same folder, fsync, rename), so a crash or a failing save never
    leaves a truncated or half-written best file: the previous best stays.
    An epoch whose loss is NaN/inf never replaces the checkpoint. A monitored
    name that is never logged raises `ConfigError` listing the logged ones.
    Its state (best value and epoch) is saved with the Trainer's resume state.
    Saves after the first re-serialize only the weights (the configuration is
    kept from the first save; any change of model or optimizer configuration
    falls back to a full Keras save), so a checkpoint costs a fraction of a
    `model.save`; the file is the same `.keras` archive.

    Args:
        filepath: String, path ending in `.keras`.
        monitor: String, logged metric to watch. Defaults to `"val_loss"`.
        mode: `"auto"`, `"min"` or `"max"`. Defaults to `"auto"`.
        min_delta: Float, minimum change that counts as an improvement. Defaults to `0.0`.
        verbose: Integer, 1 prints a line per save. Defaults to `0`.

    Example:

    ```python
    model.fit(x, y, validation_split=0.2, epochs=5,
              callbacks=[clara_keras.callbacks.BestModelCheckpoint("best.keras", monitor="val_accuracy")])
    ```
    """

    def __init__(
        self, filepath: str, monitor: str = "val_loss", mode: str = "auto", min_delta: float = 0.0, verbose: int = 0
    ):
        super().__init__()
        if not str(filepath).endswith(".keras"):
            raise ConfigError(f"`filepath` must end in '.keras'. Received: filepath={filepath!r}")
        self.filepath = os.fspath(filepath)
        self.monitor = monitor
        self.mode = resolve_mode(monitor, mode)
        self.min_delta = float(min_delta)
        self.verbose = verbose
        self.best = None
        self.best_epoch = None
        self._seen = False
        self._archive = None
        self.saved_values = (None, {})  # (epoch, {id(variable): value}) of the last save, for the Trainer

    def on_train_begin(self, logs=None):
        self.best = None
        self.best_epoch = None
        self._seen = False

    def on_epoch_end(self, epoch, logs=None):
        current = monitor_value(type(self).__name__, self.monitor, logs)
        if current is None:
            return
        self._seen = True
        if not loss_is_finite(logs) or not is_better(current, self.best, self.mode, self.min_delta):
            return
        self._archive = archive_for(self.model)
        self._archive.save(self.filepath)
        self.saved_values = (epoch, self._archive.last_values)
        self.best, self.best_epoch = current, epoch + 1
        if self.verbose:
            print(f"Epoch {epoch + 1}: {self.monitor} improved to {current:.5g}, saved {self.filepath}")

    def on_train_end(self, logs=None):
        if not self._seen and self.best is None:
            raise missing_monitor_error(type(self).__name__, self.monitor, logs)

    def get_state(self) -> dict:
        return {"best": self.best, "best_epoch": self.best_epoch}

    def set_state(self, state: dict) -> None:
        self.best = state.get("best")
        self.best_epoch = state.get("best_epoch")
        self._seen = self.best is not None

    def get_config(self):
        return {
            "filepath": self.filepath,
            "monitor": self.monitor,
            "mode": self.mode,
            "min_delta": self.min_delta,
            "verbose": self.verbose,
        }
