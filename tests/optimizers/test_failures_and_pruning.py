"""Failed trials are recorded and the search goes on; three in a row stop it. Pruning by the median rule."""

import csv

import keras
import numpy as np
import pytest

from clara_keras.errors import SearchError
from clara_keras.optimizers import GridSearchOptimizer
from clara_keras.optimizers import MedianStoppingPruner
from clara_keras.optimizers import RandomSearchOptimizer
from tests.optimizers._toy import toy_data
from tests.optimizers._toy import toy_hypermodel


def negative_x_fails(hp):
    model = toy_hypermodel(hp)
    if hp.get("x") in (0.0, 2.0):
        raise ValueError(f"x={hp.get('x')} is out of range for this model")
    return model


def test_failed_trials_are_recorded_and_the_search_goes_on(tmp_path):
    search = GridSearchOptimizer(
        model=negative_x_fails,
        dataset=toy_data(),
        validation_data=toy_data(),
        epochs=1,
        directory=tmp_path,
        verbose=0,
    )
    search.fit()
    rows = search.results()
    assert [r["status"] for r in rows] == ["COMPLETED", "FAILED", "COMPLETED", "FAILED", "COMPLETED"]
    assert rows[1]["error"] == "ValueError: x=0.0 is out of range for this model"
    assert rows[1]["score"] is None
    assert search.get_best_params()["hp"] == {"x": 1.0}
    with open(search.results_path) as f:
        assert [r["status"] for r in csv.DictReader(f)][:3] == ["COMPLETED", "FAILED", "COMPLETED"]


def test_a_diverging_trial_fails_with_its_nan_loss(tmp_path):
    x = np.linspace(-50, 50, 64, dtype="float32").reshape(-1, 1)
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    search = GridSearchOptimizer(
        model=model,
        dataset=(x, 3 * x),
        loss="mse",
        optimizer="sgd",
        lr=[1e12, 1e-4],
        epochs=2,
        directory=tmp_path,
        verbose=0,
    )
    search.fit()
    first, second = search.results()
    assert first["status"] == "FAILED" and "the trial diverged" in first["error"]
    assert second["status"] == "COMPLETED" and np.isfinite(second["score"])


def test_three_failures_in_a_row_stop_the_search(tmp_path):
    def always_fails(hp):
        if hp.Float("x", 0.0, 1.0, default=0.0) > 0.0:  # builds with the default, fails in every trial
            raise RuntimeError("out of memory (simulated)")
        return toy_hypermodel(hp)

    search = RandomSearchOptimizer(
        model=always_fails, dataset=toy_data(), num_trials=6, epochs=1, directory=tmp_path, verbose=0
    )
    with pytest.raises(SearchError, match="3 trials failed in a row.*out of memory \\(simulated\\)"):
        search.fit()
    rows = search.results()
    assert [r["status"] for r in rows] == ["FAILED"] * 3
    with open(search.results_path) as f:
        assert len(list(csv.DictReader(f))) == 3


def test_median_pruner_stops_bad_trials_and_keeps_the_best(tmp_path):
    common = {
        "model": toy_hypermodel,
        "dataset": toy_data(),
        "validation_data": toy_data(),
        "epochs": 3,
        "num_trials": 5,
        "seed": 3,
        "verbose": 0,
        "directory": tmp_path,
    }
    pruned = RandomSearchOptimizer(pruner=MedianStoppingPruner(warmup_epochs=1, min_trials=2), **common)
    pruned.fit()
    rows = pruned.results()
    statuses = [r["status"] for r in rows]
    assert statuses.count("PRUNED") >= 2
    for row in rows:
        if row["status"] == "PRUNED":
            assert row["epochs_run"] == 2  # stopped after the warm-up epoch, at epoch 2 of 3
        else:
            assert row["epochs_run"] == 3
    assert pruned.get_best_params()["hp"] == {"x": 1.0}
    # per-epoch values reached the oracle: every epoch of every trial is in its metrics
    trial = pruned._get_tuner().oracle.trials[rows[0]["trial_id"]]
    assert len(trial.metrics.get_history("val_loss")) == rows[0]["epochs_run"]
    assert RandomSearchOptimizer(**common).pruner is None  # off by default
    assert sum(r["epochs_run"] for r in rows) < 5 * 3  # what the same trials cost without pruning
