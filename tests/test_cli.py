"""CLI plumbing: bad options and values are one stderr line and exit status 2."""

import subprocess
import sys

import pytest

from clara_keras import cli


@pytest.mark.parametrize(
    "argv,phrase",
    [
        (["train", "--epochs", "0"], "--epochs: expected a positive integer, got '0'"),
        (["train", "--lr", "abc"], "--lr: expected a positive number, got 'abc'"),
        (["train", "--no-such-option"], "unrecognized arguments: --no-such-option"),
        (["train", "--epoch", "3"], "unrecognized arguments: --epoch 3"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        (["train", "--backend", "theano"], "--backend must be one of tensorflow, jax, torch"),
    ],
)
def test_bad_options_exit_2_with_one_line(argv, phrase, capsys):
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert phrase in err
    assert "Traceback" not in err
    assert err.count("\n") == 1


def test_module_entry_point_reports_bad_value_without_traceback():
    proc = subprocess.run(
        [sys.executable, "-m", "clara_keras", "train", "--batch-size", "-4"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    assert "--batch-size: expected a positive integer, got '-4'" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize(
    "argv,phrase",
    [
        (["search", "--chief", "badaddress", "--dry-run"], "expected 'HOST:PORT'"),
        (["search", "--chief", "127.0.0.1:1", "--worker", "127.0.0.1:2"], "Pass either --chief or --worker, not both"),
        (["train", "--task-index", "0"], "--workers is missing"),
    ],
)
def test_distributed_flags_are_checked(argv, phrase, capsys, monkeypatch):
    monkeypatch.delenv("TF_CONFIG", raising=False)
    monkeypatch.delenv("KERASTUNER_TUNER_ID", raising=False)
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert phrase in err and "Traceback" not in err
