"""backend_utils: the backend seam's helpers give the same answers on every backend."""

import keras
import numpy as np

from clara_keras.backend_utils import to_numpy


def test_to_numpy_is_a_copy_with_the_values_and_dtype_of_convert_to_numpy():
    for dtype in ("float32", "int32"):
        v = keras.Variable(np.arange(6).reshape(2, 3).astype(dtype), dtype=dtype, trainable=False)
        snapshot = to_numpy(v)
        expected = keras.ops.convert_to_numpy(v)
        assert isinstance(snapshot, np.ndarray) and snapshot.dtype == expected.dtype == np.dtype(dtype)
        np.testing.assert_array_equal(snapshot, expected)
        v.assign(np.full((2, 3), 7, dtype=dtype))  # later training never changes a snapshot
        np.testing.assert_array_equal(snapshot, np.arange(6).reshape(2, 3))
    scalar = keras.Variable(3, dtype="int32", trainable=False)  # e.g. an optimizer's iteration counter
    assert to_numpy(scalar).shape == () and int(to_numpy(scalar)) == 3
    # anything else goes through keras.ops.convert_to_numpy
    tensor = keras.ops.ones((2,))
    np.testing.assert_array_equal(to_numpy(tensor), np.ones(2))
