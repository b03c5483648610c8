"""Hyper-parameter search on the digits CNN: trials to reach random search's best, wall time, pruning.

For each seed, random search runs `--trials` (20) trials; its best validation accuracy is the
target. Every other algorithm runs the same budget on the same space, and the bench records the
number of trials it needed to reach the target (`budget + 1` when it did not) and the wall time of
its whole search relative to random search at the same seed. Pruning: random search with the
median-stopping pruner against random search without it, same seed, so the same configurations
and initial weights: wall-time cut and best accuracy. Medians over the seeds. The algorithms of
one seed run one after the other in an order rotated from seed to seed, so a change in machine
load hits them alike.

The space is the seed's SGD search with ranges: learning rate `(1e-4, 0.5, 'log')`, momentum
`(0, 0.95)`, L2 penalty `lmbda=(1e-6, 0.1, 'log')` and batch size `[32, 64, 128, 256]` (with
batch normalisation and 3 epochs, the large batches train too few steps). Grid search cannot
sample ranges: it runs a 20-point grid of the same parameters (lr 5 values x momentum 2 x batch
size 2, lmbda 1e-4) in its fixed order, a reference rather than a competitor.

Issue targets: simulated annealing and Bayesian need <= 1/2 the trials of random search; pruning
cuts wall time by >= 30 % at equal final accuracy.

```
python benchmarks/bench_search.py --quick     # smoke: 1 seed, 2 trials, 1 epoch, data subset
python benchmarks/bench_search.py             # 5 seeds x 20 trials x 3 epochs (about 15-20 min quiet)
python benchmarks/bench_search.py --seed-offset 100 --algorithms random annealing   # development seeds
```
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import common  # noqa: E402

BENCH = "search"
# One backend in the full run (`run_all.py` reads this literal): a search is the same code on
# every backend, and torch is the quickest on these small CPU models.
BACKENDS = ("torch",)
TIMEOUT_S = 3600  # run_all.py's limit for the full run (about 20 minutes on 2 quiet cores; 900 s is too short)
SPACE = {
    "optimizer": "sgd",
    "lr": (1e-4, 0.5, "log"),
    "momentum": (0.0, 0.95),
    "regularization": "l2",
    "lmbda": (1e-6, 0.1, "log"),
    "batch_size": [32, 64, 128, 256],
}
GRID = {
    "optimizer": "sgd",
    "lr": [1e-4, 1e-3, 1e-2, 1e-1, 0.5],
    "momentum": [0.0, 0.9],
    "regularization": "l2",
    "lmbda": 1e-4,
    "batch_size": [32, 128],
}
# --quick: a 2-point grid (the full grid alone would be 20 trials)
GRID_QUICK = {**GRID, "lr": [1e-2, 1e-1], "momentum": 0.9, "batch_size": 32}
ALGORITHMS = ("random", "random_pruned", "bayesian", "annealing", "hyperband", "grid")
PRUNER = {"warmup_epochs": 0, "min_trials": 3}


def _extra(parser):
    parser.add_argument("--seeds", type=int, default=None, help="number of seeds (default: 5, quick: 1)")
    parser.add_argument("--seed-offset", type=int, default=0, help="first seed (benchmark: 0; development: 100+)")
    parser.add_argument("--trials", type=int, default=None, help="trials per search (default: 20, quick: 2)")
    parser.add_argument("--epochs", type=int, default=None, help="epochs per trial (default: 3, quick: 1)")
    parser.add_argument("--algorithms", nargs="+", default=None, choices=ALGORITHMS, help="default: all")
    parser.add_argument(
        "--root",
        default=None,
        help="search folder to use (default: a new temporary one); a run interrupted part-way continues in its "
        "folder: searches it finished are reloaded with their recorded wall times, nothing is trained twice",
    )


def trials_to_reach(scores, target):
    """1-based index of the first score >= target, or None."""
    for i, score in enumerate(scores):
        if score is not None and score >= target - 1e-9:
            return i + 1
    return None


def describe_space(space) -> str:
    def one(v):
        if isinstance(v, tuple):
            return f"{v[0]:g}..{v[1]:g}" + (" log" if len(v) > 2 and v[2] == "log" else "")
        if isinstance(v, list):
            return "[" + ", ".join(f"{x:g}" if isinstance(x, float) else str(x) for x in v) + "]"
        return f"{v:g}" if isinstance(v, float) else str(v)

    return ", ".join(f"{k} {one(v)}" for k, v in space.items())


def main(argv=None) -> int:
    args = common.parse_args(__doc__.splitlines()[0], argv, extra=_extra)
    common.import_keras()
    from clara_keras import optimizers as co
    from clara_keras.datasets import load_digits_splits
    from clara_keras.models import digits_cnn

    seeds = list(range(args.seed_offset, args.seed_offset + (args.seeds or (1 if args.quick else 5))))
    budget = args.trials or (2 if args.quick else 20)
    epochs = args.epochs or (1 if args.quick else 3)
    algorithms = tuple(args.algorithms or ALGORITHMS)
    if "random" not in algorithms:
        algorithms = ("random", *algorithms)
    train, val, _ = load_digits_splits(seed=0)
    if args.quick:
        train, val = train.subset(range(300)), val.subset(range(100))
    grid = GRID_QUICK if args.quick else GRID
    root = args.root or tempfile.mkdtemp(prefix="bench_search_")
    from clara_keras.errors import SearchError

    def search(name, seed, trials=budget):
        extra = {"num_trials": trials}
        space = SPACE
        if name == "random_pruned":
            cls, extra["pruner"] = co.RandomSearchOptimizer, co.MedianStoppingPruner(**PRUNER)
        elif name == "grid":
            cls, space, extra = co.GridSearchOptimizer, grid, {}
        elif name == "hyperband":  # the full schedule, iterated until it holds `trials` trials
            cls, extra["factor"], extra["hyperband_iterations"] = co.HyperbandOptimizer, 3, 10
        else:
            cls = {
                "random": co.RandomSearchOptimizer,
                "bayesian": co.BayesianOptimizer,
                "annealing": co.SimulatedAnnealingOptimizer,
            }[name]
        opt = cls(
            model=digits_cnn(num_classes=10, input_shape=train["X"].shape[1:]),
            dataset=train,
            validation_data=val,
            epochs=epochs,
            seed=seed,
            directory=root,
            project_name=f"{name}_{seed}",
            verbose=0,
            **space,
            **extra,
        )
        record = os.path.join(root, f"{name}_{seed}", "bench_seconds.json")
        stopped = None
        if os.path.exists(record):  # finished in an earlier, interrupted run of this bench: reload, train nothing
            # (no fit(): results() reads the search from its folder, and a search that stopped early would
            # otherwise start a new trial)
            with open(record) as f:
                saved = json.load(f)
            seconds, stopped = saved["seconds"], saved.get("stopped")
        else:
            start = time.perf_counter()
            try:
                opt.fit()
            except SearchError as exc:  # e.g. 3 diverging trials in a row: the search stops; its trials still count
                stopped = str(exc).split(";")[0]
                print(f"{name} seed {seed}: stopped early ({stopped})", flush=True)
            seconds = time.perf_counter() - start
            with open(record, "w") as f:
                json.dump({"seconds": seconds, "stopped": stopped}, f)
        rows = opt.results()
        if args.quick or name == "grid":
            rows = rows[:budget]
        scores = [r["score"] for r in rows]
        return {
            "scores": scores,
            "statuses": [r["status"] for r in rows],
            "epochs": sum(r["epochs_run"] or 0 for r in rows),
            "seconds": seconds,
            "stopped": stopped,
            "best": max((s for s in scores if s is not None), default=float("nan")),
        }

    search("random", 10_000 + seeds[0], trials=2)  # warm-up (imports, first kernels), not timed
    per_seed = []
    for k, seed in enumerate(seeds):
        order = algorithms[k % len(algorithms) :] + algorithms[: k % len(algorithms)]
        load_before = os.getloadavg()[0]
        runs = {name: search(name, seed) for name in order}
        target = runs["random"]["best"]
        per_seed.append(
            {"seed": seed, "target": target, "order": list(order), "load": [load_before, os.getloadavg()[0]]}
        )
        per_seed[-1]["runs"] = runs
        needed = {n: trials_to_reach(r["scores"], target) for n, r in runs.items()}
        print(
            f"seed {seed}: target {target:.4f}; "
            + ", ".join(f"{n} {needed[n]} trials {runs[n]['best']:.3f} {runs[n]['seconds']:.0f}s" for n in order),
            flush=True,
        )

    def med(values):
        values = [v for v in values if v is not None]
        return statistics.median(values) if values else float("nan")

    rows = []
    for name in algorithms:
        needed = [trials_to_reach(s["runs"][name]["scores"], s["target"]) for s in per_seed]
        needed_or_more = [n if n is not None else budget + 1 for n in needed]
        rel = [s["runs"][name]["seconds"] / s["runs"]["random"]["seconds"] for s in per_seed]
        rows.append(
            {
                "candidate": name,
                "trials_to_target": med(needed_or_more),
                "trials_per_seed": " ".join(str(n) if n is not None else f">{budget}" for n in needed),
                "reached": f"{sum(n is not None for n in needed)}/{len(needed)}",
                "best_val_accuracy": med([s["runs"][name]["best"] for s in per_seed]),
                "epochs_trained": med([s["runs"][name]["epochs"] for s in per_seed]),
                "wall_time_vs_random": med(rel),
                "seconds": med([s["runs"][name]["seconds"] for s in per_seed]),
            }
        )
    by_name = {r["candidate"]: r for r in rows}
    random_trials = by_name["random"]["trials_to_target"]
    targets = []
    for name in ("annealing", "bayesian"):
        if name in by_name:
            ratio = by_name[name]["trials_to_target"] / random_trials
            targets.append(common.target(f"{name}: trials to target / random's", ratio, 0.5, False))
    if "random_pruned" in by_name:
        cut = 1.0 - by_name["random_pruned"]["wall_time_vs_random"]
        targets.append(common.target("pruning: wall-time cut vs random", cut, 0.30, True))
        gaps = [s["runs"]["random_pruned"]["best"] - s["target"] for s in per_seed]
        targets.append(common.target("pruning: best val accuracy - random's (median)", med(gaps), 0.0, True))
    loads = [x for s in per_seed for x in s["load"]]
    settings = {
        "seeds": seeds,
        "trials": budget,
        "epochs": epochs,
        "space": describe_space(SPACE),
        "grid": describe_space(grid),
        "pruner": PRUNER,
        "train_samples": len(train["X"]),
        "val_samples": len(val["X"]),
        "load_average_1min": {"min": min(loads), "max": max(loads)},
    }
    notes = [
        f"Digits CNN (`clara_keras.models.digits_cnn`), {len(train['X'])} training / {len(val['X'])} validation "
        f"images, {epochs} epochs per trial, {budget} trials per search, seeds {seeds[0]}..{seeds[-1]}, "
        f"backend {common.backend_name()}.",
        f"Space: {describe_space(SPACE)}. Grid: {describe_space(grid)}.",
        "trials_to_target: first trial whose validation accuracy reaches the best of random search's "
        f"{budget} trials at the same seed (median over seeds; {budget + 1} = not reached within {budget}); "
        "random's own value is the trial where it found its best.",
        "random_pruned: random search with MedianStoppingPruner("
        + ", ".join(f"{k}={v}" for k, v in PRUNER.items())
        + "); same configurations and initial weights as random.",
        "hyperband trials have budgets of 1..epochs epochs (epochs_trained counts them).",
        "A search that stopped early (3 failed trials in a row, e.g. diverging learning rates) counts with the "
        "trials it ran: "
        + (", ".join(f"{n} seed {s['seed']}" for s in per_seed for n, r in s["runs"].items() if r["stopped"]) or "none")
        + ".",
        f"1-minute load average during the run: {min(loads):.1f} .. {max(loads):.1f} on "
        f"{os.cpu_count()} cores (wall-time ratios are measured per seed, algorithms interleaved).",
    ]
    record = common.result(BENCH, args.quick, settings, rows, targets, notes, variant=args.variant)
    record["per_seed"] = [
        {
            **{k: s[k] for k in ("seed", "target", "order", "load")},
            **{
                n: {k: v[k] for k in ("scores", "statuses", "seconds", "epochs", "stopped")}
                for n, v in s["runs"].items()
            },
        }
        for s in per_seed
    ]
    if args.seed_offset and not args.quick:  # development seeds never replace the benchmark's result
        record["variant"] = record["variant"] or f"dev{args.seed_offset}"
    path = common.write_result(record, args.out)
    table = common.markdown_table(
        [
            "algorithm",
            "trials to target (median)",
            "per seed",
            "reached",
            "best val acc",
            "epochs",
            "time vs random",
        ],
        [
            [
                r["candidate"],
                r["trials_to_target"],
                r["trials_per_seed"],
                r["reached"],
                r["best_val_accuracy"],
                r["epochs_trained"],
                r["wall_time_vs_random"],
            ]
            for r in rows
        ],
    )
    common.print_report(
        f"Search on the digits CNN ({common.backend_name()})", table, targets, notes + [f"written: {path}"]
    )
    return 0


if __name__ == "__main__":
    os.environ.setdefault("KERAS_BACKEND", "torch")
    sys.exit(main())
