"""`load_csv`: numeric feature tables, flat pixel rows or image-path columns, labeled or not."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import numpy as np

from clara_keras.data._common import check_nonfinite_policy
from clara_keras.data._common import handle_nonfinite
from clara_keras.data._common import labels_to_ids
from clara_keras.data._common import read_classes
from clara_keras.data.dataset import Dataset
from clara_keras.data.image_files import ImageFiles
from clara_keras.errors import ConfigError
from clara_keras.errors import DataError
from clara_keras.errors import ShapeError
from clara_keras.errors import suggest

__all__ = ["load_csv", "LABEL_COLUMN_NAMES", "IMAGE_COLUMN_NAMES"]

# Header names recognised as the label column / an image-path column when none is named.
LABEL_COLUMN_NAMES = ("label", "labels", "class", "target", "y")
IMAGE_COLUMN_NAMES = ("image", "path", "file", "filename", "image_path", "filepath")


def _is_number(s: str) -> bool:
    try:
        float(s)
    except ValueError:
        return False
    return True


def _detect_header(first: list[str], second: list[str] | None) -> bool:
    known = set(LABEL_COLUMN_NAMES) | set(IMAGE_COLUMN_NAMES)
    if any(f.strip().lower() in known for f in first):
        return True
    if second is None:
        return not any(_is_number(f) for f in first)
    return any(
        (not _is_number(a)) and _is_number(b) for a, b in zip(first, second) if a.strip() != "" and b.strip() != ""
    )


def _resolve_column(spec, names: list[str] | None, ncols: int, what: str, path: Path) -> int:
    if isinstance(spec, bool):
        raise ConfigError(f"Received an invalid value for `{what}`: {spec!r}. Expected a column name or index.")
    if isinstance(spec, (int, np.integer)):
        j = int(spec)
        if not -ncols <= j < ncols:
            raise ConfigError(f"`{what}`={j} is out of range: '{path}' has {ncols} columns.")
        return j % ncols
    if names is None:
        raise ConfigError(
            f"`{what}`={spec!r} names a column, but '{path}' has no header row. Pass a column index instead, "
            "or header=True."
        )
    if spec not in names:
        raise ConfigError(f"'{path}' has no column {spec!r}; columns are {names}.{suggest(str(spec), names)}")
    return names.index(spec)


def _check_image_shape(image_shape):
    if image_shape is None:
        return None
    bad = isinstance(image_shape, (str, bytes)) or not hasattr(image_shape, "__iter__")
    if not bad:
        try:
            shape = tuple(int(v) for v in image_shape)
        except (TypeError, ValueError):
            bad = True
        else:
            bad = not shape or any(v <= 0 for v in shape) or any(isinstance(v, bool) for v in image_shape)
    if bad:
        raise ConfigError(
            f"Received an invalid value for `image_shape`, expected a tuple of positive integers such as (28, 28, 1). "
            f"Received: image_shape={image_shape!r}"
        )
    return shape


def _parse_features(rows, feat_j, names, where) -> np.ndarray:
    """Numeric features; a fast vectorised parse, else a row-by-row one that names the bad line."""
    table = [[row[j] for j in feat_j] for row in rows]
    try:
        return np.array(table, dtype=np.float64)
    except ValueError:
        pass
    X = np.empty((len(rows), len(feat_j)), dtype=np.float64)
    for r, (values, loc) in enumerate(zip(table, where)):
        for k, s in enumerate(values):
            s = s.strip()
            if s == "":
                X[r, k] = np.nan
                continue
            try:
                X[r, k] = float(s)
            except ValueError:
                j = feat_j[k]
                col = f"column {names[j]!r}" if names is not None else f"column {j}"
                raise DataError(f"{loc}: non-numeric value {s!r} in {col}; expected a number.") from None
    return X


def load_csv(
    path: str | os.PathLike,
    classes=None,
    label_column=None,
    header="infer",
    delimiter: str = ",",
    image_column=None,
    image_shape=None,
    image_size=None,
    color_mode: str = "rgb",
    nonfinite: str = "raise",
    dtype: str = "float32",
) -> Dataset:
    """Load a CSV file as a `Dataset`.

    Each row is one sample: numeric feature columns (optionally reshaped with
    `image_shape`), or a column of image file paths relative to the CSV file
    (decoded lazily, see `ImageFiles`), plus an optional label column.

    Args:
        path: Path of the CSV file. It is only read.
        classes: Optional path to ``classes.txt`` (one class name per line) or a
            list of names. Labels are class names, or integer indices into it.
            Without it, classes are inferred from the labels.
        label_column: Name or index of the label column; `False` for no labels.
            Defaults to `None`: a header column named one of ``label``,
            ``labels``, ``class``, ``target``, ``y``; without a header, column 0
            when `classes` is given; otherwise the file is unlabeled.
        header: `True`, `False` or `"infer"` (first row is a header when it holds
            known column names or text where the next row has numbers). Defaults
            to `"infer"`.
        delimiter: Field separator. Defaults to `","`.
        image_column: Name or index of a column of image paths. Defaults to
            `None` (a header column named ``image``, ``path``, ``file``, ...).
        image_shape: Optional shape to reshape each row of flat pixels to, e.g.
            `(28, 28, 1)`.
        image_size: With `image_column`: resize images to `(height, width)`.
        color_mode: With `image_column`: `"rgb"`, `"grayscale"` or `"rgba"`.
        nonfinite: `"raise"` (default) or `"drop"` (drop rows with NaN/inf or
            empty feature values, with a warning).
        dtype: Feature dtype. Defaults to `"float32"`.

    Returns:
        A `Dataset` with ``'X'``, ``'y'`` (when labeled) and ``'classes'``.

    Raises:
        DataError: missing or empty file, ragged row, non-numeric value (with
            the file and line number), label not in `classes`, NaN/inf.
        ShapeError: rows that do not fit `image_shape`.

    Example:

    ```python
    train = clara_keras.data.load_csv("train.csv", "classes.txt")
    test = clara_keras.data.load_csv("test.csv")  # no label column: unlabeled
    ```
    """
    path = Path(path)
    check_nonfinite_policy(nonfinite)
    if not path.is_file():
        raise DataError(f"CSV file not found: '{path}'.")
    class_names = read_classes(classes)

    if not isinstance(delimiter, str) or len(delimiter) != 1 or delimiter in '\r\n"':
        raise ConfigError(
            f"Received an invalid value for `delimiter`, expected one character such as ',' or '\\t'. "
            f"Received: delimiter={delimiter!r}"
        )
    try:
        out_dtype = np.dtype(dtype)
    except TypeError:
        out_dtype = None
    if out_dtype is None or out_dtype.kind != "f":
        raise ConfigError(
            f"Received an invalid value for `dtype`, expected a float dtype such as 'float32'. Received: dtype={dtype!r}"
        )
    image_shape = _check_image_shape(image_shape)
    rows: list[list[str]] = []
    lines: list[int] = []
    with open(path, newline="", encoding="utf-8-sig") as f:
        reader = csv.reader(f, delimiter=delimiter)
        try:
            for row in reader:
                if not row or all(c.strip() == "" for c in row):
                    continue
                rows.append(row)
                lines.append(reader.line_num)
        except UnicodeDecodeError as e:
            raise DataError(
                f"{path}: the file is not UTF-8 text (byte {e.object[e.start : e.start + 1]!r} at offset {e.start}, "
                f"after line {reader.line_num}); save it as UTF-8."
            ) from None
        except csv.Error as e:
            raise DataError(f"{path}:{max(reader.line_num, 1)}: malformed CSV ({e}).") from None
    if not rows:
        raise DataError(f"CSV file '{path}' is empty; expected a header and/or rows of values.")

    if header == "infer":
        has_header = _detect_header(rows[0], rows[1] if len(rows) > 1 else None)
    elif isinstance(header, bool):
        has_header = header
    else:
        raise ConfigError(
            f"Received an invalid value for `header`, expected True, False or 'infer'. Received: {header!r}"
        )
    names = [c.strip() for c in rows[0]] if has_header else None
    if has_header:
        rows, lines = rows[1:], lines[1:]
    if not rows:
        raise DataError(f"CSV file '{path}' has a header but no data rows.")

    ncols = len(names) if names is not None else len(rows[0])
    for row, line in zip(rows, lines):
        if len(row) != ncols:
            what = "the header" if names is not None else f"the first row (line {lines[0]})"
            raise DataError(f"{path}:{line}: ragged row, expected {ncols} fields as in {what}, found {len(row)}.")

    # Which columns are what.
    lower = [n.lower() for n in names] if names is not None else None
    if label_column is False:
        label_j = None
    elif label_column is None:
        label_j = None
        if lower is not None:
            label_j = next((lower.index(n) for n in LABEL_COLUMN_NAMES if n in lower), None)
        elif class_names is not None:
            label_j = 0
    else:
        label_j = _resolve_column(label_column, names, ncols, "label_column", path)
    if image_column is None and lower is not None:
        image_j = next((lower.index(n) for n in IMAGE_COLUMN_NAMES if n in lower), None)
    elif image_column is None:
        image_j = None
    else:
        image_j = _resolve_column(image_column, names, ncols, "image_column", path)
    if image_j is not None and image_j == label_j:
        raise ConfigError(f"`image_column` and `label_column` are the same column ({image_j}) in '{path}'.")

    where = [f"{path}:{line}" for line in lines]
    y = None
    if label_j is not None:
        y, class_names = labels_to_ids([r[label_j] for r in rows], class_names, where)

    meta = {"source": str(path), "format": "csv", "columns": names}
    if image_j is not None:
        root = path.parent
        paths = []
        for row, loc in zip(rows, where):
            p = row[image_j].strip()
            if not p:
                raise DataError(f"{loc}: empty image path.")
            paths.append(str(root / p))
        for p, loc in zip(paths, where):
            if not os.path.isfile(p):
                raise DataError(f"{loc}: image file not found: '{p}'.")
        X = ImageFiles(paths, image_size=image_size, color_mode=color_mode)
        return Dataset(X=X, y=y, classes=class_names, meta={**meta, "lazy": True})

    feat_j = [j for j in range(ncols) if j != label_j]
    if not feat_j:
        raise DataError(f"CSV file '{path}' has no feature columns (only the label column).")
    X = _parse_features(rows, feat_j, names, where)
    with np.errstate(over="ignore"):
        X = X.astype(out_dtype)  # before the NaN/inf check: values beyond the dtype's range become inf
    X, y, _ = handle_nonfinite(X, y, nonfinite, where, str(path))
    if len(X) == 0:
        raise DataError(f"CSV file '{path}' has no rows left after dropping NaN/inf rows.")
    if image_shape is not None:
        shape = image_shape
        if int(np.prod(shape)) != X.shape[1]:
            raise ShapeError(
                f"Cannot reshape rows of {X.shape[1]} values from '{path}' to image_shape={shape} "
                f"({int(np.prod(shape))} values)."
            )
        X = X.reshape((len(X), *shape))
    return Dataset(X=X, y=y, classes=class_names, meta=meta)
