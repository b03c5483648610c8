import keras
import numpy as np

from clara_keras import layers as cl
from tests.helpers.layer_checks import check_layer


def test_harness_and_roundtrip():
    x = np.random.default_rng(0).normal(size=(2, 3, 4, 2)).astype("float32")
    check_layer(cl.Flatten, {}, x, expected_output_shape=(2, 24), train=False)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(cl.Flatten()(x)), x.reshape(2, -1))
