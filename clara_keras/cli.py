"""`clara-keras` command line: `train`, `search`, `launch`.

Each command lives in the subpackage it drives and exposes
``add_arguments(parser)`` and ``run(args) -> int``. Keras is imported only after
``--backend`` has been read, so the option can pick the backend. Bad options or
values print one line on stderr and exit with status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

COMMANDS = {
    "train": ("clara_keras.training.command", "Train and test a Clara CNN (default: the embedded digits)."),
    "search": ("clara_keras.optimizers.command", "Hyper-parameter search on the embedded digits."),
    "launch": ("clara_keras.distribute.command", "Start N local workers for multi-worker training."),
}
BACKENDS = ("tensorflow", "jax", "torch")


def _number(text: str, cast, ok, expected: str):
    try:
        value = cast(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}") from None
    if not ok(value):
        raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}")
    return value


def positive_int(text: str) -> int:
    """argparse type: an integer > 0."""
    return _number(text, int, lambda v: v > 0, "a positive integer")


def positive_float(text: str) -> float:
    """argparse type: a finite number > 0."""
    return _number(text, float, lambda v: 0 < v < float("inf"), "a positive number")


def fraction(text: str) -> float:
    """argparse type: a number in [0, 1)."""
    return _number(text, float, lambda v: 0 <= v < 1, "a number in [0, 1)")


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line on stderr and exit status 2."""

    def error(self, message):
        sys.stderr.write(f"clara-keras: error: {message}\n")
        raise SystemExit(2)


def _pre_scan_backend(argv: list[str]) -> str | None:
    for i, arg in enumerate(argv):
        if arg == "--backend" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--backend="):
            return arg.split("=", 1)[1]
    return None


def build_parser(commands=None) -> argparse.ArgumentParser:
    parser = _Parser(prog="clara-keras", description="clara_keras: the Clara toolkit on Keras 3.", allow_abbrev=False)
    parser.add_argument("--version", action="version", version=f"clara-keras {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for name, (module_name, help_text) in (commands or COMMANDS).items():
        p = sub.add_parser(name, help=help_text, description=help_text, allow_abbrev=False)
        p.add_argument(
            "--backend", choices=BACKENDS, default=None, help="Keras backend (default: $KERAS_BACKEND or tensorflow)."
        )
        try:
            module = importlib.import_module(module_name)
        except ImportError as exc:  # a command whose dependencies are missing
            p.set_defaults(_unavailable=str(exc))
            continue
        module.add_arguments(p)
        p.set_defaults(_run=module.run)
    return parser


def _version() -> str:
    from clara_keras import __version__

    return __version__


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    backend = _pre_scan_backend(argv)
    if backend is not None:
        if backend not in BACKENDS:
            sys.stderr.write(
                f"clara-keras: error: --backend must be one of {', '.join(BACKENDS)}. Received: {backend!r}\n"
            )
            return 2
        if "keras" in sys.modules and os.environ.get("KERAS_BACKEND", "tensorflow") != backend:
            import keras

            if keras.config.backend() != backend:
                sys.stderr.write(
                    f"clara-keras: error: Keras is already imported with backend {keras.config.backend()!r}.\n"
                )
                return 2
        os.environ["KERAS_BACKEND"] = backend
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    from clara_keras.errors import ClaraError

    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    if getattr(args, "_unavailable", None):
        sys.stderr.write(f"clara-keras: error: command {args.command!r} is unavailable: {args._unavailable}\n")
        return 2
    try:
        return int(args._run(args) or 0)
    except ClaraError as exc:
        sys.stderr.write(f"clara-keras: error: {exc}\n")
        return 2
    except KeyboardInterrupt:
        sys.stderr.write("clara-keras: interrupted\n")
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
