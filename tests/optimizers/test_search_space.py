"""Search keywords: parsing, validation against the schema, and typed errors before any trial."""

import keras_tuner
import numpy as np
import pytest

from clara_keras.errors import ConfigError
from clara_keras.errors import ParamTypeError
from clara_keras.optimizers import SearchSpace
from clara_keras.optimizers.search_space import grid_size
from clara_keras.optimizers.search_space import grid_values


def test_seed_keywords_become_choices_and_fixed_params():
    space = SearchSpace(
        {
            "optimizer": "sgd",
            "regularization": "l2",
            "lmbda": np.logspace(-4, -3, 5),
            "lr": [0.1, 0.01],
            "momentum": [0.9, 0.95],
            "decay": [0.0, 0.001],
        }
    )
    assert space.fixed == {"optimizer": "sgd", "regularization": "l2"}
    assert list(space.searched) == ["lmbda", "lr", "momentum", "decay"]
    assert space.searched["lmbda"] == pytest.approx(list(np.logspace(-4, -3, 5)))
    assert all(type(v) is float for v in space.searched["lmbda"])  # numpy scalars -> JSON-safe floats
    hp = space.declare(keras_tuner.HyperParameters())
    assert grid_size(hp) == 5 * 2 * 2 * 2
    params = space.params_for({"lmbda": 1e-4, "lr": 0.01, "momentum": 0.9, "decay": 0.001})
    assert params == {
        "optimizer": "sgd",
        "regularizer": {"name": "l2", "value": 1e-4},
        "learning_rate": 0.01,
        "momentum": 0.9,
        "decay": 0.001,
    }


def test_search_space_dict_with_log_range():
    space = SearchSpace({}, {"lr": (1e-4, 1e-1, "log"), "batch_size": (16, 64)})
    hp = space.declare(keras_tuner.HyperParameters())
    lr, bs = hp.space
    assert (type(lr).__name__, lr.min_value, lr.max_value, lr.sampling) == ("Float", 1e-4, 1e-1, "log")
    assert (type(bs).__name__, bs.min_value, bs.max_value) == ("Int", 16, 64)
    assert grid_size(hp) is None  # a continuous range cannot be gridded


def test_grid_values_enumerates_every_combination():
    hp = SearchSpace({"lr": [0.1, 0.01], "optimizer": ["adam", "sgd"]}).declare(keras_tuner.HyperParameters())
    combos = grid_values(hp)
    assert len(combos) == 4
    assert {"lr": 0.01, "optimizer": "sgd"} in combos


@pytest.mark.parametrize(
    "keywords, error, phrase",
    [
        ({"lerning_rate": [0.1]}, ConfigError, "Did you mean 'learning_rate'"),
        ({"momentun": [0.9]}, ConfigError, "Did you mean 'momentum'"),
        ({"lr": []}, ConfigError, "is empty"),
        ({"lmbda": [1e-4, 1e-3]}, ConfigError, "without `regularization`"),
        ({"lr": [0.1, -1.0]}, ConfigError, "positive finite number"),
        ({"momentum": [0.9, 1.5]}, ConfigError, "in [0, 1)"),
        ({"optimizer": ["adam", "adamm"]}, ConfigError, "Did you mean 'adam'"),
        ({"regularization": "l3", "lmbda": [0.1]}, ConfigError, "regularization"),
        ({"lr": (0.1, 0.01, "log")}, ConfigError, "low < high"),
        ({"lr": (0.0, 0.1, "log")}, ConfigError, "positive"),
        ({"lr": (1e-3, 1e-1, "cubic")}, ConfigError, "sampling"),
        ({"lr": [0.1, 0.1]}, ConfigError, "duplicates"),
        ({"epochs": [1, 2]}, ConfigError, "cannot be searched"),
        ({"lr": {0.1, 0.01}}, ParamTypeError, "must be a list"),
        ({"lr": [0.1], "learning_rate": [0.2]}, ConfigError, "same parameter"),
    ],
)
def test_bad_keywords_raise_typed_errors(keywords, error, phrase):
    with pytest.raises(error, match=None) as info:
        SearchSpace(keywords)
    assert phrase in str(info.value)


def test_keyword_given_twice_in_search_space():
    with pytest.raises(ConfigError, match="given twice"):
        SearchSpace({"lr": [0.1]}, {"lr": [0.01]})
