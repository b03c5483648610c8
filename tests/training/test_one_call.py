"""clara.train: split, train, test the best, result dict, run folder and report."""

import json

import numpy as np
import pytest
from PIL import Image

import clara_keras as clara
from clara_keras.data import Dataset
from clara_keras.training import RunDir
from clara_keras.training import TrainResult
from tests.training._tiny import blobs
from tests.training._tiny import tiny_model


def test_top_level_names():
    from clara_keras import training

    assert clara.Trainer is training.Trainer and clara.train is training.train
    assert clara.load_model is training.load_model


def test_one_call_splits_trains_tests_and_reports(tmp_path):
    x, y = blobs(300)
    data = Dataset(X=x, y=y, classes=["a", "b", "c"])
    result = clara.train(tiny_model(), data, epochs=4, run_dir=tmp_path, verbose=0)
    assert isinstance(result, TrainResult) and isinstance(result, dict)
    assert result["monitor"] == "val_accuracy"  # classification model with validation data
    assert 1 <= result["best_epoch"] <= 4 and result["epochs_run"] == 4
    assert result["best_score"] == pytest.approx(max(result.history["val_accuracy"]))
    assert result["test_accuracy"] > 0.6 and np.isfinite(result["test_loss"])
    cm = np.array(result["confusion_matrix"])
    assert cm.shape == (3, 3) and cm.sum() == 45  # 15 % of 300 samples, stratified
    assert np.trace(cm) / cm.sum() == pytest.approx(result["test_accuracy"], abs=1e-6)
    run = RunDir(tmp_path)
    saved = json.loads(run.result.read_text())
    assert saved["test_accuracy"] == result["test_accuracy"] and saved["best_epoch"] == result["best_epoch"]
    report = run.report.read_text()
    assert "![learning curves](learning_curves.png)" in report and "![confusion matrix](confusion_matrix.png)" in report
    assert f"| test_accuracy | {result['test_accuracy']:.4f} |" in report
    for png in (run.curves, run.confusion):
        with Image.open(png) as im:
            assert im.format == "PNG" and im.size[0] >= 300 and im.size[1] >= 250
    assert result.history["loss"] == pytest.approx(json.loads(run.history_json.read_text())["loss"])


def test_one_call_takes_parts(tmp_path):
    x, y = blobs(200)
    parts = {"train": (x[:120], y[:120]), "validation": (x[120:160], y[120:160]), "test": (x[160:], y[160:])}
    r1 = clara.train(tiny_model(), parts, epochs=2, run_dir=tmp_path / "a", monitor="val_loss", verbose=0)
    assert r1["monitor"] == "val_loss" and 0.0 <= r1["test_accuracy"] <= 1.0
    clara.train(tiny_model(), tuple(parts.values()), epochs=2, run_dir=tmp_path / "b", verbose=0, report=False)
    assert not RunDir(tmp_path / "b").report.exists() and RunDir(tmp_path / "b").result.exists()
    r3 = clara.train(
        tiny_model(), parts["train"], validation=parts["validation"], epochs=1, run_dir=tmp_path / "c", verbose=0
    )
    assert "test_accuracy" not in r3 and r3["best_epoch"] == 1
