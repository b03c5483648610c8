"""`clara-keras train`: the main job (digits CNN, train, validate, keep the best, test the best)."""

from __future__ import annotations

import argparse
import os
import time

from clara_keras.cli import positive_float as _positive_float
from clara_keras.cli import positive_int as _positive_int


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--epochs", type=_positive_int, default=None, help="Training epochs (default: 30).")
    parser.add_argument("--batch-size", type=_positive_int, default=None, help="Batch size (default: 64).")
    parser.add_argument("--lr", type=_positive_float, default=None, help="Learning rate (default: 0.002).")
    parser.add_argument("--seed", type=int, default=None, help="Random seed (default: 0).")
    parser.add_argument("--out", default=None, help="Run folder (default: runs/<timestamp>).")
    parser.add_argument(
        "--checkpoint-every",
        type=_positive_int,
        default=None,
        metavar="N",
        help="Also save the resume state every N batches, so a killed run resumes mid-epoch (default: each epoch).",
    )
    parser.add_argument(
        "--resume",
        metavar="RUN_DIR",
        default=None,
        help="Continue an interrupted run from its folder (settings from its config.json; --epochs may extend it).",
    )
    parser.add_argument(
        "--workers",
        metavar="HOST:PORT,...",
        default=None,
        help="Multi-worker training: every worker's address (sets TF_CONFIG; use with --task-index).",
    )
    parser.add_argument(
        "--task-index", type=int, default=None, help="This worker's index in --workers (0 is the chief)."
    )
    parser.add_argument(
        "--verbose", type=int, choices=(0, 1, 2), default=1, help="Keras progress output (default: 1, a bar)."
    )


def run(args: argparse.Namespace) -> int:
    from clara_keras.errors import ConfigError
    from clara_keras.training.main_job import DEFAULTS
    from clara_keras.training.main_job import resume_settings
    from clara_keras.training.main_job import run_main_job
    from clara_keras.training.run_dir import default_run_dir

    if args.workers is not None or args.task_index is not None:
        from clara_keras.distribute import apply_worker_flags

        apply_worker_flags(args.workers, args.task_index)
    given = {
        "epochs": args.epochs,
        "batch_size": args.batch_size,
        "lr": args.lr,
        "seed": args.seed,
        "checkpoint_every": args.checkpoint_every,
    }
    if args.resume is not None:
        if args.out is not None and os.path.abspath(args.out) != os.path.abspath(args.resume):
            raise ConfigError(f"--resume continues in its own folder; drop --out {args.out!r}.")
        recorded = resume_settings(args.resume)
        changed = [
            k
            for k in ("batch_size", "lr", "seed", "checkpoint_every")
            if given[k] is not None and given[k] != recorded[k]
        ]
        if changed:
            raise ConfigError(
                f"--resume keeps the run's settings; {', '.join('--' + k.replace('_', '-') for k in changed)} "
                f"differ from {args.resume}/config.json ({', '.join(f'{k}={recorded[k]}' for k in changed)})."
            )
        settings = {**recorded, **{k: v for k, v in given.items() if v is not None}}
        out = args.resume
    else:
        settings = {k: (v if v is not None else DEFAULTS[k]) for k, v in given.items()}
        out = args.out or default_run_dir()
    start = time.perf_counter()
    result = run_main_job(**settings, out=out, verbose=args.verbose, resume=args.resume is not None)
    elapsed = time.perf_counter() - start
    print(
        f"\nclara-keras train: best epoch {result['best_epoch']} | test accuracy {result['test_accuracy']:.4f} | "
        f"test loss {result['test_loss']:.4f} | {elapsed:.1f} s | backend {result['backend']}\n"
        f"run folder: {result['run_dir']}"
    )
    return 0
