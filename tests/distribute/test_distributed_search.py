"""A keras-tuner search shared by a chief (the oracle, over gRPC) and two workers on 127.0.0.1."""

import json
import re
import subprocess
import time

import keras
import pytest

from clara_keras.distribute import launcher
from tests.distribute.conftest import HERE
from tests.distribute.conftest import PYTHON
from tests.distribute.conftest import kill_group
from tests.distribute.conftest import subprocess_env

pytestmark = [
    pytest.mark.distributed,
    pytest.mark.slow,
    # Backend-independent (gRPC between processes); run once, on the TensorFlow run, to keep CI short.
    pytest.mark.skipif(keras.config.backend() != "tensorflow", reason="run once, on the tensorflow run"),
]
MAX_TRIALS = 4


def test_chief_and_two_workers_complete_every_trial_exactly_once(tmp_path):
    envs = launcher.worker_environments(2, search=True, base_env=subprocess_env())
    assert [e["KERASTUNER_TUNER_ID"] for e in envs] == ["chief", "worker0", "worker1"]
    procs, logs = [], []
    for env in envs:
        log = tmp_path / f"{env['KERASTUNER_TUNER_ID']}.log"
        with open(log, "w") as f:
            procs.append(
                subprocess.Popen(
                    [PYTHON, str(HERE / "search_worker.py"), str(tmp_path)],
                    env=env,
                    stdout=f,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
        logs.append(log)
    try:
        deadline = time.monotonic() + 150
        for p in procs[1:]:  # the workers end when the oracle has no trial left
            p.wait(timeout=max(1, deadline - time.monotonic()))
        # keras-tuner's chief polls every 20 s before exiting; its records are on disk already.
        try:
            procs[0].wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
    finally:
        for p in procs:
            kill_group(p)
            p.wait(timeout=10)
    texts = [log.read_text(errors="replace") for log in logs]
    assert [p.returncode for p in procs[1:]] == [0, 0], texts[1][-3000:] + texts[2][-3000:]
    ran = [m for text in texts[1:] for m in re.findall(r"^RAN (\d+) (worker\d)$", text, re.M)]
    ids = [trial_id for trial_id, _ in ran]
    assert len(ids) == MAX_TRIALS and len(set(ids)) == MAX_TRIALS  # none run twice, none lost
    assert {tuner for _, tuner in ran} <= {"worker0", "worker1"}
    project = tmp_path / "search" / "distributed"
    trials = {}
    for path in sorted(project.glob("trial_*/trial.json")):
        record = json.loads(path.read_text())
        trials[record["trial_id"]] = record
    assert sorted(trials) == sorted(ids)
    assert all(t["status"] == "COMPLETED" and t["score"] is not None for t in trials.values())
    values = [json.dumps(t["hyperparameters"]["values"], sort_keys=True) for t in trials.values()]
    assert len(set(values)) == MAX_TRIALS  # four different configurations
