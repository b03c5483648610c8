import keras
import numpy as np
import pytest

from clara_keras.data import ClassBalancedSampler
from clara_keras.data import DataGenerator
from clara_keras.data import Dataset
from clara_keras.data import Sampler
from clara_keras.data import Standardize
from clara_keras.data import augment as A
from clara_keras.data import load_data
from clara_keras.errors import ConfigError
from clara_keras.errors import DataError
from clara_keras.errors import ParamTypeError
from clara_keras.errors import ShapeError


@pytest.fixture
def ds():
    X = np.arange(10 * 4, dtype=np.float32).reshape(10, 4)
    return Dataset(X=X, y=np.arange(10) % 3, classes=["a", "b", "c"])


def test_is_a_py_dataset_and_passes_worker_kwargs(ds):
    gen = DataGenerator(ds, batch_size=4, workers=2, use_multiprocessing=False, max_queue_size=3)
    assert isinstance(gen, keras.utils.PyDataset)
    assert (gen.workers, gen.use_multiprocessing, gen.max_queue_size) == (2, False, 3)
    with pytest.raises(ConfigError, match="Did you mean 'workers'"):
        DataGenerator(ds, batch_size=4, worker=2)


def test_length_and_last_batch(ds):
    gen = DataGenerator(ds, batch_size=4, shuffle=False)
    assert len(gen) == 3
    assert [gen[i][0].shape[0] for i in range(3)] == [4, 4, 2]
    np.testing.assert_array_equal(gen[2][0], ds["X"][8:])
    np.testing.assert_array_equal(gen[-1][1], [2, 0])
    dropped = DataGenerator(ds, batch_size=4, shuffle=False, drop_last=True)
    assert len(dropped) == 2
    with pytest.raises(IndexError):
        dropped[2]
    assert len(DataGenerator(ds, batch_size=10)) == 1 and len(DataGenerator(ds, batch_size=64)) == 1
    with pytest.raises(DataError, match="no batches"):
        DataGenerator(ds, batch_size=11, drop_last=True)


@pytest.mark.parametrize("bad", [0, -3, 2.5, True, None])
def test_batch_size_must_be_positive_integer(ds, bad):
    with pytest.raises(ConfigError, match="batch_size"):
        DataGenerator(ds, batch_size=bad)


def test_seeded_reshuffle_each_epoch(ds):
    gen = DataGenerator(ds, batch_size=5, seed=1)
    e0 = np.concatenate([gen[i][0][:, 0] for i in range(len(gen))])
    gen.on_epoch_end()
    e1 = np.concatenate([gen[i][0][:, 0] for i in range(len(gen))])
    assert sorted(e0) == sorted(e1) == sorted(ds["X"][:, 0])
    assert not np.array_equal(e0, e1)
    again = DataGenerator(ds, batch_size=5, seed=1)
    np.testing.assert_array_equal(np.concatenate([again[i][0][:, 0] for i in range(2)]), e0)
    # labels stay aligned with inputs
    x, y = gen[0]
    np.testing.assert_array_equal(y, (x[:, 0] // 4).astype(int) % 3)


def test_shuffle_defaults(ds):
    assert DataGenerator(ds).shuffle is True
    assert DataGenerator(ds, training=False).shuffle is False
    unlabeled = Dataset(X=ds["X"])
    gen = DataGenerator(unlabeled, batch_size=4)
    assert gen.shuffle is False
    out = gen[0]
    assert isinstance(out, np.ndarray)
    np.testing.assert_array_equal(out, ds["X"][:4])


def test_preprocess_list_and_augmentation_training_only(ds):
    calls = []

    def aug(x, seed=None):
        calls.append(seed)
        return x + 1000

    gen = DataGenerator(
        ds, batch_size=5, shuffle=False, preprocess=[lambda x: x * 2, lambda x: x - 1], augmentation=[aug]
    )
    np.testing.assert_array_equal(gen[0][0], (ds["X"][:5] + 1000) * 2 - 1)
    assert calls and calls[0] is not None
    evaluation = DataGenerator(
        ds, batch_size=5, shuffle=False, preprocess=lambda x: x * 2, augmentation=[aug], training=False
    )
    np.testing.assert_array_equal(evaluation[0][0], ds["X"][:5] * 2)


def test_augmentation_seeds_are_per_batch_and_epoch():
    X = np.random.default_rng(0).integers(0, 255, (12, 6, 6, 3)).astype(np.uint8)
    ds = Dataset(X=X, y=np.zeros(12, int), classes=["a"])
    ops = [A.RandomCrop(4, 4, padding=1), A.RandomHorizontalFlip()]
    g1 = DataGenerator(ds, batch_size=4, shuffle=False, augmentation=ops, seed=5)
    g2 = DataGenerator(ds, batch_size=4, shuffle=False, augmentation=ops, seed=5)
    np.testing.assert_array_equal(g1[1][0], g2[1][0])
    np.testing.assert_array_equal(g1.get_batch(1, 0)[0], g1.get_batch(1, 0)[0])
    assert not np.array_equal(g1.get_batch(1, 0)[0], g1.get_batch(1, 1)[0])
    assert g1[0][0].dtype == np.float32 and g1[0][0].shape == (4, 4, 4, 3)


def test_one_hot_and_integer_labels(ds):
    gen = DataGenerator(ds, batch_size=4, shuffle=False, one_hot=True)
    y = gen[0][1]
    assert y.shape == (4, 3) and y.dtype == np.float32
    np.testing.assert_array_equal(y.argmax(1), [0, 1, 2, 0])
    ints = DataGenerator(Dataset(X=ds["X"], y=np.eye(3)[ds["y"]]), batch_size=4, shuffle=False, one_hot=False)
    np.testing.assert_array_equal(ints[0][1], [0, 1, 2, 0])
    assert DataGenerator(ds, batch_size=4, shuffle=False)[0][1].dtype == np.int32


def test_sampler_names_instances_and_callables(ds):
    balanced = DataGenerator(ds, batch_size=4, sampler="balanced")
    ys = np.concatenate([balanced[i][1] for i in range(len(balanced))])
    assert np.bincount(ys).tolist() == [4, 4, 4]
    under = DataGenerator(ds, batch_size=3, sampler=ClassBalancedSampler("under", seed=2))
    assert under.num_samples == 9
    reverse = DataGenerator(ds, batch_size=10, sampler=lambda d, e: np.arange(d.num_samples)[::-1])
    np.testing.assert_array_equal(reverse[0][0][:, 0], ds["X"][::-1, 0])
    with pytest.raises(ConfigError, match="Did you mean 'random'"):
        DataGenerator(ds, sampler="randm")

    class Growing(Sampler):
        def indices(self, dataset, epoch):
            return np.arange(5 + epoch)

    gen = DataGenerator(ds, batch_size=2, sampler=Growing())
    with pytest.raises(DataError, match="same number every epoch"):
        gen.get_batch(0, 1)


def test_bad_arguments_are_typed(ds):
    with pytest.raises(ParamTypeError, match="preprocess"):
        DataGenerator(ds, preprocess=[3])
    with pytest.raises(DataError, match="empty"):
        DataGenerator(Dataset(X=np.zeros((0, 2))))
    with pytest.raises(ShapeError, match="changed the batch size"):
        DataGenerator(ds, batch_size=4, preprocess=lambda x: x[:2])[0]
    with pytest.raises(ShapeError, match="10 samples but 3 labels"):
        DataGenerator(Dataset(X=ds["X"], y=np.array([0, 1, 2])))


def test_accepts_arrays_and_a_fitted_scaler(ds):
    scaler = Standardize().fit(ds)
    gen = DataGenerator((ds["X"], ds["y"]), batch_size=10, shuffle=False, preprocess=scaler)
    np.testing.assert_allclose(gen[0][0].mean(axis=0), 0, atol=1e-5)


def test_lazy_image_folder_batches(make_image_folder):
    data = load_data(make_image_folder({"a": 5, "b": 4}))
    gen = DataGenerator(data, batch_size=4, shuffle=False, preprocess=A.ToFloat())
    x, y = gen[2]
    assert x.shape == (1, 6, 5, 3) and x.dtype == np.float32 and y.tolist() == [1]
    np.testing.assert_allclose(x[0, 1, 1, 0], 30 / 255.0)


@pytest.mark.skipif(keras.config.backend() != "tensorflow", reason="tf.data export is TensorFlow-only")
def test_to_tf_dataset_matches_batches_and_reshuffles(ds):
    gen = DataGenerator(ds, batch_size=4, seed=3)
    expected0 = [gen.get_batch(i, 0) for i in range(len(gen))]
    expected1 = [gen.get_batch(i, 1) for i in range(len(gen))]
    tfds = gen.to_tf_dataset()
    assert int(tfds.cardinality()) == 3
    epoch0 = [(x.numpy(), y.numpy()) for x, y in tfds]
    epoch1 = [(x.numpy(), y.numpy()) for x, y in tfds]
    for got, exp in zip(epoch0 + epoch1, expected0 + expected1):
        np.testing.assert_array_equal(got[0], exp[0])
        np.testing.assert_array_equal(got[1], exp[1])


@pytest.mark.skipif(keras.config.backend() == "jax", reason="JAX is not fork-safe; Keras warns on fork")
def test_fit_with_worker_processes(ds):
    import clara_keras as clara
    from clara_keras import layers as cl

    gen = DataGenerator(ds, batch_size=4, seed=None, workers=2, use_multiprocessing=True, preprocess=lambda x: x / 40.0)
    model = clara.Model(type="classification", input_shape=(4,))
    model.add(cl.DenseLayer(units=3))
    model.compile()
    history = model.fit(gen, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2 and np.isfinite(history.history["loss"]).all()
    # unseeded order is drawn once per epoch in the parent, so every sample is seen exactly once
    assert sorted(gen.epoch_indices().tolist()) == list(range(10))


def test_generator_pickles_without_its_lock(ds):
    import pickle

    gen = DataGenerator(ds, batch_size=4, seed=2)
    clone = pickle.loads(pickle.dumps(gen))
    np.testing.assert_array_equal(clone[1][0], gen[1][0])
