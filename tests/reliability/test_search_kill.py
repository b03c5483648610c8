"""Searches killed with SIGKILL mid-trial and mid-state-write resume as if nothing had happened.

A child process (`_search_child.py`) runs searches (2 epochs per trial, a Dense net with dropout and
Adam) and stops, to be SIGKILLed, at a moment it announces. Two chains of children run at the same
time, each on its own folder, and a reference child runs the same searches uninterrupted:

- random then annealing search, killed twice: random trial 1 right after epoch 1 (its per-epoch
  resume state is written); annealing trial 1 right after epoch 1; the third run finishes;
- grid search, killed three times: trial 0 right after epoch 1; trial 1 just created (the oracle
  state holding it is written, its ``trial.json`` is half written in a temporary file, its backup
  copy complete); trial 1 finished (its ``trial.json`` says COMPLETED, the oracle state recording the
  end half written); the fourth run finishes.

Then the grid search is run once more, here in-process: it trains nothing and says the grid is
exhausted.
"""

from __future__ import annotations

import collections
import concurrent.futures
import glob
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import keras
import pytest

from tests.reliability import _search_child as child

REPO = Path(__file__).resolve().parents[2]
CHAINS = {  # folder name -> (searches the child runs, the moments it is killed at)
    "random_annealing": ("random,annealing", ("epoch random 1 1", "epoch annealing 1 1")),
    "grid": ("grid", ("epoch grid 0 1", "write grid trial 1 RUNNING", "write grid oracle started=2 ended=2")),
}
RESUMED = {("random", "1", 1), ("grid", "0", 1), ("annealing", "1", 1)}  # (algo, trial, initial epoch)
TIMEOUT = 240


def _env():
    return {**os.environ, "KERAS_BACKEND": keras.config.backend(), "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONPATH": str(REPO)}


def _start(directory: Path, log: Path, algorithms: str, pause: str | None = None) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "tests.reliability._search_child", str(directory), str(log), algorithms]
    if pause is not None:
        cmd.append(pause)
    return subprocess.Popen(cmd, cwd=REPO, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _lines(log: Path) -> list[list[str]]:
    return [line.split() for line in log.read_text().splitlines()] if log.exists() else []


def _kill_at(directory: Path, log: Path, algorithms: str, pause: str) -> str:
    proc = _start(directory, log, algorithms, pause)
    deadline = time.monotonic() + TIMEOUT
    while f"pause {pause}" not in log.read_text() if log.exists() else True:
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            out, _ = proc.communicate(timeout=30)
            raise AssertionError(f"the child never reached {pause!r} (exit {proc.returncode}):\n{out[-3000:]}")
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    out, _ = proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    return out


def _chain(directory: Path, log: Path, algorithms: str, pauses) -> list[str]:
    """Kill a child at each pause in turn, then let one finish; the outputs of all of them."""
    outputs = []
    for pause in pauses:
        outputs.append(_kill_at(directory, log, algorithms, pause))
        _state_files_are_complete(directory)
    final = _start(directory, log, algorithms)
    out, _ = final.communicate(timeout=TIMEOUT)
    assert final.returncode == 0, out[-3000:]
    return [*outputs, out]


def _state_files_are_complete(directory: Path) -> None:
    """Every state file under its final name parses (a kill never leaves a partial file there)."""
    names = ("oracle.json", "oracle.json.bak", "trial.json", "trial.json.bak", "clara_search.json")
    for path in glob.glob(os.path.join(directory, "**", "*"), recursive=True):
        if os.path.basename(path) in names:
            with open(path) as f:
                json.load(f)


def _trials(directory: Path, algo: str) -> dict:
    """trial id -> (status, hyper-parameter values, score, per-epoch val_loss) from the trial files."""
    out = {}
    for path in sorted(glob.glob(os.path.join(directory, algo, "trial_*", "trial.json"))):
        with open(path) as f:
            state = json.load(f)
        hp = state["hyperparameters"]["values"]
        history = state["metrics"]["metrics"]["val_loss"]["observations"]
        out[state["trial_id"]] = (state["status"], hp, state["score"], [o["value"] for o in history])
    return out


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_killed_searches_resume_epochs_once_and_match_an_uninterrupted_run(tmp_path):
    ref_dir, ref_log = tmp_path / "reference", tmp_path / "reference.log"
    reference = _start(ref_dir, ref_log, ",".join(child.ALGORITHMS))
    with concurrent.futures.ThreadPoolExecutor(len(CHAINS)) as pool:
        futures = {
            name: pool.submit(_chain, tmp_path / name, tmp_path / f"{name}.log", algorithms, pauses)
            for name, (algorithms, pauses) in CHAINS.items()
        }
        outputs = [text for future in futures.values() for text in future.result()]
    ref_out, _ = reference.communicate(timeout=TIMEOUT)
    assert reference.returncode == 0, ref_out[-3000:]
    for name, (_, pauses) in CHAINS.items():  # every kill landed where it was aimed
        assert [" ".join(x[1:]) for x in _lines(tmp_path / f"{name}.log") if x[0] == "pause"] == list(pauses)
    folder = {"random": "random_annealing", "annealing": "random_annealing", "grid": "grid"}

    lines = [x for name in CHAINS for x in _lines(tmp_path / f"{name}.log")]
    # Every epoch of every trial was trained exactly once over all the runs: no completed trial was
    # re-run, and each interrupted trial continued from its last completed epoch.
    epochs = collections.Counter((x[1], x[2], int(x[3])) for x in lines if x[0] == "epoch")
    expected_trials = {"random": 2, "grid": 4, "annealing": 2}
    assert set(epochs) == {
        (algo, str(t), e) for algo, n in expected_trials.items() for t in range(n) for e in range(1, child.EPOCHS + 1)
    }
    assert set(epochs.values()) == {1}
    resumed = {(x[1], x[2], int(x[3])) for x in lines if x[0] == "begin" and x[3] != "0"}
    assert resumed == RESUMED
    starts = collections.Counter((x[1], x[2]) for x in lines if x[0] == "begin" and x[3] == "0")
    # Every trial began from scratch exactly once (the two grid write kills came before grid trial 1's
    # first epoch and after its last: neither retrained anything).
    assert starts == {(a, str(t)): 1 for a, n in expected_trials.items() for t in range(n)}

    # The same per-epoch values, bit for bit, as the uninterrupted reference.
    ref_epochs = sorted(tuple(x[1:]) for x in _lines(ref_log) if x[0] == "epoch")
    assert sorted(tuple(x[1:]) for x in lines if x[0] == "epoch") == ref_epochs
    # The same trial sequence: ids, hyper-parameter values, scores (bitwise), statuses.
    for algo in child.ALGORITHMS:
        assert _trials(tmp_path / folder[algo], algo) == _trials(ref_dir, algo), algo
        assert len(_trials(tmp_path / folder[algo], algo)) == expected_trials[algo]
    grid_values = [v[1] for v in _trials(tmp_path / "grid", "grid").values()]
    assert sorted(json.dumps(v, sort_keys=True) for v in grid_values) == sorted(
        json.dumps({"units": u, "lr": lr}, sort_keys=True) for u in (4, 8) for lr in (0.03, 0.01)
    )  # every combination, each once
    for text in outputs:  # a kill between two writes never needs the backup
        assert "SearchStateRecoveredWarning" not in text and "Traceback" not in text

    # After the grid has finished, running it again trains nothing and says so.
    again = child.make_search("grid", os.fspath(tmp_path / "grid"))
    again.fit()
    assert again.trials_run == 0
    assert "the grid is exhausted: all 4 combinations have run" in again.done_message()
    assert [r["status"] for r in again.results()] == ["COMPLETED"] * 4
    assert _trials(tmp_path / "grid", "grid") == _trials(ref_dir, "grid")
