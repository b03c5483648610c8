"""Training data as a sequence of *global* batches, the same on every worker.

Every worker walks the same global batches in the same order (the shuffle is
seeded by ``(seed, epoch)``), and keeps only the slices of its own replicas,
so the job sees each sample once per epoch and the global batch size is the
one the user asked for, whatever the number of workers.
"""

from __future__ import annotations

from collections.abc import Iterator
from collections.abc import Mapping

import numpy as np

from clara_keras.errors import DataError

__all__ = ["BatchSource", "as_batch_source", "is_tf_dataset", "split_batch"]


def is_tf_dataset(obj) -> bool:
    """Whether ``obj`` is a `tf.data.Dataset` (without importing TensorFlow)."""
    return type(obj).__module__.startswith("tensorflow") and hasattr(obj, "element_spec")


def _is_py_dataset(obj) -> bool:
    try:
        import keras
    except ImportError:  # pragma: no cover
        return False
    return isinstance(obj, keras.utils.PyDataset)


class BatchSource:
    """Global batches from in-memory arrays or a `keras.utils.PyDataset`.

    Args:
        x: Array-like features, or a `keras.utils.PyDataset` whose item ``i``
            is the global batch ``(x, y)``.
        y: Array-like labels (arrays only).
        batch_size: Global batch size (arrays only).
        what: Name used in error messages (``"training data"``).
    """

    def __init__(self, x, y=None, batch_size: int | None = None, what: str = "training data"):
        self.what = what
        if _is_py_dataset(x):
            if y is not None:
                raise DataError(f"The {what} is a PyDataset, which yields (x, y) itself: do not pass `y` too.")
            self.kind = "pydataset"
            self.dataset = x
            self.x = self.y = None
            self.num_samples = None
            return
        if y is None:
            raise DataError(f"The {what} has no labels: pass `y`, or a Dataset mapping with a 'y' entry.")
        self.kind = "arrays"
        self.x = np.asarray(x)
        self.y = np.asarray(y)
        if self.x.shape[:1] != self.y.shape[:1]:
            raise DataError(
                f"The {what} has {len(self.x)} samples in x but {len(self.y)} labels in y; expected the same number."
            )
        if len(self.x) == 0:
            raise DataError(f"The {what} is empty (0 samples).")
        if batch_size is None or int(batch_size) < 1:
            raise DataError(f"A positive global `batch_size` is needed to batch the {what}. Received: {batch_size!r}")
        self.batch_size = int(batch_size)
        self.num_samples = len(self.x)
        self.dataset = None

    def __len__(self) -> int:
        if self.kind == "pydataset":
            return len(self.dataset)
        return -(-self.num_samples // self.batch_size)

    def batches(self, epoch: int = 0, shuffle: bool = False, seed: int = 0) -> Iterator[tuple]:
        """Yield the global batches ``(x, y)`` of one epoch, as NumPy arrays."""
        if self.kind == "pydataset":
            if hasattr(self.dataset, "on_epoch_begin"):
                self.dataset.on_epoch_begin()
            order = np.arange(len(self.dataset))
            if shuffle:
                order = np.random.default_rng([int(seed), int(epoch)]).permutation(order)
            for i in order:
                item = self.dataset[int(i)]
                if not isinstance(item, (tuple, list)) or len(item) != 2:
                    raise DataError(
                        f"Each batch of the {self.what} must be a pair (x, y); item {int(i)} is "
                        f"{type(item).__name__} of length {len(item) if hasattr(item, '__len__') else '?'}."
                    )
                yield np.asarray(item[0]), np.asarray(item[1])
            if hasattr(self.dataset, "on_epoch_end"):
                self.dataset.on_epoch_end()
            return
        index = np.arange(self.num_samples)
        if shuffle:
            index = np.random.default_rng([int(seed), int(epoch)]).permutation(self.num_samples)
        for start in range(0, self.num_samples, self.batch_size):
            sel = index[start : start + self.batch_size]
            if not shuffle:
                yield self.x[start : start + self.batch_size], self.y[start : start + self.batch_size]
            else:
                yield self.x[sel], self.y[sel]


def as_batch_source(data, y=None, batch_size: int | None = None, what: str = "training data") -> BatchSource:
    """Normalise ``(x, y)``, a ``(x, y)`` tuple, a `Dataset` mapping or a PyDataset into a `BatchSource`."""
    if isinstance(data, Mapping) and "X" in data:
        if y is not None:
            raise DataError(f"The {what} is a Dataset mapping with its own 'y': do not pass `y` too.")
        data, y = data["X"], data.get("y")
    elif isinstance(data, (tuple, list)) and len(data) == 2 and y is None and not np.isscalar(data[0]):
        data, y = data
    if data is None:
        raise DataError(f"No {what} was given.")
    if hasattr(data, "subset") and not hasattr(data, "__array__"):
        raise DataError(
            f"The {what} holds lazily decoded samples ({type(data).__name__}); wrap it in a "
            "clara_keras DataGenerator (a keras.utils.PyDataset) for multi-worker training."
        )
    return BatchSource(data, y, batch_size=batch_size, what=what)


def split_batch(array: np.ndarray, num_parts: int) -> list[np.ndarray]:
    """Split a global batch into ``num_parts`` contiguous replica slices (sizes differ by at most 1)."""
    return np.array_split(array, num_parts, axis=0)
