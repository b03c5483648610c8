"""Bad input fails with a typed error before the first trial (nothing is written)."""

import os

import keras
import numpy as np
import pytest

from clara_keras.errors import ConfigError
from clara_keras.errors import DataError
from clara_keras.errors import ParamTypeError
from clara_keras.errors import SearchError
from clara_keras.optimizers import BayesianOptimizer
from clara_keras.optimizers import GridSearchOptimizer
from clara_keras.optimizers import HyperbandOptimizer
from clara_keras.optimizers import RandomSearchOptimizer
from clara_keras.optimizers import SimulatedAnnealingOptimizer
from tests.optimizers._toy import OneHotBatches
from tests.optimizers._toy import tiny_cnn
from tests.optimizers._toy import toy_data
from tests.optimizers._toy import toy_hypermodel

X = np.zeros((12, 6, 6, 1), "float32")
Y = np.arange(12) % 3


def _plain_uncompiled():
    return keras.Sequential([keras.Input((6, 6, 1)), keras.layers.Flatten(), keras.layers.Dense(3)])


CASES = [
    (RandomSearchOptimizer, {"lerning_rate": [0.1, 0.01]}, ConfigError, "Did you mean 'learning_rate'"),
    (RandomSearchOptimizer, {"lr": []}, ConfigError, "is empty"),
    (RandomSearchOptimizer, {"search_space": {"momentum": []}}, ConfigError, "is empty"),
    (RandomSearchOptimizer, {"num_trials": 0}, ConfigError, "num_trials=0"),
    (BayesianOptimizer, {"num_trials": -2}, ConfigError, "positive integer"),
    (SimulatedAnnealingOptimizer, {"num_trials": 2.5}, ConfigError, "num_trials=2.5"),
    (
        GridSearchOptimizer,
        {"lr": [0.1, 0.01, 0.001], "momentum": [0.9, 0.99], "num_trials": 4},
        ConfigError,
        "The grid has 6 combinations but num_trials=4",
    ),
    (GridSearchOptimizer, {"lr": (1e-4, 1e-1, "log")}, ConfigError, "continuous ranges"),
    (RandomSearchOptimizer, {"lmbda": [1e-4, 1e-3]}, ConfigError, "without `regularization`"),
    (RandomSearchOptimizer, {"lr": [0.1, 2.0], "momentum": [0.5, 1.2]}, ConfigError, "momentum"),
    (RandomSearchOptimizer, {"epochs": 0}, ConfigError, "epochs=0"),
    (RandomSearchOptimizer, {"validation_split": 1.5, "validation_data": None}, ConfigError, "validation_split"),
    (RandomSearchOptimizer, {"validation_split": 0.2}, ConfigError, "not both"),
    (
        RandomSearchOptimizer,
        {"optimizer": keras.optimizers.SGD(), "lr": [0.1, 0.01]},
        ConfigError,
        "cannot be set per trial",
    ),
    (RandomSearchOptimizer, {"pruner": "median"}, ParamTypeError, "pruner"),
    (HyperbandOptimizer, {"factor": 1}, ConfigError, "factor"),
    (SimulatedAnnealingOptimizer, {"cooling_rate": 1.5}, ConfigError, "cooling_rate"),
    (RandomSearchOptimizer, {"objective": 3}, ParamTypeError, "objective"),
]


@pytest.mark.parametrize("cls, kwargs, error, phrase", CASES)
def test_bad_arguments_fail_before_any_trial(tmp_path, cls, kwargs, error, phrase):
    kwargs = {"validation_data": (X, Y), **kwargs}
    if kwargs.get("validation_data") is None:
        kwargs.pop("validation_data")
    with pytest.raises(error) as info:
        cls(model=tiny_cnn(), dataset=(X, Y), directory=tmp_path, **kwargs)
    assert phrase in str(info.value)
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize(
    "kwargs, error, phrase",
    [
        ({"model": None}, ConfigError, "needs `model=`"),
        ({"model": "alexnet"}, ParamTypeError, "`model` must be"),
        ({"dataset": None}, DataError, "needs training data"),
        ({"dataset": {"X": X}}, DataError, "'X' and 'y'"),
        ({"dataset": (X, Y[:5])}, DataError, "12 samples in X but 5 labels"),
        ({"dataset": 42}, DataError, "must be a keras.utils.PyDataset"),
        ({"dataset": OneHotBatches(), "batch_size": [16, 32]}, ConfigError, "cannot be set for a PyDataset"),
        ({"model": _plain_uncompiled()}, ConfigError, "not compiled and no `loss=`"),
        ({"lr": 0.01}, ConfigError, "Nothing to search"),
    ],
)
def test_bad_model_or_data(tmp_path, kwargs, error, phrase):
    base = {"model": tiny_cnn(), "dataset": (X, Y), "directory": tmp_path}
    with pytest.raises(error) as info:
        RandomSearchOptimizer(**{**base, **kwargs})
    assert phrase in str(info.value)
    assert os.listdir(tmp_path) == []


def test_missing_objective_stops_the_search(tmp_path):
    search = RandomSearchOptimizer(
        model=toy_hypermodel,
        dataset=toy_data(),
        objective="val_auc",
        num_trials=3,
        epochs=1,
        directory=tmp_path,
        verbose=0,
    )
    with pytest.raises(SearchError, match="'val_auc' is not among the logged metrics"):
        search.fit()


def test_a_different_search_in_the_same_project_is_refused(tmp_path):
    common = {
        "model": toy_hypermodel,
        "dataset": toy_data(),
        "epochs": 1,
        "directory": tmp_path,
        "project_name": "p",
        "verbose": 0,
    }
    RandomSearchOptimizer(num_trials=1, **common).fit()
    other = RandomSearchOptimizer(num_trials=1, lr=[0.1, 0.2], **common)
    with pytest.raises(SearchError, match="holds a different search"):
        other.fit()
    RandomSearchOptimizer(num_trials=1, lr=[0.1, 0.2], overwrite=True, **common).fit()  # overwrite starts again
