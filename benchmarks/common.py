"""Shared helpers of the clara_keras benchmarks: timing, models, machine info, JSON and tables.

Every figure a benchmark reports is a *ratio* of two things measured side by
side in the same process: each candidate is warmed up, then the candidates are
run in interleaved order (A B C, B C A, C A B, ...) for a number of
repetitions and the median of each is kept. Absolute times are recorded too,
but the machines these run on are shared and noisy, so nothing asserts them.

The backend is chosen per process with ``KERAS_BACKEND`` (``run_all.py`` starts
one subprocess per backend); importing this module does not import Keras.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
from pathlib import Path
from typing import Any

RESULTS_DIR = Path(__file__).resolve().parent / "results"
SCHEMA_VERSION = 1

# Environment variables that change threading (recorded with every result).
THREAD_ENV = (
    "OMP_NUM_THREADS",
    "OMP_WAIT_POLICY",
    "GOMP_SPINCOUNT",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "XLA_FLAGS",
)

# Keys every result JSON carries (the smoke test checks them).
RESULT_KEYS = ("bench", "schema", "backend", "quick", "machine", "versions", "settings", "rows", "targets", "notes")


# -- command line ------------------------------------------------------------------------------
def parse_args(
    description: str, argv: Sequence[str] | None = None, extra: Callable | None = None
) -> argparse.Namespace:
    """The arguments every bench accepts: ``--quick``, ``--out`` and ``--reps``."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help="smoke mode: tiny sizes, a few repetitions")
    parser.add_argument("--out", default=str(RESULTS_DIR), help="folder for the result JSON")
    parser.add_argument("--reps", type=int, default=None, help="interleaved repetitions (default: per bench)")
    parser.add_argument(
        "--budget",
        type=float,
        default=None,
        help="seconds of timed rounds per measurement (default: per bench); fewer rounds when the machine is slow",
    )
    parser.add_argument(
        "--variant", default="", help="label of a process-wide setting (e.g. XLA_FLAGS) this run measures"
    )
    if extra is not None:
        extra(parser)
    return parser.parse_args(argv)


def quiet_backend_logs() -> None:
    """Silence TensorFlow/absl start-up chatter (call before importing keras)."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("GRPC_VERBOSITY", "ERROR")


def import_keras():
    """Import keras the way the test-suite does: torch before tensorflow when both exist."""
    quiet_backend_logs()
    import importlib.util

    if os.environ.get("KERAS_BACKEND", "tensorflow") != "jax" and importlib.util.find_spec("torch") is not None:
        import torch  # noqa: F401
    import keras

    return keras


# -- timing ------------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class Measured:
    """Returned by a candidate to report its own timed span instead of the wall time of its call.

    E.g. a Keras ``fit`` timed from its first epoch's start to the end of training
    (:func:`epoch_clock`), without the once-per-call set-up and teardown around it.
    """

    seconds: float


def epoch_clock(keras):
    """A Keras callback timing each ``fit`` from its first epoch's start to the end of training.

    ``clock.runs`` lists one span per ``fit`` (seconds); every callback's ``on_epoch_end`` is inside it,
    ``fit``'s set-up before the first epoch and its teardown after ``on_train_end`` are not.
    """

    class EpochClock(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.runs: list[float] = []
            self.first = None

        def on_train_begin(self, logs=None):
            self.first = None

        def on_epoch_begin(self, epoch, logs=None):
            if self.first is None:
                self.first = time.perf_counter()

        def on_train_end(self, logs=None):
            self.runs.append(time.perf_counter() - self.first)

    return EpochClock()


def interleaved(
    candidates: Mapping[str, Callable[[], Any]],
    reps: int,
    warmup: int = 1,
    budget_s: float | None = None,
    min_reps: int = 3,
) -> dict[str, list[float]]:
    """Time each candidate ``reps`` times, in rotating order, after ``warmup`` untimed calls each.

    Args:
        candidates: name -> zero-argument callable doing one unit of work
            (it must block until the work is finished).
        reps: Timed repetitions (rounds) per candidate, at most.
        warmup: Untimed calls per candidate first (compilation, caches).
        budget_s: Optional wall-time budget in seconds for the timed rounds: no new
            round starts once it is spent and ``min_reps`` rounds are done (so a
            loaded machine gives fewer rounds instead of an unbounded run).
        min_reps: Rounds always run, whatever the budget.

    Returns:
        name -> list of wall times in seconds, in the order measured (every
        candidate has the same number of rounds).
    """
    names = list(candidates)
    for name in names:
        for _ in range(warmup):
            candidates[name]()
    times: dict[str, list[float]] = {name: [] for name in names}
    start = time.perf_counter()
    for r in range(reps):
        if budget_s is not None and r >= min(min_reps, reps) and time.perf_counter() - start > budget_s:
            break
        shift = r % len(names)
        for name in names[shift:] + names[:shift]:
            t0 = time.perf_counter()
            out = candidates[name]()
            elapsed = time.perf_counter() - t0
            times[name].append(out.seconds if isinstance(out, Measured) else elapsed)
    return times


def best_ratio(numerator: Sequence[float], denominator: Sequence[float]) -> float:
    """``min(numerator) / min(denominator)``: the ratio of the best (least disturbed) repetitions.

    On a shared machine the noise of a timing is one-sided (other processes only
    ever add time), so the fastest of N repetitions is the least disturbed
    estimate of each candidate; reported next to :func:`paired_ratio`.
    """
    return min(numerator) / min(denominator)


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


def summarize(times: Sequence[float]) -> dict[str, float]:
    """Median, min, max and relative spread (IQR / median) of a list of times."""
    values = sorted(times)
    med = median(values)
    if len(values) >= 4:
        q = statistics.quantiles(values, n=4)
        spread = (q[2] - q[0]) / med if med else 0.0
    else:
        spread = (values[-1] - values[0]) / med if med and len(values) > 1 else 0.0
    return {"median_s": med, "min_s": values[0], "max_s": values[-1], "spread": spread, "n": len(values)}


def paired_ratio(numerator: Sequence[float], denominator: Sequence[float]) -> float:
    """Median of the per-repetition ratios ``numerator[i] / denominator[i]`` (interleaved pairs).

    Pairing the i-th repetitions cancels slow drifts in machine load that hit
    both candidates of the same round.
    """
    return median([a / b for a, b in zip(numerator, denominator)])


def verdict(value: float, target: float, higher_is_better: bool = True) -> str:
    """``"met"`` or ``"MISSED"`` for ``value`` against ``target``."""
    ok = value >= target if higher_is_better else value <= target
    return "met" if ok else "MISSED"


def fmt_target(target: float, higher_is_better: bool = True, unit: str = "x") -> str:
    return f"{'>=' if higher_is_better else '<='} {target:g}{unit}"


# -- record ------------------------------------------------------------------------------------
def machine_info() -> dict[str, Any]:
    """CPU, cores, memory and load of this machine (the context of every number)."""
    info: dict[str, Any] = {
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "hostname": platform.node(),
    }
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    info["cpu_model"] = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        info["affinity_cores"] = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        pass
    try:
        info["load_average"] = [round(x, 2) for x in os.getloadavg()]
    except OSError:  # pragma: no cover
        pass
    env = {k: os.environ[k] for k in THREAD_ENV if k in os.environ}
    if env:
        info["thread_env"] = env
    try:
        import psutil

        info["memory_gb"] = round(psutil.virtual_memory().total / 2**30, 1)
    except ImportError:  # pragma: no cover
        pass
    return info


def versions() -> dict[str, Any]:
    """Versions of Python, Keras, the backend, clara_keras, numpy (and torch when imported)."""
    import numpy as np

    from clara_keras.backend_utils import versions as clara_versions

    out = dict(clara_versions())
    out["numpy"] = np.__version__
    if "torch" in sys.modules and "torch" not in out:
        out["torch"] = sys.modules["torch"].__version__
    return out


def backend_name() -> str:
    import keras

    return keras.config.backend()


def result(
    bench: str,
    quick: bool,
    settings: Mapping[str, Any],
    rows: list[Mapping[str, Any]],
    targets: list[Mapping[str, Any]] | None = None,
    notes: list[str] | None = None,
    backend: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """The result record one bench writes (keys: :data:`RESULT_KEYS` plus ``extra``)."""
    record = {
        "bench": bench,
        "schema": SCHEMA_VERSION,
        "backend": backend or backend_name(),
        "variant": extra.pop("variant", "") or "",
        "quick": bool(quick),
        "created_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": machine_info(),
        "versions": versions(),
        "settings": dict(settings),
        "rows": [dict(r) for r in rows],
        "targets": [dict(t) for t in (targets or [])],
        "notes": list(notes or []),
    }
    record.update(extra)
    return record


def write_result(record: Mapping[str, Any], out_dir: str | os.PathLike | None = None) -> Path:
    """Write ``record`` to ``<out>/<bench>_<backend>[-<variant>][_quick].json`` atomically; returns the path."""
    from clara_keras.io_utils import atomic_write_json

    out = Path(out_dir or RESULTS_DIR)
    suffix = "_quick" if record.get("quick") else ""
    variant = f"-{record['variant']}" if record.get("variant") else ""
    path = out / f"{record['bench']}_{record['backend']}{variant}{suffix}.json"
    atomic_write_json(path, record)
    return path


def load_results(out_dir: str | os.PathLike | None = None, quick: bool = False) -> list[dict[str, Any]]:
    """All result records in ``out_dir`` of the requested mode, sorted by bench then backend."""
    out = Path(out_dir or RESULTS_DIR)
    records = []
    for path in sorted(out.glob("*.json")):
        try:
            record = json.loads(path.read_text())
        except (OSError, json.JSONDecodeError):
            continue
        # One record per bench and backend (files merging several backends are skipped).
        if (
            isinstance(record, dict)
            and "bench" in record
            and isinstance(record.get("backend"), str)
            and isinstance(record.get("rows"), list)
            and bool(record.get("quick")) == quick
        ):
            records.append(record)
    return sorted(records, key=lambda r: (r["bench"], r.get("backend", ""), r.get("variant", "")))


# -- tables ------------------------------------------------------------------------------------
def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A GitHub-flavoured Markdown table."""

    def cell(v: Any) -> str:
        if isinstance(v, float):
            if v == 0:
                return "0"
            if abs(v) >= 100:
                return f"{v:.0f}"
            if abs(v) >= 10:
                return f"{v:.1f}"
            return f"{v:.3g}" if abs(v) < 1 else f"{v:.2f}"
        return str(v).replace("|", "\\|")

    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def targets_table(targets: Sequence[Mapping[str, Any]]) -> str:
    """Table of targets: what, measured value, target, met/MISSED."""
    return markdown_table(
        ["target", "measured", "wanted", "status"],
        [[t["name"], t["value"], t["target"], t["status"]] for t in targets],
    )


def target(
    name: str, value: float, wanted: float, higher_is_better: bool = True, unit: str = "x", info: bool = False
) -> dict[str, Any]:
    """One target record: ``{'name', 'value', 'target', 'status'}``.

    ``info=True`` marks a figure shown against a threshold that is not itself a
    target (e.g. a per-backend ratio when the target is for the best backend):
    its status reads ``info (met)`` / ``info (below)`` and never ``MISSED``.
    """
    status = verdict(value, wanted, higher_is_better)
    if info:
        status = "info (met)" if status == "met" else "info (below)"
    return {
        "name": name,
        "value": round(float(value), 4),
        "target": fmt_target(wanted, higher_is_better, unit),
        "status": status,
    }


def print_report(title: str, table: str, targets: Sequence[Mapping[str, Any]] = (), notes: Sequence[str] = ()) -> None:
    print(f"\n## {title}\n")
    print(table)
    if targets:
        print()
        print(targets_table(targets))
    for note in notes:
        print(f"\n- {note}")
    sys.stdout.flush()


# -- shared workloads --------------------------------------------------------------------------
MID_INPUT_SHAPE = (32, 32, 3)
MID_CLASSES = 10


def mid_cnn_spec() -> list[tuple]:
    """The mid-size 4-conv CNN, layer by layer: ``(kind, options)``.

    conv32-conv32-pool-conv64-conv64-pool-dense128-dense10, ReLU, 'same' padding.
    The one description all benches (and the native PyTorch loop) build from.
    """
    return [
        ("conv", {"filters": 32}),
        ("conv", {"filters": 32}),
        ("pool", {}),
        ("conv", {"filters": 64}),
        ("conv", {"filters": 64}),
        ("pool", {}),
        ("flatten", {}),
        ("dense", {"units": 128, "activation": "relu"}),
        ("dense", {"units": MID_CLASSES, "activation": None}),
    ]


def build_mid_cnn(kind: str = "clara", data_format: str | None = None):
    """The mid-size CNN as a ``clara_keras.Model`` (``kind='clara'``) or a plain ``keras.Sequential``.

    Both use the same layer classes' maths (Clara's layers subclass Keras's),
    the same Glorot-uniform/zero initialisation and, after
    ``keras.utils.set_random_seed``, the same initial weights.
    """
    keras = import_keras()
    channels_first = data_format == "channels_first"
    shape = (MID_INPUT_SHAPE[2], *MID_INPUT_SHAPE[:2]) if channels_first else MID_INPUT_SHAPE
    fmt = {"data_format": data_format} if data_format else {}
    if kind == "clara":
        import clara_keras as clara
        from clara_keras import layers as cl

        model = clara.Model(type="classification", input_shape=shape, name="mid_cnn")
        make = {
            "conv": lambda o: cl.Conv2DLayer(kernel_size=(3, 3), padding="same", activation="relu", **fmt, **o),
            "pool": lambda o: cl.MaxPooling2DLayer(pool_size=(2, 2), **fmt),
            "flatten": lambda o: cl.Flatten(**fmt),
            "dense": lambda o: cl.DenseLayer(**o),
        }
    elif kind == "keras":
        model = keras.Sequential([keras.Input(shape=shape)], name="mid_cnn")
        make = {
            "conv": lambda o: keras.layers.Conv2D(kernel_size=(3, 3), padding="same", activation="relu", **fmt, **o),
            "pool": lambda o: keras.layers.MaxPooling2D(pool_size=(2, 2), **fmt),
            "flatten": lambda o: keras.layers.Flatten(**fmt),
            "dense": lambda o: keras.layers.Dense(**o),
        }
    else:
        raise ValueError(f"kind must be 'clara' or 'keras'. Received: kind={kind!r}")
    for layer_kind, options in mid_cnn_spec():
        model.add(make[layer_kind](options))
    return model


def mid_cnn_forward_flops(input_shape: tuple[int, int, int] = MID_INPUT_SHAPE) -> dict[str, int]:
    """Forward FLOPs per sample of the mid-size CNN, counted from the layer shapes (2 per MAC).

    Convolutions: ``2 * H_out * W_out * C_out * k * k * C_in``; dense: ``2 * in * out``.
    Bias adds, ReLU and pooling are counted too (one FLOP per output element), though
    they are < 1 % of the total.
    """
    h, w, c = input_shape
    per_layer: dict[str, int] = {}
    for i, (kind, options) in enumerate(mid_cnn_spec()):
        if kind == "conv":
            f = options["filters"]
            per_layer[f"conv{i}"] = 2 * h * w * f * 9 * c + 2 * h * w * f  # MACs + bias + relu
            c = f
        elif kind == "pool":
            per_layer[f"pool{i}"] = (h // 2) * (w // 2) * c * 3  # 3 comparisons per 2x2 window
            h, w = h // 2, w // 2
        elif kind == "flatten":
            c, h, w = h * w * c, 1, 1
        elif kind == "dense":
            u = options["units"]
            per_layer[f"dense{i}"] = 2 * c * u + u * (2 if options.get("activation") else 1)
            c = u
    return per_layer


def synthetic_images(n: int, shape=MID_INPUT_SHAPE, classes: int = MID_CLASSES, seed: int = 0):
    """``(x, y)``: float32 images in [0, 1) and int64 labels that depend on the image (learnable)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    x = rng.random((n, *shape), dtype=np.float32)
    # The label is the arg-max of a fixed random projection: a learnable signal, not noise.
    proj = rng.standard_normal((int(np.prod(shape)), classes)).astype(np.float32)
    y = np.argmax(x.reshape(n, -1) @ proj, axis=1).astype(np.int64)
    return x, y


def data_generator_class():
    """``clara_keras.data.DataGenerator`` if it is available, else ``None``."""
    try:
        from clara_keras.data import DataGenerator  # type: ignore[attr-defined]
    except ImportError:
        return None
    return DataGenerator
