import keras
import numpy as np
import pytest

from clara_keras import layers as cl
from clara_keras.errors import ConfigError
from tests.helpers.layer_checks import check_layer


def test_harness_cross_attention():
    rng = np.random.default_rng(0)
    data = {
        "query": rng.normal(size=(2, 3, 4)).astype("float32"),
        "value": rng.normal(size=(2, 5, 6)).astype("float32"),
    }
    check_layer(
        cl.MultiHeadAttentionLayer,
        {"num_heads": 2, "key_dim": 2},
        data,
        expected_output_shape=(2, 3, 4),
        expected_num_trainable_weights=8,
        atol=1e-5,
        frozen=("key/bias",),  # softmax is invariant to it: its gradient is exactly zero
    )


def test_harness_self_attention_with_one_input():
    x = np.random.default_rng(0).normal(size=(2, 3, 4)).astype("float32")
    check_layer(
        cl.MultiHeadAttentionLayer,
        {"num_heads": 2, "key_dim": 2},
        x,
        expected_output_shape=(2, 3, 4),
        atol=1e-5,
        frozen=("key/bias",),
    )
    layer = cl.MultiHeadAttentionLayer(num_heads=2, key_dim=2)
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(layer(x)), keras.ops.convert_to_numpy(layer(x, x)), rtol=1e-5, atol=1e-6
    )


def test_padding_mask_from_embedding_hides_padded_keys():
    layer = cl.MultiHeadAttentionLayer(num_heads=1, key_dim=4)
    model = keras.Sequential([keras.Input((4,), dtype="int32"), cl.EmbeddingLayer(9, 4, mask_zero=True), layer])
    ids = np.array([[5, 2, 0, 0]])
    masked = keras.ops.convert_to_numpy(model(ids))
    table = keras.ops.convert_to_numpy(model.layers[0].embeddings)
    emb = table[ids]
    keep = np.array([[True, True, False, False]])
    explicit = keras.ops.convert_to_numpy(layer(emb, emb, value_mask=keep))
    unmasked = keras.ops.convert_to_numpy(layer(emb, emb))
    np.testing.assert_allclose(masked[:, :2], explicit[:, :2], rtol=1e-5, atol=1e-6)
    assert not np.allclose(masked[:, :2], unmasked[:, :2], atol=1e-5)


def test_causal_mask_ignores_the_future():
    x = np.random.default_rng(0).normal(size=(1, 4, 4)).astype("float32")
    layer = cl.MultiHeadAttentionLayer(num_heads=2, key_dim=2)
    y = keras.ops.convert_to_numpy(layer(x, use_causal_mask=True))
    x2 = x.copy()
    x2[:, 2:] += 5.0
    y2 = keras.ops.convert_to_numpy(layer(x2, use_causal_mask=True))
    np.testing.assert_allclose(y[:, :2], y2[:, :2], rtol=1e-5, atol=1e-5)
    assert not np.allclose(y[:, 2:], y2[:, 2:])


def test_bad_arguments():
    with pytest.raises(ConfigError, match="num_heads=0"):
        cl.MultiHeadAttentionLayer(num_heads=0, key_dim=2)
    with pytest.raises(ConfigError, match="dropout=1.2"):
        cl.MultiHeadAttentionLayer(num_heads=2, key_dim=2, dropout=1.2)
