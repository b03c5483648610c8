"""Crash-safe file writes: the one helper every module uses for files that matter.

A file is written to a temporary sibling, flushed, fsynced and renamed over the
final name, so a reader sees either the old complete file or the new complete
file, never a truncated one.
"""

from __future__ import annotations

import contextlib
import glob
import json
import os
import tempfile
from pathlib import Path
from typing import Any

__all__ = ["atomic_write", "atomic_write_json", "atomic_write_text", "atomic_save_model", "fsync_dir"]


def fsync_dir(path: str | os.PathLike) -> None:
    """fsync a directory so a rename inside it is durable (no-op where unsupported)."""
    try:
        fd = os.open(os.fspath(path), os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _remove_stale_temps(directory: Path, prefix: str, suffix: str, keep: str | None = None) -> None:
    """Delete temp files a killed writer left behind (same prefix/suffix as ours, not ``keep``)."""
    for stale in directory.glob(f"{glob.escape(prefix)}*{glob.escape(suffix)}"):
        if stale.name != keep:
            with contextlib.suppress(OSError):
                stale.unlink()


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike, mode: str = "wb"):
    """Open a temporary file beside ``path``; on success rename it to ``path``.

    On any exception the temporary file is removed and ``path`` is untouched.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, mode) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
        fsync_dir(path.parent)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    _remove_stale_temps(path.parent, f".{path.name}.", ".tmp")


def atomic_write_text(path: str | os.PathLike, text: str) -> None:
    """Atomically write ``text`` (UTF-8) to ``path``."""
    with atomic_write(path, "w") as f:
        f.write(text)


def atomic_write_json(path: str | os.PathLike, obj: Any, **kwargs: Any) -> None:
    """Atomically write ``obj`` as indented JSON to ``path``."""
    kwargs.setdefault("indent", 2)
    kwargs.setdefault("default", _json_default)
    atomic_write_text(path, json.dumps(obj, **kwargs) + "\n")


def atomic_save_model(model, path: str | os.PathLike) -> None:
    """Save a Keras model to ``path`` (``.keras``) without ever exposing a partial file.

    Keras writes its archive in place; here it is written under a temporary
    ``.keras`` name in the same folder, fsynced and renamed. Temp files that a
    killed earlier writer left behind are removed after a successful save.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".keras", dir=path.parent)
    os.close(fd)
    try:
        model.save(tmp, overwrite=True)
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, path)
        fsync_dir(path.parent)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    _remove_stale_temps(path.parent, f".{path.stem}.", ".keras")


def _json_default(obj: Any):
    try:
        import numpy as np

        if isinstance(obj, np.generic):
            return obj.item()
        if isinstance(obj, np.ndarray):
            return obj.tolist()
    except ImportError:  # pragma: no cover
        pass
    if isinstance(obj, Path):
        return str(obj)
    return repr(obj)
