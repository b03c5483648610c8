"""Cosine learning-rate annealing, epoch by epoch."""

from __future__ import annotations

import math

from clara_keras.api_export import clara_export
from clara_keras.callbacks._epoch_schedule import EpochSchedule
from clara_keras.callbacks._lr import check_positive

__all__ = ["CosineSchedule"]


@clara_export("clara_keras.callbacks.CosineSchedule")
class CosineSchedule(EpochSchedule):
    """Anneal the learning rate from `lr` to `min_lr` along half a cosine.

    At epoch `e` (0-based) of `epochs`: `min_lr + (lr - min_lr) * (1 + cos(pi * e / epochs)) / 2`,
    where `lr` is the optimizer's rate when training starts (kept in the
    resume state). It is a callback rather than a
    `keras.optimizers.schedules.CosineDecay` so that it needs no step count,
    composes with `LearningRateWarmup` and is logged as `learning_rate`.

    Args:
        epochs: Integer >= 1, length of the cosine. Defaults to `None`: the
            `epochs` of the `fit` call.
        min_lr: Float >= 0, final rate. Defaults to `0.0`.

    Example:

    ```python
    model.fit(x, y, epochs=20, callbacks=[clara_keras.callbacks.CosineSchedule(min_lr=1e-5)])
    ```
    """

    def __init__(self, epochs: int | None = None, min_lr: float = 0.0):
        super().__init__()
        self.epochs = None if epochs is None else check_positive("epochs", epochs, integer=True)
        self.min_lr = check_positive("min_lr", min_lr, allow_zero=True)

    def rate(self, epoch, base_lr):
        total = self.epochs or self.params.get("epochs") or 1
        progress = min(1.0, epoch / float(total))
        return self.min_lr + (base_lr - self.min_lr) * 0.5 * (1.0 + math.cos(math.pi * progress))

    def get_config(self):
        return {"epochs": self.epochs, "min_lr": self.min_lr}
