"""Linear learning-rate warm-up, batch by batch."""

from __future__ import annotations

import keras

from clara_keras.api_export import clara_export
from clara_keras.callbacks._config import ConfigMixin
from clara_keras.callbacks._lr import check_positive
from clara_keras.callbacks._lr import get_lr
from clara_keras.callbacks._lr import set_lr

__all__ = ["LearningRateWarmup"]


@clara_export("clara_keras.callbacks.LearningRateWarmup")
class LearningRateWarmup(ConfigMixin, keras.callbacks.Callback):
    """Ramp the learning rate linearly from `start_factor * lr` to `lr` over the first epochs.

    The target `lr` is the optimizer's learning rate when training starts
    (or what the resume state recorded). The rate is set before every batch:
    at step `s` (counted over epochs) it is `lr * (start_factor + (1 -
    start_factor) * min(1, s / warmup_steps))`. After warm-up the callback
    leaves the rate alone, so it combines with `CosineSchedule`,
    `StepSchedule` or `ReduceLROnPlateau`. Keras has warm-up only inside
    `keras.optimizers.schedules.CosineDecay`; this works with any optimizer
    whose learning rate is a number.

    Args:
        warmup_epochs: Integer >= 1, epochs of warm-up. Defaults to `1`.
        start_factor: Float in [0, 1), fraction of `lr` at step 0. Defaults to `0.0`.

    Example:

    ```python
    model.fit(x, y, epochs=10, callbacks=[clara_keras.callbacks.LearningRateWarmup(warmup_epochs=2)])
    ```
    """

    def __init__(self, warmup_epochs: int = 1, start_factor: float = 0.0):
        super().__init__()
        self.warmup_epochs = check_positive("warmup_epochs", warmup_epochs, integer=True)
        self.start_factor = check_positive("start_factor", start_factor, allow_zero=True)
        if self.start_factor >= 1.0:
            check_positive("start_factor", -1.0)  # raises with the standard message
        self.target_lr = None
        self._epoch = 0

    def on_train_begin(self, logs=None):
        if self.target_lr is None:
            self.target_lr = get_lr(self.model)

    def on_train_end(self, logs=None):
        self.target_lr = None

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_train_batch_begin(self, batch, logs=None):
        if self._epoch >= self.warmup_epochs:
            return
        steps = self.params.get("steps") or 1
        fraction = min(1.0, (self._epoch * steps + batch) / float(self.warmup_epochs * steps))
        set_lr(self.model, self.target_lr * (self.start_factor + (1.0 - self.start_factor) * fraction))

    def on_epoch_end(self, epoch, logs=None):
        if epoch + 1 == self.warmup_epochs:
            set_lr(self.model, self.target_lr)
        if logs is not None:
            logs["learning_rate"] = get_lr(self.model)

    def get_state(self) -> dict:
        return {"target_lr": self.target_lr}

    def set_state(self, state: dict) -> None:
        self.target_lr = state.get("target_lr")

    def get_config(self):
        return {"warmup_epochs": self.warmup_epochs, "start_factor": self.start_factor}
