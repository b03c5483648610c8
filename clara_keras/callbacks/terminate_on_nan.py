"""Stop on a NaN/inf loss without touching the last good checkpoint."""

from __future__ import annotations

import math

import keras

from clara_keras.api_export import clara_export
from clara_keras.callbacks._config import ConfigMixin

__all__ = ["TerminateOnNaN"]


@clara_export("clara_keras.callbacks.TerminateOnNaN")
class TerminateOnNaN(ConfigMixin, keras.callbacks.TerminateOnNaN):
    """`keras.callbacks.TerminateOnNaN` that records where it stopped.

    Training stops at the first batch whose loss is NaN or infinite (Keras's
    behaviour). Clara's `BestModelCheckpoint` and the Trainer's resume state
    never save an epoch whose loss is not finite, so the last good best model
    and resume point stay on disk; `terminated`, `epoch` and `batch` tell
    what happened.

    Args:
        raise_error: Bool, raise `RuntimeError` instead of stopping. Defaults to `False`.

    Example:

    ```python
    guard = clara_keras.callbacks.TerminateOnNaN()
    model.fit(x, y, epochs=5, callbacks=[guard])
    guard.terminated
    ```
    """

    def __init__(self, raise_error: bool = False):
        super().__init__(raise_error=raise_error)
        self.terminated = False
        self.epoch = None
        self.batch = None
        self._current_epoch = 0

    def on_train_begin(self, logs=None):
        self.terminated, self.epoch, self.batch = False, None, None

    def on_epoch_begin(self, epoch, logs=None):
        self._current_epoch = epoch

    def on_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is not None and not math.isfinite(float(loss)) and not self.terminated:
            self.terminated, self.epoch, self.batch = True, self._current_epoch + 1, batch
        super().on_batch_end(batch, logs)

    def get_config(self):
        return {"raise_error": self.raise_error}
