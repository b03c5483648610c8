import numpy as np
import pytest

from clara_keras.data import load_arrays
from clara_keras.data import load_data
from clara_keras.data import load_npz
from clara_keras.errors import DataError
from clara_keras.errors import ShapeError
from clara_keras.errors import UnsafeFileError


def test_arrays_tuple_mapping_and_string_labels():
    X = np.arange(12, dtype=np.float32).reshape(6, 2)
    ds = load_data((X, np.array([0, 1, 2, 0, 1, 2])))
    assert ds["classes"] == ["0", "1", "2"]
    np.testing.assert_array_equal(ds["X"], X)
    ds2 = load_data({"x": X, "labels": np.array(list("ababab"))})
    assert ds2["classes"] == ["a", "b"]
    np.testing.assert_array_equal(ds2["y"], [0, 1, 0, 1, 0, 1])
    ds3 = load_data(X)
    assert not ds3.labeled


def test_length_mismatch_and_bad_labels():
    with pytest.raises(ShapeError, match="X has 3 samples but y has 2 labels"):
        load_arrays(np.zeros((3, 2)), [0, 1])
    with pytest.raises(DataError, match="label 3 is not in the 2 classes"):
        load_arrays(np.zeros((3, 2)), [0, 1, 3], classes=["a", "b"])
    with pytest.raises(DataError, match="empty"):
        load_arrays(np.zeros((0, 2)))


def test_nonfinite_arrays():
    X = np.ones((4, 2))
    X[2, 1] = np.inf
    with pytest.raises(DataError, match="sample 2"):
        load_arrays(X, [0, 1, 0, 1])
    with pytest.warns(UserWarning, match="Dropped 1"):
        ds = load_arrays(X, [0, 1, 0, 1], nonfinite="drop")
    np.testing.assert_array_equal(ds["y"], [0, 1, 1])


def test_npz_and_npy_roundtrip(tmp_path):
    X = np.random.default_rng(0).random((5, 3)).astype(np.float32)
    y = np.array([0, 1, 1, 0, 1])
    np.savez(tmp_path / "d.npz", X=X, y=y)
    ds = load_data(tmp_path / "d.npz", ["neg", "pos"])
    np.testing.assert_array_equal(ds["X"], X)
    np.testing.assert_array_equal(ds["y"], y)
    assert ds["classes"] == ["neg", "pos"] and ds.meta["format"] == "npz"
    np.save(tmp_path / "x.npy", X)
    assert not load_npz(tmp_path / "x.npy").labeled


def test_pickled_npz_is_refused(tmp_path):
    np.savez(tmp_path / "evil.npz", X=np.array([{"a": 1}, None], dtype=object))
    with pytest.raises(UnsafeFileError, match="never unpickles"):
        load_npz(tmp_path / "evil.npz")
    (tmp_path / "empty.npz").write_bytes(b"")
    with pytest.raises(DataError, match="is empty"):
        load_npz(tmp_path / "empty.npz")
