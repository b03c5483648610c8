"""Distributed hyper-parameter search: keras-tuner's chief/worker mode.

keras-tuner shares one search between processes through three environment
variables: ``KERASTUNER_TUNER_ID`` (``"chief"`` for the process that runs the
oracle, a unique name for each worker), ``KERASTUNER_ORACLE_IP`` and
``KERASTUNER_ORACLE_PORT`` (where the chief's gRPC server listens). The chief
hands out trials and records results; the workers train. These helpers set
them from `clara-keras search --chief HOST:PORT` / `--worker HOST:PORT`.
"""

from __future__ import annotations

import os
import socket

from clara_keras.distribute.cluster import parse_workers
from clara_keras.errors import ConfigError

__all__ = ["search_env", "apply_search_flags", "SEARCH_ENV_VARS"]

SEARCH_ENV_VARS = ("KERASTUNER_TUNER_ID", "KERASTUNER_ORACLE_IP", "KERASTUNER_ORACLE_PORT")


def search_env(role: str, address: str, tuner_id: str | None = None) -> dict[str, str]:
    """The keras-tuner variables for one process of a distributed search.

    Args:
        role: `"chief"` (runs the oracle and hands out trials) or `"worker"`.
        address: ``"HOST:PORT"`` of the chief's oracle (the chief listens on it).
        tuner_id: A worker's unique name. Defaults to ``worker-<host>-<pid>``.

    Example:

    ```python
    os.environ.update(clara_keras.distribute.search_env("worker", "10.0.0.1:8000"))
    ```
    """
    if role not in ("chief", "worker"):
        raise ConfigError(f"Received an invalid search role, expected 'chief' or 'worker'. Received: {role!r}")
    (address,) = parse_workers([address])
    host, _, port = address.rpartition(":")
    if role == "chief":
        name = "chief"
    else:
        name = tuner_id or f"worker-{socket.gethostname()}-{os.getpid()}"
        if "chief" in name:
            raise ConfigError(f"A worker's tuner id must not contain 'chief'. Received: tuner_id={name!r}")
    return {"KERASTUNER_TUNER_ID": name, "KERASTUNER_ORACLE_IP": host, "KERASTUNER_ORACLE_PORT": port}


def apply_search_flags(
    chief: str | None = None, worker: str | None = None, tuner_id: str | None = None, environ: dict | None = None
) -> str | None:
    """Set the keras-tuner variables from ``--chief HOST:PORT`` or ``--worker HOST:PORT``.

    Call it before the tuner is created. Returns the role (``"chief"``,
    ``"worker"``) or `None` when neither flag is given (a local search).

    Raises:
        ConfigError: both flags, or a malformed address.
    """
    env = os.environ if environ is None else environ
    if chief and worker:
        raise ConfigError(f"Pass either --chief or --worker, not both. Received: chief={chief!r}, worker={worker!r}")
    if not chief and not worker:
        if tuner_id:
            raise ConfigError("--tuner-id needs --worker HOST:PORT.")
        return None
    role = "chief" if chief else "worker"
    env.update(search_env(role, chief or worker, tuner_id=tuner_id))
    return role
