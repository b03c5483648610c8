import keras
import numpy as np
import pytest

from clara_keras import layers as cl
from clara_keras.errors import ConfigError
from clara_keras.errors import ShapeError
from tests.helpers.layer_checks import check_layer


def test_harness_and_roundtrip():
    x = np.random.default_rng(0).normal(size=(2, 5, 5, 2)).astype("float32")
    check_layer(cl.Conv2DLayer, {"filters": 3, "kernel_size": (3, 3)}, x, expected_output_shape=(2, 3, 3, 3))


def test_matches_keras_conv2d():
    x = np.random.default_rng(0).normal(size=(2, 5, 5, 2)).astype("float32")
    ours = cl.Conv2DLayer(filters=3, kernel_size=3, strides=2, padding="same")
    ref = keras.layers.Conv2D(3, 3, strides=2, padding="same")
    ref.build(x.shape)
    ours.build(x.shape)
    ours.set_weights(ref.get_weights())
    np.testing.assert_allclose(keras.ops.convert_to_numpy(ours(x)), keras.ops.convert_to_numpy(ref(x)), atol=1e-6)
    assert isinstance(ours, keras.layers.Conv2D)


def test_bad_arguments():
    with pytest.raises(ConfigError, match="filters=0"):
        cl.Conv2DLayer(filters=0)
    with pytest.raises(ConfigError, match=r"kernel_size=\(3, 3, 3\)"):
        cl.Conv2DLayer(filters=2, kernel_size=(3, 3, 3))
    with pytest.raises(ConfigError, match="activation='rleu'.*Did you mean 'relu'"):
        cl.Conv2DLayer(filters=2, activation="rleu")
    with pytest.raises(ShapeError, match=r"kernel_size=\(5, 5\) is larger than its input's spatial shape \(4, 4\)"):
        cl.Conv2DLayer(filters=2, kernel_size=5)(np.ones((1, 4, 4, 1), "float32"))
    with pytest.raises(ShapeError, match="rank 4"):
        cl.Conv2DLayer(filters=2).build((1, 4, 4))
    # 'same' padding accepts a kernel larger than the input.
    assert cl.Conv2DLayer(filters=2, kernel_size=5, padding="same")(np.ones((1, 4, 4, 1), "float32")).shape == (
        1,
        4,
        4,
        2,
    )
