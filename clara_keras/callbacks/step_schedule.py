"""Step learning-rate decay, epoch by epoch."""

from __future__ import annotations

from clara_keras.api_export import clara_export
from clara_keras.callbacks._epoch_schedule import EpochSchedule
from clara_keras.callbacks._lr import check_positive

__all__ = ["StepSchedule"]


@clara_export("clara_keras.callbacks.StepSchedule")
class StepSchedule(EpochSchedule):
    """Multiply the learning rate by `gamma` every `step_size` epochs.

    At epoch `e` (0-based): `lr * gamma ** (e // step_size)`, `lr` being the
    optimizer's rate when training starts (kept in the resume state).

    Args:
        step_size: Integer >= 1, epochs between decays.
        gamma: Float > 0, factor per step. Defaults to `0.1`.

    Example:

    ```python
    model.fit(x, y, epochs=30, callbacks=[clara_keras.callbacks.StepSchedule(step_size=10, gamma=0.5)])
    ```
    """

    def __init__(self, step_size: int, gamma: float = 0.1):
        super().__init__()
        self.step_size = check_positive("step_size", step_size, integer=True)
        self.gamma = check_positive("gamma", gamma)

    def rate(self, epoch, base_lr):
        return base_lr * self.gamma ** (epoch // self.step_size)

    def get_config(self):
        return {"step_size": self.step_size, "gamma": self.gamma}
