"""Training and validation data of a search: arrays, `(X, y)`, a `Dataset` mapping or a `PyDataset`."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import keras
import numpy as np

from clara_keras.errors import ConfigError
from clara_keras.errors import DataError


class _BatchSubset(keras.utils.PyDataset):
    """Some batches of a `PyDataset` (the search's validation split of a generator)."""

    def __init__(self, base: keras.utils.PyDataset, indices):
        super().__init__()
        self._base = base
        self._indices = [int(i) for i in indices]

    def __len__(self):
        return len(self._indices)

    def __getitem__(self, index):
        return self._base[self._indices[index]]


class SearchData:
    """The data a search trains and validates on, normalised once before the first trial.

    ``fit_args(batch_size)`` returns the keyword arguments of ``model.fit`` for one trial.
    """

    def __init__(self, dataset: Any, validation_data: Any = None, validation_split: float | None = None, seed=None):
        if dataset is None:
            raise DataError("A search needs training data: pass `dataset=` (a PyDataset, (X, y) or a Dataset).")
        if validation_data is not None and validation_split is not None:
            raise ConfigError("Pass either `validation_data` or `validation_split`, not both.")
        if validation_split is not None and (
            isinstance(validation_split, bool)
            or not isinstance(validation_split, (int, float))
            or not 0 < validation_split < 1
        ):
            raise ConfigError(
                "Received an invalid value for `validation_split`, expected a fraction in (0, 1). "
                f"Received: validation_split={validation_split!r}"
            )
        train = _normalise(dataset, "dataset")
        if validation_data is not None:
            val = _normalise(validation_data, "validation_data")
        else:
            train, val = _split(train, 0.2 if validation_split is None else float(validation_split), seed)
        self.train, self.val = train, val
        self.is_generator = isinstance(train, keras.utils.PyDataset)

    def fit_args(self, batch_size: int | None) -> dict[str, Any]:
        if self.is_generator:
            kwargs = {"x": self.train}
        else:
            kwargs = {"x": self.train[0], "y": self.train[1], "batch_size": batch_size}
        kwargs["validation_data"] = self.val if isinstance(self.val, keras.utils.PyDataset) else tuple(self.val)
        return kwargs

    def labels(self) -> np.ndarray | None:
        """Training labels when they are arrays (``None`` for a generator)."""
        return None if self.is_generator else self.train[1]


def _normalise(data: Any, name: str):
    if isinstance(data, keras.utils.PyDataset):
        if len(data) == 0:
            raise DataError(f"`{name}` is a PyDataset with no batches.")
        return data
    if isinstance(data, Mapping):
        if "X" not in data or data.get("y") is None:
            raise DataError(f"`{name}` as a mapping needs 'X' and 'y' (a labelled clara_keras Dataset).")
        data = (data["X"], data["y"])
    if isinstance(data, (tuple, list)) and len(data) == 2:
        try:
            x, y = np.asarray(data[0]), np.asarray(data[1])
        except Exception as exc:  # lazy features that cannot become one array
            raise DataError(
                f"`{name}` could not be converted to arrays ({exc}); wrap it in a keras.utils.PyDataset "
                "(e.g. clara_keras.data.DataGenerator)."
            ) from exc
        if len(x) == 0:
            raise DataError(f"`{name}` is empty (0 samples).")
        if len(x) != len(y):
            raise DataError(f"`{name}` has {len(x)} samples in X but {len(y)} labels in y.")
        return x, y
    raise DataError(
        f"`{name}` must be a keras.utils.PyDataset, an (X, y) tuple or a Dataset mapping with 'X' and 'y'. "
        f"Received: {type(data).__name__}"
    )


def _split(train, fraction: float, seed):
    if isinstance(train, keras.utils.PyDataset):
        n = len(train)
        n_val = max(1, int(math.ceil(n * fraction)))
        if n_val >= n:
            raise DataError(
                f"The PyDataset has {n} batch(es): too few to hold out a validation split by batches. "
                "Pass `validation_data=`."
            )
        order = np.random.default_rng(0 if seed is None else seed).permutation(n)
        return _BatchSubset(train, np.sort(order[n_val:])), _BatchSubset(train, np.sort(order[:n_val]))
    x, y = train
    labels = y if (y.ndim == 1 and np.issubdtype(y.dtype, np.integer)) or y.ndim == 2 and y.shape[1] > 1 else None
    from clara_keras.data.split import split_indices

    tr, va, _ = split_indices(labels if labels is not None else len(x), val=fraction, test=0.0, seed=seed or 0)
    if len(va) == 0 or len(tr) == 0:
        raise DataError(f"{len(x)} samples are too few for validation_split={fraction}; pass `validation_data=`.")
    return (x[tr], y[tr]), (x[va], y[va])
