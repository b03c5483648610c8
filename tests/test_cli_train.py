"""`clara-keras train`: options, run folder, --resume, errors; the default run reaches 0.97 test accuracy."""

import json
import os
import time

import pytest

from clara_keras import cli


def _run(capsys, *argv):
    status = cli.main(["train", *map(str, argv)])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_short_run_then_resume(tmp_path, capsys):
    out = tmp_path / "run"
    status, stdout, _ = _run(
        capsys, "--epochs", 2, "--batch-size", 128, "--lr", 0.003, "--seed", 4, "--out", out, "--verbose", 0
    )
    assert status == 0 and "test accuracy" in stdout and str(out) in stdout
    names = set(os.listdir(out))
    assert {"best.keras", "history.csv", "history.json", "learning_curves.png", "confusion_matrix.png"} <= names
    assert {"config.json", "report.md", "result.json", "state"} <= names
    config = json.loads((out / "config.json").read_text())
    assert config["params"]["learning_rate"] == 0.003 and config["trainer"]["batch_size"] == 128 and config["seed"] == 4
    status, stdout, _ = _run(capsys, "--resume", out, "--epochs", 3, "--verbose", 0)
    assert status == 0
    hist = json.loads((out / "history.json").read_text())
    assert len(hist["loss"]) == 3
    assert json.loads((out / "config.json").read_text())["trainer"]["epochs"] == 3


def test_bad_resume_is_one_line_exit_2(tmp_path, capsys):
    status, _, err = _run(capsys, "--resume", tmp_path / "nowhere")
    assert status == 2 and "config.json is missing" in err and len(err.strip().splitlines()) == 1
    status, _, err = _run(capsys, "--epochs", 0)
    assert status == 2 and "positive integer" in err


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_default_run_reaches_097_quickly(tmp_path, capsys):
    start = time.perf_counter()
    status, stdout, _ = _run(capsys, "--out", tmp_path / "run", "--verbose", 0)
    elapsed = time.perf_counter() - start
    assert status == 0
    result = json.loads((tmp_path / "run" / "result.json").read_text())
    assert result["test_accuracy"] >= 0.97, result
    # "well under 2 minutes" holds on an idle 2-core machine; on an overloaded one (other jobs
    # running, load above the core count) the wall time says nothing about this code.
    if os.getloadavg()[0] <= (os.cpu_count() or 1):
        assert elapsed < 120, elapsed


@pytest.mark.parametrize(
    ("edit", "phrase"),
    [
        (lambda c: c["trainer"].update(epochs=10**9), "epochs=1000000000"),
        (lambda c: c["trainer"].update(batch_size="64"), "batch_size='64'"),
        (lambda c: c["params"].update(learning_rate=-1.0), "learning_rate=-1.0"),
        (lambda c: c.update(seed=True), "seed=True"),
        (lambda c: c.update(trainer=[1, 2]), "'trainer' and 'params' must be JSON objects"),
        (lambda c: c["trainer"].update(checkpoint_every=0), "checkpoint_every=0"),
    ],
)
def test_tampered_config_is_refused_before_training(tmp_path, capsys, edit, phrase):
    from clara_keras.errors import CheckpointError
    from clara_keras.training.main_job import resume_settings

    out = tmp_path / "run"
    out.mkdir()
    config = {"trainer": {"epochs": 2, "batch_size": 64}, "params": {"learning_rate": 0.002}, "seed": 0}
    (out / "config.json").write_text(json.dumps(config))
    assert resume_settings(out) == {"epochs": 2, "batch_size": 64, "lr": 0.002, "seed": 0, "checkpoint_every": None}
    edit(config)
    (out / "config.json").write_text(json.dumps(config))
    before = sorted(os.listdir(out))
    with pytest.raises(CheckpointError, match=phrase.replace("(", r"\(").replace("[", r"\[")):
        resume_settings(out)
    status, _, err = _run(capsys, "--resume", out, "--verbose", 0)
    assert status == 2 and len(err.strip().splitlines()) == 1 and "config.json" in err
    assert sorted(os.listdir(out)) == before  # nothing trained, nothing written


def test_checkpoint_every_saves_mid_epoch_and_resume_keeps_it(tmp_path, capsys):
    import numpy as np

    out = tmp_path / "run"
    # 1437 training images / batch 256 = 6 batches per epoch: states after batches 4 and at each epoch end.
    argv = ("--epochs", 1, "--batch-size", 256, "--checkpoint-every", 4, "--out", out, "--verbose", 0)
    status, _, _ = _run(capsys, *argv)
    assert status == 0
    config = json.loads((out / "config.json").read_text())
    assert config["trainer"]["checkpoint_every"] == 4
    with np.load(out / "state" / "resume.npz") as state:
        meta = json.loads(str(state["meta"]))
    assert meta["checkpoint_every"] == 4 and meta["epoch"] == 1 and meta["batch"] == 0
    status, _, err = _run(capsys, "--resume", out, "--checkpoint-every", 5, "--verbose", 0)
    assert status == 2 and "--checkpoint-every" in err and "checkpoint_every=4" in err
    status, _, _ = _run(capsys, "--resume", out, "--epochs", 2, "--verbose", 0)
    assert status == 0
    assert json.loads((out / "config.json").read_text())["trainer"]["checkpoint_every"] == 4
    assert len(json.loads((out / "history.json").read_text())["loss"]) == 2
