"""The seed's three calls, as written (tiny model, one-hot PyDataset), and what a search leaves behind."""

import csv
import os

import keras
import numpy as np
import pytest

from clara_keras.losses import ClassificationCrossentropy
from clara_keras.optimizers import GridSearchOptimizer
from clara_keras.optimizers import RandomSearchOptimizer
from tests.optimizers._toy import OneHotBatches
from tests.optimizers._toy import tiny_cnn


@pytest.fixture(scope="module")
def seed_searches(tmp_path_factory):
    keras.utils.set_random_seed(0)
    root = tmp_path_factory.mktemp("seed")
    model = tiny_cnn()
    weights_before = [w.copy() for w in model.get_weights()]
    train_gen = OneHotBatches()
    random_search = RandomSearchOptimizer(
        model=model,
        dataset=train_gen,
        loss="categorical_crossentropy",
        optimizer="adam",
        num_trials=2,
        epochs=2,
        directory=root,
        seed=0,
        verbose=0,
    )
    grid_search = GridSearchOptimizer(
        model=model,
        dataset=train_gen,
        loss="categorical_crossentropy",
        optimizer="adam",
        search_space={"lr": [0.01, 0.001]},
        epochs=2,
        directory=root,
        seed=0,
        verbose=0,
    )
    best_params = random_search.fit().get_best_params()["hp"]
    grid_search.fit()
    alexnet = tiny_cnn()
    alex_search = RandomSearchOptimizer(
        model=alexnet,
        dataset=train_gen,
        loss="categorical_crossentropy",
        optimizer="sgd",
        regularization="l2",
        lmbda=np.logspace(-4, -3, 5),
        lr=[0.1, 0.01],
        momentum=[0.9, 0.95],
        decay=[0.0, 0.001],
        num_trials=2,
        epochs=1,
        directory=root,
        seed=0,
        verbose=0,
    )
    alex_search.fit()
    return {
        "model": model,
        "weights_before": weights_before,
        "random": random_search,
        "grid": grid_search,
        "alex": alex_search,
        "best_params": best_params,
    }


def test_first_call_searches_the_learning_rate_by_default(seed_searches):
    search = seed_searches["random"]
    assert set(seed_searches["best_params"]) == {"learning_rate"}
    assert 1e-4 <= seed_searches["best_params"]["learning_rate"] <= 1e-1
    assert search.objective.name == "val_accuracy" and search.objective.direction == "max"
    assert len(search.results()) == 2


def test_grid_call_runs_the_whole_grid_in_order(seed_searches):
    rows = seed_searches["grid"].results()
    assert [r["lr"] for r in rows] == [0.01, 0.001]
    assert all(r["status"] == "COMPLETED" and 0.0 <= r["score"] <= 1.0 for r in rows)
    best = seed_searches["grid"].get_best_params()
    assert best["score"] == max(r["score"] for r in rows)
    assert best["params"] == {"optimizer": "adam", "learning_rate": best["hp"]["lr"]}


def test_alexnet_call_applies_regularizer_momentum_and_decay(seed_searches):
    search = seed_searches["alex"]
    assert search.plan()["grid_size"] == 40
    best = search.get_best_params()
    assert set(best["hp"]) == {"lmbda", "lr", "momentum", "decay"}
    assert best["params"]["regularizer"] == {"name": "l2", "value": best["hp"]["lmbda"]}
    model = search.get_best_model()
    assert model.get_params()["optimizer"] == "sgd"
    assert isinstance(model.optimizer, keras.optimizers.SGD)
    assert float(keras.ops.convert_to_numpy(model.optimizer.learning_rate)) == pytest.approx(best["hp"]["lr"])
    assert float(model.optimizer.momentum) == pytest.approx(best["hp"]["momentum"])
    kernels = [layer for layer in model.layers if getattr(layer, "kernel_regularizer", None) is not None]
    assert kernels and all(
        float(layer.kernel_regularizer.get_config()["l2"]) == pytest.approx(best["hp"]["lmbda"]) for layer in kernels
    )
    # the string loss was mapped to a logits-aware cross-entropy (the last Dense has no activation)
    assert isinstance(model.loss, ClassificationCrossentropy) and model.loss.from_logits is True


def test_the_model_passed_in_is_never_changed(seed_searches):
    model = seed_searches["model"]
    assert not getattr(model, "compiled", False)
    assert model.params_set == {}
    for before, after in zip(seed_searches["weights_before"], model.get_weights()):
        np.testing.assert_array_equal(before, after)


def test_best_model_reproduces_the_best_score(seed_searches):
    search = seed_searches["grid"]
    best = search.get_best_params()
    model = search.get_best_model()
    data = OneHotBatches()
    val = search.data.val
    scores = model.evaluate(val, verbose=0, return_dict=True)
    assert scores["accuracy"] == pytest.approx(best["score"], abs=1e-6)
    assert model.predict(data.x[:4], verbose=0).shape == (4, 3)


def test_results_csv_summary_and_plan(seed_searches, capsys):
    search = seed_searches["grid"]
    with open(search.results_path) as f:
        rows = list(csv.DictReader(f))
    assert [r["lr"] for r in rows] == ["0.01", "0.001"]
    assert {"trial_id", "status", "score", "best_epoch", "epochs_run", "seconds", "error"} <= set(rows[0])
    table = search.results()
    assert [float(r["score"]) for r in rows] == pytest.approx([r["score"] for r in table])
    search.summary()
    out = capsys.readouterr().out
    assert "GridSearchOptimizer (grid)" in out and "val_accuracy (max)" in out and "best: trial" in out
    plan = search.plan()
    assert plan["num_trials"] == 2 and plan["grid"] == [{"lr": 0.01}, {"lr": 0.001}]
    assert os.path.isdir(plan["directory"])


def test_running_fit_again_reruns_nothing(seed_searches):
    search = seed_searches["grid"]
    before = search.results()
    search.fit()
    assert search.results() == before


def test_clara_data_generator_as_dataset(tmp_path):
    from clara_keras.data import DataGenerator
    from clara_keras.data import Dataset

    data = OneHotBatches()
    labels = np.argmax(data.y, axis=1)
    train = DataGenerator(dataset=Dataset(X=data.x[:64], y=labels[:64]), batch_size=16, one_hot=True)
    val = DataGenerator(dataset=Dataset(X=data.x[64:], y=labels[64:]), batch_size=16, training=False)
    search = GridSearchOptimizer(
        model=tiny_cnn(),
        dataset=train,
        validation_data=val,
        loss="categorical_crossentropy",
        optimizer="adam",
        search_space={"lr": [0.01]},
        epochs=1,
        directory=tmp_path,
        verbose=0,
    )
    search.fit()
    (row,) = search.results()
    assert row["status"] == "COMPLETED" and 0.0 <= row["score"] <= 1.0
