"""`Sampler`: the small interface every sampler implements (which sample indices make an epoch)."""

from __future__ import annotations

import numpy as np

from clara_keras.data.dataset import Dataset
from clara_keras.errors import ConfigError
from clara_keras.errors import DataError

__all__ = ["Sampler", "check_seed", "labels_of", "epoch_rng"]


def check_seed(seed) -> int | None:
    if seed is None:
        return None
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ConfigError(
            f"Received an invalid value for `seed`, expected a non-negative integer. Received: seed={seed!r}"
        )
    return int(seed)


def epoch_rng(seed: int | None, epoch: int, *extra: int) -> np.random.Generator:
    """The random generator of one epoch: a pure function of ``(seed, epoch, *extra)``."""
    if seed is None:
        return np.random.default_rng()
    return np.random.default_rng([seed, int(epoch), *extra])


def labels_of(dataset: Dataset, who: str) -> np.ndarray:
    """Integer class ids of a labeled dataset (one-hot rows are turned into ids)."""
    if not dataset.labeled:
        raise DataError(f"{who} needs labels, but the data set is unlabeled (no 'y').")
    y = np.asarray(dataset["y"])
    if y.ndim == 2 and y.shape[1] > 1:
        y = np.argmax(y, axis=1)
    y = y.reshape(len(y))
    if y.dtype.kind not in "iub":
        raise DataError(f"{who} needs integer class labels; the labels have dtype {y.dtype} (a regression target?).")
    return y.astype(np.int64)


class Sampler:
    """Decides which samples, in which order, make up each epoch.

    A sampler is one method, `indices(dataset, epoch)`, returning a 1-D array
    of sample indices (repeats allowed). It must return the same number of
    indices every epoch (the epoch length is read before the epoch starts), and
    should be a pure function of its seed and `epoch`, so runs are reproducible
    and a resumed run sees the same order. `DataGenerator` calls it once per
    epoch and batches the indices in order.

    Subclass it to plug in your own sampling:

    ```python
    class EvenFirst(clara_keras.data.Sampler):
        def indices(self, dataset, epoch):
            n = dataset.num_samples
            return np.concatenate([np.arange(0, n, 2), np.arange(1, n, 2)])
    ```
    """

    def indices(self, dataset: Dataset, epoch: int) -> np.ndarray:
        """The sample indices of epoch number `epoch` (0-based)."""
        raise NotImplementedError(f"{type(self).__name__} must implement indices(dataset, epoch).")

    def __call__(self, dataset: Dataset, epoch: int = 0) -> np.ndarray:
        idx = np.asarray(self.indices(dataset, epoch))
        if idx.ndim != 1 or idx.dtype.kind not in "iu":
            raise DataError(
                f"{type(self).__name__}.indices must return a 1-D integer array; got shape {idx.shape}, dtype {idx.dtype}."
            )
        n = dataset.num_samples
        if idx.size and (idx.min() < 0 or idx.max() >= n):
            raise DataError(f"{type(self).__name__}.indices returned an index outside 0..{n - 1}.")
        return idx.astype(np.int64)

    def get_config(self) -> dict:
        return {}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"
