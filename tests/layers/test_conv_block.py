import keras
import numpy as np
import pytest

from clara_keras import layers as cl
from clara_keras.errors import ConfigError
from clara_keras.errors import ShapeError
from tests.helpers.layer_checks import check_layer


def test_harness_and_roundtrip():
    x = np.random.default_rng(0).normal(size=(2, 4, 4, 3)).astype("float32")
    check_layer(
        cl.ConvBlock,
        {"filters": 4, "strides": 2},
        x,
        expected_output_shape=(2, 2, 2, 4),
        expected_num_trainable_weights=3,
        expected_num_non_trainable_weights=2,
        atol=1e-5,
    )


@pytest.mark.parametrize(("shape", "out"), [((2, 6, 3), (2, 3, 4)), ((2, 4, 4, 2, 3), (2, 2, 2, 1, 4))])
def test_rank_is_inferred(shape, out):
    block = cl.ConvBlock(filters=4, strides=2)
    assert tuple(block(np.ones(shape, "float32")).shape) == out == block.compute_output_shape(shape)
    assert block.conv.rank == len(shape) - 2


def test_is_conv_then_batch_norm_then_activation():
    x = np.random.default_rng(0).normal(size=(2, 4, 4, 3)).astype("float32")
    block = cl.ConvBlock(filters=2, use_batch_norm=False, activation="relu")
    y = keras.ops.convert_to_numpy(block(x))
    conv = keras.layers.Conv2D(2, 3, padding="same", use_bias=True)
    conv.build(x.shape)
    conv.set_weights(block.conv.get_weights())
    np.testing.assert_allclose(y, np.maximum(keras.ops.convert_to_numpy(conv(x)), 0), rtol=1e-5, atol=1e-5)


def test_bad_arguments():
    with pytest.raises(ConfigError, match="filters=-1"):
        cl.ConvBlock(filters=-1)
    with pytest.raises(ShapeError, match="is larger"):
        cl.ConvBlock(filters=2, kernel_size=5, padding="valid")(np.ones((1, 3, 3, 1), "float32"))
    with pytest.raises(ShapeError, match="rank 3 or 4 or 5"):
        cl.ConvBlock(filters=2)(np.ones((1, 3), "float32"))
