import keras
import numpy as np
import pytest

from clara_keras import layers as cl
from clara_keras.errors import ConfigError
from tests.helpers.layer_checks import check_layer


def test_harness_projection_shortcut():
    x = np.random.default_rng(0).normal(size=(2, 4, 4, 3)).astype("float32")
    check_layer(
        cl.ResidualBlock,
        {"filters": 4, "strides": 2},
        x,
        expected_output_shape=(2, 2, 2, 4),
        expected_num_trainable_weights=9,
        expected_num_non_trainable_weights=6,
        atol=1e-5,
    )


def test_identity_shortcut_adds_the_input():
    x = np.random.default_rng(0).normal(size=(2, 4, 4, 3)).astype("float32")
    block = cl.ResidualBlock(filters=3, activation=None)
    block(x)
    assert not block.use_projection
    for var in block.conv2.weights:  # zero second conv: the block is the identity plus BN's offset 0
        var.assign(np.zeros(var.shape, "float32"))
    np.testing.assert_allclose(keras.ops.convert_to_numpy(block(x)), x, rtol=1e-5, atol=1e-5)


def test_kernels_differ():
    block = cl.ResidualBlock(filters=3)
    block.build((None, 4, 4, 3))
    a, b = (keras.ops.convert_to_numpy(k) for k in (block.conv1.kernel, block.conv2.kernel))
    assert not np.allclose(a, b)


def test_bad_arguments():
    with pytest.raises(ConfigError, match="strides=0"):
        cl.ResidualBlock(filters=4, strides=0)
    with pytest.raises(ConfigError, match="momentum=1"):
        cl.ResidualBlock(filters=4, momentum=1)
