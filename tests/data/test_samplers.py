import numpy as np
import pytest

from clara_keras.data import ClassBalancedSampler
from clara_keras.data import Dataset
from clara_keras.data import RandomSampler
from clara_keras.data import Sampler
from clara_keras.data import SequentialSampler
from clara_keras.data import WeightedSampler
from clara_keras.errors import ConfigError
from clara_keras.errors import DataError


@pytest.fixture
def imbalanced():
    y = np.array([0] * 80 + [1] * 15 + [2] * 5)
    return Dataset(X=np.arange(100, dtype=np.float32)[:, None], y=y, classes=["a", "b", "c"])


def test_sequential_and_random(imbalanced):
    np.testing.assert_array_equal(SequentialSampler()(imbalanced), np.arange(100))
    r = RandomSampler(seed=3)
    e0, e1 = r(imbalanced, 0), r(imbalanced, 1)
    assert sorted(e0.tolist()) == list(range(100))
    assert not np.array_equal(e0, e1)
    np.testing.assert_array_equal(e0, RandomSampler(seed=3)(imbalanced, 0))
    assert not np.array_equal(e0, RandomSampler(seed=4)(imbalanced, 0))


def test_oversampling_equal_class_counts_and_keeps_every_sample(imbalanced):
    idx = ClassBalancedSampler("over", seed=0)(imbalanced, 0)
    counts = np.bincount(imbalanced["y"][idx])
    assert counts.tolist() == [80, 80, 80]
    assert set(idx.tolist()) == set(range(100))


def test_undersampling_equal_counts_without_repeats(imbalanced):
    s = ClassBalancedSampler("under", seed=0)
    idx = s(imbalanced, 0)
    assert np.bincount(imbalanced["y"][idx]).tolist() == [5, 5, 5]
    assert len(set(idx.tolist())) == 15
    assert set(s(imbalanced, 1).tolist()) != set(idx.tolist())  # a new subset of class 0 each epoch


def test_weighted_per_class_proportions(imbalanced):
    s = WeightedSampler({"a": 1 / 80, "b": 1 / 15, "c": 1 / 5}, num_samples=30000, seed=0)
    counts = np.bincount(imbalanced["y"][s(imbalanced, 0)], minlength=3) / 30000
    np.testing.assert_allclose(counts, [1 / 3] * 3, atol=0.02)
    w = np.zeros(100)
    w[[3, 7]] = [1.0, 3.0]
    drawn = WeightedSampler(w, num_samples=4000, seed=1)(imbalanced, 0)
    assert set(drawn.tolist()) == {3, 7}
    np.testing.assert_allclose(np.mean(drawn == 7), 0.75, atol=0.03)


def test_bad_sampler_inputs(imbalanced):
    unlabeled = Dataset(X=np.zeros((4, 1)))
    with pytest.raises(DataError, match="needs labels"):
        ClassBalancedSampler()(unlabeled)
    with pytest.raises(ConfigError, match="mode"):
        ClassBalancedSampler("sideways")
    with pytest.raises(ConfigError, match="weights"):
        WeightedSampler([-1.0, 2.0])
    with pytest.raises(ConfigError, match="not one of"):
        WeightedSampler({"zebra": 1.0})(imbalanced)

    class Broken(Sampler):
        def indices(self, dataset, epoch):
            return np.array([0, 500])

    with pytest.raises(DataError, match="outside 0..99"):
        Broken()(imbalanced)
