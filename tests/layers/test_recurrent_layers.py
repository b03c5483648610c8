"""The three Clara recurrent layers (SimpleRNN, LSTM, GRU), one parametrized module."""

import keras
import numpy as np
import pytest

from clara_keras import layers as cl
from clara_keras.errors import ConfigError
from tests.helpers.layer_checks import check_layer

RECURRENT = [
    (cl.SimpleRNNLayer, keras.layers.SimpleRNN),
    (cl.LSTMLayer, keras.layers.LSTM),
    (cl.GRULayer, keras.layers.GRU),
]
IDS = [cls.__name__ for cls, _ in RECURRENT]


@pytest.mark.parametrize(("cls", "keras_cls"), RECURRENT, ids=IDS)
def test_harness_and_roundtrip(cls, keras_cls):
    # unroll=True keeps JAX from re-compiling a `lax.scan` on every eager call of the harness;
    # the scan path is compared with Keras in the next test.
    x = np.random.default_rng(0).normal(size=(2, 4, 3)).astype("float32")
    check_layer(
        cls,
        {"units": 5, "unroll": True},
        x,
        expected_output_shape=(2, 5),
        expected_num_trainable_weights=3,
        atol=1e-5,
    )


@pytest.mark.parametrize(("cls", "keras_cls"), RECURRENT, ids=IDS)
def test_return_sequences_and_matches_keras(cls, keras_cls):
    x = np.random.default_rng(0).normal(size=(2, 4, 3)).astype("float32")
    ours = cls(units=5, return_sequences=True)
    ref = keras_cls(5, return_sequences=True)
    ours.build(x.shape)
    ref.build(x.shape)
    ours.set_weights(ref.get_weights())
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(ours(x)), keras.ops.convert_to_numpy(ref(x)), rtol=1e-5, atol=1e-5
    )
    assert tuple(ours(x).shape) == (2, 4, 5)


@pytest.mark.parametrize(("cls", "keras_cls"), RECURRENT, ids=IDS)
def test_padded_steps_are_skipped(cls, keras_cls):
    model = keras.Sequential([keras.Input((5,), dtype="int32"), cl.EmbeddingLayer(7, 3, mask_zero=True), cls(units=4)])
    short = np.array([[3, 1, 2, 0, 0]], "int32")
    unpadded = keras.Sequential([keras.Input((3,), dtype="int32"), model.layers[0], model.layers[1]])
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(model(short)),
        keras.ops.convert_to_numpy(unpadded(short[:, :3])),
        rtol=1e-5,
        atol=1e-6,
    )


@pytest.mark.parametrize(("cls", "keras_cls"), RECURRENT, ids=IDS)
@pytest.mark.parametrize(
    ("kwargs", "phrase"),
    [
        ({"units": -2}, "units=-2"),
        ({"units": 4, "dropout": 1.0}, "dropout=1.0"),
        ({"units": 4, "recurrent_dropout": -0.1}, "recurrent_dropout=-0.1"),
        ({"units": 4, "activation": "no_such_activation"}, "no_such_activation"),
    ],
)
def test_bad_arguments(cls, keras_cls, kwargs, phrase):
    with pytest.raises(ConfigError, match=phrase):
        cls(**kwargs)
