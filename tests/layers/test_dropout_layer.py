import keras
import numpy as np
import pytest

from clara_keras import layers as cl
from clara_keras.errors import ConfigError
from tests.helpers.layer_checks import check_layer


def test_harness_and_roundtrip():
    x = np.ones((4, 6), "float32")
    check_layer(cl.DropoutLayer, {"dropout_prob": 0.5}, x, expected_output_shape=(4, 6), train=False)


def test_clara_and_keras_names():
    assert cl.DropoutLayer(dropout_prob=0.25).rate == 0.25
    assert cl.DropoutLayer(rate=0.25).dropout_prob == 0.25
    assert cl.DropoutLayer().rate == 0.5
    config = cl.DropoutLayer(dropout_prob=0.3).get_config()
    assert config["dropout_prob"] == 0.3 and "rate" not in config
    with pytest.raises(ConfigError, match="either `dropout_prob` or `rate`"):
        cl.DropoutLayer(dropout_prob=0.1, rate=0.2)


def test_drops_and_rescales_only_in_training():
    x = np.ones((200, 50), "float32")
    layer = cl.DropoutLayer(dropout_prob=0.4, seed=1)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(layer(x, training=False)), x)
    y = keras.ops.convert_to_numpy(layer(x, training=True))
    kept = y != 0
    assert abs(kept.mean() - 0.6) < 0.02
    np.testing.assert_allclose(y[kept], 1 / 0.6, rtol=1e-5)


@pytest.mark.parametrize("value", [1.0, -0.1, 1.5, "0.5"])
def test_dropout_prob_outside_unit_interval(value):
    with pytest.raises(ConfigError, match=f"expected a probability in \\[0, 1\\). Received: dropout_prob={value!r}"):
        cl.DropoutLayer(dropout_prob=value)
