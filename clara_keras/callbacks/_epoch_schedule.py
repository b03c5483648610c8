"""Base of the per-epoch schedule callbacks (private)."""

from __future__ import annotations

import keras

from clara_keras.callbacks._config import ConfigMixin
from clara_keras.callbacks._lr import get_lr
from clara_keras.callbacks._lr import set_lr


class EpochSchedule(ConfigMixin, keras.callbacks.Callback):
    """Set the learning rate at the start of each epoch from `rate(epoch, base_lr)`."""

    def __init__(self):
        super().__init__()
        self.base_lr = None

    def rate(self, epoch: int, base_lr: float) -> float:
        raise NotImplementedError

    def on_train_begin(self, logs=None):
        if self.base_lr is None:
            self.base_lr = get_lr(self.model)

    def on_train_end(self, logs=None):
        self.base_lr = None

    def on_epoch_begin(self, epoch, logs=None):
        set_lr(self.model, self.rate(epoch, self.base_lr))

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["learning_rate"] = get_lr(self.model)

    def get_state(self) -> dict:
        return {"base_lr": self.base_lr}

    def set_state(self, state: dict) -> None:
        self.base_lr = state.get("base_lr")
