"""`load_arrays` and `load_npz`: in-memory NumPy data and `.npz`/`.npy` files (never unpickled)."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import numpy as np

from clara_keras.data._common import check_nonfinite_policy
from clara_keras.data._common import handle_nonfinite
from clara_keras.data._common import labels_to_ids
from clara_keras.data._common import read_classes
from clara_keras.data.dataset import Dataset
from clara_keras.errors import DataError
from clara_keras.errors import ParamTypeError
from clara_keras.errors import ShapeError
from clara_keras.errors import UnsafeFileError

__all__ = ["load_arrays", "load_npz", "X_KEYS", "Y_KEYS"]

X_KEYS = ("X", "x", "features", "images", "data")
Y_KEYS = ("y", "Y", "labels", "label", "targets", "target")


def _check_labels(y, classes, source: str):
    """Validate labels against ``classes``; string labels are mapped to ids."""
    y = np.asarray(y)
    if y.dtype.kind in "USO":
        where = [f"{source} sample {i}" for i in range(len(y))]
        return labels_to_ids([str(v) for v in y], classes, where)
    if y.ndim == 2 and y.shape[1] > 1:  # one-hot / multilabel
        if classes is not None and y.shape[1] != len(classes):
            raise ShapeError(f"{source}: labels have {y.shape[1]} columns but there are {len(classes)} classes.")
        return y, classes
    if y.dtype.kind in "iub":
        y = y.reshape(len(y)).astype(np.int64)
        if classes is not None and len(y):
            bad = np.flatnonzero((y < 0) | (y >= len(classes)))
            if bad.size:
                i = int(bad[0])
                raise DataError(
                    f"{source} sample {i}: label {int(y[i])} is not in the {len(classes)} classes "
                    f"(expected an index 0..{len(classes) - 1})."
                )
        if classes is None and len(y):
            if y.min() < 0:
                raise DataError(f"{source}: integer labels must be >= 0 class indices. Received: {int(y.min())}")
            classes = [str(i) for i in range(int(y.max()) + 1)]
        return y, classes
    if y.dtype.kind == "f":
        if not np.isfinite(y).all():
            i = int(np.flatnonzero(~np.isfinite(y.reshape(len(y), -1)).all(axis=1))[0])
            raise DataError(f"{source} sample {i}: label is NaN or infinite.")
        return y.astype(np.float32), classes
    raise DataError(f"{source}: unsupported label dtype {y.dtype}; expected integers, floats or strings.")


def load_arrays(X, y=None, classes=None, nonfinite: str = "raise", source: str = "arrays") -> Dataset:
    """Wrap NumPy arrays (or array-likes) as a `Dataset`, checking them.

    Args:
        X: Array of samples, first axis = samples.
        y: Optional labels: integer class ids, class-name strings, one-hot rows
            or float targets.
        classes: Optional class names (list or path to ``classes.txt``).
        nonfinite: `"raise"` (default) or `"drop"` (drop samples with NaN/inf, with a warning).
        source: Name used in error messages.

    Example:

    ```python
    ds = clara_keras.data.load_arrays(np.random.rand(10, 4), np.arange(10) % 2, classes=["no", "yes"])
    ```
    """
    check_nonfinite_policy(nonfinite)
    class_names = read_classes(classes)
    if not hasattr(X, "__len__") or not hasattr(X, "__getitem__"):
        raise ParamTypeError(f"`X` must be an array of samples. Received: {type(X).__name__}")
    if not hasattr(X, "subset"):
        X = np.asarray(X)
        if X.dtype == object:
            raise DataError(f"{source}: X has dtype object (ragged or mixed rows); expected a numeric array.")
        if X.ndim == 0:
            raise ShapeError(f"{source}: X is a scalar; expected an array whose first axis is the samples.")
    if len(X) == 0:
        raise DataError(f"{source}: X is empty (0 samples).")
    if y is not None:
        y = np.asarray(y)
        if y.ndim == 0 or len(y) != len(X):
            raise ShapeError(
                f"{source}: X has {len(X)} samples but y has {y.shape[0] if y.ndim else 'a scalar'} labels; "
                "expected one label per sample."
            )
        y, class_names = _check_labels(y, class_names, source)
    if isinstance(X, np.ndarray):
        if X.dtype.kind not in "biuf":
            raise DataError(f"{source}: X has dtype {X.dtype}; expected numbers.")
        X, y, _ = handle_nonfinite(X, y, nonfinite, None, source)
        if len(X) == 0:
            raise DataError(f"{source}: no samples left after dropping NaN/inf samples.")
    return Dataset(X=X, y=y, classes=class_names, meta={"source": source, "format": "arrays"})


def load_npz(path: str | os.PathLike, classes=None, x_key=None, y_key=None, nonfinite: str = "raise") -> Dataset:
    """Load a `.npz` (``X``/``y`` arrays) or `.npy` (features only) file, with ``allow_pickle=False``.

    Args:
        path: Path of the file. It is only read.
        classes: Optional class names (list or path to ``classes.txt``).
        x_key: Key of the features in a `.npz`. Defaults to the first of
            ``X``, ``x``, ``features``, ``images``, ``data`` present.
        y_key: Key of the labels. Defaults to the first of ``y``, ``labels``,
            ``targets``, ... present; none present means unlabeled.
        nonfinite: `"raise"` or `"drop"`.

    Raises:
        UnsafeFileError: the file holds pickled Python objects (never loaded).

    Example:

    ```python
    ds = clara_keras.data.load_npz("train.npz", "classes.txt")
    ```
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(f"NumPy file not found: '{path}'.")
    if path.stat().st_size == 0:
        raise DataError(f"NumPy file '{path}' is empty.")
    try:
        loaded = np.load(path, allow_pickle=False)
    except ValueError as e:
        if "pickle" in str(e).lower():
            raise UnsafeFileError(
                f"'{path}' holds pickled Python objects; clara_keras never unpickles data files. "
                "Save plain numeric arrays (np.savez with numeric dtypes)."
            ) from None
        raise DataError(f"Could not read NumPy file '{path}': {e}") from None
    except (OSError, EOFError, zipfile.BadZipFile) as e:
        raise DataError(f"Could not read NumPy file '{path}': {e}") from None
    source = str(path)
    if isinstance(loaded, np.ndarray):
        return _with_meta(load_arrays(loaded, None, classes, nonfinite, source), path)
    with loaded as z:
        keys = list(z.files)
        xk = x_key or next((k for k in X_KEYS if k in keys), None)
        if xk is None or xk not in keys:
            raise DataError(f"'{path}' has no features array; keys are {keys}, expected one of {list(X_KEYS)}.")
        yk = y_key or next((k for k in Y_KEYS if k in keys), None)
        if yk is not None and yk not in keys:
            raise DataError(f"'{path}' has no array {yk!r}; keys are {keys}.")
        try:
            X = z[xk]
            y = z[yk] if yk is not None else None
        except (OSError, EOFError, zipfile.BadZipFile) as e:
            raise DataError(f"Could not read '{path}': {e}") from None
        except ValueError as e:
            if "pickle" in str(e).lower():
                raise UnsafeFileError(
                    f"'{path}' holds pickled Python objects; clara_keras never unpickles data files."
                ) from None
            raise DataError(f"Could not read '{path}': {e}") from None
    return _with_meta(load_arrays(X, y, classes, nonfinite, source), path)


def _with_meta(ds: Dataset, path: Path) -> Dataset:
    ds.meta.update({"source": str(path), "format": path.suffix.lstrip(".")})
    return ds
