"""Helpers for the multi-process distribute tests: bounded subprocesses on 127.0.0.1."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import keras
import pytest

HERE = Path(__file__).resolve().parent


def subprocess_env(**extra):
    """The environment of a test subprocess: this run's backend, quiet TensorFlow, no inherited cluster."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KERASTUNER_", "KERAS_DISTRIBUTION_"))}
    env.pop("TF_CONFIG", None)
    env.pop("XLA_FLAGS", None)
    env.update({"KERAS_BACKEND": keras.config.backend(), "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONUNBUFFERED": "1"})
    env.update({k: str(v) for k, v in extra.items()})
    return env


def run_bounded(cmd, env, timeout, cwd=None):
    """Run ``cmd`` to completion within ``timeout`` seconds (its process group is killed on timeout)."""
    proc = subprocess.Popen(
        cmd, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True
    )
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        kill_group(proc)
        out, _ = proc.communicate()
        pytest.fail(f"{cmd} did not finish in {timeout} s:\n{out[-4000:]}")
    return proc.returncode, out


def kill_group(proc, sig=signal.SIGKILL):
    try:
        os.killpg(proc.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


PYTHON = sys.executable
