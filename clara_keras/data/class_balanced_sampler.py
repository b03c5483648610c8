"""`ClassBalancedSampler`: equal class counts per epoch by over- or under-sampling."""

from __future__ import annotations

import numpy as np

from clara_keras.data.sampler import Sampler
from clara_keras.data.sampler import check_seed
from clara_keras.data.sampler import epoch_rng
from clara_keras.data.sampler import labels_of
from clara_keras.errors import ConfigError

__all__ = ["ClassBalancedSampler"]

MODES = ("over", "under")


class ClassBalancedSampler(Sampler):
    """Draw the same number of samples from every class present, in a shuffled order.

    - `mode="over"`: each class is brought up to the size of the largest one;
      every sample of a class appears at least once, the extra ones are drawn
      at random with replacement.
    - `mode="under"`: each class is cut down to the size of the smallest one,
      drawn without replacement (a different subset each epoch).

    Args:
        mode: `"over"` or `"under"`. Defaults to `"over"`.
        seed: Non-negative integer or `None`. Defaults to `0`.

    Example:

    ```python
    gen = clara_keras.data.DataGenerator(
        train_data, batch_size=32, sampler=clara_keras.data.ClassBalancedSampler("under")
    )
    ```
    """

    def __init__(self, mode: str = "over", seed: int | None = 0):
        if mode not in MODES:
            raise ConfigError(f"Received an invalid value for `mode`, expected one of {MODES}. Received: mode={mode!r}")
        self.mode = mode
        self.seed = check_seed(seed)

    def indices(self, dataset, epoch):
        y = labels_of(dataset, "ClassBalancedSampler")
        rng = epoch_rng(self.seed, epoch)
        groups = [np.flatnonzero(y == c) for c in np.unique(y)]
        sizes = [len(g) for g in groups]
        target = max(sizes) if self.mode == "over" else min(sizes)
        parts = []
        for g in groups:
            if self.mode == "over":
                extra = rng.choice(g, size=target - len(g), replace=True) if target > len(g) else g[:0]
                parts.append(np.concatenate([g, extra]))
            else:
                parts.append(rng.choice(g, size=target, replace=False))
        return rng.permutation(np.concatenate(parts)).astype(np.int64)

    def get_config(self):
        return {"mode": self.mode, "seed": self.seed}
