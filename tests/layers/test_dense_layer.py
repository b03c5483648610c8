import keras
import numpy as np
import pytest

from clara_keras import layers as cl
from clara_keras.errors import ConfigError
from tests.helpers.layer_checks import check_layer


def test_harness_and_roundtrip():
    x = np.random.default_rng(0).normal(size=(3, 4)).astype("float32")
    check_layer(cl.DenseLayer, {"units": 5, "activation": "relu"}, x, expected_output_shape=(3, 5))


def test_values_are_x_dot_kernel_plus_bias():
    x = np.random.default_rng(0).normal(size=(3, 4)).astype("float32")
    layer = cl.DenseLayer(units=2)
    y = keras.ops.convert_to_numpy(layer(x))
    kernel, bias = (keras.ops.convert_to_numpy(w) for w in layer.weights)
    np.testing.assert_allclose(y, x @ kernel + bias, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("units", [-3, 0, 2.5, "8", True])
def test_bad_units(units):
    with pytest.raises(ConfigError, match=f"expected a positive integer. Received: units={units!r}"):
        cl.DenseLayer(units=units)
