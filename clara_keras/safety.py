"""Checks that run before clara_keras opens a user's model or data file.

Keras's ``safe_mode=True`` refuses lambdas, but a ``.keras`` archive is a zip
that can still carry path tricks, a config that names arbitrary Python
modules, HDF5 external links or a shape that allocates terabytes. These checks
read the archive without executing anything and raise
`clara_keras.errors.UnsafeFileError` (or `CheckpointError` for a file that is
simply corrupt) before Keras sees it.
"""

from __future__ import annotations

import json
import os
import posixpath
import zipfile
from collections.abc import Iterator
from typing import Any

from clara_keras.errors import CheckpointError
from clara_keras.errors import UnsafeFileError

__all__ = ["check_keras_archive", "check_npz", "ALLOWED_MODULE_PREFIXES"]

#: Python modules a config may name. Everything else is refused.
ALLOWED_MODULE_PREFIXES = ("keras", "clara_keras", "builtins")
#: Largest number of elements one declared shape may have (a 4 GB float32 tensor).
MAX_ELEMENTS = 1_000_000_000
#: Largest total uncompressed size of an archive (zip bombs).
MAX_UNCOMPRESSED_BYTES = 8 * 1024**3
_UNSAFE_KEYS = {"safe_mode", "enable_unsafe_deserialization", "unsafe"}
_SHAPE_KEYS = {"batch_shape", "shape", "batch_input_shape", "input_shape", "build_input_shape", "target_shape"}
_SIZE_KEYS = {
    "units",
    "filters",
    "input_dim",
    "output_dim",
    "num_heads",
    "key_dim",
    "intermediate_dim",
    "sequence_length",
}


def _walk(obj: Any, path: str = "config") -> Iterator[tuple[str, Any]]:
    yield path, obj
    if isinstance(obj, dict):
        for key, value in obj.items():
            yield from _walk(value, f"{path}.{key}")
    elif isinstance(obj, list):
        for i, value in enumerate(obj):
            yield from _walk(value, f"{path}[{i}]")


def _module_allowed(module: str | None) -> bool:
    if module in (None, ""):
        return True
    return any(module == p or module.startswith(p + ".") for p in ALLOWED_MODULE_PREFIXES)


def check_config(config: Any, source: str = "config", allow_lambda: bool = False) -> None:
    """Refuse a Keras config that would run code or allocate absurd memory."""
    for where, node in _walk(config):
        if not isinstance(node, dict):
            continue
        for key in node:
            if str(key).lower() in _UNSAFE_KEYS:
                raise UnsafeFileError(
                    f"{source}: refusing a config that sets {key!r} at {where} (it asks to turn off safe loading)."
                )
        class_name = node.get("class_name")
        if class_name == "Lambda" and not allow_lambda:
            raise UnsafeFileError(
                f"{source}: the model contains a Lambda layer at {where}; Lambda layers run arbitrary Python code. "
                "Load it only if you trust the file, with allow_lambda=True (or keras.saving.load_model(..., safe_mode=False))."
            )
        if class_name is not None and not _module_allowed(node.get("module")):
            raise UnsafeFileError(
                f"{source}: {where} names module {node.get('module')!r} (class {class_name!r}); only "
                f"{', '.join(ALLOWED_MODULE_PREFIXES)} objects may be loaded."
            )
        if (class_name == "__lambda__" and not allow_lambda) or (
            class_name == "function" and not _module_allowed(node.get("module"))
        ):
            raise UnsafeFileError(f"{source}: {where} holds serialized Python code ({class_name!r}); refused.")
        for key, value in node.items():
            if key in _SHAPE_KEYS and isinstance(value, (list, tuple)):
                dims = [d for d in value if isinstance(d, int)]
                if any(d < 0 for d in dims) or _prod(dims) > MAX_ELEMENTS:
                    raise UnsafeFileError(
                        f"{source}: declared shape {key}={value} at {where} is negative or larger than {MAX_ELEMENTS:,} elements."
                    )
            if key in _SIZE_KEYS and isinstance(value, int) and not isinstance(value, bool) and value > MAX_ELEMENTS:
                raise UnsafeFileError(f"{source}: declared size {key}={value} at {where} exceeds {MAX_ELEMENTS:,}.")


def _prod(dims) -> int:
    out = 1
    for d in dims:
        out *= max(int(d), 1)
    return out


def _check_member_name(name: str, source: str) -> None:
    normalized = posixpath.normpath(name.replace("\\", "/"))
    if (
        name.startswith(("/", "\\"))
        or (len(name) > 1 and name[1] == ":")
        or normalized.startswith("..")
        or "/../" in f"/{normalized}/"
    ):
        raise UnsafeFileError(f"{source}: archive member {name!r} has an absolute or '..' path; refused.")


def _check_h5_links(data: bytes, source: str) -> None:
    import io

    import h5py

    with h5py.File(io.BytesIO(data), "r") as h5:
        problems: list[str] = []

        def visit(group, prefix=""):
            for key in group.keys():
                link = group.get(key, getlink=True)
                full = f"{prefix}/{key}"
                if isinstance(link, h5py.ExternalLink):
                    problems.append(f"{full} -> external file {link.filename!r}")
                    continue
                if isinstance(link, h5py.SoftLink):
                    problems.append(f"{full} -> soft link {link.path!r}")
                    continue
                item = group.get(key)
                if isinstance(item, h5py.Group):
                    visit(item, full)
                elif isinstance(item, h5py.Dataset) and item.external:
                    problems.append(f"{full} -> external raw storage {item.external!r}")

        visit(h5)
    if problems:
        raise UnsafeFileError(
            f"{source}: the weights file contains links outside the archive ({'; '.join(problems)}); refused."
        )


def check_keras_archive(path: str | os.PathLike, allow_lambda: bool = False) -> dict:
    """Inspect a ``.keras`` file without executing anything; returns its parsed ``config.json``.

    Raises:
        CheckpointError: missing, not a zip, or without ``config.json`` (corrupt or foreign file).
        UnsafeFileError: path tricks, unsafe config, HDF5 external links, huge shapes, zip bombs.
    """
    path = os.fspath(path)
    source = os.path.basename(path)
    if not os.path.isfile(path):
        raise CheckpointError(f"No model file at {path!r}.")
    if not zipfile.is_zipfile(path):
        raise CheckpointError(f"{path!r} is not a .keras archive (not a zip file); it is corrupt or of another format.")
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            total = 0
            for info in infos:
                _check_member_name(info.filename, source)
                if (info.external_attr >> 16) & 0o170000 == 0o120000:
                    raise UnsafeFileError(f"{source}: archive member {info.filename!r} is a symbolic link; refused.")
                total += info.file_size
            if total > MAX_UNCOMPRESSED_BYTES:
                raise UnsafeFileError(
                    f"{source}: archive expands to {total:,} bytes (limit {MAX_UNCOMPRESSED_BYTES:,}); refused."
                )
            names = {i.filename for i in infos}
            if "config.json" not in names:
                raise CheckpointError(
                    f"{path!r} has no config.json: not a Keras 3 .keras file (members: {sorted(names)[:5]})."
                )
            try:
                config = json.loads(zf.read("config.json").decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise CheckpointError(f"{path!r}: config.json is not valid JSON ({exc}).") from None
            check_config(config, source=source, allow_lambda=allow_lambda)
            if "model.weights.h5" in names:
                _check_h5_links(zf.read("model.weights.h5"), source)
    except zipfile.BadZipFile as exc:
        raise CheckpointError(f"{path!r} is a damaged zip archive ({exc}).") from None
    return config


def check_npz(path: str | os.PathLike) -> None:
    """Refuse ``.npy``/``.npz`` content that needs pickle (object arrays).

    NumPy is always called with ``allow_pickle=False`` by clara_keras; this
    check turns NumPy's generic error into a typed one that names the array.
    """
    import numpy as np

    path = os.fspath(path)
    try:
        loaded = np.load(path, allow_pickle=False)
    except ValueError as exc:
        if "pickle" in str(exc).lower():
            raise UnsafeFileError(f"{os.path.basename(path)} holds pickled Python objects; refused.") from None
        raise CheckpointError(f"{path!r} is not a valid .npz/.npy file ({exc}).") from None
    except (OSError, zipfile.BadZipFile) as exc:
        raise CheckpointError(f"{path!r} is not a valid .npz/.npy file ({exc}).") from None
    if not isinstance(loaded, np.lib.npyio.NpzFile):
        return
    with loaded:
        for key in loaded.files:
            try:
                loaded[key]
            except ValueError as exc:
                raise UnsafeFileError(
                    f"{os.path.basename(path)}: array {key!r} holds pickled Python objects; refused ({exc})."
                ) from None
