import keras
import numpy as np
import pytest

from clara_keras import layers as cl
from clara_keras.errors import ConfigError
from clara_keras.errors import ParamTypeError
from tests.helpers.layer_checks import check_layer


def test_harness_and_roundtrip():
    x = np.random.default_rng(0).normal(size=(2, 4, 3)).astype("float32")
    check_layer(
        cl.BidirectionalLayer,
        {"layer": cl.GRULayer(units=3, unroll=True)},
        x,
        expected_output_shape=(2, 6),
        expected_num_trainable_weights=6,
        atol=1e-5,
    )


def test_backward_half_reads_the_reversed_sequence():
    x = np.random.default_rng(0).normal(size=(1, 4, 2)).astype("float32")
    layer = cl.BidirectionalLayer(cl.SimpleRNNLayer(units=2), merge_mode=None)
    forward, backward = (keras.ops.convert_to_numpy(t) for t in layer(x))
    plain = keras.layers.SimpleRNN(2)
    plain.build(x.shape)
    plain.set_weights(layer.backward_layer.get_weights())
    reference = keras.ops.convert_to_numpy(plain(x[:, ::-1].copy()))
    assert layer.backward_layer.go_backwards
    assert forward.shape == backward.shape == (1, 2)
    np.testing.assert_allclose(backward, reference, rtol=1e-5, atol=1e-6)


def test_bad_arguments():
    with pytest.raises(ParamTypeError, match="must be a keras.layers.Layer"):
        cl.BidirectionalLayer("lstm")
    with pytest.raises(ConfigError, match="merge_mode='max'"):
        cl.BidirectionalLayer(cl.LSTMLayer(units=2), merge_mode="max")
