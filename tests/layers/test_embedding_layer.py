import keras
import numpy as np
import pytest

from clara_keras import layers as cl
from clara_keras.errors import ConfigError
from tests.helpers.layer_checks import check_layer


def test_harness_and_roundtrip():
    ids = np.array([[1, 4, 0], [3, 3, 2]], "int32")
    check_layer(
        cl.EmbeddingLayer, {"input_dim": 6, "output_dim": 3, "mask_zero": True}, ids, expected_output_shape=(2, 3, 3)
    )


def test_lookup_and_mask():
    layer = cl.EmbeddingLayer(input_dim=6, output_dim=3, mask_zero=True)
    ids = np.array([[1, 4, 0]], "int32")
    y = keras.ops.convert_to_numpy(layer(ids))
    np.testing.assert_allclose(y[0], keras.ops.convert_to_numpy(layer.embeddings)[[1, 4, 0]])
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(layer.compute_mask(ids)), [[True, True, False]])


def test_bad_sizes():
    with pytest.raises(ConfigError, match="input_dim=0"):
        cl.EmbeddingLayer(input_dim=0, output_dim=3)
    with pytest.raises(ConfigError, match="output_dim=-2"):
        cl.EmbeddingLayer(input_dim=5, output_dim=-2)
