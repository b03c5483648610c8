"""The six Clara pooling layers (average/max, 1-D/2-D/3-D), one parametrized module."""

import re

import keras
import numpy as np
import pytest

from clara_keras import layers as cl
from clara_keras.errors import ConfigError
from clara_keras.errors import ShapeError
from tests.helpers.layer_checks import check_layer

# (layer, reduction that the layer must equal, spatial rank)
POOLING = [
    (cl.AveragePooling1DLayer, np.mean, 1),
    (cl.AveragePooling2DLayer, np.mean, 2),
    (cl.AveragePooling3DLayer, np.mean, 3),
    (cl.MaxPooling1DLayer, np.max, 1),
    (cl.MaxPooling2DLayer, np.max, 2),
    (cl.MaxPooling3DLayer, np.max, 3),
]
IDS = [cls.__name__ for cls, _, _ in POOLING]
# Spatial sizes of the test input per rank: divisible by the pool size 2.
SPATIAL = {1: (6,), 2: (4, 6), 3: (4, 4, 2)}


def _input(rank, seed):
    return np.random.default_rng(seed).normal(size=(2, *SPATIAL[rank], 3)).astype("float32")


@pytest.mark.parametrize(("cls", "reduce", "rank"), POOLING, ids=IDS)
def test_harness_and_roundtrip(cls, reduce, rank):
    x = _input(rank, 0)
    expected = (2, *(s // 2 for s in SPATIAL[rank]), 3)
    # TensorFlow has no float16 3-D pooling kernel on CPU: there mixed_bfloat16 is checked instead
    # (the harness itself skips mixed precision on torch CPU).
    tf_3d = rank == 3 and keras.config.backend() == "tensorflow"
    check_layer(
        cls,
        {"pool_size": 2},
        x,
        expected_output_shape=expected,
        train=False,
        run_mixed_precision_check=not tf_3d,
        bfloat16_check=tf_3d,
    )


@pytest.mark.parametrize(("cls", "reduce", "rank"), POOLING, ids=IDS)
def test_values_match_numpy(cls, reduce, rank):
    x = _input(rank, 1)
    y = keras.ops.convert_to_numpy(cls(pool_size=2)(x))
    # Split every spatial axis s into (s // 2, 2) and reduce over the window axes.
    split = [2]
    for s in SPATIAL[rank]:
        split += [s // 2, 2]
    windows = x.reshape((*split, 3))
    expected = reduce(windows, axis=tuple(2 + 2 * i for i in range(rank)))
    np.testing.assert_allclose(y, expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(("cls", "reduce", "rank"), POOLING, ids=IDS)
def test_bad_arguments(cls, reduce, rank):
    with pytest.raises(ConfigError, match="pool_size=0"):
        cls(pool_size=0)
    with pytest.raises(ConfigError, match="padding='causal'"):
        cls(padding="causal")
    with pytest.raises(ConfigError, match="strides=-1"):
        cls(strides=-1)
    too_small = np.ones((1, *([2] * rank), 1), "float32")
    with pytest.raises(ShapeError, match=re.escape(f"pool_size={(3,) * rank} is larger")):
        cls(pool_size=3)(too_small)


@pytest.mark.parametrize(("cls", "reduce", "rank"), POOLING, ids=IDS)
def test_same_padding_keeps_odd_sizes(cls, reduce, rank):
    x = np.ones((1, *([3] * rank), 2), "float32")
    y = cls(pool_size=2, padding="same")(x)
    assert tuple(y.shape) == (1, *([2] * rank), 2)
