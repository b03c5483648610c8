import keras
import numpy as np
import pytest

from clara_keras import layers as cl
from clara_keras.errors import ShapeError
from tests.helpers.layer_checks import check_layer


def test_harness_and_roundtrip():
    x = np.random.default_rng(0).normal(size=(2, 4, 4, 3)).astype("float32")
    check_layer(cl.GlobalAveragePoolingLayer, {}, x, expected_output_shape=(2, 3), train=False, supports_masking=True)


@pytest.mark.parametrize("shape", [(2, 5, 3), (2, 4, 4, 3), (2, 2, 3, 2, 3)])
def test_rank_is_inferred(shape):
    x = np.random.default_rng(0).normal(size=shape).astype("float32")
    layer = cl.GlobalAveragePoolingLayer()
    y = keras.ops.convert_to_numpy(layer(x))
    np.testing.assert_allclose(y, x.mean(axis=tuple(range(1, len(shape) - 1))), rtol=1e-5, atol=1e-6)
    assert layer.compute_output_shape(shape) == (2, 3)


def test_keepdims_and_channels_first():
    x = np.random.default_rng(0).normal(size=(2, 3, 4, 5)).astype("float32")
    y = cl.GlobalAveragePoolingLayer(keepdims=True)(x)
    assert tuple(y.shape) == (2, 1, 1, 5)
    y = keras.ops.convert_to_numpy(cl.GlobalAveragePoolingLayer(data_format="channels_first")(x))
    np.testing.assert_allclose(y, x.mean(axis=(2, 3)), rtol=1e-5, atol=1e-6)


def test_masked_mean_ignores_padding():
    ids = np.array([[3, 5, 0, 0], [2, 2, 2, 7]])
    model = keras.Sequential(
        [keras.Input((4,), dtype="int32"), cl.EmbeddingLayer(10, 3, mask_zero=True), cl.GlobalAveragePoolingLayer()]
    )
    table = keras.ops.convert_to_numpy(model.layers[0].embeddings)
    y = keras.ops.convert_to_numpy(model(ids))
    np.testing.assert_allclose(y[0], table[[3, 5]].mean(0), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(y[1], table[[2, 2, 2, 7]].mean(0), rtol=1e-5, atol=1e-6)


def test_rank_must_be_3_to_5():
    with pytest.raises(ShapeError, match="rank 3 or 4 or 5"):
        cl.GlobalAveragePoolingLayer()(np.ones((2, 3), "float32"))
