import keras
import numpy as np
import pytest

from clara_keras import layers as cl
from clara_keras.errors import ShapeError
from tests.helpers.layer_checks import check_layer


def test_harness_decoder_only():
    x = np.random.default_rng(0).normal(size=(2, 3, 4)).astype("float32")
    check_layer(
        cl.TransformerDecoderLayer,
        {"intermediate_dim": 8, "num_heads": 2},
        x,
        expected_output_shape=(2, 3, 4),
        expected_num_trainable_weights=16,
        atol=1e-5,
        frozen=("key/bias",),  # softmax is invariant to it: its gradient is exactly zero
    )


def test_harness_with_cross_attention():
    rng = np.random.default_rng(0)
    data = {
        "decoder_sequence": rng.normal(size=(2, 3, 4)).astype("float32"),
        "encoder_sequence": rng.normal(size=(2, 5, 6)).astype("float32"),
    }
    check_layer(
        cl.TransformerDecoderLayer,
        {"intermediate_dim": 8, "num_heads": 2, "normalize_first": True},
        data,
        expected_output_shape=(2, 3, 4),
        expected_num_trainable_weights=26,
        atol=1e-5,
        frozen=("key/bias",),  # softmax is invariant to it: its gradient is exactly zero
    )


def test_causal_by_default_and_encoder_padding_mask():
    rng = np.random.default_rng(0)
    dec = rng.normal(size=(1, 4, 4)).astype("float32")
    enc = rng.normal(size=(1, 3, 4)).astype("float32")
    layer = cl.TransformerDecoderLayer(intermediate_dim=8, num_heads=2)
    y = keras.ops.convert_to_numpy(layer(dec, enc))
    dec2 = dec.copy()
    dec2[:, 2:] += 4.0
    np.testing.assert_allclose(y[:, :2], keras.ops.convert_to_numpy(layer(dec2, enc))[:, :2], rtol=1e-5, atol=1e-5)
    # Masked encoder positions do not matter.
    enc2 = enc.copy()
    enc2[:, 2] += 10.0
    mask = np.array([[1, 1, 0]])
    a = keras.ops.convert_to_numpy(layer(dec, enc, encoder_padding_mask=mask))
    b = keras.ops.convert_to_numpy(layer(dec, enc2, encoder_padding_mask=mask))
    np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)
    assert not np.allclose(a, keras.ops.convert_to_numpy(layer(dec, enc2)), atol=1e-4)


def test_decoder_only_rejects_encoder_sequence():
    layer = cl.TransformerDecoderLayer(intermediate_dim=8, num_heads=2)
    layer(np.ones((1, 3, 4), "float32"))
    with pytest.raises(ShapeError, match="built without cross-attention"):
        layer(np.ones((1, 3, 4), "float32"), np.ones((1, 2, 4), "float32"))
