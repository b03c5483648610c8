"""Load clara `.keras` files safely."""

from __future__ import annotations

import os
import zipfile

import keras

from clara_keras.errors import CheckpointError
from clara_keras.errors import UnsafeFileError
from clara_keras.safety import check_keras_archive

__all__ = ["load_model"]


def _register_clara_objects() -> None:
    # Importing the subpackages registers every clara layer, metric, loss, callback and the Model class.
    from clara_keras import callbacks  # noqa: F401
    from clara_keras import layers  # noqa: F401
    from clara_keras import losses  # noqa: F401
    from clara_keras import metrics  # noqa: F401
    from clara_keras import models  # noqa: F401


def load_model(path: str | os.PathLike, safe_mode: bool = True, compile: bool = True, custom_objects=None):
    """Load a `.keras` model file written by clara_keras (or plain Keras).

    With `safe_mode=True` (the default) nothing in the file can run code: a
    file that contains a Python lambda (`keras.layers.Lambda`, a lambda
    activation...) is refused with `UnsafeFileError`. Pass
    `safe_mode=False` only for files you trust.

    Args:
        path: String or path-like, a `.keras` file.
        safe_mode: Bool, refuse code in the file. Defaults to `True`.
        compile: Bool, restore the compiled loss/metrics/optimizer. Defaults to `True`.
        custom_objects: Optional dict of extra classes, as in Keras.

    Returns:
        The `keras.Model` (a `clara_keras.Model` for clara models).

    Raises:
        CheckpointError: the file is missing, not a `.keras` archive, truncated or otherwise unreadable.
        UnsafeFileError: the file needs code execution and `safe_mode=True`.

    Example:

    ```python
    model = clara_keras.load_model("runs/digits/best.keras")
    ```
    """
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise CheckpointError(f"No model file at {path!r}.")
    if not path.endswith(".keras"):
        raise CheckpointError(f"Expected a '.keras' model file. Received: {path!r}")
    if not zipfile.is_zipfile(path):
        raise CheckpointError(f"{path!r} is not a .keras archive (not a zip file): it is corrupt or of another format.")
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            bad = archive.testzip()
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise CheckpointError(f"{path!r} is a corrupt .keras archive: {exc}") from None
    if bad is not None:
        raise CheckpointError(f"{path!r} is a corrupt .keras archive (member {bad!r} fails its checksum).")
    if "config.json" not in names or "metadata.json" not in names:
        raise CheckpointError(
            f"{path!r} is a zip file but not a Keras model archive (no config.json/metadata.json). Found: {sorted(names)[:5]}"
        )
    # Inspect the archive without executing anything: path tricks, foreign modules, unsafe flags,
    # HDF5 external links and absurd shapes are refused before Keras opens it.
    check_keras_archive(path, allow_lambda=not safe_mode)
    _register_clara_objects()
    try:
        return keras.saving.load_model(path, safe_mode=safe_mode, compile=compile, custom_objects=custom_objects)
    except Exception as exc:
        text = str(exc)
        if "lambda" in text.lower() and "safe_mode" in text:
            raise UnsafeFileError(
                f"{path!r} contains a Python lambda, which could run arbitrary code; it is refused with "
                "safe_mode=True. If you trust the file, load it with clara_keras.load_model(path, safe_mode=False)."
            ) from None
        raise CheckpointError(
            f"Cannot load {path!r}: {type(exc).__name__}: {text.splitlines()[0] if text else ''}"
        ) from None
