import keras
import numpy as np
import pytest

from clara_keras import layers as cl
from clara_keras.errors import ConfigError
from tests.helpers.layer_checks import check_layer


def test_harness_and_roundtrip():
    x = np.random.default_rng(0).normal(size=(2, 3, 4)).astype("float32")
    check_layer(cl.LayerNormalizationLayer, {}, x, expected_output_shape=(2, 3, 4), supports_masking=True)


def test_each_sample_is_normalized():
    x = np.random.default_rng(0).normal(5.0, 3.0, size=(2, 16)).astype("float32")
    y = keras.ops.convert_to_numpy(cl.LayerNormalizationLayer(epsilon=1e-6)(x))
    expected = (x - x.mean(-1, keepdims=True)) / np.sqrt(x.var(-1, keepdims=True) + 1e-6)
    np.testing.assert_allclose(y, expected, rtol=1e-4, atol=1e-4)


def test_bad_epsilon():
    with pytest.raises(ConfigError, match="epsilon=-1"):
        cl.LayerNormalizationLayer(epsilon=-1)
