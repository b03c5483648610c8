"""Roofline: achieved training GFLOP/s of the mid-size CNN as a fraction of this CPU's float32 matmul peak.

The peak is measured in the same run, interleaved with the training epochs:
float32 ``numpy`` matmuls (``2 n^3`` FLOPs each, BLAS on every core), each
timed alone, the peak being the fastest of them all (best of N: on a shared
machine a matmul that lost its cores to another process must not lower the
peak, which made an earlier run report 105 % of "peak"). The training FLOPs are
counted from the layer shapes (``common.mid_cnn_forward_flops``, checked against
a hand count; 2 FLOPs per multiply-add) and a training step is taken as 3x the
forward pass (forward, gradient w.r.t. the inputs, gradient w.r.t. the weights).
The fraction of peak is best epoch over best matmul; the median-based figure is
reported too, and a fraction above 1 is flagged MISSED by a sanity target.

``run_all.py`` gets the roofline from ``bench_backends.py``, which interleaves
the matmuls with its candidates (clara's settings, plain Keras, native PyTorch)
and writes ``results/roofline_<backend>.json``. Run alone, this script measures
the Clara model with its defaults, with the setting ``bench_backends`` found
fastest (read from ``results/backends_<backend>.json``) and plain Keras.

Run: ``KERAS_BACKEND=tensorflow python benchmarks/bench_roofline.py [--quick]``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402

BENCH = "roofline"
# run_all.py does not start this script: bench_backends.py interleaves the matmul peak with its
# training candidates and writes results/roofline_<backend>.json from the same rounds (one run
# of the mid CNN per backend instead of two). Run this file directly for a roofline alone.
BACKENDS = ()
BATCH = 128
TARGET = 0.65
MATMUL_N = 2048
MATMULS_PER_ROUND = 4
SEED_ARTICLE_FLOPS = 1e6  # "millions of floating-point operations per second"


def fastest_setting(out_dir, backend: str) -> tuple[str, dict]:
    """The clara setting ``bench_backends`` measured fastest on ``backend`` in ``out_dir`` (run first by run_all)."""
    import json

    path = Path(out_dir) / f"backends_{backend}.json"
    try:
        record = json.loads(path.read_text())
        name = record["best_clara"]
        return name, dict(record["settings"]["candidates"].get(name) or {})
    except (OSError, ValueError, KeyError, TypeError):
        return "clara", {}


def matmul_runner(n: int, repeats: int):
    """``(run, flops_per_matmul, burst_times)``: ``run()`` does ``repeats`` float32 ``n x n`` matmuls.

    Each single matmul's wall time is appended to ``burst_times``: the peak is
    the *fastest* of all of them (best of N), so a matmul that shared the cores
    with another process does not lower it.
    """
    import numpy as np

    rng = np.random.default_rng(0)
    a = rng.random((n, n), dtype=np.float32)
    b = rng.random((n, n), dtype=np.float32)
    out = np.empty((n, n), dtype=np.float32)
    burst_times: list[float] = []

    def run():
        for _ in range(repeats):
            t0 = time.perf_counter()
            np.matmul(a, b, out=out)
            burst_times.append(time.perf_counter() - t0)

    return run, 2.0 * n**3, burst_times


def hand_count_forward_flops() -> int:
    """The mid CNN's forward multiply-adds counted by hand (x2 FLOPs), without bias/ReLU/pooling.

    conv 3->32 and 32->32 on 32x32, conv 32->64 and 64->64 on 16x16 (3x3 kernels,
    'same' padding), dense 8*8*64->128 and 128->10. A check of
    ``common.mid_cnn_forward_flops``, which derives the same from the layer specs.
    """
    macs = (
        32 * 32 * 32 * (3 * 3 * 3)
        + 32 * 32 * 32 * (3 * 3 * 32)
        + 16 * 16 * 64 * (3 * 3 * 32)
        + 16 * 16 * 64 * (3 * 3 * 64)
        + (8 * 8 * 64) * 128
        + 128 * 10
    )
    return 2 * macs


def flop_counts() -> dict:
    """Forward FLOPs per sample from the layer shapes, the hand count, and the training FLOPs (3x forward)."""
    per_layer = common.mid_cnn_forward_flops()
    fwd = sum(per_layer.values())
    hand = hand_count_forward_flops()
    if not hand <= fwd <= hand * 1.01:  # bias, ReLU and pooling add < 1 %
        raise AssertionError(f"FLOP count {fwd} disagrees with the hand count {hand} (multiply-adds x2)")
    return {"forward": fwd, "hand_count_macs_x2": hand, "per_layer": per_layer, "train": 3 * fwd}


def roofline_rows(times: dict, epoch_flops: float, mm_flops: float, burst_times: list[float], backend: str):
    """Rows, targets and notes of the roofline from interleaved epoch times and matmul bursts.

    ``times`` maps candidate -> epoch times (the ``numpy_matmul`` entry, if any, is
    ignored: the peak comes from ``burst_times``). The fraction of peak is the
    best training GFLOP/s (fastest epoch) over the best matmul GFLOP/s (fastest
    burst), both best of N in the same rounds; the median-based figure is reported too.
    """
    peak = mm_flops / min(burst_times)
    peak_median = mm_flops / common.median(burst_times)
    rows = [
        {
            "candidate": "numpy_matmul",
            "gflops": peak / 1e9,
            "gflops_median": peak_median / 1e9,
            "fraction_of_peak": 1.0,
            "fraction_of_peak_median": 1.0,
            "mflops_vs_seed_article": peak / SEED_ARTICLE_FLOPS,
            "s_best": min(burst_times),
            "n": len(burst_times),
        }
    ]
    for name, t in times.items():
        if name == "numpy_matmul":
            continue
        best = epoch_flops / min(t)
        med = epoch_flops / common.median(t)
        rows.append(
            {
                "candidate": name,
                "gflops": best / 1e9,
                "gflops_median": med / 1e9,
                "fraction_of_peak": best / peak,
                "fraction_of_peak_median": med / peak_median,
                "mflops_vs_seed_article": best / SEED_ARTICLE_FLOPS,
                "s_best": min(t),
                "n": len(t),
            }
        )
    clara = [r for r in rows if r["candidate"].startswith("clara")]
    best_clara = max(clara, key=lambda r: r["fraction_of_peak"])
    targets = [
        common.target(
            f"best clara fraction of matmul peak ({backend}, {best_clara['candidate']})",
            best_clara["fraction_of_peak"],
            TARGET,
        ),
        # A fraction above 1 means the peak was measured too low (or the FLOPs over-counted).
        common.target(
            f"sanity: every fraction of peak <= 1 ({backend})", max(r["fraction_of_peak"] for r in rows[1:]), 1.0, False
        ),
    ]
    fastest = max(rows[1:], key=lambda r: r["gflops"])
    notes = [
        f"Peak: float32 numpy matmul, best of {len(burst_times)} single matmuls interleaved with the training "
        f"epochs: {peak / 1e9:.1f} GFLOP/s (median {peak_median / 1e9:.1f}).",
        "fraction of peak = fastest epoch's GFLOP/s / fastest matmul's GFLOP/s (best of N each); "
        "fraction_of_peak_median = the same with medians.",
        f"Fastest: {fastest['candidate']} at {fastest['gflops']:.1f} GFLOP/s = {fastest['mflops_vs_seed_article']:,.0f}x "
        "the seed article's 'millions of floating-point operations per second'.",
    ]
    return rows, targets, notes


def main(argv=None) -> int:
    args = common.parse_args(__doc__.splitlines()[0], argv)
    keras = common.import_keras()
    from bench_backends import make_keras_fit

    backend = keras.config.backend()
    n = 128 if args.quick else 1024
    reps = args.reps or (1 if args.quick else 5)
    x, y = common.synthetic_images(n)
    flops = flop_counts()
    epoch_flops = flops["train"] * n

    mm_n = 512 if args.quick else MATMUL_N
    mm_run, mm_flops, bursts = matmul_runner(mm_n, 2 if args.quick else MATMULS_PER_ROUND)
    runs = {"numpy_matmul": mm_run}
    _, runs["clara"] = make_keras_fit("clara", x, y, {})
    fastest_name, fastest = fastest_setting(args.out, backend)
    if fastest and fastest_name != "clara" and not args.quick:
        _, runs[fastest_name] = make_keras_fit("clara", x, y, fastest)
    if not args.quick:
        _, runs["keras"] = make_keras_fit("keras", x, y, {})

    times = common.interleaved(runs, reps=reps, warmup=1, budget_s=args.budget)
    bursts[: (2 if args.quick else MATMULS_PER_ROUND)] = []  # the warm-up call's bursts
    rows, targets, notes = roofline_rows(times, epoch_flops, mm_flops, bursts, backend)
    record = roofline_record(args, rows, targets, notes, n, reps, mm_n, flops, {fastest_name: fastest})
    path = common.write_result(record, args.out)
    print_roofline(backend, rows, targets, notes + [f"written: {path}"])
    return 0


def roofline_record(args, rows, targets, notes, n, reps, mm_n, flops, fastest, backend=None):
    notes = [
        f"Training FLOPs per sample = 3 x forward = {flops['train'] / 1e6:.1f} MFLOP (forward {flops['forward'] / 1e6:.1f} "
        f"MFLOP counted from the layer shapes; hand count of the multiply-adds x2: {flops['hand_count_macs_x2'] / 1e6:.1f}).",
        *notes,
    ]
    settings = {
        "samples_per_epoch": n,
        "batch_size": BATCH,
        "reps": reps,
        "matmul_n": mm_n,
        "forward_flops_per_sample": flops["forward"],
        "forward_flops_hand_count": flops["hand_count_macs_x2"],
        "forward_flops_per_layer": flops["per_layer"],
        "train_flops_per_sample": flops["train"],
        "fastest_setting": fastest,
    }
    peak = rows[0]["gflops"]
    return common.result(BENCH, args.quick, settings, rows, targets, notes, backend=backend, peak_gflops=peak)


def print_roofline(backend, rows, targets, notes):
    table = common.markdown_table(
        ["candidate", "GFLOP/s (best)", "fraction of peak", "median-based", "x 1 MFLOP/s"],
        [
            [
                r["candidate"],
                r["gflops"],
                r["fraction_of_peak"],
                r["fraction_of_peak_median"],
                f"{r['mflops_vs_seed_article']:,.0f}",
            ]
            for r in rows
        ],
    )
    common.print_report(f"Roofline ({backend})", table, targets, notes)


if __name__ == "__main__":
    sys.exit(main())
