"""`clara-keras launch --local 2 train`: the main job on two MultiWorkerMirroredStrategy workers."""

import json
import subprocess
import sys

import keras
import pytest

pytestmark = [
    pytest.mark.distributed,
    pytest.mark.slow,
    pytest.mark.skipif(keras.config.backend() != "tensorflow", reason="MultiWorkerMirroredStrategy is TensorFlow-only"),
]


def test_launch_two_workers_runs_the_main_job_and_only_the_chief_writes(tmp_path):
    out = tmp_path / "run"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "clara_keras",
            "launch",
            "--local",
            "2",
            "train",
            "--epochs",
            "2",
            "--out",
            str(out),
            "--verbose",
            "0",
        ],
        capture_output=True,
        text=True,
        timeout=420,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    summaries = [line for line in proc.stdout.splitlines() if "clara-keras train: best epoch" in line]
    assert len(summaries) == 2 and {s.split("]")[0] for s in summaries} == {"[worker 0", "[worker 1"}
    # Both workers trained the same model: the same test accuracy.
    assert len({s.split("test accuracy")[1].split("|")[0] for s in summaries}) == 1
    result = json.loads((out / "result.json").read_text())
    history = json.loads((out / "history.json").read_text())
    assert len(history["loss"]) == 2 and result["best_epoch"] in (1, 2)
    assert (out / "best.keras").is_file() and (out / "report.md").is_file()
    from clara_keras.training import load_model

    assert load_model(out / "best.keras").count_params() > 0
