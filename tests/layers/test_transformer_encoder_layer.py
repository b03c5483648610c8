import keras
import numpy as np
import pytest

from clara_keras import layers as cl
from clara_keras.errors import ConfigError
from clara_keras.errors import ShapeError
from tests.helpers.layer_checks import check_layer


def test_harness_and_roundtrip():
    x = np.random.default_rng(0).normal(size=(2, 3, 4)).astype("float32")
    check_layer(
        cl.TransformerEncoderLayer,
        {"intermediate_dim": 8, "num_heads": 2, "dropout": 0.1},
        x,
        expected_output_shape=(2, 3, 4),
        expected_num_trainable_weights=16,
        supports_masking=True,
        atol=1e-5,
        frozen=("key/bias",),  # softmax is invariant to it: its gradient is exactly zero
    )


def test_normalize_first_changes_the_order():
    x = np.random.default_rng(0).normal(size=(2, 3, 4)).astype("float32")
    post = cl.TransformerEncoderLayer(intermediate_dim=8, num_heads=2)
    pre = cl.TransformerEncoderLayer.from_config({**post.get_config(), "normalize_first": True})
    post(x)
    pre(x)
    pre.set_weights(post.get_weights())
    y_post = keras.ops.convert_to_numpy(post(x))
    y_pre = keras.ops.convert_to_numpy(pre(x))
    # Post-LN ends with a layer norm (zero mean per position); pre-LN ends with a residual sum.
    np.testing.assert_allclose(y_post.mean(-1), 0.0, atol=1e-5)
    assert not np.allclose(y_pre.mean(-1), 0.0, atol=1e-3)


def _model(layer):
    return keras.Sequential(
        [
            keras.Input((5,), dtype="int32"),
            cl.PositionalEmbeddingLayer(vocabulary_size=20, sequence_length=5, embedding_dim=4, mask_zero=True),
            layer,
        ]
    )


def test_padding_mask_keeps_real_tokens_independent_of_padding():
    model = _model(cl.TransformerEncoderLayer(intermediate_dim=8, num_heads=2))
    short = keras.ops.convert_to_numpy(model(np.array([[4, 7, 9, 0, 0]])))
    other = keras.ops.convert_to_numpy(model(np.array([[4, 7, 9, 0, 0]]) * np.array([[1, 1, 1, 1, 1]])))
    np.testing.assert_allclose(short, other)
    # The same tokens, explicit padding_mask and the embedding's own mask agree.
    layer = model.layers[1]
    emb = model.layers[0](np.array([[4, 7, 9, 3, 3]]))
    explicit = keras.ops.convert_to_numpy(layer(emb, padding_mask=np.array([[1, 1, 1, 0, 0]])))
    np.testing.assert_allclose(explicit[:, :3], short[:, :3], rtol=1e-5, atol=1e-5)
    unmasked = keras.ops.convert_to_numpy(layer(emb))
    assert not np.allclose(unmasked[:, :3], short[:, :3], atol=1e-4)


def test_mask_is_passed_on():
    model = _model(cl.TransformerEncoderLayer(intermediate_dim=8, num_heads=2))
    out = model.layers[1].compute_mask(None, np.array([[True, False]]))
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(out), [[True, False]])


def test_causal_mask():
    x = np.random.default_rng(0).normal(size=(1, 4, 4)).astype("float32")
    layer = cl.TransformerEncoderLayer(intermediate_dim=8, num_heads=2)
    x2 = x.copy()
    x2[:, 3] += 3.0
    y = keras.ops.convert_to_numpy(layer(x, use_causal_mask=True))
    y2 = keras.ops.convert_to_numpy(layer(x2, use_causal_mask=True))
    np.testing.assert_allclose(y[:, :3], y2[:, :3], rtol=1e-5, atol=1e-5)


def test_bad_arguments():
    with pytest.raises(ConfigError, match="intermediate_dim=-8"):
        cl.TransformerEncoderLayer(intermediate_dim=-8, num_heads=2)
    with pytest.raises(ShapeError, match="5 must be divisible by num_heads=2"):
        cl.TransformerEncoderLayer(intermediate_dim=8, num_heads=2)(np.ones((1, 3, 5), "float32"))
