"""Re-save a model's `.keras` archive with new weights without re-serializing what did not change (private).

Keras's `model.save` walks every layer and the optimizer, calls every
`get_config`, and builds the HDF5 weights file group by group on each call
(its `_walk_saveable` even instantiates throw-away layers to learn which
attributes to skip). During training only the variable *values* change.
`ModelArchive` pays that cost once: the first save is a real Keras save; it
then learns which HDF5 dataset holds which variable (one extra Keras save
with each variable filled with its own marker value, the values put back
right after) and where its bytes are in the file (Keras writes contiguous,
uncompressed datasets), and keeps the archive's bytes. Each later save copies
the kept HDF5 file, overwrites those byte ranges with the current values, and zips it with
the kept `config.json` and a fresh `metadata.json` (save date): the same
archive Keras would write. It falls back to a full Keras save whenever that
equivalence cannot be guaranteed: a mapping that is not one-to-one, an
archive with assets or other files, variables added or replaced, or an
optimizer whose configuration changed (e.g. its learning rate, which Keras
records in `config.json`).

Every save goes through the same crash-safe protocol as
`clara_keras.io_utils.atomic_save_model` (temporary sibling with the same
names, fsync, rename, fsync of the folder).
"""

from __future__ import annotations

import contextlib
import datetime
import io
import json
import os
import tempfile
import weakref
import zipfile
from pathlib import Path

import keras
import numpy as np

from clara_keras import io_utils
from clara_keras.backend_utils import to_numpy

_CONFIG, _METADATA, _WEIGHTS = "config.json", "metadata.json", "model.weights.h5"


def _tracked_variables(model) -> list:
    optimizer = getattr(model, "optimizer", None)
    opt = list(optimizer.variables) if optimizer is not None and getattr(optimizer, "built", False) else []
    return [*model.variables, *opt, *model.metrics_variables]


def _optimizer_config(model) -> str | None:
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None:
        return None
    return json.dumps(keras.saving.serialize_keras_object(optimizer), sort_keys=True, default=repr)


def _datasets(h5file) -> dict[str, np.ndarray]:
    import h5py

    out = {}
    h5file.visititems(lambda name, obj: out.__setitem__(name, obj[()]) if isinstance(obj, h5py.Dataset) else None)
    return out


_ARCHIVES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def archive_for(model) -> ModelArchive:
    """The `ModelArchive` of ``model``, shared by every checkpoint of it in this process (layout learned once)."""
    archive = _ARCHIVES.get(model)
    if archive is None:
        archive = _ARCHIVES[model] = ModelArchive(model)
    return archive


class ModelArchive:
    """Atomic `.keras` saves of one model; after the first, only the weights are re-serialized."""

    def __init__(self, model):
        self._model = weakref.ref(model)  # the module's cache is keyed weakly by the model: no cycle back to it
        self._template = None  # (config bytes, weights bytes, [(dataset name, variable index)])
        self._buffer = None  # the weights file of the last fast save, patched in place by the next one
        self._variables_key = None
        self._optimizer_config = None
        self.fast_saves = 0
        self.last_values: dict[int, np.ndarray] = {}

    @property
    def model(self):
        return self._model()

    def save(self, path: str | os.PathLike) -> None:
        variables = _tracked_variables(self.model)
        key = [id(v) for v in variables]
        if self._template is not None and key == self._variables_key:
            if _optimizer_config(self.model) == self._optimizer_config:
                self._write_fast(Path(path), variables)
                self.fast_saves += 1
                return
        self.last_values = {}
        io_utils.atomic_save_model(self.model, path)
        self._learn(Path(path), variables, key)

    # -- learning the layout ---------------------------------------------------------------------
    def _learn(self, path: Path, variables, key) -> None:
        self._template = self._buffer = None
        try:
            with zipfile.ZipFile(path) as archive:
                if sorted(archive.namelist()) != sorted([_CONFIG, _METADATA, _WEIGHTS]):
                    return  # assets or other files: always a full save
                config, weights = archive.read(_CONFIG), archive.read(_WEIGHTS)
            mapping = self._map_datasets(path.parent, path.stem, variables)
        except Exception:  # any surprise: keep using full Keras saves
            return
        if mapping is None:
            return
        self._template = (config, weights, mapping)
        self._variables_key = key
        self._optimizer_config = _optimizer_config(self.model)

    def _map_datasets(self, folder: Path, stem: str, variables):
        """``[(dataset, variable index)]`` from one Keras save with variable ``i`` filled with ``i + 1``."""
        import h5py

        values = [keras.ops.convert_to_numpy(v) for v in variables]
        # Markers 1..len(values) must be exact in every dtype (float16/bfloat16 would round them).
        exact = {"float32", "float64", "int32", "int64", "uint32", "uint64"}
        if any(np.asarray(a).dtype.name not in exact or np.asarray(a).size == 0 for a in values):
            return None
        if len(values) >= 2**24:
            return None
        fd, tmp = tempfile.mkstemp(prefix=f".{stem}.layout.", suffix=".keras", dir=folder)
        os.close(fd)
        try:
            for i, (v, a) in enumerate(zip(variables, values)):
                v.assign(np.full(np.shape(a), i + 1, dtype=np.asarray(a).dtype))
            self.model.save(tmp, overwrite=True)
        finally:
            for v, a in zip(variables, values):
                v.assign(a)
            with zipfile.ZipFile(tmp) as archive:
                marked = archive.read(_WEIGHTS)
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        with h5py.File(io.BytesIO(marked), "r") as f:
            datasets = _datasets(f)
            offsets = {name: f[name].id.get_offset() for name in datasets}
        mapping, used = [], set()
        for name, data in datasets.items():
            data = np.asarray(data)
            if data.size == 0:
                return None
            marker = data.flat[0]
            index = int(marker) - 1
            if not np.all(data == marker) or not 0 <= index < len(values) or index in used:
                return None
            value = np.asarray(values[index])
            if tuple(data.shape) != tuple(value.shape) or data.dtype != value.dtype or offsets[name] is None:
                return None
            used.add(index)
            mapping.append((name, index, int(offsets[name]), data.nbytes, data.dtype))
        return mapping

    # -- the fast save ---------------------------------------------------------------------------
    def _write_fast(self, path: Path, variables) -> None:
        config, weights, mapping = self._template
        # Keras stores each variable as one contiguous, uncompressed HDF5 dataset: its bytes sit at a fixed
        # offset of the file, so the new file is the kept one with those byte ranges overwritten. The
        # buffer is kept between saves (every mapped range is overwritten each time, the rest never
        # changes) and written as it is: no per-save copy of the whole file.
        if self._buffer is None:
            self._buffer = bytearray(weights)
        buffer = self._buffer
        values = {}
        for _, index, offset, nbytes, dtype in mapping:
            data = np.asarray(to_numpy(variables[index]), dtype=dtype, order="C")
            if data.nbytes != nbytes:
                self._buffer = None  # a range may be half-written: start from the template next time
                raise ValueError(f"variable {index} changed size")
            buffer[offset : offset + nbytes] = memoryview(data).cast("B")
            values[id(variables[index])] = data
        self.last_values = values  # what was just read: a resume state written right after need not read it again
        metadata = json.dumps(
            {"keras_version": keras.__version__, "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S")}
        ).encode()
        # The protocol (and temporary names) of `io_utils.atomic_save_model`: a reader or a crash never sees
        # a partial file under the final name, and a killed writer's leftovers are removed by the next save.
        fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".keras", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as out:
                with zipfile.ZipFile(out, "w") as archive:
                    archive.writestr(_METADATA, metadata)
                    archive.writestr(_CONFIG, config)
                    archive.writestr(_WEIGHTS, buffer)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, path)
            io_utils.fsync_dir(path.parent)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        io_utils._remove_stale_temps(path.parent, f".{path.stem}.", ".keras")
