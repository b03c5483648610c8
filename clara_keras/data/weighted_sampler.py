"""`WeightedSampler`: draw samples with probability proportional to a weight."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from clara_keras.data.sampler import Sampler
from clara_keras.data.sampler import check_seed
from clara_keras.data.sampler import epoch_rng
from clara_keras.data.sampler import labels_of
from clara_keras.errors import ConfigError
from clara_keras.errors import ShapeError

__all__ = ["WeightedSampler"]


class WeightedSampler(Sampler):
    """Draw `num_samples` indices per epoch, sample ``i`` with probability ``w[i] / sum(w)``.

    Weights are given per sample (an array as long as the data set) or per
    class (a mapping from class index or class name to weight, expanded with
    the labels), like `torch.utils.data.WeightedRandomSampler`.

    Args:
        weights: 1-D array of non-negative per-sample weights, or a mapping
            ``{class: weight}`` (classes missing from it get weight 0).
        num_samples: Integer, indices per epoch. Defaults to `None` (the data set size).
        replacement: Bool, draw with replacement. Defaults to `True`.
        seed: Non-negative integer or `None`. Defaults to `0`.

    Example:

    ```python
    sampler = clara_keras.data.WeightedSampler({"cat": 1.0, "dog": 3.0})
    gen = clara_keras.data.DataGenerator(train_data, batch_size=32, sampler=sampler)
    ```
    """

    def __init__(self, weights, num_samples: int | None = None, replacement: bool = True, seed: int | None = 0):
        if isinstance(weights, Mapping):
            self.weights = dict(weights)
            values = np.asarray(list(self.weights.values()), dtype=np.float64)
        else:
            self.weights = np.asarray(weights, dtype=np.float64)
            if self.weights.ndim != 1:
                raise ShapeError(f"`weights` must be 1-D (one per sample). Received shape {self.weights.shape}.")
            values = self.weights
        if values.size == 0 or not np.isfinite(values).all() or (values < 0).any() or values.sum() <= 0:
            raise ConfigError(
                "Received an invalid value for `weights`, expected finite non-negative numbers with a positive sum."
            )
        if num_samples is not None and (
            isinstance(num_samples, bool) or not isinstance(num_samples, (int, np.integer)) or num_samples <= 0
        ):
            raise ConfigError(
                f"Received an invalid value for `num_samples`, expected a positive integer. Received: {num_samples!r}"
            )
        self.num_samples = None if num_samples is None else int(num_samples)
        self.replacement = bool(replacement)
        self.seed = check_seed(seed)

    def sample_weights(self, dataset) -> np.ndarray:
        """Per-sample weights for ``dataset``."""
        n = dataset.num_samples
        if isinstance(self.weights, dict):
            y = labels_of(dataset, "WeightedSampler with per-class weights")
            classes = dataset.get("classes") or []
            table = np.zeros(max(int(y.max()) + 1, len(classes)), dtype=np.float64)
            for key, w in self.weights.items():
                if isinstance(key, str):
                    if key not in classes:
                        raise ConfigError(f"WeightedSampler: class {key!r} is not one of {classes}.")
                    key = classes.index(key)
                if not 0 <= int(key) < len(table):
                    raise ConfigError(f"WeightedSampler: class index {key!r} is out of range 0..{len(table) - 1}.")
                table[int(key)] = float(w)
            w = table[y]
        else:
            w = self.weights
            if len(w) != n:
                raise ShapeError(f"WeightedSampler has {len(w)} weights but the data set has {n} samples.")
        if w.sum() <= 0:
            raise ConfigError("WeightedSampler: every sample of this data set has weight 0.")
        return w

    def indices(self, dataset, epoch):
        w = self.sample_weights(dataset)
        k = self.num_samples or dataset.num_samples
        if not self.replacement and k > np.count_nonzero(w):
            raise ConfigError(
                f"WeightedSampler(replacement=False) cannot draw {k} samples: only {np.count_nonzero(w)} have weight > 0."
            )
        rng = epoch_rng(self.seed, epoch)
        return rng.choice(len(w), size=k, replace=self.replacement, p=w / w.sum()).astype(np.int64)

    def get_config(self):
        weights = self.weights if isinstance(self.weights, dict) else self.weights.tolist()
        return {"weights": weights, "num_samples": self.num_samples, "replacement": self.replacement, "seed": self.seed}
