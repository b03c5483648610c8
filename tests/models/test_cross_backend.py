"""A `.keras` file saved on one backend loads and predicts the same on the others.

The fixtures were written by `make_cross_backend_fixtures.py` on TensorFlow, JAX
and PyTorch; this test loads all of them on the current backend.
"""

import os

import keras
import numpy as np
import pytest

import clara_keras as clara
import clara_keras.models  # noqa: F401  (registers clara_keras>Model: the package imports lazily)
from tests.models.make_cross_backend_fixtures import BACKENDS
from tests.models.make_cross_backend_fixtures import FIXTURES
from tests.models.make_cross_backend_fixtures import image_model
from tests.models.make_cross_backend_fixtures import inputs


@pytest.mark.parametrize("name", ["tiny_cnn", "tiny_text"])
@pytest.mark.parametrize("saved_on", BACKENDS)
def test_file_from_every_backend_predicts_the_same_here(saved_on, name):
    path = os.path.join(FIXTURES, f"{name}_{saved_on}.keras")
    model = keras.saving.load_model(path, safe_mode=True)
    assert isinstance(model, clara.Model)
    expected = np.load(os.path.join(FIXTURES, f"{name}_{saved_on}.npy"))
    actual = keras.ops.convert_to_numpy(model(inputs()[name], training=False))
    np.testing.assert_allclose(actual, expected, rtol=1e-4, atol=1e-5)
    if name == "tiny_cnn":
        assert model.params_set["regularizer"] == {"name": "l2", "value": 1e-4}
        assert len(model.losses) == 4  # conv kernel, depthwise + pointwise kernels, dense kernel


def test_same_seed_same_model_and_same_predictions_after_reload(tmp_path):
    x = inputs()["tiny_cnn"]
    keras.utils.set_random_seed(0)
    first = image_model()
    keras.utils.set_random_seed(0)
    second = image_model()
    a = keras.ops.convert_to_numpy(first(x, training=False))
    np.testing.assert_allclose(a, keras.ops.convert_to_numpy(second(x, training=False)), atol=1e-6)
    first.save(tmp_path / "m.keras")
    reloaded = keras.saving.load_model(tmp_path / "m.keras", safe_mode=True)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(reloaded(x, training=False)), a, atol=1e-6)
