import numpy as np
import pytest

from clara_keras.data import Dataset
from clara_keras.datasets import load_digits
from clara_keras.datasets import load_digits_splits


def test_load_digits_shapes_dtypes_and_ranges(digits):
    assert isinstance(digits, Dataset)
    assert digits["X"].shape == (1797, 8, 8, 1)
    assert digits["X"].dtype == np.float32
    assert digits["y"].shape == (1797,)
    assert np.issubdtype(digits["y"].dtype, np.integer)
    assert digits["classes"] == [str(i) for i in range(10)]
    assert set(np.unique(digits["y"])) == set(range(10))
    assert float(digits["X"].min()) == 0.0 and float(digits["X"].max()) == 1.0
    assert digits.num_samples == 1797 and digits.num_classes == 10
    assert "Alpaydin" in digits.meta["citation"]


def test_load_digits_raw_pixels_are_integers_0_to_16():
    raw = load_digits(normalize=False)["X"]
    assert raw.max() == 16.0
    np.testing.assert_array_equal(raw, np.round(raw))
    # A known value of the UCI file: the first image is a '0' with 0 in its corner.
    assert load_digits()["y"][0] == 0 and raw[0, 0, 0, 0] == 0.0


def test_split_sizes_stratified_and_disjoint():
    train, val, test = load_digits_splits(val=0.15, test=0.15, seed=0)
    total = train.num_samples + val.num_samples + test.num_samples
    assert total == 1797
    assert abs(val.num_samples - 0.15 * 1797) <= 10 and abs(test.num_samples - 0.15 * 1797) <= 10
    full = load_digits()["y"]
    overall = np.bincount(full, minlength=10) / len(full)
    for part in (train, val, test):
        freq = np.bincount(part["y"], minlength=10) / part.num_samples
        np.testing.assert_allclose(freq, overall, atol=0.02)
    # Disjoint: every image appears in exactly one part.
    keys = [tuple(x.ravel()) + (int(y),) for p in (train, val, test) for x, y in zip(p["X"], p["y"])]
    assert len(keys) == 1797
    assert train.meta["split"] == "train" and test.meta["split"] == "test"


def test_split_is_deterministic_and_seed_dependent():
    a = load_digits_splits(seed=3)
    b = load_digits_splits(seed=3)
    c = load_digits_splits(seed=4)
    for pa, pb in zip(a, b):
        np.testing.assert_array_equal(pa["X"], pb["X"])
        np.testing.assert_array_equal(pa["y"], pb["y"])
    assert not np.array_equal(a[2]["X"], c[2]["X"])


def test_split_rejects_bad_fractions():
    from clara_keras.data import split
    from clara_keras.errors import ConfigError

    with pytest.raises(ConfigError, match="val"):
        split(load_digits(), val=1.5)
    with pytest.raises(ConfigError, match="training data remains"):
        split(load_digits(), val=0.5, test=0.5)
