"""`clara-keras train`: the main job (digits CNN, train, validate, keep the best, test the best)."""

from __future__ import annotations

import argparse
import datetime
import os
import time


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--epochs", type=_positive_int, default=30, help="Training epochs (default: 30).")
    parser.add_argument("--batch-size", type=_positive_int, default=64, help="Batch size (default: 64).")
    parser.add_argument("--lr", type=_positive_float, default=2e-3, help="Learning rate (default: 0.002).")
    parser.add_argument("--seed", type=int, default=0, help="Random seed (default: 0).")
    parser.add_argument("--out", default=None, help="Run folder (default: runs/<timestamp>).")
    parser.add_argument(
        "--verbose", type=int, choices=(0, 1, 2), default=1, help="Keras progress output (default: 1, a bar)."
    )


def default_run_dir() -> str:
    return os.path.join("runs", datetime.datetime.now().strftime("%Y%m%d-%H%M%S"))


def run(args: argparse.Namespace) -> int:
    from clara_keras.training.main_job import run_main_job

    start = time.perf_counter()
    result = run_main_job(
        epochs=args.epochs,
        batch_size=args.batch_size,
        lr=args.lr,
        seed=args.seed,
        out=args.out or default_run_dir(),
        verbose=args.verbose,
    )
    elapsed = time.perf_counter() - start
    print(
        f"\nclara-keras train: best epoch {result['best_epoch']} | test accuracy {result['test_accuracy']:.4f} | "
        f"test loss {result['test_loss']:.4f} | {elapsed:.1f} s | backend {result['backend']}\n"
        f"run folder: {result['run_dir']}"
    )
    return 0
