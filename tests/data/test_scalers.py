import json

import numpy as np
import pytest

from clara_keras.data import Dataset
from clara_keras.data import MinMaxScale
from clara_keras.data import Standardize
from clara_keras.data import load_data
from clara_keras.data import load_scaler
from clara_keras.data import split
from clara_keras.errors import CheckpointError
from clara_keras.errors import ConfigError
from clara_keras.errors import DataError
from clara_keras.errors import ShapeError


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    X = (rng.normal(size=(200, 3)) * [1.0, 10.0, 0.1] + [5.0, -3.0, 100.0]).astype(np.float32)
    return Dataset(X=X, y=rng.integers(0, 2, 200), classes=["a", "b"])


def test_standardize_per_feature_matches_numpy(data):
    train, val, _ = split(data, val=0.2, test=0.1, seed=0)
    s = Standardize().fit(train)
    np.testing.assert_allclose(s.mean, train["X"].astype(np.float64).mean(axis=0), rtol=1e-6)
    np.testing.assert_allclose(s.std, train["X"].astype(np.float64).std(axis=0), rtol=1e-5)
    z = s(train["X"])
    assert z.dtype == np.float32
    np.testing.assert_allclose(z.mean(axis=0), 0, atol=1e-3)
    np.testing.assert_allclose(z.std(axis=0), 1, atol=1e-3)
    np.testing.assert_allclose(s.inverse_transform(z), train["X"], rtol=1e-5)
    # validation is transformed with the *training* statistics
    np.testing.assert_allclose(s(val["X"]), (val["X"] - s.mean) / s.std, rtol=1e-5, atol=1e-5)


def test_standardize_scalar_like_the_seed(data):
    s = Standardize(axis=None).fit(data)
    assert s.mean.shape == ()
    np.testing.assert_allclose(float(s.mean), data["X"].mean(dtype=np.float64), rtol=1e-6)


def test_minmax_range_clip_and_constant_feature():
    X = np.array([[0.0, 5.0], [10.0, 5.0], [5.0, 5.0]], dtype=np.float32)
    m = MinMaxScale(feature_range=(-1, 1)).fit(X)
    np.testing.assert_allclose(m(X), [[-1, -1], [1, -1], [0, -1]])
    np.testing.assert_allclose(m.inverse_transform(m(X)), X)
    clipped = MinMaxScale(clip=True).fit(X)
    assert clipped(np.array([[20.0, 5.0]]))[0, 0] == 1.0
    with pytest.raises(ConfigError, match="low < high"):
        MinMaxScale(feature_range=(1, 0))


def test_per_channel_on_lazy_images(make_image_folder):
    ds = load_data(make_image_folder({"a": 3, "b": 3}))
    s = Standardize(axis=-1).fit(ds)
    full = np.asarray(ds["X"]).astype(np.float64)
    np.testing.assert_allclose(s.mean, full.mean(axis=(0, 1, 2)), rtol=1e-6)
    assert s(ds["X"][[0, 1]]).shape == (2, 6, 5, 3)


def test_save_load_json_roundtrip(tmp_path, data):
    s = Standardize().fit(data)
    m = MinMaxScale(feature_range=(0, 2)).fit(data)
    s.save(tmp_path / "s.json")
    m.save(tmp_path / "m.json")
    blob = json.loads((tmp_path / "s.json").read_text())
    assert blob["class_name"] == "Standardize" and blob["format"] == "clara_keras.scaler"
    for scaler, name in ((s, "s.json"), (m, "m.json")):
        loaded = load_scaler(tmp_path / name)
        assert type(loaded) is type(scaler)
        np.testing.assert_array_equal(loaded(data["X"]), scaler(data["X"]))
    with pytest.raises(CheckpointError, match="exists"):
        s.save(tmp_path / "s.json")
    s.save(tmp_path / "s.json", overwrite=True)
    with pytest.raises(CheckpointError, match="holds a Standardize"):
        MinMaxScale.load(tmp_path / "s.json")
    (tmp_path / "bad.json").write_text('{"format": "other"}')
    with pytest.raises(CheckpointError, match="not a clara_keras scaler"):
        load_scaler(tmp_path / "bad.json")


def test_fit_on_validation_split_is_refused_and_errors(data):
    _, val, test = split(data, val=0.2, test=0.2, seed=0)
    with pytest.raises(DataError, match="training split only"):
        Standardize().fit(val)
    with pytest.raises(ConfigError, match="not fitted"):
        Standardize()(data["X"])
    s = Standardize().fit(data)
    with pytest.raises(ShapeError, match="fitted on samples of shape"):
        s(np.zeros((2, 4)))
    with pytest.raises(ConfigError, match="batch axis"):
        Standardize(axis=0).fit(data)
