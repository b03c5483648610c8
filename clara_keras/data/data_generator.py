"""`DataGenerator`: a `keras.utils.PyDataset` that batches a `Dataset` with sampling, augmentation, preprocessing."""

from __future__ import annotations

import threading
from collections.abc import Callable

import keras
import numpy as np

from clara_keras.data.augment.compose import accepts_seed
from clara_keras.data.class_balanced_sampler import ClassBalancedSampler
from clara_keras.data.dataset import Dataset
from clara_keras.data.random_sampler import RandomSampler
from clara_keras.data.sampler import Sampler
from clara_keras.data.sampler import check_seed
from clara_keras.data.sequential_sampler import SequentialSampler
from clara_keras.errors import ConfigError
from clara_keras.errors import DataError
from clara_keras.errors import ParamTypeError
from clara_keras.errors import ShapeError
from clara_keras.errors import suggest

__all__ = ["DataGenerator", "PY_DATASET_KWARGS", "SAMPLER_NAMES"]

PY_DATASET_KWARGS = ("workers", "use_multiprocessing", "max_queue_size")
SAMPLER_NAMES = ("sequential", "random", "balanced", "oversample", "undersample")


def _as_callables(value, name: str) -> list[Callable]:
    if value is None:
        return []
    items = list(value) if isinstance(value, (list, tuple)) else [value]
    for fn in items:
        if not callable(fn):
            raise ParamTypeError(f"`{name}` must be a callable or a list of callables. Received: {fn!r}")
    return items


class _CallableSampler(Sampler):
    def __init__(self, fn):
        self.fn = fn

    def indices(self, dataset, epoch):
        return self.fn(dataset, epoch)


class DataGenerator(keras.utils.PyDataset):
    """Batches of a `Dataset` for `model.fit`, `evaluate` and `predict`, on every backend.

    For each epoch the sampler picks the sample order; each batch is then
    read (image files are decoded only now), augmented (training only),
    preprocessed and returned as NumPy ``(x, y)`` (or ``x`` alone when the data
    set is unlabeled). Only one batch per worker is in memory at a time.

    Everything random (the order of each epoch, the augmentation of each batch)
    is a pure function of `seed`, the epoch and the batch index, so runs are
    reproducible whatever the number of workers.

    It is a `keras.utils.PyDataset`: `workers`, `use_multiprocessing` and
    `max_queue_size` go to `super().__init__` and parallelise batch loading.

    Args:
        dataset: A `Dataset` (from `load_data`), or anything `load_data` accepts.
        batch_size: Positive integer. Defaults to `32`.
        shuffle: Bool: a new seeded random order every epoch. Defaults to
            `None`: shuffle when `training` and the data set is labeled (so
            predictions on unlabeled data keep their order). Ignored when a
            `sampler` is given.
        preprocess: A callable or list of callables applied, in order, to every
            batch of inputs (training and evaluation), e.g. a fitted
            `Standardize` or ``lambda x: (x - mean) / std``.
        augmentation: List of callables applied to each batch of inputs before
            `preprocess`, only when `training` (e.g. `clara_keras.data.augment`
            ops). Ops that accept `seed=` receive a per-batch seed.
        sampler: A `Sampler`, a callable ``(dataset, epoch) -> indices``, or one
            of `"sequential"`, `"random"`, `"balanced"` / `"oversample"`,
            `"undersample"`. Defaults to `None` (from `shuffle`).
        one_hot: `True`: labels as one-hot `float32` rows; `False`: integer ids;
            `None` (default): as stored. A Clara classification model accepts both.
        drop_last: Bool, drop the last batch when it is smaller than
            `batch_size`. Defaults to `False`.
        training: Bool, whether this generator feeds training (augmentation on).
            Set `False` for validation, test and prediction. Defaults to `True`.
        seed: Non-negative integer, or `None` for non-reproducible randomness. Defaults to `0`.
        dtype: Dtype of the inputs. Defaults to `None`: `keras.config.floatx()`
            for float and ``uint8`` inputs, other integer inputs unchanged.
        **kwargs: `workers`, `use_multiprocessing`, `max_queue_size` (see
            `keras.utils.PyDataset`).

    Example:

    ```python
    from clara_keras.data import DataGenerator, load_data

    train_data = load_data("train.csv", "classes.txt")
    mean, std = train_data["X"].mean(), train_data["X"].std()
    normalize = lambda x: (x - mean) / std
    train_gen = DataGenerator(dataset=train_data, batch_size=128, preprocess=normalize, augmentation=[])
    model.fit(train_gen, epochs=3)
    ```
    """

    def __init__(
        self,
        dataset,
        batch_size: int = 32,
        shuffle: bool | None = None,
        preprocess=None,
        augmentation=None,
        sampler=None,
        one_hot: bool | None = None,
        drop_last: bool = False,
        training: bool = True,
        seed: int | None = 0,
        dtype=None,
        **kwargs,
    ):
        for key in kwargs:
            if key not in PY_DATASET_KWARGS:
                raise ConfigError(
                    f"DataGenerator got an unknown argument {key!r}; extra arguments go to keras.utils.PyDataset, "
                    f"which accepts {list(PY_DATASET_KWARGS)}.{suggest(key, PY_DATASET_KWARGS)}"
                )
        workers = kwargs.get("workers", 1)
        if isinstance(workers, bool) or not isinstance(workers, (int, np.integer)) or workers < 0:
            raise ConfigError(
                f"Received an invalid value for `workers`, expected an integer >= 0. Received: {workers!r}"
            )
        super().__init__(**kwargs)
        if not isinstance(dataset, Dataset):
            from clara_keras.data.load_data import load_data

            dataset = load_data(dataset)
        if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size <= 0:
            raise ConfigError(
                f"Received an invalid value for `batch_size`, expected a positive integer. Received: batch_size={batch_size!r}"
            )
        if dataset.get("X") is None or dataset.num_samples == 0:
            raise DataError("DataGenerator got an empty data set (0 samples).")
        if dataset.labeled and len(dataset["y"]) != dataset.num_samples:
            raise ShapeError(
                f"The data set has {dataset.num_samples} samples but {len(dataset['y'])} labels; expected one each."
            )
        for name, value in (("drop_last", drop_last), ("training", training)):
            if not isinstance(value, bool):
                raise ParamTypeError(f"`{name}` must be True or False. Received: {name}={value!r}")
        if shuffle is not None and not isinstance(shuffle, bool):
            raise ParamTypeError(f"`shuffle` must be True, False or None. Received: shuffle={shuffle!r}")
        if one_hot is not None and not isinstance(one_hot, bool):
            raise ParamTypeError(f"`one_hot` must be True, False or None. Received: one_hot={one_hot!r}")
        self.dataset = dataset
        self.batch_size = int(batch_size)
        self.seed = check_seed(seed)
        self.training = training
        self.shuffle = (training and dataset.labeled) if shuffle is None else shuffle
        self.preprocess = _as_callables(preprocess, "preprocess")
        self.augmentation = _as_callables(augmentation, "augmentation")
        self._aug_seeded = [accepts_seed(fn) for fn in self.augmentation]
        self.sampler = self._make_sampler(sampler)
        self.one_hot = one_hot
        self.drop_last = drop_last
        if dtype is not None:
            try:
                np.dtype(dtype)
            except TypeError:
                raise ConfigError(
                    f"Received an invalid value for `dtype`, expected a NumPy/Keras dtype name such as 'float32'. "
                    f"Received: dtype={dtype!r}"
                ) from None
        self.dtype = dtype
        self.epoch = 0
        self._lock = threading.Lock()
        self._orders: dict[int, np.ndarray] = {}
        self._epoch_length: int | None = None
        if one_hot and dataset.labeled and np.asarray(dataset["y"]).ndim == 1 and not dataset.num_classes:
            raise ConfigError("one_hot=True needs the number of classes; the data set has no 'classes'.")
        if len(self) == 0:
            raise DataError(
                f"DataGenerator has no batches: {len(self._order(0))} samples per epoch, batch_size={self.batch_size}, "
                "drop_last=True. Use a smaller batch_size or drop_last=False."
            )

    # -- sampling --------------------------------------------------------------------------------
    def _make_sampler(self, sampler) -> Sampler:
        if sampler is None:
            return RandomSampler(seed=self.seed) if self.shuffle else SequentialSampler()
        if isinstance(sampler, Sampler):
            return sampler
        if isinstance(sampler, str):
            if sampler == "sequential":
                return SequentialSampler()
            if sampler == "random":
                return RandomSampler(seed=self.seed)
            if sampler in ("balanced", "oversample"):
                return ClassBalancedSampler("over", seed=self.seed)
            if sampler == "undersample":
                return ClassBalancedSampler("under", seed=self.seed)
            raise ConfigError(
                f"Received an invalid value for `sampler`, expected a Sampler or one of {SAMPLER_NAMES}. "
                f"Received: sampler={sampler!r}.{suggest(sampler, SAMPLER_NAMES)}"
            )
        if callable(sampler):
            return _CallableSampler(sampler)
        raise ParamTypeError(f"`sampler` must be a Sampler, a callable or a name. Received: {sampler!r}")

    def _order(self, epoch: int) -> np.ndarray:
        with self._lock:
            order = self._orders.get(epoch)
            if order is None:
                order = self.sampler(self.dataset, epoch)
                if self._epoch_length is None:
                    self._epoch_length = len(order)
                elif len(order) != self._epoch_length:
                    raise DataError(
                        f"{type(self.sampler).__name__} returned {len(order)} indices for epoch {epoch} but "
                        f"{self._epoch_length} before; a sampler must give the same number every epoch."
                    )
                self._orders[epoch] = order
                for old in [e for e in self._orders if e < epoch - 1]:
                    del self._orders[old]
            return order

    def epoch_indices(self, epoch: int | None = None) -> np.ndarray:
        """The sample indices of an epoch (default: the current one), in batch order."""
        return self._order(self.epoch if epoch is None else int(epoch)).copy()

    # -- PyDataset -------------------------------------------------------------------------------
    def __len__(self) -> int:
        n = len(self._order(self.epoch)) if self._epoch_length is None else self._epoch_length
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    @property
    def num_samples(self) -> int:
        """Samples per epoch (as the sampler draws them, before `drop_last`)."""
        return len(self._order(self.epoch))

    @property
    def num_classes(self) -> int | None:
        return self.dataset.num_classes

    def __getitem__(self, index: int):
        return self.get_batch(index, self.epoch)

    def on_epoch_end(self):
        self.epoch += 1
        # Draw the next order now, in this process: worker processes forked for the next epoch
        # inherit it, so they all batch the same order even when `seed=None`.
        self._order(self.epoch)

    def __getstate__(self):
        state = dict(self.__dict__)
        state.pop("_lock", None)  # locks cannot be pickled (spawned worker processes)
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._lock = threading.Lock()

    def batch_seed(self, index: int, epoch: int) -> int | None:
        """The augmentation seed of batch `index` of `epoch` (a pure function of `seed`)."""
        if self.seed is None:
            return None
        return int(np.random.SeedSequence([self.seed, int(epoch), int(index)]).generate_state(1)[0] >> 1)

    def get_batch(self, index: int, epoch: int):
        """Batch number `index` of epoch `epoch`: ``(x, y)``, or ``x`` when unlabeled."""
        num_batches = len(self)
        index = int(index)
        if index < 0:
            index += num_batches
        if not 0 <= index < num_batches:
            raise IndexError(f"batch index {index} out of range for {num_batches} batches")
        order = self._order(epoch)
        idx = order[index * self.batch_size : (index + 1) * self.batch_size]
        X = self.dataset["X"]
        try:
            x = X.read_batch(idx) if hasattr(X, "read_batch") else np.asarray(X[idx])
        except DataError as e:
            raise DataError(f"{e} [while reading batch {index} of epoch {epoch}]") from None
        n = len(idx)
        if self.training and self.augmentation:
            seed = self.batch_seed(index, epoch)
            rng = np.random.default_rng(seed)
            for fn, seeded in zip(self.augmentation, self._aug_seeded):
                x = fn(x, seed=int(rng.integers(0, 2**31 - 1))) if seeded else fn(x)
                x = self._check_batch(x, n, fn, "augmentation")
        for fn in self.preprocess:
            x = self._check_batch(fn(x), n, fn, "preprocess")
        x = self._cast_inputs(x)
        if not self.dataset.labeled:
            return x
        return x, self._labels(idx)

    @staticmethod
    def _check_batch(x, n: int, fn, what: str) -> np.ndarray:
        x = keras.ops.convert_to_numpy(x) if not isinstance(x, np.ndarray) else x
        if x.ndim == 0 or x.shape[0] != n:
            name = getattr(fn, "__name__", type(fn).__name__)
            raise ShapeError(
                f"{what} function {name} changed the batch size: expected {n} samples, got shape {x.shape}. "
                "It must map a batch to a batch of the same length."
            )
        return x

    def _cast_inputs(self, x: np.ndarray) -> np.ndarray:
        if self.dtype is not None:
            return x.astype(self.dtype, copy=False)
        if x.dtype.kind == "f" or x.dtype == np.uint8 or x.dtype == bool:
            return x.astype(keras.config.floatx(), copy=False)
        return x

    def _labels(self, idx) -> np.ndarray:
        y = np.asarray(self.dataset["y"])[idx]
        if y.dtype.kind in "iub" and y.ndim == 1:
            if self.one_hot:
                k = self.dataset.num_classes
                return np.eye(k, dtype=keras.config.floatx())[y]
            return y.astype(np.int32)
        if y.ndim == 2 and y.shape[1] > 1 and self.one_hot is False:
            return np.argmax(y, axis=1).astype(np.int32)
        return y.astype(keras.config.floatx(), copy=False) if y.dtype.kind == "f" else y

    # -- tf.data ---------------------------------------------------------------------------------
    def to_tf_dataset(self, num_parallel_calls: int | None = None, prefetch: int | None = None):
        """A `tf.data.Dataset` of the same batches (TensorFlow backend or TF installed).

        Each pass over the returned data set is one epoch (a new order when
        shuffling); batches are read by `num_parallel_calls` threads (default:
        `workers`, or AUTOTUNE) in deterministic order, and prefetched.

        Example:

        ```python
        ds = train_gen.to_tf_dataset()
        model.fit(ds, epochs=5)
        ```
        """
        try:
            import tensorflow as tf
        except ImportError:
            raise ConfigError("to_tf_dataset() needs TensorFlow installed (pip install tensorflow).") from None
        first = self.get_batch(0, self.epoch)
        first = first if isinstance(first, tuple) else (first,)
        specs = tuple(
            tf.TensorSpec(shape=(None, *np.shape(a)[1:]), dtype=tf.as_dtype(np.asarray(a).dtype)) for a in first
        )
        num_batches = len(self)
        labeled = self.dataset.labeled
        counter = {"epoch": self.epoch}
        lock = threading.Lock()

        def claim_epoch():
            with lock:
                epoch = counter["epoch"]
                counter["epoch"] += 1
                self.epoch = counter["epoch"]
            yield np.int64(epoch)

        def fetch(epoch, index):
            out = self.get_batch(int(index), int(epoch))
            return tuple(out) if isinstance(out, tuple) else (out,)

        def fetch_tf(epoch, index):
            outs = tf.numpy_function(fetch, [epoch, index], [s.dtype for s in specs], stateful=False)
            outs = [tf.ensure_shape(o, s.shape) for o, s in zip(outs, specs)]
            return tuple(outs) if labeled else outs[0]

        parallel = num_parallel_calls or (self.workers if self.workers > 1 else tf.data.AUTOTUNE)
        epochs = tf.data.Dataset.from_generator(claim_epoch, output_signature=tf.TensorSpec((), tf.int64))
        ds = epochs.flat_map(lambda e: tf.data.Dataset.range(num_batches).map(lambda i: (e, i)))
        ds = ds.map(fetch_tf, num_parallel_calls=parallel, deterministic=True)
        ds = ds.apply(tf.data.experimental.assert_cardinality(num_batches))
        return ds.prefetch(prefetch or tf.data.AUTOTUNE)

    def __repr__(self) -> str:
        return (
            f"DataGenerator({self.dataset.num_samples} samples, batch_size={self.batch_size}, batches={len(self)}, "
            f"sampler={self.sampler!r}, training={self.training})"
        )
