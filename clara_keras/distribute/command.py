"""`clara-keras launch`: run a command as N local workers (multi-worker training or search on one machine)."""

from __future__ import annotations

import argparse

from clara_keras.cli import positive_float as _positive_float
from clara_keras.cli import positive_int as _positive_int


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--local",
        type=_positive_int,
        required=True,
        metavar="N",
        help="Number of local workers (free ports on 127.0.0.1, TF_CONFIG set for each).",
    )
    parser.add_argument("--host", default="127.0.0.1", help="Interface for the workers' ports (default: 127.0.0.1).")
    parser.add_argument(
        "--search",
        action="store_true",
        default=None,
        help="Start a keras-tuner chief plus N search workers (default for the `search` command).",
    )
    parser.add_argument("--timeout", type=_positive_float, default=None, help="Stop every worker after S seconds.")
    parser.add_argument(
        "argv",
        nargs=argparse.REMAINDER,
        metavar="COMMAND ...",
        help="A clara-keras command with its options (e.g. `train --epochs 5`) or a script.py with its arguments.",
    )


def run(args: argparse.Namespace) -> int:
    from clara_keras.distribute.launcher import launch_local

    return launch_local(args.local, args.argv, host=args.host, search=args.search, timeout=args.timeout)
