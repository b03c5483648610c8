"""The one module that imports Keras's private test harness (`keras.src.testing`).

Keras's `TestCase.run_layer_test` checks build, symbolic and eager calls,
`get_config`/`from_config`, a training step and mixed precision. It is private
API, so it is imported here only; the `.keras` file round trip it lacks is added
by `assert_keras_file_roundtrip`.
"""

import os
import tempfile

import keras
import numpy as np
from keras.src.testing import TestCase as KerasTestCase  # noqa: F401  (private: imported only here)


def assert_keras_file_roundtrip(model: keras.Model, x, atol: float = 1e-6) -> keras.Model:
    """Save ``model`` as `.keras`, load it with `safe_mode=True`, assert identical predictions."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "model.keras")
        model.save(path)
        loaded = keras.saving.load_model(path, safe_mode=True)
    expected = keras.ops.convert_to_numpy(model(x, training=False))
    actual = keras.ops.convert_to_numpy(loaded(x, training=False))
    np.testing.assert_allclose(actual, expected, atol=atol, rtol=1e-6)
    return loaded
