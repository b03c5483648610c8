"""Kill a search with SIGKILL in the middle, run the same script again: nothing finished is re-run."""

import json
import os
import signal
import subprocess
import sys
import time

import keras
import pytest

NUM_TRIALS = 5
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _completed(project):
    done = {}
    if not os.path.isdir(project):
        return done
    for name in sorted(os.listdir(project)):
        path = os.path.join(project, name, "trial.json")
        if name.startswith("trial_") and os.path.exists(path):
            try:
                with open(path) as f:
                    state = json.load(f)
            except (OSError, ValueError):  # never happens with atomic writes; would fail the resume below
                continue
            if state["status"] == "COMPLETED":
                done[state["trial_id"]] = (state["score"], os.stat(path).st_mtime_ns)
    return done


def _run(directory, env, kill_after=None, timeout=240):
    cmd = [sys.executable, "-m", "tests.optimizers._resume_script", str(directory), str(NUM_TRIALS)]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if kill_after is None:
        out, _ = proc.communicate(timeout=timeout)
        return proc.returncode, out
    project = os.path.join(directory, "resume")
    deadline = time.monotonic() + timeout
    while len(_completed(project)) < kill_after and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    out, _ = proc.communicate(timeout=30)
    return proc.returncode, out


@pytest.mark.slow
def test_resume_after_sigkill_reruns_nothing_finished(tmp_path):
    env = {**os.environ, "KERAS_BACKEND": keras.config.backend(), "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONPATH": ROOT}
    code, out = _run(tmp_path, env, kill_after=2)
    assert code == -signal.SIGKILL, out
    project = tmp_path / "resume"
    before = _completed(project)
    assert 2 <= len(before) < NUM_TRIALS, out

    code, out = _run(tmp_path, env)
    assert code == 0, out
    after = _completed(project)
    assert len(after) == NUM_TRIALS
    for trial_id, (score, mtime) in before.items():  # same score, file never rewritten: not re-run
        assert after[trial_id] == (score, mtime)
    assert "DONE trials=5" in out
    assert "best_x=1.0 score=0.0" in out  # all 5 toy values ran, so the optimum is found
