import keras
import numpy as np
import pytest

from clara_keras import layers as cl
from clara_keras.errors import ConfigError
from clara_keras.errors import ShapeError
from tests.helpers.layer_checks import check_layer

KW = {"vocabulary_size": 10, "sequence_length": 6, "embedding_dim": 4, "mask_zero": True}


def test_harness_and_roundtrip():
    ids = np.array([[1, 5, 3, 0], [2, 2, 9, 4]], "int32")
    check_layer(cl.PositionalEmbeddingLayer, KW, ids, expected_output_shape=(2, 4, 4), expected_num_trainable_weights=2)


def test_is_token_plus_position_and_masks_zero():
    layer = cl.PositionalEmbeddingLayer(**KW)
    ids = np.array([[1, 5, 3, 0]], "int32")
    y = keras.ops.convert_to_numpy(layer(ids))
    tokens = keras.ops.convert_to_numpy(layer.token_embedding.embeddings)
    positions = keras.ops.convert_to_numpy(layer.position_embedding)
    np.testing.assert_allclose(y[0], tokens[[1, 5, 3, 0]] + positions[:4], rtol=1e-6, atol=1e-6)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(layer.compute_mask(ids)), [[True, True, True, False]])


def test_bad_arguments():
    with pytest.raises(ConfigError, match="sequence_length=0"):
        cl.PositionalEmbeddingLayer(vocabulary_size=10, sequence_length=0, embedding_dim=4)
    with pytest.raises(ShapeError, match="steps <= sequence_length=6"):
        cl.PositionalEmbeddingLayer(**KW)(np.ones((1, 7), "int32"))
