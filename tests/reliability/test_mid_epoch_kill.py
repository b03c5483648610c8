"""SIGKILL at random batches, resume: the same weights, history, batches and learning rates as an uninterrupted run.

Issue items 1 (kill at a random batch) and 4 (full-state restore). Each chain trains one run folder with
`Trainer(checkpoint_every=3)` in real subprocesses: child 1 SIGKILLs itself right after a random global batch,
child 2 resumes and SIGKILLs itself at a later random batch, and so on; the last child finishes the run. An
uninterrupted reference run of the same script is trained by the last child, in the same process, before it
resumes (so the resumed part runs in a process whose global state another run has moved on). Kill positions come from seeded RNGs (one per
kill); a kill lands anywhere, also in the first or last batch of an epoch (the epoch-end state then not yet
written).

Every batch the children train is logged with the sample indices its data pipeline served and the learning
rate it trained with. The *committed* part of a killed child's log is what its last resume state contains
(batches up to the saved position); the batches after it are lost with the process and trained again by the
next child. The committed logs of the killed children followed by the last child's log must equal the
reference log line for line: no batch skipped, none trained twice into the result, each with the same
samples (data order restored) and the same learning rate (optimizer iterations and LR callbacks restored).

Chain ``arrays``: (X, y) arrays, dropout, `ReduceLROnPlateau`, 2 kills. Chain ``generator``: a shuffling
seeded `DataGenerator`, dropout, `LearningRateWarmup`, `CosineSchedule` and a clara `EarlyStopping` (1 kill) whose
patience counter must carry over: the resumed run stops at the same epoch as the reference, before the last.

Tolerance: bitwise on TensorFlow and JAX CPU (same kernels, same order, RNG states restored). On torch the
CPU kernels may choose a different reduction split with the threads available at the moment, so weights
and history are compared with 1e-6 there (the batch/sample/LR sequence is still compared exactly).
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import keras
import numpy as np
import pytest

from clara_keras.training import resume_state

REPO = Path(__file__).resolve().parents[2]
TOLERANCE = {"tensorflow": 0.0, "jax": 0.0, "torch": 1e-6}
STEPS = 10  # 160 training samples, batch 16
EVERY = 3
# mode: (kills, kill before this global batch). The generator run stops early (after epoch 5 here, at
# epoch 4 at the earliest given its losses), so its kills are drawn from its first 3 epochs.
CHAINS = {"arrays": (2, 4 * STEPS), "generator": (1, 3 * STEPS)}
TIMEOUT = 150


def _start(mode, run, log, out, *extra):
    env = {**os.environ, "KERAS_BACKEND": keras.config.backend(), "PYTHONPATH": str(REPO)}
    cmd = [sys.executable, "-m", "tests.reliability._kill_worker", mode, str(run), str(log), str(out), *extra]
    err = open(f"{out}.stderr", "wb")
    return subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=err)


def _wait(proc, out):
    try:
        proc.wait(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        pytest.fail(f"child did not finish within {TIMEOUT} s")
    return Path(f"{out}.stderr").read_text()[-3000:]


def _log(path):
    return [json.loads(line) for line in Path(path).read_text().splitlines()]


def _kill_points(mode, kills, total):
    """Sorted distinct global batches, one seeded draw per kill (seeds ``mode:0``, ``mode:1``, ...)."""
    points = set()
    seed = 0
    while len(points) < kills:
        points.add(random.Random(f"{mode}:{seed}").randrange(EVERY + 1, total - 1))
        seed += 1
    return sorted(points)


def _compare(a, b, tol, what):
    if tol == 0.0:
        np.testing.assert_array_equal(a, b, err_msg=what)
    else:
        np.testing.assert_allclose(a, b, rtol=tol, atol=tol, err_msg=what)


def _chain(tmp_path, mode, points):
    """Kill a run at each of ``points`` in turn (each child resuming the previous one), then finish it."""
    run = tmp_path / f"{mode}_run"
    committed, positions = [], []
    for k, point in enumerate([*points, None]):
        log, out = tmp_path / f"{mode}_{k}.log", tmp_path / f"{mode}_{k}"
        extra = (["--resume"] if k else []) + (["--kill-at", str(point)] if point is not None else [])
        if point is None:
            extra += ["--reference-first", *(str(tmp_path / f"{mode}_ref{s}") for s in ("", ".log", ""))]
        proc = _start(mode, run, log, out, *extra)
        stderr = _wait(proc, out)
        proc_log = _log(log)
        if point is None:
            assert proc.returncode == 0, stderr
            return committed + proc_log, out, positions
        assert proc.returncode == -signal.SIGKILL, stderr
        assert not Path(f"{out}.json").exists(), stderr
        last = proc_log[-1]
        assert last["epoch"] * STEPS + last["batch"] == point, stderr  # it died right after that batch
        meta, _ = resume_state.load_state(run / "state" / "resume.npz")
        position = meta["epoch"] * STEPS + meta["batch"]
        # The state on disk is the last one written before the kill: at most EVERY - 1 trained batches
        # are lost (never the state of a batch that had not finished).
        assert point + 1 - EVERY <= position <= point, (point, position)
        positions.append(position)
        committed += [e for e in proc_log if e["epoch"] * STEPS + e["batch"] < position]


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_sigkill_at_random_batches_then_resume_equals_uninterrupted(tmp_path):
    tol = TOLERANCE[keras.config.backend()]
    started = time.monotonic()
    points = {m: _kill_points(m, kills, last) for m, (kills, last) in CHAINS.items()}
    results, errors = {}, []

    def chain(mode):
        try:
            results[mode] = _chain(tmp_path, mode, points[mode])
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=chain, args=(m,)) for m in CHAINS]  # the two chains at once
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=2 * TIMEOUT * 4)
    if errors:
        raise errors[0]
    for mode, (full_log, out, positions) in results.items():
        ref_out = tmp_path / f"{mode}_ref"
        ref_log = _log(tmp_path / f"{mode}_ref.log")
        # No batch skipped or repeated: the same (epoch, batch) sequence, each batch the same samples and LR.
        assert [(e["epoch"], e["batch"]) for e in full_log] == [(e["epoch"], e["batch"]) for e in ref_log], mode
        assert [e["samples"] for e in full_log] == [e["samples"] for e in ref_log], mode
        assert [e["lr"] for e in full_log] == [e["lr"] for e in ref_log], mode
        served = [s for e in ref_log if e["epoch"] == 0 for s in e["samples"]]
        assert sorted(served) == list(range(160))  # each sample once per epoch
        ref_w, res_w = np.load(f"{ref_out}.npz"), np.load(f"{out}.npz")
        for key in ref_w.files:
            _compare(res_w[key], ref_w[key], tol, f"{mode} {key}")
        ref_info = json.loads(Path(f"{ref_out}.json").read_text())
        res_info = json.loads(Path(f"{out}.json").read_text())
        assert res_info["epochs_completed"] == ref_info["epochs_completed"]
        assert ref_info["history"].keys() == res_info["history"].keys()
        for key, values in ref_info["history"].items():
            _compare(res_info["history"][key], values, tol, f"{mode} history {key}")
        print(f"{mode}: killed after global batches {points[mode]}, resumed from {positions}")
        results[mode] = (ref_log, ref_info)
    # The schedules really moved the rate: ReduceLROnPlateau halved it; warm-up then cosine changed it each batch
    # of the first epoch and each epoch after.
    assert len({e["lr"] for e in results["arrays"][0]}) == 2
    assert len({e["lr"] for e in results["generator"][0]}) > STEPS
    # Early stopping stopped the generator run before its last epoch, the resumed one at the same epoch.
    assert 4 <= results["generator"][1]["epochs_completed"] < 10
    print(f"elapsed {time.monotonic() - started:.1f} s")


def test_kill_points_are_seeded_and_inside_the_run():
    assert _kill_points("arrays", 3, 40) == _kill_points("arrays", 3, 40) != _kill_points("generator", 3, 40)
    for kills, total in ((3, 40), (2, 30), (4, 12)):
        points = _kill_points("arrays", kills, total)
        assert len(points) == kills and all(EVERY < p < total - 1 for p in points)
