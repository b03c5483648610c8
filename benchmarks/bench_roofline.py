"""Roofline: achieved training GFLOP/s of the mid-size CNN as a fraction of this CPU's float32 matmul peak.

The peak is measured in the same run, interleaved with the training epochs:
a float32 ``numpy`` matmul (``2 n^3`` FLOPs, BLAS on every core). The training
FLOPs are counted from the layer shapes (``common.mid_cnn_forward_flops``;
2 FLOPs per multiply-add) and a training step is taken as 3x the forward
pass (forward, gradient w.r.t. the inputs, gradient w.r.t. the weights).

Candidates: the Clara model with its defaults, the Clara model with the
setting ``bench_backends`` found fastest on this backend in the same run (read from
``results/backends_<backend>.json``; run_all runs it first), and plain Keras.

Run: ``KERAS_BACKEND=tensorflow python benchmarks/bench_roofline.py [--quick]``.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402

BENCH = "roofline"
BATCH = 128
TARGET = 0.65
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
    """A callable doing ``repeats`` float32 ``n x n`` matmuls; and its FLOP count."""
    import numpy as np

    rng = np.random.default_rng(0)
    a = rng.random((n, n), dtype=np.float32)
    b = rng.random((n, n), dtype=np.float32)
    out = np.empty((n, n), dtype=np.float32)

    def run():
        for _ in range(repeats):
            np.matmul(a, b, out=out)

    return run, 2.0 * n**3 * repeats


def main(argv=None) -> int:
    args = common.parse_args(__doc__.splitlines()[0], argv)
    keras = common.import_keras()
    from bench_backends import make_keras_fit

    backend = keras.config.backend()
    n = 128 if args.quick else 1024
    reps = args.reps or (1 if args.quick else 5)
    x, y = common.synthetic_images(n)
    fwd = sum(common.mid_cnn_forward_flops().values())
    train_flops_per_sample = 3 * fwd
    epoch_flops = train_flops_per_sample * n

    mm_n = 512 if args.quick else 2048
    mm_run, mm_flops = matmul_runner(mm_n, 2 if args.quick else 4)
    runs = {"numpy_matmul": mm_run}
    _, runs["clara"] = make_keras_fit("clara", x, y, {})
    fastest_name, fastest = fastest_setting(args.out, backend)
    if fastest and fastest_name != "clara" and not args.quick:
        _, runs[fastest_name] = make_keras_fit("clara", x, y, fastest)
    if not args.quick:
        _, runs["keras"] = make_keras_fit("keras", x, y, {})

    times = common.interleaved(runs, reps=reps, warmup=1)
    peak = mm_flops / common.median(times["numpy_matmul"])
    best_peak = mm_flops / min(times["numpy_matmul"])
    rows = [
        {
            "candidate": "numpy_matmul",
            "gflops": peak / 1e9,
            "fraction_of_peak": 1.0,
            "mflops_vs_seed_article": peak / SEED_ARTICLE_FLOPS,
            "s_median": common.median(times["numpy_matmul"]),
            "times_s": times["numpy_matmul"],
        }
    ]
    for name, t in times.items():
        if name == "numpy_matmul":
            continue
        achieved = epoch_flops / common.median(t)
        # Same-round ratio: each epoch against the matmul of the same round.
        paired = common.median([(epoch_flops / te) / (mm_flops / tm) for te, tm in zip(t, times["numpy_matmul"])])
        rows.append(
            {
                "candidate": name,
                "gflops": achieved / 1e9,
                "fraction_of_peak": paired,
                "mflops_vs_seed_article": achieved / SEED_ARTICLE_FLOPS,
                "s_median": common.median(t),
                "times_s": t,
            }
        )
    best = max(rows[1:], key=lambda r: r["fraction_of_peak"])
    targets = [
        common.target(
            f"best clara fraction of matmul peak ({backend})",
            max(r["fraction_of_peak"] for r in rows if r["candidate"].startswith("clara")),
            TARGET,
        )
    ]
    notes = [
        f"Training FLOPs per sample = 3 x forward = {train_flops_per_sample / 1e6:.1f} MFLOP "
        f"(forward {fwd / 1e6:.1f} MFLOP, counted from the layer shapes).",
        f"Peak: float32 numpy matmul {mm_n}x{mm_n}: median {peak / 1e9:.1f} GFLOP/s, best {best_peak / 1e9:.1f} GFLOP/s.",
        f"Fastest: {best['candidate']} at {best['gflops']:.1f} GFLOP/s = {best['mflops_vs_seed_article']:,.0f}x the seed "
        "article's 'millions of floating-point operations per second'.",
    ]
    settings = {
        "samples_per_epoch": n,
        "batch_size": BATCH,
        "reps": reps,
        "matmul_n": mm_n,
        "forward_flops_per_sample": fwd,
        "forward_flops_per_layer": common.mid_cnn_forward_flops(),
        "train_flops_per_sample": train_flops_per_sample,
        "fastest_setting": {fastest_name: fastest},
    }
    record = common.result(BENCH, args.quick, settings, rows, targets, notes, peak_gflops=peak / 1e9)
    path = common.write_result(record, args.out)
    table = common.markdown_table(
        ["candidate", "GFLOP/s", "fraction of peak", "x 1 MFLOP/s"],
        [[r["candidate"], r["gflops"], r["fraction_of_peak"], f"{r['mflops_vs_seed_article']:,.0f}"] for r in rows],
    )
    common.print_report(f"Roofline ({backend})", table, targets, notes + [f"written: {path}"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
