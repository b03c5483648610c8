"""SimulatedAnnealingOracle driven directly through the keras-tuner Oracle API (no training)."""

import keras_tuner
import pytest

from clara_keras.errors import ConfigError
from clara_keras.optimizers import SimulatedAnnealingOracle

BEST = (13, 6)


def score(values):
    return -((values["x"] - BEST[0]) ** 2 + (values["y"] - BEST[1]) ** 2)


def make_oracle(tmp_path, seed=0, max_trials=60, oracle_cls=SimulatedAnnealingOracle, **kwargs):
    hp = keras_tuner.HyperParameters()
    hp.Int("x", 0, 19)
    hp.Int("y", 0, 19)
    oracle = oracle_cls(
        objective=keras_tuner.Objective("score", "max"), max_trials=max_trials, seed=seed, hyperparameters=hp, **kwargs
    )
    oracle._set_project_dir(str(tmp_path), f"sa_{seed}")
    oracle.verbose = 0
    return oracle


def run(oracle, n, fn=score):
    seen = []
    for _ in range(n):
        trial = oracle.create_trial("tuner0")
        if trial.status == "STOPPED":
            break
        values = dict(trial.hyperparameters.values)
        seen.append(values)
        oracle.update_trial(trial.trial_id, {"score": fn(values)})
        trial.status = "COMPLETED"
        oracle.end_trial(trial)
        oracle.save()  # as keras_tuner.Tuner.on_trial_end does
    return seen


def trials_to_optimum(seen):
    for i, values in enumerate(seen):
        if (values["x"], values["y"]) == BEST:
            return i + 1
    return None


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4])
def test_finds_the_optimum_of_a_400_point_space(tmp_path, seed):
    seen = run(make_oracle(tmp_path, seed=seed), 60)
    assert trials_to_optimum(seen) is not None, f"best found: {max(seen, key=score)}"


def test_needs_fewer_trials_than_random_search(tmp_path):
    sa, rnd = [], []
    for seed in range(5):
        sa.append(trials_to_optimum(run(make_oracle(tmp_path / "sa", seed=seed, max_trials=60), 60)) or 61)
        random_oracle = make_oracle(tmp_path / "rnd", seed=seed + 1, max_trials=60, oracle_cls=_Random)
        rnd.append(trials_to_optimum(run(random_oracle, 60)) or 61)
    sa.sort(), rnd.sort()
    print("trials to the optimum, simulated annealing:", sa, "random:", rnd)
    assert sa[2] * 2 <= rnd[2], (sa, rnd)  # median: at most half the trials of random search


class _Random(keras_tuner.oracles.RandomSearchOracle):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)


def test_never_proposes_a_duplicate_and_stops_when_exhausted(tmp_path):
    hp = keras_tuner.HyperParameters()
    hp.Choice("a", [1, 2, 3])
    hp.Boolean("b")
    oracle = SimulatedAnnealingOracle(
        objective=keras_tuner.Objective("score", "max"), max_trials=50, seed=0, hyperparameters=hp
    )
    oracle._set_project_dir(str(tmp_path), "small")
    oracle.verbose = 0
    seen = run(oracle, 50, fn=lambda v: v["a"] + v["b"])
    assert len(seen) == 6  # 3 x 2 combinations, then STOPPED
    assert len({tuple(sorted(v.items())) for v in seen}) == 6


def test_resume_from_state_continues_the_same_walk(tmp_path):
    straight = run(make_oracle(tmp_path / "a", seed=7, max_trials=30), 30)
    first = make_oracle(tmp_path / "b", seed=7, max_trials=30)
    part = run(first, 12)
    resumed = make_oracle(tmp_path / "b", seed=7, max_trials=30)
    resumed.reload()
    assert resumed.temperature == pytest.approx(first.temperature)
    assert resumed.get_state()["current_values"] == first.get_state()["current_values"]
    rest = run(resumed, 30)
    assert part + rest == straight


def test_metropolis_acceptance_follows_the_temperature(tmp_path):
    def walk(temperature):
        oracle = make_oracle(
            tmp_path / str(temperature), seed=0, max_trials=13, initial_temperature=temperature, num_initial_points=1
        )
        # every trial is worse than the first: scores decrease
        counter = iter(range(100))
        values = run(oracle, 12, fn=lambda v: -float(next(counter)) - 1.0)
        oracle.create_trial("tuner0")  # the oracle considers the last finished trial
        return oracle.get_state()["accepted"], values

    hot, _ = walk(1e6)
    cold, _ = walk(1e-9)
    assert len(hot) == 12  # every worse trial accepted
    assert cold == ["00"]  # only the first (better than nothing), never a worse one


def test_walk_starts_from_the_best_of_the_random_starts(tmp_path):
    oracle = make_oracle(tmp_path, seed=3, max_trials=10, initial_temperature=1e6, num_initial_points=3)
    # Scores fall from trial to trial: a hot walk would accept each, but the random starts are only kept
    # if better, so after three starts the current point is the first (best) one.
    counter = iter(range(100))
    seen = run(oracle, 3, fn=lambda v: -float(next(counter)))
    oracle.create_trial("tuner0")
    state = oracle.get_state()
    assert state["accepted"] == ["00"] and state["current_values"] == seen[0]
    assert state["num_initial_points"] == 3
    neighbour = dict(oracle.trials[max(oracle.trials)].hyperparameters.values)
    moved = [k for k in ("x", "y") if neighbour[k] != seen[0][k]]
    assert 1 <= len(moved) <= 2  # trial 4 is a neighbour of the best start, not a random point


@pytest.mark.parametrize("bad", [0, -1, 1.5, True])
def test_bad_num_initial_points(bad):
    with pytest.raises(ConfigError, match=f"num_initial_points={bad!r}"):
        SimulatedAnnealingOracle(objective="score", num_initial_points=bad)


def test_cools_geometrically(tmp_path):
    oracle = make_oracle(tmp_path, seed=0, max_trials=5, initial_temperature=0.5, cooling_rate=0.5)
    run(oracle, 4)
    oracle.create_trial("tuner0")
    assert oracle.temperature == pytest.approx(0.5 * 0.5**4)


@pytest.mark.parametrize("kwargs", [{"initial_temperature": 0}, {"cooling_rate": 1.0}, {"cooling_rate": 0}])
def test_bad_schedule(kwargs):
    with pytest.raises(ConfigError, match="invalid value"):
        SimulatedAnnealingOracle(objective="score", **kwargs)
