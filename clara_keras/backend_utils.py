"""The one seam for backend-specific facts; the rest of clara_keras reads the same on all backends."""

from __future__ import annotations

import platform

import keras

__all__ = ["backend", "set_seed", "versions", "to_numpy"]


def backend() -> str:
    """Name of the active Keras backend (``"tensorflow"``, ``"jax"`` or ``"torch"``)."""
    return keras.config.backend()


def set_seed(seed: int | None) -> None:
    """Seed Python, NumPy and the backend (``keras.utils.set_random_seed``)."""
    if seed is not None:
        keras.utils.set_random_seed(int(seed))


def to_numpy(x):
    """Convert a backend tensor (or array-like) to a NumPy array."""
    return keras.ops.convert_to_numpy(x)


def versions() -> dict:
    """Versions of Python, Keras, the backend library and clara_keras, for run records."""
    import importlib.metadata as md

    out = {"python": platform.python_version(), "keras": keras.__version__, "backend": backend()}
    lib = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}[backend()]
    for dist in (lib, "clara-keras", "keras-tuner"):
        try:
            out[dist] = md.version(dist)
        except md.PackageNotFoundError:
            try:
                out[dist] = __import__(dist.replace("-", "_")).__version__
            except Exception:
                out[dist] = None
    return out
