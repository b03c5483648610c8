"""Typed exceptions raised by clara_keras.

Every error subclasses :class:`ClaraError` and also the built-in exception a
Keras user would expect (``ValueError``/``TypeError``/``OSError``), so existing
``except ValueError`` clauses keep working. Messages name the bad value, what
was expected and, where possible, how to fix it.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = [
    "ClaraError",
    "ConfigError",
    "ParamTypeError",
    "DataError",
    "ShapeError",
    "SearchError",
    "CheckpointError",
    "UnsafeFileError",
    "DistributeError",
    "SearchStateRecoveredWarning",
    "suggest",
]


class ClaraError(Exception):
    """Base class of every error raised by clara_keras."""


class ConfigError(ClaraError, ValueError):
    """An argument, parameter or configuration value is invalid."""


class ParamTypeError(ClaraError, TypeError):
    """An argument has the wrong type."""


class DataError(ClaraError, ValueError):
    """Input data is malformed, empty, inconsistent or cannot be decoded."""


class ShapeError(ConfigError):
    """A tensor or data shape does not match what a layer or model expects."""


class SearchError(ClaraError, RuntimeError):
    """A hyper-parameter search cannot start or cannot continue."""


class CheckpointError(ClaraError, OSError):
    """A model file, checkpoint or run directory is missing, corrupt or foreign."""


class UnsafeFileError(CheckpointError):
    """A file asks for something clara_keras refuses to do (code execution, path escape)."""


class DistributeError(ClaraError, RuntimeError):
    """A distributed set-up is unsupported or misconfigured."""


class SearchStateRecoveredWarning(UserWarning):
    """A search state file was unreadable or tampered and was recovered from its backup copy."""


def suggest(name: str, choices: Iterable[str]) -> str:
    """Return ``" Did you mean 'x'?"`` for the closest choice, or ``""``."""
    matches = difflib.get_close_matches(str(name), list(choices), n=1, cutoff=0.6)
    return f" Did you mean '{matches[0]}'?" if matches else ""
