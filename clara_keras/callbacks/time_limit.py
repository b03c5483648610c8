"""Stop training cleanly before a time budget runs out."""

from __future__ import annotations

import time

import keras

from clara_keras.api_export import clara_export
from clara_keras.callbacks._config import ConfigMixin
from clara_keras.callbacks._lr import check_positive

__all__ = ["TimeLimit"]


@clara_export("clara_keras.callbacks.TimeLimit")
class TimeLimit(ConfigMixin, keras.callbacks.Callback):
    """Stop after the epoch that would otherwise overrun `minutes` of training.

    The check happens at epoch ends only, so training always stops on a
    completed epoch: with a Trainer the resume state of that epoch is on disk
    and `Trainer(..., resume=True)` (or `clara-keras train --resume RUN_DIR`)
    continues from it. Training stops when the elapsed time plus the mean
    epoch duration so far would exceed the limit. After a stop,
    `stopped_epoch` is the last completed epoch (1-based) and `stopped` is
    `True`.

    Args:
        minutes: Float > 0, the time budget of one `fit` call.

    Example:

    ```python
    trainer = clara_keras.Trainer(model, train, validation=val, epochs=100, run_dir="runs/a",
                                  callbacks=[clara_keras.callbacks.TimeLimit(minutes=30)])
    ```
    """

    def __init__(self, minutes: float):
        super().__init__()
        self.minutes = check_positive("minutes", minutes)
        self.stopped = False
        self.stopped_epoch = None
        self._start = None
        self._epochs_done = 0

    def on_train_begin(self, logs=None):
        self._start = time.monotonic()
        self._epochs_done = 0
        self.stopped, self.stopped_epoch = False, None

    def on_epoch_end(self, epoch, logs=None):
        self._epochs_done += 1
        elapsed = time.monotonic() - self._start
        per_epoch = elapsed / self._epochs_done
        if elapsed + per_epoch > self.minutes * 60.0:
            self.stopped, self.stopped_epoch = True, epoch + 1
            self.model.stop_training = True

    def get_config(self):
        return {"minutes": self.minutes}
