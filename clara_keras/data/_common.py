"""Private helpers shared by the loaders: class lists, label mapping, non-finite rows, option checks."""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterable
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from clara_keras.errors import ConfigError
from clara_keras.errors import DataError
from clara_keras.errors import suggest

NONFINITE_POLICIES = ("raise", "drop")


def check_options(where: str, options: dict, allowed: Iterable[str]) -> None:
    """Raise `ConfigError` for an option ``where`` does not accept (with the nearest spelling)."""
    allowed = sorted(allowed)
    for key in options:
        if key not in allowed:
            raise ConfigError(
                f"`{where}` got an unknown option {key!r}; expected one of {allowed}.{suggest(key, allowed)}"
            )


def check_nonfinite_policy(nonfinite: str) -> str:
    if nonfinite not in NONFINITE_POLICIES:
        raise ConfigError(
            f"Received an invalid value for `nonfinite`, expected one of {NONFINITE_POLICIES}. "
            f"Received: nonfinite={nonfinite!r}"
        )
    return nonfinite


def read_classes(classes) -> list[str] | None:
    """Class names from a ``classes.txt`` path (one per line), a sequence of names, or ``None``."""
    if classes is None:
        return None
    if isinstance(classes, (str, os.PathLike)):
        path = Path(classes)
        if not path.is_file():
            raise DataError(f"Classes file not found: '{path}'. Expected a text file with one class name per line.")
        with open(path, encoding="utf-8") as f:
            names = [line.strip() for line in f]
        names = [n for n in names if n]
        if not names:
            raise DataError(f"Classes file '{path}' is empty; expected one class name per line.")
        source = f"'{path}'"
    elif isinstance(classes, Sequence) or isinstance(classes, np.ndarray):
        names = [str(c) for c in classes]
        if not names:
            raise DataError("`classes` is an empty list; expected at least one class name.")
        source = "`classes`"
    else:
        raise ConfigError(
            f"Received an invalid value for `classes`, expected a path to classes.txt, a list of names or None. "
            f"Received: classes={classes!r}"
        )
    seen = set()
    for n in names:
        if n in seen:
            raise DataError(f"Class name {n!r} appears twice in {source}; class names must be unique.")
        seen.add(n)
    return names


def _is_int_string(s: str) -> bool:
    s = s.strip()
    if s[:1] in "+-":
        s = s[1:]
    return s.isdigit()


def labels_to_ids(raw: Sequence[str], classes: list[str] | None, where: Sequence[str]):
    """Map raw label strings to ``(y, classes)``.

    ``where[i]`` locates label ``i`` for error messages (e.g. ``"train.csv:12"``).
    With ``classes`` given, a label is a class name, or else an integer index
    into ``classes``. Without, classes are inferred (integers sorted
    numerically, names alphabetically). Float labels without ``classes`` give a
    regression target (``classes=None``).
    """
    raw = [str(r).strip() for r in raw]
    if classes is not None:
        index = {c: i for i, c in enumerate(classes)}
        if all(r in index for r in raw):
            return np.array([index[r] for r in raw], dtype=np.int64), classes
        if all(_is_int_string(r) for r in raw):
            ids = np.array([int(r) for r in raw], dtype=np.int64)
            bad = np.flatnonzero((ids < 0) | (ids >= len(classes)))
            if bad.size == 0:
                return ids, classes
            i = int(bad[0])
            raise DataError(
                f"{where[i]}: label {raw[i]!r} is not in the {len(classes)} classes {_short(classes)} "
                f"(neither a class name nor an index 0..{len(classes) - 1})."
            )
        i = next(i for i, r in enumerate(raw) if r not in index)
        raise DataError(
            f"{where[i]}: label {raw[i]!r} is not in the {len(classes)} classes {_short(classes)}."
            f"{suggest(raw[i], classes)}"
        )
    if not raw:
        return np.zeros((0,), dtype=np.int64), []
    if all(_is_int_string(r) for r in raw):
        values = np.array([int(r) for r in raw], dtype=np.int64)
        uniq = np.unique(values)
        if uniq[0] == 0 and uniq[-1] == len(uniq) - 1:
            return values, [str(int(u)) for u in uniq]
        return np.searchsorted(uniq, values).astype(np.int64), [str(int(u)) for u in uniq]
    try:
        values = np.array([float(r) for r in raw], dtype=np.float64)
    except ValueError:
        names = sorted(set(raw))
        index = {c: i for i, c in enumerate(names)}
        return np.array([index[r] for r in raw], dtype=np.int64), names
    return values.astype(np.float32), None


def _short(names: list[str], limit: int = 10) -> str:
    if len(names) <= limit:
        return str(names)
    return str(names[:limit])[:-1] + ", ...]"


def nonfinite_mask(X: np.ndarray) -> np.ndarray:
    """Boolean mask of rows of numeric ``X`` holding NaN or +-inf."""
    if not np.issubdtype(X.dtype, np.floating):
        return np.zeros(len(X), dtype=bool)
    return ~np.isfinite(X.reshape(len(X), -1)).all(axis=1)


def handle_nonfinite(X, y, nonfinite: str, where: Sequence[str] | None, source: str):
    """Raise (``"raise"``) or drop with a warning (``"drop"``) the rows with NaN/inf; returns ``(X, y, kept)``."""
    mask = nonfinite_mask(X)
    if not mask.any():
        return X, y, None
    bad = np.flatnonzero(mask)
    locs = [where[i] for i in bad[:5]] if where is not None else [f"{source} sample {i}" for i in bad[:5]]
    more = f" and {bad.size - 5} more" if bad.size > 5 else ""
    if nonfinite == "raise":
        raise DataError(
            f"Found NaN or infinite feature values in {bad.size} row(s): {', '.join(locs)}{more}. "
            "Clean the data, or pass nonfinite='drop' to drop those rows with a warning."
        )
    warnings.warn(
        f"Dropped {bad.size} row(s) with NaN or infinite feature values from {source}: {', '.join(locs)}{more}.",
        stacklevel=3,
    )
    keep = np.flatnonzero(~mask)
    return X[keep], (y[keep] if y is not None else None), keep
