import keras
import numpy as np
import pytest

from clara_keras import layers as cl
from clara_keras.errors import ConfigError
from clara_keras.errors import ShapeError
from tests.helpers.layer_checks import check_layer


def test_harness_and_roundtrip():
    x = np.random.default_rng(0).normal(size=(2, 6, 3)).astype("float32")
    check_layer(cl.Conv1DLayer, {"filters": 4, "kernel_size": 3}, x, expected_output_shape=(2, 4, 4))


def test_causal_padding_keeps_length_and_ignores_the_future():
    layer = cl.Conv1DLayer(filters=2, kernel_size=3, padding="causal")
    x = np.random.default_rng(0).normal(size=(1, 6, 1)).astype("float32")
    y = keras.ops.convert_to_numpy(layer(x))
    x2 = x.copy()
    x2[:, 4:] = 100.0
    y2 = keras.ops.convert_to_numpy(layer(x2))
    assert y.shape == (1, 6, 2)
    np.testing.assert_allclose(y[:, :4], y2[:, :4], atol=1e-5)


def test_bad_arguments():
    with pytest.raises(ConfigError, match="filters=-1"):
        cl.Conv1DLayer(filters=-1)
    with pytest.raises(ConfigError, match="padding='full'"):
        cl.Conv1DLayer(filters=2, padding="full")
    with pytest.raises(ShapeError, match=r"kernel_size=\(5,\) is larger"):
        cl.Conv1DLayer(filters=2, kernel_size=5)(np.ones((1, 4, 1), "float32"))
    with pytest.raises(ShapeError, match="dilated"):
        cl.Conv1DLayer(filters=2, kernel_size=3, dilation_rate=2)(np.ones((1, 4, 1), "float32"))
