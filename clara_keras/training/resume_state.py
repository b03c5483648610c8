"""The resume state: one atomic `.npz` holding everything needed to continue a run exactly.

Arrays: every model variable (weights, batch-norm statistics and the
`SeedGenerator` states, i.e. dropout RNG), every optimizer variable
(iteration counter, learning rate, moments), NumPy's global RNG key and, for
a state saved inside an epoch, the metric trackers' variables
(`model.metrics_variables`: running loss and metric totals). A JSON
string (stored as a NumPy unicode scalar, so loading needs no pickle) holds
the epoch counter, history, best score, callback states, Python's RNG state
and a fingerprint of the model. Being one file renamed into place, a crash
leaves either the previous epoch's complete state or the new one.

Why not `keras.callbacks.BackupAndRestore`: it writes the weights and the
epoch number as separate files (a crash between them pairs epoch N's counter
with epoch N+1's weights), and keeps neither the `SeedGenerator` states (they
are not in weights files), nor the NumPy/Python/torch RNG states, callback
states or history, and deletes its backup when training ends, so a finished run
cannot be extended. Its idea (restore, then `fit(initial_epoch=...)`) is kept.
"""

from __future__ import annotations

import json
import random
import zipfile
from typing import Any

import keras
import numpy as np

from clara_keras import io_utils
from clara_keras.backend_utils import get_global_rng_state
from clara_keras.backend_utils import set_global_rng_state
from clara_keras.backend_utils import to_numpy
from clara_keras.errors import CheckpointError

__all__ = [
    "model_fingerprint",
    "save_state",
    "load_state",
    "restore_variables",
    "restore_metrics",
    "capture_rng",
    "restore_rng",
]

FORMAT = "clara_keras.resume/1"


def model_fingerprint(model: keras.Model) -> dict:
    """Class, top-level layer classes and variable shapes: what must match to resume into ``model``."""
    return {
        "class": type(model).__name__,
        "layers": [type(layer).__name__ for layer in model.layers],
        "variables": [list(v.shape) for v in model.variables],
    }


def capture_rng() -> tuple[dict, dict[str, np.ndarray]]:
    name, key, pos, has_gauss, cached = np.random.get_state()
    version, internal, gauss = random.getstate()
    meta = {
        "numpy": {"name": name, "pos": int(pos), "has_gauss": int(has_gauss), "cached": float(cached)},
        "python": {"version": version, "internal": list(internal), "gauss": gauss},
    }
    arrays = {"rng_numpy_key": np.asarray(key)}
    backend_state = get_global_rng_state()
    if backend_state is not None:
        arrays["rng_backend"] = backend_state
    return meta, arrays


def restore_rng(meta: dict, arrays: dict[str, np.ndarray]) -> None:
    n = meta["numpy"]
    np.random.set_state((n["name"], arrays["rng_numpy_key"], n["pos"], n["has_gauss"], n["cached"]))
    p = meta["python"]
    random.setstate((p["version"], tuple(p["internal"]), p["gauss"]))
    set_global_rng_state(arrays.get("rng_backend"))


def save_state(
    path, model: keras.Model, meta: dict[str, Any], metrics: bool = False, values: dict[int, np.ndarray] | None = None
) -> None:
    """Atomically write the resume state of ``model`` (and its optimizer) with ``meta`` to ``path``.

    With ``metrics=True`` the metric trackers' variables are saved too (a
    state inside an epoch, whose running loss and metrics must continue).
    ``values`` maps ``id(variable)`` to a NumPy copy of its current value
    already read (e.g. by the best-model checkpoint a moment before): those
    variables are not read again.
    """
    values = values or {}

    def read(v):
        cached = values.get(id(v))
        return cached if cached is not None else to_numpy(v)

    arrays: dict[str, np.ndarray] = {}
    for i, v in enumerate(model.variables):
        arrays[f"model_{i}"] = read(v)
    optimizer = getattr(model, "optimizer", None)
    opt_vars = list(optimizer.variables) if optimizer is not None and optimizer.built else []
    for i, v in enumerate(opt_vars):
        arrays[f"optimizer_{i}"] = read(v)
    metric_vars = list(model.metrics_variables) if metrics else []
    for i, v in enumerate(metric_vars):
        arrays[f"metric_{i}"] = read(v)
    rng_meta, rng_arrays = capture_rng()
    arrays.update(rng_arrays)
    full = {
        **meta,
        "format": FORMAT,
        "fingerprint": model_fingerprint(model),
        "num_model_variables": len(model.variables),
        "num_optimizer_variables": len(opt_vars),
        "num_metric_variables": len(metric_vars),
        "rng": rng_meta,
    }
    arrays["meta"] = np.array(json.dumps(full, default=io_utils._json_default))
    with io_utils.atomic_write(path, "wb") as f:
        np.savez(f, **arrays)


def load_state(path) -> tuple[dict, dict[str, np.ndarray]]:
    """``(meta, arrays)`` of a resume state; `CheckpointError` if missing, corrupt or foreign."""
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {k: data[k] for k in data.files}
    except FileNotFoundError:
        raise CheckpointError(f"No resume state at {path}: nothing to resume (train without resume first).") from None
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as exc:
        raise CheckpointError(f"The resume state {path} is corrupt or not a clara resume file: {exc}") from None
    try:
        meta = json.loads(str(arrays.pop("meta")))
    except (KeyError, ValueError) as exc:
        raise CheckpointError(f"The resume state {path} has no readable metadata: {exc}") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        found = meta.get("format") if isinstance(meta, dict) else type(meta).__name__
        raise CheckpointError(f"{path} is not a clara resume state (format {found!r}, expected {FORMAT!r}).")

    # Tampered metadata (wrong types, missing keys, out-of-range numbers, arrays that do not match the
    # declared model) is refused here, before anything is restored or written.
    def bad(key, expected):
        value = meta.get(key, "<missing>")
        return CheckpointError(
            f"The resume state {path} is tampered or corrupt: {key!r} is {value!r}, expected {expected}."
        )

    def is_int(value, low=0, high=10**9):
        return not isinstance(value, bool) and isinstance(value, int) and low <= value <= high

    def is_num(value):
        return value is None or (not isinstance(value, bool) and isinstance(value, (int, float)))

    if not is_int(meta.get("epoch"), high=10**7):
        raise bad("epoch", "an integer in [0, 10**7]")
    for key in ("epochs", "batch", "steps", "seed", "checkpoint_every"):
        if meta.get(key) is not None and not is_int(meta[key], high=2**63 - 1):
            raise bad(key, "a non-negative integer or null")
    for key in ("backend", "monitor"):
        if meta.get(key) is not None and not isinstance(meta[key], str):
            raise bad(key, "a string")
    rows = meta.get("rows", [])
    if not isinstance(rows, list) or not all(
        isinstance(r, dict) and is_int(r.get("epoch"), high=10**7) and all(is_num(v) for v in r.values()) for r in rows
    ):
        raise bad("rows", "a list of per-epoch logs with an integer 'epoch' and numbers")
    callbacks = meta.get("callbacks", [])
    if not isinstance(callbacks, list) or not all(
        isinstance(c, dict) and isinstance(c.get("class"), str) and isinstance(c.get("state"), dict) for c in callbacks
    ):
        raise bad("callbacks", "a list of {'class': str, 'state': dict}")
    fingerprint = meta.get("fingerprint")
    shapes = fingerprint.get("variables") if isinstance(fingerprint, dict) else None
    if (
        not isinstance(fingerprint, dict)
        or not isinstance(fingerprint.get("class"), str)
        or not isinstance(fingerprint.get("layers"), list)
        or not all(isinstance(name, str) for name in fingerprint["layers"])
        or not isinstance(shapes, list)
        or not all(isinstance(s, list) and all(is_int(d, high=2**40) for d in s) for s in shapes)
    ):
        raise bad("fingerprint", "{'class': str, 'layers': [str], 'variables': [[int]]}")
    for key, prefix in (
        ("num_model_variables", "model"),
        ("num_optimizer_variables", "optimizer"),
        ("num_metric_variables", "metric"),
    ):
        count = meta.get(key, 0 if key == "num_metric_variables" else None)
        if not is_int(count, high=10**6) or any(f"{prefix}_{i}" not in arrays for i in range(count)):
            raise bad(key, f"the number of {prefix}_<i> arrays in the file")
    if meta["num_model_variables"] != len(shapes) or any(
        list(arrays[f"model_{i}"].shape) != shape for i, shape in enumerate(shapes)
    ):
        raise bad("num_model_variables", "one array per fingerprint variable, of its shape")
    rng = meta.get("rng")
    try:
        n, p = rng["numpy"], rng["python"]
        valid_rng = (
            n["name"] == "MT19937"
            and is_int(n["pos"], high=624)
            and n["has_gauss"] in (0, 1)
            and is_num(n["cached"])
            and is_int(p["version"], high=10)
            and isinstance(p["internal"], list)
            and len(p["internal"]) == 625
            and all(is_int(v, high=2**32) for v in p["internal"])
            and is_num(p["gauss"])
            and arrays["rng_numpy_key"].shape == (624,)
        )
    except (KeyError, TypeError, AttributeError):
        valid_rng = False
    if not valid_rng:
        raise bad("rng", "the NumPy (MT19937) and Python generator states")
    return meta, arrays


def restore_variables(model: keras.Model, meta: dict, arrays: dict[str, np.ndarray], path="") -> None:
    """Assign the saved model and optimizer variables; `CheckpointError` if ``model`` is a different model."""
    expected = meta["fingerprint"]
    actual = model_fingerprint(model)
    if expected != actual:
        diff = [k for k in ("class", "layers", "variables") if expected.get(k) != actual.get(k)]
        raise CheckpointError(
            f"The run state {path} was made with a different model (differs in: {', '.join(diff)}). "
            f"Saved layers: {expected.get('layers')}; this model: {actual.get('layers')}. "
            "Resume with the same architecture, or start a new run folder."
        )
    for i, v in enumerate(model.variables):
        v.assign(arrays[f"model_{i}"])
    n_opt = meta.get("num_optimizer_variables", 0)
    if n_opt:
        optimizer = model.optimizer
        if not optimizer.built:
            optimizer.build(model.trainable_variables)
        if len(optimizer.variables) != n_opt:
            raise CheckpointError(
                f"The run state {path} has {n_opt} optimizer variables but this model's optimizer has "
                f"{len(optimizer.variables)}: it was compiled with a different optimizer."
            )
        for i, v in enumerate(optimizer.variables):
            v.assign(arrays[f"optimizer_{i}"])


def restore_metrics(model: keras.Model, meta: dict, arrays: dict[str, np.ndarray], path="") -> None:
    """Assign the saved metric-tracker variables (a state saved inside an epoch); no-op if none were saved."""
    n = int(meta.get("num_metric_variables", 0) or 0)
    if not n:
        return
    variables = list(model.metrics_variables)
    if len(variables) != n:
        raise CheckpointError(
            f"The run state {path} has {n} metric variables but this model tracks {len(variables)}: "
            "it was compiled with different metrics."
        )
    for i, v in enumerate(variables):
        v.assign(arrays[f"metric_{i}"])
