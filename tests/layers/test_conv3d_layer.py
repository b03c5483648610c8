import numpy as np
import pytest

from clara_keras import layers as cl
from clara_keras.errors import ShapeError
from tests.helpers.layer_checks import check_layer


def test_harness_and_roundtrip():
    x = np.random.default_rng(0).normal(size=(2, 4, 4, 4, 1)).astype("float32")
    check_layer(cl.Conv3DLayer, {"filters": 2, "kernel_size": 3}, x, expected_output_shape=(2, 2, 2, 2, 2))


def test_kernel_larger_than_input():
    with pytest.raises(ShapeError, match=r"kernel_size=\(3, 3, 3\) is larger"):
        cl.Conv3DLayer(filters=2, kernel_size=3)(np.ones((1, 4, 2, 4, 1), "float32"))
