"""`MedianStoppingPruner`: stop a trial whose objective trails the median of earlier trials."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence

from clara_keras.errors import ConfigError

__all__ = ["MedianStoppingPruner"]


class MedianStoppingPruner:
    """The median stopping rule (Golovin et al., "Google Vizier", KDD 2017).

    After each epoch the search reports the trial's objective to the keras-tuner oracle
    (keras-tuner itself reports only the final result). At epoch `s` the trial is stopped if its
    best value so far is worse than the median, over the finished trials that reached epoch `s`,
    of their running average up to `s`. A stopped trial is recorded as completed with the best
    value it reached and is marked `PRUNED` in the results table.

    Args:
        warmup_epochs: Integer, epochs every trial runs before it may be stopped. Defaults to `1`.
        min_trials: Integer, finished trials needed before any trial is stopped. Defaults to `3`.

    Example:

    ```python
    from clara_keras.optimizers import MedianStoppingPruner, RandomSearchOptimizer

    search = RandomSearchOptimizer(model=model, dataset=(x, y), lr=[0.1, 0.01, 0.001],
                                   pruner=MedianStoppingPruner(warmup_epochs=2))
    ```
    """

    def __init__(self, warmup_epochs: int = 1, min_trials: int = 3):
        for name, value, low in (("warmup_epochs", warmup_epochs, 0), ("min_trials", min_trials, 1)):
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                raise ConfigError(
                    f"Received an invalid value for `{name}`, expected an integer >= {low}. Received: {name}={value!r}"
                )
        self.warmup_epochs = warmup_epochs
        self.min_trials = min_trials

    def should_prune(
        self, values: Sequence[float], finished: Sequence[Sequence[float]], direction: str = "max"
    ) -> bool:
        """Whether a trial with per-epoch objective ``values`` should stop now.

        Args:
            values: The running trial's objective, one value per epoch so far.
            finished: For each finished trial, its objective per epoch.
            direction: `"max"` or `"min"`, the objective's direction.
        """
        if direction not in ("max", "min"):
            raise ConfigError(f"`direction` must be 'max' or 'min'. Received: direction={direction!r}")
        step = len(values) - 1
        if step < self.warmup_epochs:
            return False
        averages = [
            statistics.fmean(h[: step + 1])
            for h in finished
            if len(h) > step and all(map(math.isfinite, h[: step + 1]))
        ]
        if len(averages) < self.min_trials:
            return False
        median = statistics.median(averages)
        best = max(values) if direction == "max" else min(values)
        return best < median if direction == "max" else best > median

    def get_config(self) -> dict:
        return {"warmup_epochs": self.warmup_epochs, "min_trials": self.min_trials}

    def __repr__(self) -> str:
        return f"MedianStoppingPruner(warmup_epochs={self.warmup_epochs}, min_trials={self.min_trials})"
