import numpy as np
import pytest

from clara_keras import layers as cl
from clara_keras.errors import ConfigError
from tests.helpers.layer_checks import check_layer


def test_harness_and_roundtrip_upsamples():
    x = np.random.default_rng(0).normal(size=(2, 3, 3, 2)).astype("float32")
    check_layer(
        cl.Conv2DTransposeLayer,
        {"filters": 4, "kernel_size": 3, "strides": 2, "padding": "same"},
        x,
        expected_output_shape=(2, 6, 6, 4),
    )


def test_valid_padding_grows_by_kernel_minus_one():
    y = cl.Conv2DTransposeLayer(filters=1, kernel_size=3)(np.ones((1, 4, 4, 1), "float32"))
    assert y.shape == (1, 6, 6, 1)


def test_bad_arguments():
    with pytest.raises(ConfigError, match="filters=-4"):
        cl.Conv2DTransposeLayer(filters=-4)
    with pytest.raises(ConfigError, match=r"strides=\(0, 1\)"):
        cl.Conv2DTransposeLayer(filters=4, strides=(0, 1))
