"""Hyper-parameter search on the digits CNN: trials to reach random search's best, wall time, pruning.

For each seed, random search runs `--trials` (20) trials; its best validation accuracy is the
target. Every other algorithm runs the same budget on the same space, and the bench records the
number of trials it needed to reach the target (`> budget` when it did not) and the wall time of
its whole search relative to random search. Pruning: random search with the median-stopping
pruner against random search without it, same seed and trials: wall-time cut and best accuracy.
Medians over the seeds. Grid search is exhaustive by definition and is not in the comparison.

Issue targets: simulated annealing and Bayesian need <= 1/2 the trials of random search; pruning
cuts wall time by >= 30 % at equal final accuracy.

```
python benchmarks/bench_search.py --quick     # about a minute of CPU: 1 seed, 2 trials, 1 epoch, data subset
python benchmarks/bench_search.py             # 5 seeds x 20 trials x 3 epochs (long: run at the end)
```
"""

from __future__ import annotations

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
SPACE = {
    "lr": [3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1],
    "optimizer": ["adam", "sgd", "rmsprop"],
    "batch_size": [32, 128],
}
ALGORITHMS = ("random", "bayesian", "annealing", "hyperband")


def _extra(parser):
    parser.add_argument("--seeds", type=int, default=None, help="number of seeds (default: 5, quick: 1)")
    parser.add_argument("--trials", type=int, default=None, help="trials per search (default: 20, quick: 3)")
    parser.add_argument("--epochs", type=int, default=None, help="epochs per trial (default: 3, quick: 1)")


def trials_to_reach(scores, target):
    for i, score in enumerate(scores):
        if score is not None and score >= target - 1e-9:
            return i + 1
    return None


def main(argv=None) -> int:
    args = common.parse_args(__doc__.splitlines()[0], argv, extra=_extra)
    common.import_keras()
    from clara_keras import optimizers as co
    from clara_keras.datasets import load_digits_splits
    from clara_keras.models import digits_cnn

    seeds = args.seeds or (1 if args.quick else 5)
    budget = args.trials or (2 if args.quick else 20)
    epochs = args.epochs or (1 if args.quick else 3)
    train, val, _ = load_digits_splits(seed=0)
    if args.quick:
        train, val = train.subset(range(300)), val.subset(range(100))
    classes = {
        "random": co.RandomSearchOptimizer,
        "bayesian": co.BayesianOptimizer,
        "annealing": co.SimulatedAnnealingOptimizer,
        "hyperband": co.HyperbandOptimizer,
    }
    root = tempfile.mkdtemp(prefix="bench_search_")

    def search(name, seed, **kwargs):
        cls = classes[name]
        extra = {"num_trials": budget}
        if name == "hyperband":  # the full schedule, iterated until it holds about `budget` trials
            extra = {"num_trials": budget, "factor": 3, "hyperband_iterations": 10}
        opt = cls(
            model=digits_cnn(num_classes=10, input_shape=train["X"].shape[1:]),
            dataset=train,
            validation_data=val,
            epochs=epochs,
            seed=seed,
            directory=root,
            project_name=f"{name}_{seed}_{'pruned' if kwargs.get('pruner') else 'plain'}",
            verbose=0,
            **SPACE,
            **extra,
            **kwargs,
        )
        start = time.perf_counter()
        opt.fit()
        seconds = time.perf_counter() - start
        rows = opt.results()
        return {
            "scores": [r["score"] for r in rows],
            "epochs": sum(r["epochs_run"] for r in rows),
            "seconds": seconds,
            "best": max(r["score"] for r in rows if r["score"] is not None),
        }

    search("random", 10_000 + seeds)  # warm-up (imports, first kernels), not timed
    per_seed = []
    for seed in range(seeds):
        runs = {name: search(name, seed) for name in ALGORITHMS}
        runs["random_pruned"] = search("random", seed, pruner=co.MedianStoppingPruner(warmup_epochs=1, min_trials=3))
        target = runs["random"]["best"]
        per_seed.append({"seed": seed, "target": target, "runs": runs})
        print(f"seed {seed}: target {target:.4f} " + ", ".join(f"{k} {v['seconds']:.0f}s" for k, v in runs.items()))

    def med(values):
        return statistics.median(values) if values else float("nan")

    rows, targets = [], []
    for name in (*ALGORITHMS, "random_pruned"):
        needed = [trials_to_reach(s["runs"][name]["scores"], s["target"]) for s in per_seed]
        needed_or_more = [n if n is not None else budget + 1 for n in needed]
        rel = [s["runs"][name]["seconds"] / s["runs"]["random"]["seconds"] for s in per_seed]
        rows.append(
            {
                "algorithm": name,
                "median_trials_to_target": med(needed_or_more),
                "reached": f"{sum(n is not None for n in needed)}/{len(needed)}",
                "median_best_val_accuracy": med([s["runs"][name]["best"] for s in per_seed]),
                "median_epochs_trained": med([s["runs"][name]["epochs"] for s in per_seed]),
                "median_wall_time_vs_random": med(rel),
                "median_seconds": med([s["runs"][name]["seconds"] for s in per_seed]),
            }
        )
    by_name = {r["algorithm"]: r for r in rows}
    random_trials = by_name["random"]["median_trials_to_target"]
    for name in ("annealing", "bayesian"):
        ratio = by_name[name]["median_trials_to_target"] / random_trials
        targets.append(common.target(f"{name}: trials to target / random's", ratio, 0.5, False))
    cut = 1.0 - by_name["random_pruned"]["median_wall_time_vs_random"]
    targets.append(common.target("pruning: wall-time cut vs random", cut, 0.30, True))
    targets.append(
        common.target(
            "pruning: best val accuracy - random's",
            by_name["random_pruned"]["median_best_val_accuracy"] - by_name["random"]["median_best_val_accuracy"],
            0.0,
            True,
        )
    )
    settings = {"seeds": seeds, "trials": budget, "epochs": epochs, "space": SPACE, "train_samples": len(train["X"])}
    notes = [
        "trials_to_target: first trial whose val accuracy reaches random search's best at the same seed "
        f"(budget + 1 = not reached within {budget} trials); random's own value is when it found its best.",
        "hyperband trials have budgets of 1..epochs epochs (median_epochs_trained counts them).",
    ]
    record = common.result(BENCH, args.quick, settings, rows, targets, notes, variant=args.variant)
    record["per_seed"] = [
        {
            "seed": s["seed"],
            "target": s["target"],
            **{k: {"scores": v["scores"], "seconds": v["seconds"]} for k, v in s["runs"].items()},
        }
        for s in per_seed
    ]
    path = common.write_result(record, args.out)
    from clara_keras.io_utils import atomic_write_json

    atomic_write_json(Path(args.out) / ("search_quick.json" if args.quick else "search.json"), record)
    table = common.markdown_table(
        ["algorithm", "trials to target (median)", "reached", "best val acc", "epochs", "time vs random"],
        [
            [
                r["algorithm"],
                r["median_trials_to_target"],
                r["reached"],
                r["median_best_val_accuracy"],
                r["median_epochs_trained"],
                r["median_wall_time_vs_random"],
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
