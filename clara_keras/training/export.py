"""Export a trained model for other platforms: `.keras`, TensorFlow SavedModel, ONNX.

Route per backend (Keras 3.15):

| format          | tensorflow        | jax                                  | torch                                |
|-----------------|-------------------|--------------------------------------|--------------------------------------|
| `keras`         | `model.save`      | `model.save`                         | `model.save`                         |
| `saved_model`   | `model.export`    | `model.export` (jax2tf)              | `.keras` round trip into a TF process|
| `onnx`          | `model.export` (tf2onnx) | `.keras` round trip into a TF process | `model.export` (onnxscript)    |

The round trip saves the model as `.keras`, loads it in a subprocess with
`KERAS_BACKEND=tensorflow` (`safe_mode=True`) and exports it there; it needs
TensorFlow (and tf2onnx for ONNX) installed, not a TF-backend session.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile

import keras
import numpy as np

from clara_keras import io_utils
from clara_keras.backend_utils import backend
from clara_keras.errors import CheckpointError
from clara_keras.errors import ConfigError

__all__ = ["export_model", "FORMATS"]

FORMATS = ("keras", "saved_model", "onnx")
_NATIVE = {
    ("tensorflow", "saved_model"),
    ("jax", "saved_model"),
    ("tensorflow", "onnx"),
    ("torch", "onnx"),
}


def _call_once(model) -> None:
    """Keras's exporters need the model to have been called on a tensor."""
    shape = model.input_shape
    if isinstance(shape, list):
        raise ConfigError("export_model supports single-input models only.")
    x = np.zeros((1, *[d if d is not None else 1 for d in shape[1:]]), dtype="float32")
    model(x, training=False)


def _export_native(model, path: str, fmt: str) -> None:
    _call_once(model)
    keras_format = "tf_saved_model" if fmt == "saved_model" else "onnx"
    model.export(path, format=keras_format, verbose=False)


def _export_through_tensorflow(model, path: str, fmt: str, timeout: float) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "model.keras")
        model.save(src)
        env = {**os.environ, "KERAS_BACKEND": "tensorflow", "TF_CPP_MIN_LOG_LEVEL": "3"}
        cmd = [sys.executable, "-m", "clara_keras.training.export", src, os.path.abspath(path), fmt]
        try:
            proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise CheckpointError(f"Export to {fmt} through TensorFlow timed out after {timeout:.0f} s.") from None
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
        raise CheckpointError(f"Export to {fmt} through a TensorFlow subprocess failed: {' | '.join(tail)}")


def export_model(model: keras.Model, path: str | os.PathLike, format: str = "keras", timeout: float = 300.0) -> str:
    """Export ``model`` to ``path`` in ``format`` and return the path.

    Args:
        model: A built `keras.Model`.
        path: Output path: a `.keras` file, a SavedModel folder, or an `.onnx` file.
        format: `"keras"`, `"saved_model"` or `"onnx"`. Defaults to `"keras"`.
        timeout: Float, seconds allowed for the TensorFlow subprocess route. Defaults to `300`.

    Raises:
        ConfigError: unknown format or a path that does not fit it.
        CheckpointError: the export failed.

    Example:

    ```python
    clara_keras.training.export_model(model, "digits.onnx", format="onnx")
    ```
    """
    if format not in FORMATS:
        raise ConfigError(f"Unknown export format {format!r}. Expected one of {FORMATS}.")
    path = os.fspath(path)
    if format == "keras" and not path.endswith(".keras"):
        raise ConfigError(f"A 'keras' export path must end in '.keras'. Received: {path!r}")
    if format == "onnx" and not path.endswith(".onnx"):
        raise ConfigError(f"An 'onnx' export path must end in '.onnx'. Received: {path!r}")
    if not model.built:
        raise ConfigError("The model is not built: train it or call it once on data before exporting.")
    if format == "keras":
        io_utils.atomic_save_model(model, path)
    elif (backend(), format) in _NATIVE:
        try:
            _export_native(model, path, format)
        except Exception as exc:
            raise CheckpointError(f"Export to {format} failed on the {backend()} backend: {exc}") from exc
    else:
        _export_through_tensorflow(model, path, format, timeout)
    return path


def _main(argv) -> int:  # the TensorFlow side of the round trip
    src, dst, fmt = argv
    from clara_keras.training.loading import load_model

    model = load_model(src, safe_mode=True, compile=False)
    _export_native(model, dst, fmt)
    return 0


if __name__ == "__main__":  # pragma: no cover - run in the subprocess
    sys.exit(_main(sys.argv[1:]))
