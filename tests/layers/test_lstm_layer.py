import keras
import numpy as np
import pytest

from clara_keras import layers as cl
from clara_keras.errors import ConfigError
from tests.helpers.layer_checks import check_layer


def test_harness_and_roundtrip():
    # unroll=True keeps JAX from re-compiling a `lax.scan` on every eager call of the harness;
    # the scan path is compared with Keras in the next test.
    x = np.random.default_rng(0).normal(size=(2, 4, 3)).astype("float32")
    check_layer(
        cl.LSTMLayer,
        {"units": 5, "unroll": True},
        x,
        expected_output_shape=(2, 5),
        expected_num_trainable_weights=3,
        atol=1e-5,
    )


def test_return_sequences_and_matches_keras():
    x = np.random.default_rng(0).normal(size=(2, 4, 3)).astype("float32")
    ours = cl.LSTMLayer(units=5, return_sequences=True)
    ref = keras.layers.LSTM(5, return_sequences=True)
    ours.build(x.shape)
    ref.build(x.shape)
    ours.set_weights(ref.get_weights())
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(ours(x)), keras.ops.convert_to_numpy(ref(x)), rtol=1e-5, atol=1e-5
    )
    assert tuple(ours(x).shape) == (2, 4, 5)


def test_padded_steps_are_skipped():
    model = keras.Sequential(
        [keras.Input((5,), dtype="int32"), cl.EmbeddingLayer(7, 3, mask_zero=True), cl.LSTMLayer(units=4)]
    )
    short = np.array([[3, 1, 2, 0, 0]], "int32")
    unpadded = keras.Sequential([keras.Input((3,), dtype="int32"), model.layers[0], model.layers[1]])
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(model(short)),
        keras.ops.convert_to_numpy(unpadded(short[:, :3])),
        rtol=1e-5,
        atol=1e-6,
    )


@pytest.mark.parametrize(
    ("kwargs", "phrase"), [({"units": -2}, "units=-2"), ({"units": 4, "dropout": 1.0}, "dropout=1.0")]
)
def test_bad_arguments(kwargs, phrase):
    with pytest.raises(ConfigError, match=phrase):
        cl.LSTMLayer(**kwargs)
