import numpy as np
import pytest

from clara_keras import layers as cl
from clara_keras.errors import ConfigError
from clara_keras.errors import ShapeError
from tests.helpers.layer_checks import check_layer


def test_harness_and_roundtrip():
    x = np.random.default_rng(0).normal(size=(2, 5, 5, 2)).astype("float32")
    check_layer(
        cl.SeparableConv2DLayer,
        {"filters": 3, "kernel_size": 3, "depth_multiplier": 2},
        x,
        expected_output_shape=(2, 3, 3, 3),
        expected_num_trainable_weights=3,
    )


def test_weights_are_depthwise_and_pointwise():
    layer = cl.SeparableConv2DLayer(filters=3, kernel_size=3, depth_multiplier=2)
    layer.build((None, 5, 5, 2))
    assert tuple(layer.depthwise_kernel.shape) == (3, 3, 2, 2)
    assert tuple(layer.pointwise_kernel.shape) == (1, 1, 4, 3)


def test_bad_arguments():
    with pytest.raises(ConfigError, match="depth_multiplier=0"):
        cl.SeparableConv2DLayer(filters=3, depth_multiplier=0)
    with pytest.raises(ShapeError, match="is larger"):
        cl.SeparableConv2DLayer(filters=3, kernel_size=4)(np.ones((1, 3, 3, 1), "float32"))
