"""JAX: `fit_multi_worker` under `keras.distribution.DataParallel` over two CPU devices
(`XLA_FLAGS=--xla_force_host_platform_device_count=2`, a bounded subprocess) equals one-device `fit`."""

import json

import keras
import numpy as np
import pytest

from tests.distribute.conftest import HERE
from tests.distribute.conftest import PYTHON
from tests.distribute.conftest import run_bounded
from tests.distribute.conftest import subprocess_env

pytestmark = [
    pytest.mark.distributed,
    pytest.mark.skipif(keras.config.backend() != "jax", reason="keras.distribution.DataParallel on JAX"),
]


def load_weights(path):
    with np.load(path) as z:
        return [z[f"arr_{i}"] for i in range(len(z.files))]


def max_diff(a, b):
    return max(float(np.max(np.abs(x - y))) for x, y in zip(a, b))


def test_data_parallel_on_two_devices_equals_one_device(tmp_path):
    env = subprocess_env(XLA_FLAGS="--xla_force_host_platform_device_count=2")
    code, output = run_bounded([PYTHON, str(HERE / "jax_worker.py"), str(tmp_path)], env, timeout=150)
    assert code == 0, output[-4000:]
    assert "DONE distribution=DataParallel devices=2 epochs=2" in output
    initial = load_weights(tmp_path / "initial.npz")
    reference = load_weights(tmp_path / "reference.npz")
    parallel = load_weights(tmp_path / "data_parallel.npz")
    assert max_diff(reference, initial) > 1e-2  # trained
    assert max_diff(parallel, reference) < 1e-5  # the same trajectory (float32 rounding only)
    history = json.loads((tmp_path / "run" / "history.json").read_text())
    assert sorted(history) == ["accuracy", "loss"]
    assert len(history["loss"]) == 2
    import clara_keras.losses  # noqa: F401  (register the Clara classes the file names)
    import clara_keras.metrics  # noqa: F401
    import clara_keras.models  # noqa: F401

    best = keras.saving.load_model(tmp_path / "run" / "best.keras", safe_mode=True)
    assert [w.shape for w in best.get_weights()] == [w.shape for w in parallel]
