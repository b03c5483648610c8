"""Turn what users pass as data into something `model.fit` takes, deterministically (private).

Arrays and `Dataset` mappings become `ArrayBatches`, a `keras.utils.PyDataset`
whose batch order is a pure function of ``(seed, epoch)``: that is what makes a
resumed run see exactly the batches an uninterrupted one would have seen.
Any other `PyDataset` (e.g. `clara_keras.data.DataGenerator`) and `tf.data`
datasets are passed to Keras unchanged.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import keras
import numpy as np

from clara_keras.errors import DataError
from clara_keras.errors import ShapeError


class ArrayBatches(keras.utils.PyDataset):
    """Batches of in-memory arrays; shuffled per epoch from ``(seed, epoch)``."""

    def __init__(self, x, y, batch_size: int, shuffle: bool, seed: int = 0, sample_weight=None, **kwargs):
        super().__init__(**kwargs)
        self.x, self.y, self.sample_weight = x, y, sample_weight
        self.batch_size = int(batch_size)
        self.shuffle = shuffle
        self.seed = int(seed)
        self.epoch = 0
        self._cache = (None, None)  # (epoch, order): one tuple, so a stale prefetch thread cannot mix them

    def set_epoch(self, epoch: int) -> None:
        self.epoch = int(epoch)

    def _indices(self, epoch: int | None = None):
        epoch = self.epoch if epoch is None else int(epoch)
        cached_epoch, order = self._cache
        if cached_epoch != epoch:
            n = len(self.x)
            order = np.random.default_rng([self.seed, epoch]).permutation(n) if self.shuffle else np.arange(n)
            self._cache = (epoch, order)
        return order

    def __len__(self):
        return math.ceil(len(self.x) / self.batch_size)

    def __getitem__(self, index):
        return self.get_batch(index, self.epoch)

    def epoch_indices(self, epoch: int) -> np.ndarray:
        """The sample indices of ``epoch``, in batch order (a pure function of ``(seed, epoch)``)."""
        return self._indices(epoch).copy()

    def get_batch(self, index: int, epoch: int):
        """Batch number ``index`` of epoch ``epoch``."""
        idx = self._indices(epoch)[index * self.batch_size : (index + 1) * self.batch_size]
        xb = self.x[idx]
        if self.y is None:
            return (xb,)
        if self.sample_weight is not None:
            return xb, self.y[idx], self.sample_weight[idx]
        return xb, self.y[idx]


def follows_epochs(data) -> bool:
    """Whether ``data`` orders each epoch itself from an epoch counter the Trainer can set.

    True for `ArrayBatches` and for `clara_keras.data.DataGenerator` (its order is a pure
    function of its seed and its integer ``epoch`` attribute).
    """
    if isinstance(data, ArrayBatches):
        return True
    try:
        from clara_keras.data import DataGenerator
    except ImportError:  # pragma: no cover - data subpackage without the generator
        return False
    return isinstance(data, DataGenerator)


def order_unknown_reason(data) -> str | None:
    """Why the batches of ``data`` cannot be replayed from a mid-epoch position (``None``: they can).

    Resuming inside an epoch needs the remaining batches of that epoch, so the
    order must be a pure function of the epoch: true for `ArrayBatches` and for a
    seeded `DataGenerator`; not for `tf.data` pipelines or other `PyDataset`s.
    """
    if isinstance(data, ArrayBatches):
        return None
    if follows_epochs(data):
        if data.seed is None and (data.shuffle or data.augmentation):
            return "a DataGenerator with seed=None draws a new random order every run"
        return None
    if _is_tf_dataset(data):
        return "a tf.data.Dataset has no batch index the Trainer could restart from"
    return f"a {type(data).__name__} (a PyDataset other than DataGenerator) has no known order per epoch"


def batch_at(data, epoch: int, index: int):
    """Batch ``index`` of epoch ``epoch`` of ``data`` (see `follows_epochs`), without touching its epoch counter."""
    return data.get_batch(int(index), int(epoch))


class EpochTail(keras.utils.PyDataset):
    """The batches ``start, start + 1, ...`` of one epoch of ``data``: what is left of an interrupted epoch."""

    def __init__(self, data, epoch: int, start: int):
        super().__init__(
            workers=data.workers, use_multiprocessing=data.use_multiprocessing, max_queue_size=data.max_queue_size
        )
        self.data, self.epoch, self.start = data, int(epoch), int(start)
        self._length = len(data) - self.start

    def __len__(self):
        return self._length

    def __getitem__(self, index):
        if not 0 <= index < self._length:
            raise IndexError(f"batch index {index} out of range for {self._length} batches")
        return batch_at(self.data, self.epoch, self.start + index)


def set_epoch(data, epoch: int) -> None:
    """Point ``data`` (see `follows_epochs`) at ``epoch``, so a resumed run sees that epoch's order."""
    if isinstance(data, ArrayBatches):
        data.set_epoch(epoch)
    else:
        data.epoch = int(epoch)


def _lazy_generator(role, data, batch_size, shuffle, seed):
    """A `DataGenerator` for a `Dataset` whose 'X' is lazy (e.g. image files decoded per batch)."""
    from clara_keras.data import DataGenerator
    from clara_keras.data import Dataset

    dataset = data if isinstance(data, Dataset) else Dataset(X=data["X"], y=data.get("y"), classes=data.get("classes"))
    training = role == "train"
    return DataGenerator(dataset, batch_size=batch_size, shuffle=shuffle and training, training=training, seed=seed)


def _is_tf_dataset(obj) -> bool:
    return type(obj).__module__.startswith("tensorflow") and hasattr(obj, "element_spec")


def _as_arrays(role: str, data):
    """``(x, y)`` from a tuple/list or a mapping with 'X' (and 'y'); ``None`` if not array-like."""
    if isinstance(data, Mapping):
        if "X" not in data:
            raise DataError(f"`{role}` is a mapping without an 'X' entry. Received keys: {sorted(data)}")
        return data["X"], data.get("y")
    if isinstance(data, (tuple, list)) and len(data) in (1, 2):
        return data[0], (data[1] if len(data) == 2 else None)
    if isinstance(data, np.ndarray):
        return data, None
    return None


def prepare(role: str, data, batch_size: int, shuffle: bool, seed: int, need_labels: bool = True):
    """Return ``(fit_input, feature_shape, num_samples)`` for `model.fit`/`evaluate`."""
    if isinstance(data, keras.utils.PyDataset):
        return data, _pydataset_feature_shape(role, data), None
    if _is_tf_dataset(data):
        spec = data.element_spec
        spec = spec[0] if isinstance(spec, tuple) else spec
        return data, tuple(spec.shape[1:]) if spec.shape.rank else None, None
    if (
        isinstance(data, Mapping)
        and "X" in data
        and hasattr(data["X"], "subset")
        and not isinstance(data["X"], np.ndarray)
    ):
        generator = _lazy_generator(role, data, batch_size, shuffle, seed)
        return generator, _pydataset_feature_shape(role, generator), len(data["X"])
    arrays = _as_arrays(role, data)
    if arrays is None:
        raise DataError(
            f"`{role}` must be (X, y) arrays, a clara_keras.data.Dataset / mapping with 'X' and 'y', a "
            f"keras.utils.PyDataset (e.g. clara_keras.data.DataGenerator) or a tf.data.Dataset. "
            f"Received: {type(data).__name__}"
        )
    x, y = arrays
    try:
        x = np.asarray(x)
    except Exception as exc:
        raise DataError(f"`{role}` features cannot be read as an array: {exc}") from None
    if x.ndim < 1 or len(x) == 0:
        raise DataError(f"`{role}` has no samples. Received X with shape {x.shape}.")
    if y is None:
        if need_labels:
            raise DataError(f"`{role}` has no labels ('y'); training and testing need labelled data.")
    else:
        y = np.asarray(y)
        if len(y) != len(x):
            raise DataError(
                f"`{role}` has {len(x)} samples in X but {len(y)} labels in y; they must have the same length."
            )
    return ArrayBatches(x, y, batch_size=batch_size, shuffle=shuffle, seed=seed), tuple(x.shape[1:]), len(x)


def _pydataset_feature_shape(role, data):
    try:
        batch = data[0]
    except Exception as exc:
        raise DataError(f"`{role}` PyDataset cannot produce its first batch: {exc}") from exc
    x = batch[0] if isinstance(batch, (tuple, list)) else batch
    shape = getattr(x, "shape", None)
    return tuple(shape[1:]) if shape is not None else None


def check_feature_shape(role: str, shape, expected) -> None:
    """`ShapeError` if ``shape`` (without batch axis) differs from the model's ``expected``."""
    if shape is None or expected is None:
        return
    expected = tuple(expected)
    if len(shape) != len(expected) or any(e is not None and s != e for s, e in zip(shape, expected)):
        raise ShapeError(
            f"`{role}` features have shape {tuple(shape)} per sample, but the model expects {expected}. "
            f"Pass data with the training feature shape."
        )
