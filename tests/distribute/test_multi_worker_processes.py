"""Two MultiWorkerMirroredStrategy workers on 127.0.0.1 (free ports chosen at run time, bounded subprocesses).

- Both workers end with identical weights, equal to a single-process `model.fit` with the same global
  batch and seed. The runs use float64: in float32 the same comparison differs by up to ~3e-3 after two
  epochs, exactly as a single-process run does whose initial weights are perturbed by 1e-7 (ReLU and
  max-pool switching amplify rounding differences), so float32 cannot separate a bug from rounding.
- A worker killed during epoch 2, both restarted with the same TF_CONFIG: training resumes from the
  epoch-1 backup and ends with the weights of the uninterrupted run; the best checkpoint loads.
"""

import json
import os
import time

import keras
import numpy as np
import pytest

from clara_keras import distribute
from tests.distribute.conftest import HERE
from tests.distribute.conftest import PYTHON
from tests.distribute.conftest import kill_group
from tests.distribute.conftest import run_bounded
from tests.distribute.conftest import subprocess_env

pytestmark = [
    pytest.mark.distributed,
    pytest.mark.slow,
    pytest.mark.skipif(keras.config.backend() != "tensorflow", reason="MultiWorkerMirroredStrategy (TensorFlow)"),
]
WORKER = str(HERE / "mw_worker.py")
EPOCHS = 2


def load_weights(path):
    with np.load(path) as z:
        return [z[f"arr_{i}"] for i in range(len(z.files))]


def max_diff(a, b):
    return max(float(np.max(np.abs(x - y))) for x, y in zip(a, b))


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory):
    """`clara-keras launch --local 2 mw_worker.py OUT 2`: the launcher, TF_CONFIG, prefixed output."""
    out = tmp_path_factory.mktemp("mw")
    cmd = [PYTHON, "-m", "clara_keras", "launch", "--local", "2", "--timeout", "200", WORKER, str(out), str(EPOCHS)]
    code, output = run_bounded(cmd, subprocess_env(CLARA_TEST_FLOAT64=1), timeout=230)
    assert code == 0, output[-4000:]
    return out, output


REFERENCE = """
import sys
import keras
import numpy as np
from clara_keras.datasets import load_digits_splits
from clara_keras.models import digits_cnn

keras.config.set_floatx("float64")
keras.utils.set_random_seed(0)
train, _, _ = load_digits_splits(seed=0)
model = digits_cnn(dropout_prob=0.0)
model.set_params({"learning_rate": 0.01, "optimizer": "sgd"})
model.compile()
np.savez(sys.argv[1], *model.get_weights())
model.fit(train["X"], train["y"], batch_size=64, epochs=int(sys.argv[3]), shuffle=False, verbose=0)
np.savez(sys.argv[2], *model.get_weights())
"""


def reference_weights(tmp_path):
    """A single-process `model.fit` with the same global batch and seed, in a fresh interpreter.

    A fresh process, like the workers: global state left by earlier tests in this
    process (seed generators, TensorFlow's graph caches) cannot leak into the reference.
    """
    initial, final = tmp_path / "initial.npz", tmp_path / "final.npz"
    code, output = run_bounded(
        [PYTHON, "-c", REFERENCE, str(initial), str(final), str(EPOCHS)], subprocess_env(), timeout=200
    )
    assert code == 0, output[-4000:]
    return load_weights(initial), load_weights(final)


def test_two_workers_match_each_other_and_a_single_process(uninterrupted, tmp_path):
    out, output = uninterrupted
    for rank in (0, 1):
        assert f"[worker {rank}] DONE rank={rank} epochs={EPOCHS}" in output
        assert f"[worker {rank}] EPOCH_END 2 ['accuracy', 'loss', 'val_accuracy', 'val_loss']" in output
    w0, w1 = load_weights(out / "weights-0.npz"), load_weights(out / "weights-1.npz")
    assert all(np.array_equal(a, b) for a, b in zip(w0, w1))
    initial, reference = reference_weights(tmp_path)
    assert max_diff(reference, initial) > 1e-2  # the weights moved ...
    assert max_diff(w0, reference) < 1e-9  # ... the same way as in one process
    history = json.loads((out / "run" / "history.json").read_text())
    assert len(history["loss"]) == EPOCHS and history["loss"][1] < history["loss"][0]


def _wait_for(path, text, procs, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and text in path.read_text(errors="replace"):
            return
        dead = [p.returncode for p in procs if p.poll() is not None]
        if dead:
            pytest.fail(f"a worker exited ({dead}) before {text!r}:\n{path.read_text(errors='replace')[-3000:]}")
        time.sleep(0.2)
    pytest.fail(f"{text!r} did not appear in {timeout} s")


def _start(out, envs, tag, extra=()):
    import subprocess

    procs, logs = [], []
    for rank, env in enumerate(envs):
        log = out / f"{tag}-{rank}.log"
        with open(log, "w") as f:
            procs.append(
                subprocess.Popen(
                    [PYTHON, WORKER, str(out), str(EPOCHS), *extra],
                    env=env,
                    stdout=f,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
        logs.append(log)
    return procs, logs


def test_killed_worker_restart_resumes_from_the_last_backup(uninterrupted, tmp_path):
    ports = distribute.free_ports(2)
    workers = [f"127.0.0.1:{p}" for p in ports]
    envs = [
        subprocess_env(CLARA_TEST_FLOAT64=1, TF_CONFIG=json.dumps(distribute.tf_config(workers, i))) for i in (0, 1)
    ]
    procs, logs = _start(tmp_path, envs, "first", extra=("--pause-epoch", "2"))
    try:
        _wait_for(logs[1], "PAUSED epoch 2", procs, timeout=150)
        assert (tmp_path / "run" / "backup" / "epoch-00001.npz").exists()
        assert not (tmp_path / "run" / "backup" / "epoch-00002.npz").exists()
        kill_group(procs[1])  # worker 1 dies in the middle of epoch 2
        procs[1].wait(timeout=10)
        time.sleep(1.0)
        assert procs[0].poll() is None  # worker 0 is left waiting in a collective
    finally:
        for p in procs:
            kill_group(p)
            p.wait(timeout=10)

    procs, logs = _start(tmp_path, envs, "restart")  # same TF_CONFIG, same run folder
    try:
        deadline = time.monotonic() + 150
        for p in procs:
            p.wait(timeout=max(1, deadline - time.monotonic()))
    finally:
        for p in procs:
            kill_group(p)
    texts = [log.read_text(errors="replace") for log in logs]
    assert [p.returncode for p in procs] == [0, 0], texts[0][-3000:] + texts[1][-3000:]
    for text in texts:
        assert "clara_keras: resuming from the backup of epoch 1" in text
        assert "EPOCH_END 1" not in text  # epoch 1 was not trained again
    history = json.loads((tmp_path / "run" / "history.json").read_text())
    assert len(history["loss"]) == EPOCHS
    # Nothing lost: the same final weights as the uninterrupted run.
    reference = load_weights(uninterrupted[0] / "weights-0.npz")
    assert max_diff(load_weights(tmp_path / "weights-0.npz"), reference) < 1e-9
    assert max_diff(load_weights(tmp_path / "weights-1.npz"), reference) < 1e-9
    import clara_keras.losses  # noqa: F401  (register the Clara classes the file names)
    import clara_keras.metrics  # noqa: F401
    import clara_keras.models  # noqa: F401

    best = keras.saving.load_model(tmp_path / "run" / "best.keras", safe_mode=True)
    from clara_keras.datasets import load_digits_splits

    _, val, _ = load_digits_splits(seed=0)
    _, accuracy = best.evaluate(val["X"], val["y"], verbose=0)
    assert accuracy == pytest.approx(max(history["val_accuracy"]), abs=1e-6)
    assert os.path.getsize(tmp_path / "run" / "best.keras") > 0
