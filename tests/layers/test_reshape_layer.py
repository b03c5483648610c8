import keras
import numpy as np
import pytest

from clara_keras import layers as cl
from clara_keras.errors import ConfigError
from clara_keras.errors import ShapeError
from tests.helpers.layer_checks import check_layer


def test_harness_and_roundtrip():
    x = np.random.default_rng(0).normal(size=(2, 12)).astype("float32")
    check_layer(cl.ReshapeLayer, {"target_shape": (3, -1)}, x, expected_output_shape=(2, 3, 4), train=False)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(cl.ReshapeLayer((3, 4))(x)), x.reshape(2, 3, 4))


def test_bad_target_shape():
    with pytest.raises(ConfigError, match=r"target_shape=\(-1, -1\)"):
        cl.ReshapeLayer((-1, -1))
    with pytest.raises(ConfigError, match=r"target_shape=\(0, 3\)"):
        cl.ReshapeLayer((0, 3))
    with pytest.raises(ShapeError, match=r"12 elements.*target_shape=\(5, 2\)"):
        cl.ReshapeLayer((5, 2))(np.ones((2, 12), "float32"))
    with pytest.raises(ShapeError, match="12 elements"):
        keras.Sequential([keras.Input((12,)), cl.ReshapeLayer((5, -1))])
