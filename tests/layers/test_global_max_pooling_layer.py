import keras
import numpy as np
import pytest

from clara_keras import layers as cl
from clara_keras.errors import ConfigError
from clara_keras.errors import ShapeError
from tests.helpers.layer_checks import check_layer


def test_harness_and_roundtrip():
    x = np.random.default_rng(0).normal(size=(2, 4, 4, 3)).astype("float32")
    check_layer(cl.GlobalMaxPoolingLayer, {}, x, expected_output_shape=(2, 3), train=False, supports_masking=True)


@pytest.mark.parametrize("shape", [(2, 5, 3), (2, 4, 4, 3), (2, 2, 3, 2, 3)])
def test_rank_is_inferred(shape):
    x = np.random.default_rng(0).normal(size=shape).astype("float32")
    layer = cl.GlobalMaxPoolingLayer()
    y = keras.ops.convert_to_numpy(layer(x))
    np.testing.assert_allclose(y, x.max(axis=tuple(range(1, len(shape) - 1))), rtol=1e-6)
    assert layer.compute_output_shape(shape) == (2, 3)


def test_masked_max_ignores_padding():
    x = np.array([[[1.0], [2.0], [9.0]], [[-1.0], [-3.0], [-2.0]]], "float32")
    mask = np.array([[True, True, False], [True, False, True]])
    y = keras.ops.convert_to_numpy(cl.GlobalMaxPoolingLayer()(x, mask=mask))
    np.testing.assert_allclose(y, [[2.0], [-1.0]])


def test_bad_arguments():
    with pytest.raises(ShapeError, match="rank 3 or 4 or 5"):
        cl.GlobalMaxPoolingLayer()(np.ones((2, 2, 2, 2, 2, 2), "float32"))
    with pytest.raises(ConfigError, match="data_format='channels_middle'"):
        cl.GlobalMaxPoolingLayer(data_format="channels_middle")
