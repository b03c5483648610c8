import keras
import numpy as np
import pytest

from clara_keras import layers as cl
from clara_keras.errors import ConfigError
from clara_keras.errors import ShapeError
from tests.helpers.layer_checks import check_layer


def test_harness_and_roundtrip():
    x = np.random.default_rng(0).normal(size=(2, 6, 3)).astype("float32")
    check_layer(cl.AveragePooling1DLayer, {"pool_size": 2}, x, expected_output_shape=(2, 3, 3), train=False)


def test_values_match_numpy():
    x = np.random.default_rng(1).normal(size=(2, 6, 3)).astype("float32")
    y = keras.ops.convert_to_numpy(cl.AveragePooling1DLayer(pool_size=2)(x))
    expected = x.reshape((2, 3, 2, 3)).mean(axis=(2,))
    np.testing.assert_allclose(y, expected, rtol=1e-5, atol=1e-6)


def test_bad_arguments():
    with pytest.raises(ConfigError, match="pool_size=0"):
        cl.AveragePooling1DLayer(pool_size=0)
    with pytest.raises(ConfigError, match="padding='causal'"):
        cl.AveragePooling1DLayer(padding="causal")
    with pytest.raises(ShapeError, match=r"pool_size=\(3,\) is larger"):
        cl.AveragePooling1DLayer(pool_size=3)(np.ones((1, 2, 1), "float32"))
