"""The median stopping rule as a pure function of per-epoch values."""

import pytest

from clara_keras.errors import ConfigError
from clara_keras.optimizers import MedianStoppingPruner


def test_prunes_a_trial_below_the_median_after_warmup():
    pruner = MedianStoppingPruner(warmup_epochs=1, min_trials=3)
    finished = [[0.5, 0.7, 0.8], [0.6, 0.8, 0.9], [0.4, 0.6, 0.7]]
    # epoch 0 is warm-up: never pruned
    assert not pruner.should_prune([0.1], finished, "max")
    # at epoch 1 the running averages are 0.6, 0.7, 0.5 -> median 0.6; best so far 0.3 < 0.6
    assert pruner.should_prune([0.1, 0.3], finished, "max")
    assert not pruner.should_prune([0.1, 0.65], finished, "max")


def test_direction_min_and_min_trials():
    pruner = MedianStoppingPruner(warmup_epochs=0, min_trials=2)
    finished = [[1.0, 0.5], [2.0, 1.0]]
    assert pruner.should_prune([3.0], finished, "min")  # median of [1.0, 2.0] = 1.5 < 3.0
    assert not pruner.should_prune([1.2], finished, "min")
    assert not pruner.should_prune([3.0], finished[:1], "min")  # one finished trial < min_trials


def test_references_shorter_than_the_step_are_ignored():
    pruner = MedianStoppingPruner(warmup_epochs=0, min_trials=1)
    assert not pruner.should_prune([0.0, 0.0, 0.0], [[0.9], [0.9, 0.9]], "max")  # none reached epoch 2


@pytest.mark.parametrize("kwargs", [{"warmup_epochs": -1}, {"min_trials": 0}, {"min_trials": 1.5}])
def test_bad_arguments(kwargs):
    with pytest.raises(ConfigError, match="expected an integer"):
        MedianStoppingPruner(**kwargs)


def test_bad_direction():
    with pytest.raises(ConfigError, match="direction"):
        MedianStoppingPruner().should_prune([1.0], [], "up")
