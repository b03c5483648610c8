"""Kill a training process with SIGKILL during epoch 4, resume it, compare with an uninterrupted run."""

import json
import os
import signal
import subprocess
import sys
import time

import keras
import numpy as np
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# Why not bitwise everywhere: TF on CPU (oneDNN off) and JAX on CPU replay the same kernels in the
# same order, so a resumed run is bit-identical. PyTorch's CPU kernels may pick a different
# reduction split with the thread count available at the moment, so 1e-6 is allowed there.
TOLERANCE = {"tensorflow": 0.0, "jax": 0.0, "torch": 1e-6}


def _worker(*args):
    env = {**os.environ, "KERAS_BACKEND": keras.config.backend(), "PYTHONPATH": ROOT}
    cmd = [sys.executable, "-m", "tests.training._resume_worker", *map(str, args)]
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _finish(proc, timeout=150):
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        pytest.fail(f"worker did not finish within {timeout} s")
    assert proc.returncode == 0, err[-2000:]


@pytest.mark.slow
@pytest.mark.timeout(400)
def test_sigkill_in_epoch_4_then_resume_matches_uninterrupted(tmp_path):
    ref_out, res_out = tmp_path / "ref.npz", tmp_path / "resumed.npz"
    marker = tmp_path / "in_epoch_4"
    run = tmp_path / "run"
    reference = _worker(tmp_path / "ref_run", 6, ref_out)
    victim = _worker(run, 6, tmp_path / "never.npz", "--hang-in-epoch", 4, marker)
    deadline = time.monotonic() + 150
    while not marker.exists():
        if victim.poll() is not None:
            pytest.fail(f"victim exited early: {victim.stderr.read()[-2000:]}")
        if time.monotonic() > deadline:
            victim.kill()
            pytest.fail("victim never reached epoch 4")
        time.sleep(0.1)
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait(timeout=30)
    assert victim.returncode == -signal.SIGKILL
    state_before = (run / "state" / "resume.npz").read_bytes()
    resumed = _worker(run, 6, res_out, "--resume")
    _finish(reference)
    _finish(resumed)
    assert not (tmp_path / "never.npz").exists()
    # The state on disk when killed was the one of epoch 3 (killed inside epoch 4).
    meta = json.loads(str(np.load(__import__("io").BytesIO(state_before), allow_pickle=False)["meta"]))
    assert meta["epoch"] == 3
    ref, res = np.load(ref_out), np.load(res_out)
    tol = TOLERANCE[keras.config.backend()]
    for key in ref.files:
        if tol == 0.0:
            np.testing.assert_array_equal(res[key], ref[key], err_msg=key)
        else:
            np.testing.assert_allclose(res[key], ref[key], rtol=tol, atol=tol, err_msg=key)
    ref_info, res_info = json.loads(open(f"{ref_out}.json").read()), json.loads(open(f"{res_out}.json").read())
    assert res_info["best_epoch"] == ref_info["best_epoch"]
    assert len(res_info["history"]["loss"]) == 6
    np.testing.assert_allclose(res_info["history"]["val_loss"], ref_info["history"]["val_loss"], rtol=max(tol, 1e-7))
