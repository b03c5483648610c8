"""Start N local worker processes on free localhost ports (`clara-keras launch --local N ...`)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from typing import TextIO

from clara_keras.distribute.cluster import free_ports
from clara_keras.distribute.cluster import keras_distribution_env
from clara_keras.distribute.cluster import tf_config
from clara_keras.distribute.search import search_env
from clara_keras.errors import ConfigError

__all__ = ["launch_local", "worker_command", "worker_environments"]

_GRACE_SECONDS = 5.0


def worker_command(argv: Sequence[str], python: str | None = None) -> list[str]:
    """The command line one worker runs: ``python script.py ...`` or ``python -m clara_keras CMD ...``."""
    argv = list(argv)
    if not argv:
        raise ConfigError("Nothing to launch: give a clara-keras command (e.g. `train --epochs 5`) or a script.py.")
    python = python or sys.executable
    if argv[0].endswith(".py"):
        if not os.path.isfile(argv[0]):
            raise ConfigError(f"The script to launch does not exist: {argv[0]!r}")
        return [python, *argv]
    return [python, "-m", "clara_keras", *argv]


def worker_environments(
    num_workers: int, host: str = "127.0.0.1", search: bool = False, base_env: dict | None = None
) -> list[dict[str, str]]:
    """One environment per process.

    Training: ``num_workers`` processes, each with `TF_CONFIG` (and the
    ``KERAS_DISTRIBUTION_*`` variables for JAX) on free ports of ``host``.
    Search (``search=True``): a keras-tuner chief (process 0, the oracle)
    and ``num_workers`` tuner workers that ask it for trials.
    """
    if isinstance(num_workers, bool) or not isinstance(num_workers, int) or num_workers < 1:
        raise ConfigError(
            f"Received an invalid value for `--local`, expected a positive integer. Received: {num_workers!r}"
        )
    base = dict(os.environ if base_env is None else base_env)
    for name in ("TF_CONFIG", "KERASTUNER_TUNER_ID", "KERASTUNER_ORACLE_IP", "KERASTUNER_ORACLE_PORT"):
        base.pop(name, None)
    base.setdefault("PYTHONUNBUFFERED", "1")
    envs = []
    if search:
        (port,) = free_ports(1, host)
        address = f"{host}:{port}"
        envs.append({**base, **search_env("chief", address)})
        for i in range(num_workers):
            envs.append({**base, **search_env("worker", address, tuner_id=f"worker{i}")})
        return envs
    workers = [f"{host}:{p}" for p in free_ports(num_workers, host)]
    for i in range(num_workers):
        env = {**base, "TF_CONFIG": __import__("json").dumps(tf_config(workers, i))}
        env.update(keras_distribution_env(workers, i))
        envs.append(env)
    return envs


def _pump(stream, prefix: str, out: TextIO, lock: threading.Lock):
    for line in iter(stream.readline, ""):
        with lock:
            out.write(f"{prefix}{line}" if line.endswith("\n") else f"{prefix}{line}\n")
            out.flush()
    stream.close()


def _stop(procs: Sequence[subprocess.Popen]):
    for p in procs:
        if p.poll() is None:
            try:
                os.killpg(p.pid, signal.SIGTERM)
            except (ProcessLookupError, PermissionError):
                pass
    deadline = time.monotonic() + _GRACE_SECONDS
    for p in procs:
        try:
            p.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            p.wait()


def launch_local(
    num_workers: int,
    argv: Sequence[str],
    host: str = "127.0.0.1",
    search: bool | None = None,
    timeout: float | None = None,
    out: TextIO | None = None,
    env: dict | None = None,
) -> int:
    """Run ``argv`` as ``num_workers`` local workers and wait for all of them.

    Each worker's output (stdout and stderr) is streamed with a
    ``[worker i]`` prefix (``[chief]`` for a search's oracle). If a worker
    fails, the others are stopped (they would otherwise wait for it forever
    in a collective) and its exit status is returned.

    Args:
        num_workers: Integer, how many training workers (or search workers).
        argv: A clara-keras command (``["train", "--epochs", "5"]``) or
            ``["script.py", ...]``.
        host: Interface for the workers' ports. Defaults to `127.0.0.1`.
        search: Start a keras-tuner chief plus ``num_workers`` workers
            instead of a training cluster. Defaults to whether the command is
            ``search``.
        timeout: Seconds before every worker is stopped (exit status 124).
        out: Where the prefixed output goes. Defaults to `sys.stdout`.
        env: Base environment. Defaults to `os.environ`.

    Returns:
        0 if every process exited with 0, else the first failing status
        (124 on timeout).

    Example:

    ```python
    clara_keras.distribute.launch_local(2, ["train", "--epochs", "3"])
    ```
    """
    out = sys.stdout if out is None else out
    command = worker_command(argv)
    if search is None:
        search = bool(argv) and argv[0] == "search"
    envs = worker_environments(num_workers, host=host, search=search, base_env=env)
    names = (
        (["chief"] + [f"worker {i}" for i in range(num_workers)])
        if search
        else [f"worker {i}" for i in range(num_workers)]
    )
    lock = threading.Lock()
    procs: list[subprocess.Popen] = []
    pumps = []
    try:
        for name, worker_env in zip(names, envs):
            p = subprocess.Popen(
                command,
                env=worker_env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                bufsize=1,
                start_new_session=True,
            )
            procs.append(p)
            t = threading.Thread(target=_pump, args=(p.stdout, f"[{name}] ", out, lock), daemon=True)
            t.start()
            pumps.append(t)
        start = time.monotonic()
        status = 0
        while True:
            codes = [p.poll() for p in procs]
            failed = [c for c in codes if c not in (None, 0)]
            if failed:
                status = failed[0]
                break
            if all(c == 0 for c in codes):
                break
            if timeout is not None and time.monotonic() - start > timeout:
                with lock:
                    out.write(f"clara-keras launch: timeout after {timeout:g} s, stopping the workers\n")
                status = 124
                break
            time.sleep(0.1)
        if status:
            bad = [n for n, p in zip(names, procs) if p.returncode not in (0, None)]
            _stop(procs)
            with lock:
                out.write(f"clara-keras launch: failed ({', '.join(bad) or 'timeout'}), exit status {status}\n")
        for t in pumps:
            t.join(timeout=5)
        return int(status if status > 0 else (1 if status else 0))
    except BaseException:
        _stop(procs)
        raise
