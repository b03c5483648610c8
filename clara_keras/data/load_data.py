"""`load_data`: one entry point for every source (CSV, image folder, arrays, .npz, tensorflow-datasets)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from clara_keras.data._common import check_options
from clara_keras.data.array_loader import X_KEYS
from clara_keras.data.array_loader import Y_KEYS
from clara_keras.data.array_loader import load_arrays
from clara_keras.data.array_loader import load_npz
from clara_keras.data.csv_loader import load_csv
from clara_keras.data.dataset import Dataset
from clara_keras.data.image_folder_loader import load_image_folder
from clara_keras.data.tfds_loader import load_tfds
from clara_keras.errors import ConfigError
from clara_keras.errors import DataError
from clara_keras.errors import ParamTypeError

__all__ = ["load_data", "CSV_SUFFIXES", "NUMPY_SUFFIXES"]

CSV_SUFFIXES = (".csv", ".tsv", ".txt")
NUMPY_SUFFIXES = (".npz", ".npy")
_CSV_OPTIONS = (
    "label_column",
    "header",
    "delimiter",
    "image_column",
    "image_shape",
    "image_size",
    "color_mode",
    "nonfinite",
    "dtype",
)
_FOLDER_OPTIONS = ("image_size", "color_mode", "interpolation")
_NPZ_OPTIONS = ("x_key", "y_key", "nonfinite")
_ARRAY_OPTIONS = ("nonfinite",)
_TFDS_OPTIONS = ("split", "data_dir", "x_key", "y_key", "nonfinite")


def load_data(source, classes=None, **options) -> Dataset:
    """Load data from any supported source into a `Dataset`.

    Sources:

    - a ``.csv``/``.tsv`` file: numeric feature columns, flat pixel rows
      (`image_shape=`) or a column of image paths relative to the CSV (see `load_csv`);
    - a folder in the ``root/<class>/<image>`` layout, decoded lazily (see `load_image_folder`);
    - a ``.npz`` or ``.npy`` file, loaded without pickle (see `load_npz`);
    - ``"tfds:NAME"`` with `split=` and `data_dir=`, from a prepared local
      tensorflow-datasets folder, never downloaded (see `load_tfds`);
    - NumPy arrays: ``X``, ``(X, y)`` or a mapping with ``'X'`` and ``'y'``;
    - a `Dataset` (returned unchanged).

    Args:
        source: One of the above.
        classes: Path to ``classes.txt`` (one name per line), a list of class
            names, or `None` (inferred from the labels, or unlabeled data).
        **options: Options of the loader for that source (e.g. `label_column`,
            `image_size`, `nonfinite="drop"`). Unknown options raise `ConfigError`.

    Returns:
        A `Dataset`: ``'X'``, ``'y'`` (absent when unlabeled), ``'classes'`` and ``meta``.

    Example:

    ```python
    from clara_keras.data import load_data

    train_data = load_data("path/to/train.csv", "path/to/classes.txt")
    test_data = load_data("path/to/test.csv", None)  # unlabeled
    ```
    """
    if isinstance(source, Dataset):
        check_options("load_data(Dataset)", options, ())
        return source
    if isinstance(source, str) and source.startswith("tfds:"):
        check_options("load_data('tfds:...')", options, _TFDS_OPTIONS)
        return load_tfds(source[len("tfds:") :].lstrip("/"), classes=classes, **options)
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if path.is_dir():
            check_options("load_data(folder)", options, _FOLDER_OPTIONS)
            return load_image_folder(path, classes=classes, **options)
        suffix = path.suffix.lower()
        if not path.exists():
            raise DataError(f"Data source not found: '{path}'.")
        if suffix in CSV_SUFFIXES:
            check_options("load_data(csv)", options, _CSV_OPTIONS)
            if suffix == ".tsv":
                options.setdefault("delimiter", "\t")
            return load_csv(path, classes=classes, **options)
        if suffix in NUMPY_SUFFIXES:
            check_options("load_data(npz)", options, _NPZ_OPTIONS)
            return load_npz(path, classes=classes, **options)
        raise ConfigError(
            f"Cannot tell how to load '{path}' from its suffix {suffix!r}; expected a folder, one of "
            f"{list(CSV_SUFFIXES + NUMPY_SUFFIXES)}, or 'tfds:NAME'."
        )
    if isinstance(source, Mapping):
        check_options("load_data(mapping)", options, _ARRAY_OPTIONS)
        xk = next((k for k in X_KEYS if k in source), None)
        if xk is None:
            raise DataError(f"The mapping has no features; keys are {list(source)}, expected one of {list(X_KEYS)}.")
        yk = next((k for k in Y_KEYS if k in source), None)
        if classes is None and source.get("classes") is not None:
            classes = source["classes"]
        return load_arrays(source[xk], source.get(yk) if yk else None, classes, **options)
    if isinstance(source, tuple):
        check_options("load_data(tuple)", options, _ARRAY_OPTIONS)
        if len(source) not in (1, 2):
            raise ConfigError(f"`load_data` expects (X,) or (X, y) as a tuple. Received a tuple of {len(source)}.")
        return load_arrays(source[0], source[1] if len(source) == 2 else None, classes, **options)
    if isinstance(source, np.ndarray) or hasattr(source, "__array__"):
        check_options("load_data(array)", options, _ARRAY_OPTIONS)
        return load_arrays(np.asarray(source), None, classes, **options)
    raise ParamTypeError(
        "`load_data` expects a path (CSV, .npz/.npy, image folder), 'tfds:NAME', arrays or a Dataset. "
        f"Received: {type(source).__name__}"
    )
