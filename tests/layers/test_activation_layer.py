import keras
import numpy as np
import pytest

from clara_keras import layers as cl
from clara_keras.errors import ConfigError
from tests.helpers.layer_checks import check_layer


def test_harness_and_roundtrip():
    x = np.random.default_rng(0).normal(size=(2, 5)).astype("float32")
    check_layer(cl.ActivationLayer, {"activation": "softmax"}, x, expected_output_shape=(2, 5), train=False)


def test_values():
    x = np.array([[-1.0, 0.0, 2.0]], "float32")
    np.testing.assert_allclose(keras.ops.convert_to_numpy(cl.ActivationLayer("relu")(x)), [[0.0, 0.0, 2.0]])
    np.testing.assert_allclose(keras.ops.convert_to_numpy(cl.ActivationLayer(None)(x)), x)


def test_unknown_activation_suggests_the_nearest():
    with pytest.raises(ConfigError, match="activation='sofmax'.*Did you mean 'softmax'"):
        cl.ActivationLayer("sofmax")
