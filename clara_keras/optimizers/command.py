"""`clara-keras search`: hyper-parameter search of the digits CNN on the embedded digits data."""

from __future__ import annotations

import argparse
import json
import time

from clara_keras.cli import fraction as _fraction
from clara_keras.cli import positive_float as _positive_float
from clara_keras.cli import positive_int as _positive_int

ALGORITHMS = ("random", "grid", "bayesian", "hyperband", "annealing")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    dist = parser.add_argument_group("distributed search (keras-tuner chief/worker)")
    dist.add_argument("--chief", metavar="HOST:PORT", default=None, help="Serve the shared oracle on HOST:PORT.")
    dist.add_argument("--worker", metavar="HOST:PORT", default=None, help="Run trials for the chief at HOST:PORT.")
    dist.add_argument("--tuner-id", default=None, help="This worker's name (default: derived from host and pid).")
    parser.add_argument("--algorithm", choices=ALGORITHMS, default="random", help="Search algorithm (default: random).")
    parser.add_argument(
        "--trials", type=_positive_int, default=None, help="Number of trials (default: 10; grid/hyperband: all)."
    )
    parser.add_argument("--epochs", type=_positive_int, default=5, help="Epochs per trial (default: 5).")
    parser.add_argument(
        "--lr", type=_positive_float, nargs="+", default=None, help="Learning rates to try (default: 1e-4..1e-1, log)."
    )
    parser.add_argument(
        "--batch-size", type=_positive_int, nargs="+", default=[64], help="Batch size(s) (default: 64)."
    )
    parser.add_argument("--optimizer", nargs="+", default=["adam"], help="Optimizer name(s) (default: adam).")
    parser.add_argument("--momentum", type=_fraction, nargs="+", default=None, help="Momentum value(s) (sgd, rmsprop).")
    parser.add_argument("--prune", action="store_true", help="Stop unpromising trials early (median stopping rule).")
    parser.add_argument("--seed", type=int, default=0, help="Random seed (default: 0).")
    parser.add_argument("--directory", default="clara_search", help="Search folder (default: clara_search).")
    parser.add_argument("--project-name", default=None, help="Sub-folder (default: algorithm and a digest).")
    parser.add_argument("--overwrite", action="store_true", help="Start again instead of resuming.")
    parser.add_argument("--dry-run", action="store_true", help="Print the plan (trial count, grid) and exit.")
    parser.add_argument(
        "--verbose", type=int, choices=(0, 1, 2), default=1, help="0 quiet, 1 a line per trial (default), 2 Keras bars."
    )


def _one_or_list(values):
    if values is None:
        return None
    return values[0] if len(values) == 1 else list(values)


def build_search(args: argparse.Namespace):
    """The optimizer `clara-keras search` runs (also used by its tests)."""
    from clara_keras import optimizers as co
    from clara_keras.datasets import load_digits_splits
    from clara_keras.models import digits_cnn

    classes = {
        "random": co.RandomSearchOptimizer,
        "grid": co.GridSearchOptimizer,
        "bayesian": co.BayesianOptimizer,
        "hyperband": co.HyperbandOptimizer,
        "annealing": co.SimulatedAnnealingOptimizer,
    }
    train, val, _ = load_digits_splits(seed=args.seed)
    keywords = {
        "optimizer": _one_or_list(args.optimizer),
        "batch_size": _one_or_list(args.batch_size),
        "lr": args.lr,  # a list, even of one value: it is what is searched
        "momentum": _one_or_list(args.momentum),
    }
    keywords = {k: v for k, v in keywords.items() if v is not None}
    if args.trials is not None:
        keywords["num_trials"] = args.trials
    elif args.algorithm not in ("grid", "hyperband"):
        keywords["num_trials"] = 10
    return classes[args.algorithm](
        model=digits_cnn(num_classes=10, input_shape=train["X"].shape[1:]),
        dataset=train,
        validation_data=val,
        epochs=args.epochs,
        seed=args.seed,
        directory=args.directory,
        project_name=args.project_name,
        overwrite=args.overwrite,
        pruner=True if args.prune else None,
        verbose=args.verbose,
        **keywords,
    )


def run(args: argparse.Namespace) -> int:
    from clara_keras.backend_utils import backend
    from clara_keras.distribute import apply_search_flags

    apply_search_flags(chief=args.chief, worker=args.worker, tuner_id=args.tuner_id)
    search = build_search(args)
    if args.dry_run:
        print(json.dumps(search.plan(), indent=2, default=str))
        return 0
    start = time.perf_counter()
    search.fit()
    elapsed = time.perf_counter() - start
    print()
    print(search.format_results())
    best = search.get_best_params()
    print(
        f"\nclara-keras search ({args.algorithm}): best trial {best['trial_id']} | "
        f"{search.objective.name} {best['score']:.4f} | {elapsed:.1f} s | backend {backend()}\n"
        f"best params: {json.dumps(best['params'], default=str)}\n"
        f"results: {search.results_path}"
    )
    return 0
