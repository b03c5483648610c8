"""The one seam for backend-specific facts; the rest of clara_keras reads the same on all backends."""

from __future__ import annotations

import platform

import keras

__all__ = [
    "backend",
    "set_seed",
    "versions",
    "to_numpy",
    "variable_to_numpy",
    "get_global_rng_state",
    "set_global_rng_state",
]


def backend() -> str:
    """Name of the active Keras backend (``"tensorflow"``, ``"jax"`` or ``"torch"``)."""
    return keras.config.backend()


def set_seed(seed: int | None) -> None:
    """Seed Python, NumPy and the backend (``keras.utils.set_random_seed``)."""
    if seed is not None:
        keras.utils.set_random_seed(int(seed))


def get_global_rng_state():
    """The backend's own global RNG state as a NumPy array, or ``None`` where Keras does not use one.

    On torch, layers built without an explicit seed (e.g. `Dropout(seed=None)`) draw
    from torch's global generator; TensorFlow and JAX layers draw only from their
    `SeedGenerator` variables. Saved in resume states so a resumed run replays
    the same dropout masks.
    """
    if backend() == "torch":
        import torch

        return torch.get_rng_state().numpy().copy()
    return None


def set_global_rng_state(state) -> None:
    """Restore what `get_global_rng_state` returned (no-op for ``None``)."""
    if state is not None and backend() == "torch":
        import numpy as np
        import torch

        torch.set_rng_state(torch.from_numpy(np.asarray(state, dtype=np.uint8).copy()))


def to_numpy(x):
    """Convert a backend tensor (or array-like) to a NumPy array."""
    return keras.ops.convert_to_numpy(x)


def variable_to_numpy(variable):
    """A NumPy copy of a Keras variable's current value (a checkpoint's snapshot).

    ``np.array(variable)`` (Keras's ``Variable.numpy()``): the same values and dtype
    as `keras.ops.convert_to_numpy`, always a copy that later training cannot
    change, and on TensorFlow about 2x faster (4.4 vs 7.8 ms for the 38 variables
    of the benchmarks' mid-size CNN with Adam). Anything that is not a variable
    goes through `keras.ops.convert_to_numpy`.
    """
    import numpy as np

    if isinstance(variable, keras.Variable):
        return np.array(variable)
    return np.array(keras.ops.convert_to_numpy(variable))


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
