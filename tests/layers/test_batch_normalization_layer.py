import keras
import numpy as np
import pytest

from clara_keras import layers as cl
from clara_keras.errors import ConfigError
from tests.helpers.layer_checks import check_layer


def test_harness_and_roundtrip():
    x = np.random.default_rng(0).normal(size=(4, 3, 3, 2)).astype("float32")
    check_layer(
        cl.BatchNormalizationLayer,
        {},
        x,
        expected_output_shape=(4, 3, 3, 2),
        expected_num_trainable_weights=2,
        expected_num_non_trainable_weights=2,
    )


def test_training_output_is_normalized():
    x = np.random.default_rng(0).normal(3.0, 2.0, size=(64, 4)).astype("float32")
    y = keras.ops.convert_to_numpy(cl.BatchNormalizationLayer()(x, training=True))
    np.testing.assert_allclose(y.mean(0), 0.0, atol=1e-4)
    np.testing.assert_allclose(y.std(0), 1.0, atol=1e-2)


def test_bad_momentum():
    with pytest.raises(ConfigError, match="momentum=1.5"):
        cl.BatchNormalizationLayer(momentum=1.5)
