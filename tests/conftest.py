"""Shared fixtures. The backend is chosen per run with KERAS_BACKEND (tensorflow, jax, torch)."""

import importlib.util
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

# Import torch before tensorflow when both are installed (as Keras's own conftest does).
if importlib.util.find_spec("torch") is not None:
    import torch  # noqa: F401

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402


def pytest_report_header(config):
    return f"keras {keras.__version__}, backend: {keras.config.backend()}"


@pytest.fixture(autouse=True)
def seed():
    """Every test starts from the same seed (Python, NumPy, backend)."""
    keras.utils.set_random_seed(0)
    yield 0


@pytest.fixture
def rng():
    return np.random.default_rng(0)


@pytest.fixture(scope="session")
def digits():
    from clara_keras.datasets import load_digits

    return load_digits()
