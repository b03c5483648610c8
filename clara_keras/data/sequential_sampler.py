"""`SequentialSampler`: every sample once, in stored order."""

from __future__ import annotations

import numpy as np

from clara_keras.data.sampler import Sampler

__all__ = ["SequentialSampler"]


class SequentialSampler(Sampler):
    """Every sample once per epoch, in the order stored (for evaluation and prediction).

    Example:

    ```python
    gen = clara_keras.data.DataGenerator(test_data, batch_size=64, sampler=clara_keras.data.SequentialSampler())
    ```
    """

    def indices(self, dataset, epoch):
        return np.arange(dataset.num_samples, dtype=np.int64)
