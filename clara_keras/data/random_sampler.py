"""`RandomSampler`: a fresh seeded permutation every epoch."""

from __future__ import annotations

import numpy as np

from clara_keras.data.sampler import Sampler
from clara_keras.data.sampler import check_seed
from clara_keras.data.sampler import epoch_rng

__all__ = ["RandomSampler"]


class RandomSampler(Sampler):
    """Every sample once per epoch, in a new random order each epoch.

    The order of epoch ``e`` depends only on ``(seed, e)``: the same seed gives
    the same sequence of epochs, and epochs differ from each other.

    Args:
        seed: Non-negative integer, or `None` for a non-reproducible order. Defaults to `0`.

    Example:

    ```python
    sampler = clara_keras.data.RandomSampler(seed=42)
    order = sampler(train_data, epoch=0)
    ```
    """

    def __init__(self, seed: int | None = 0):
        self.seed = check_seed(seed)

    def indices(self, dataset, epoch):
        return epoch_rng(self.seed, epoch).permutation(dataset.num_samples).astype(np.int64)

    def get_config(self):
        return {"seed": self.seed}
