"""`SimulatedAnnealingOracle`: a keras-tuner `Oracle` that searches by simulated annealing."""

from __future__ import annotations

import math

import keras_tuner
import numpy as np
from keras_tuner.engine import trial as trial_module

from clara_keras.errors import ConfigError

__all__ = ["SimulatedAnnealingOracle"]

_COMPLETED = trial_module.TrialStatus.COMPLETED
_RUNNING = trial_module.TrialStatus.RUNNING
_STOPPED = trial_module.TrialStatus.STOPPED


class SimulatedAnnealingOracle(keras_tuner.Oracle):
    """Simulated annealing over a keras-tuner search space.

    The first `num_initial_points` trials sample the space at random and the walk starts from
    the best of them (one random start often lands in a poor region that small moves leave
    only slowly). Each later trial is a *neighbour* of the current point: one or two hyper-parameters move (ordered `Choice` and `Int`/`Float` by a
    step whose size shrinks with the temperature, unordered `Choice` and `Boolean` to another
    value). When a trial finishes, the current point moves to it by the Metropolis rule:
    always if it is better, otherwise with probability `exp(-worse / T)`, where `worse` is the
    relative loss of objective and `T = initial_temperature * cooling_rate ** k` after `k`
    finished trials. The best trial is kept apart from the current point. Values already tried
    are never proposed again; when no untried neighbour is found, an untried random point is
    used, and when none is left the search stops.

    All of the walk (current point, temperature step, trials already taken into account) is in
    `get_state`/`set_state`, and every random draw is seeded by `seed` and the trial number, so
    a search resumed from its directory continues the same walk.

    Args:
        objective: A string or `keras_tuner.Objective`, as for any oracle.
        max_trials: Integer, number of trials. Defaults to `10`.
        initial_temperature: Float > 0, the starting temperature, in units of relative objective
            change (0.1: a 10 % worse trial is accepted with probability 1/e). Defaults to `0.1`.
        cooling_rate: Float in (0, 1), the factor applied to the temperature after each
            finished trial. Defaults to `0.85`.
        num_initial_points: Optional integer >= 1, random trials before the walk starts from
            the best of them. Defaults to `max_trials // 5` clipped to [1, 3] (`num_trials` for the
            optimizer): 3 for a 20-trial search, 1 for a very short one.
        seed: Optional integer, the random seed.
        hyperparameters: Optional `keras_tuner.HyperParameters` declaring the space.
        allow_new_entries: Boolean, as for `keras_tuner.Oracle`.
        tune_new_entries: Boolean, as for `keras_tuner.Oracle`.
        max_retries_per_trial: Integer, as for `keras_tuner.Oracle`. Defaults to `0`.
        max_consecutive_failed_trials: Integer, as for `keras_tuner.Oracle`. Defaults to `3`.

    Example:

    ```python
    import keras_tuner
    from clara_keras.optimizers import SimulatedAnnealingOracle

    oracle = SimulatedAnnealingOracle(objective="val_accuracy", max_trials=20, seed=1)
    tuner = keras_tuner.Tuner(oracle=oracle, hypermodel=build_model, directory="runs/sa")
    ```
    """

    def __init__(
        self,
        objective=None,
        max_trials: int = 10,
        initial_temperature: float = 0.1,
        cooling_rate: float = 0.85,
        num_initial_points: int | None = None,
        seed: int | None = None,
        hyperparameters=None,
        allow_new_entries: bool = True,
        tune_new_entries: bool = True,
        max_retries_per_trial: int = 0,
        max_consecutive_failed_trials: int = 3,
    ):
        if not isinstance(initial_temperature, (int, float)) or not initial_temperature > 0:
            raise ConfigError(
                "Received an invalid value for `initial_temperature`, expected a positive number. "
                f"Received: initial_temperature={initial_temperature!r}"
            )
        if not isinstance(cooling_rate, (int, float)) or not 0 < cooling_rate < 1:
            raise ConfigError(
                "Received an invalid value for `cooling_rate`, expected a number in (0, 1). "
                f"Received: cooling_rate={cooling_rate!r}"
            )
        if num_initial_points is None:
            num_initial_points = min(3, max(1, int(max_trials or 0) // 5))
        if isinstance(num_initial_points, bool) or not isinstance(num_initial_points, int) or num_initial_points < 1:
            raise ConfigError(
                "Received an invalid value for `num_initial_points`, expected a positive integer. "
                f"Received: num_initial_points={num_initial_points!r}"
            )
        super().__init__(
            objective=objective,
            max_trials=max_trials,
            hyperparameters=hyperparameters,
            allow_new_entries=allow_new_entries,
            tune_new_entries=tune_new_entries,
            seed=seed,
            max_retries_per_trial=max_retries_per_trial,
            max_consecutive_failed_trials=max_consecutive_failed_trials,
        )
        self.initial_temperature = float(initial_temperature)
        self.cooling_rate = float(cooling_rate)
        self.num_initial_points = num_initial_points
        self._current_values: dict | None = None
        self._current_score: float | None = None
        self._steps = 0  # finished trials taken into account
        self._seen: list[str] = []  # ids of finished trials already considered
        self._accepted: list[str] = []  # ids that became the current point

    # -- the walk -----------------------------------------------------------------------------
    @property
    def temperature(self) -> float:
        """The current temperature."""
        return self.initial_temperature * self.cooling_rate**self._steps

    def _rng(self, salt: int) -> np.random.Generator:
        return np.random.default_rng([int(self.seed), int(salt), len(self.trials)])

    def _better(self, a: float, b: float) -> bool:
        return a > b if self.objective.direction == "max" else a < b

    def _consider_finished_trials(self) -> None:
        for trial_id in self.end_order:
            if trial_id in self._seen:
                continue
            self._seen.append(trial_id)
            trial = self.trials[trial_id]
            if trial.status != _COMPLETED or trial.score is None or not math.isfinite(trial.score):
                continue
            score = float(trial.score)
            values = dict(trial.hyperparameters.values)
            if self._current_score is None or self._better(score, self._current_score):
                accept = True
            elif len(self._seen) <= self.num_initial_points:
                accept = False  # random starts: the walk begins at the best of them
            else:
                worse = abs(score - self._current_score) / max(abs(self._current_score), 1e-12)
                draw = self._rng(1 + len(self._seen)).random()
                accept = draw < math.exp(-worse / max(self.temperature, 1e-300))
            if accept:
                self._current_values, self._current_score = values, score
                self._accepted.append(trial_id)
            self._steps += 1

    def _neighbour(self, rng: np.random.Generator) -> dict:
        space = [hp for hp in self.hyperparameters.space if type(hp).__name__ != "Fixed"]
        values = dict(self._current_values or {})
        if not space:
            return values
        n_moves = 1 if len(space) == 1 or rng.random() < 0.7 else 2
        movers = {space[i].name for i in rng.choice(len(space), size=min(n_moves, len(space)), replace=False)}
        heat = math.sqrt(self.temperature / self.initial_temperature)
        hps = keras_tuner.HyperParameters()
        out = {}
        for hp in self.hyperparameters.space:
            hps.merge([hp])
            if not hps.is_active(hp):
                continue
            if hp.name not in values:
                out[hp.name] = hp.random_sample(int(rng.integers(1 << 30)))
            elif hp.name in movers:
                out[hp.name] = self._move(hp, values[hp.name], rng, heat)
            else:
                out[hp.name] = values[hp.name]
            hps.values[hp.name] = out[hp.name]
        return out

    @staticmethod
    def _move(hp, value, rng: np.random.Generator, heat: float):
        kind = type(hp).__name__
        if kind == "Boolean":
            return not value
        if kind == "Choice":
            options = list(hp.values)
            if len(options) < 2:
                return value
            index = options.index(value) if value in options else 0
            if hp.ordered:
                reach = max(1, int(round(heat * (len(options) - 1) / 2)))
                offsets = [d for d in range(-reach, reach + 1) if d and 0 <= index + d < len(options)]
                return options[index + int(rng.choice(offsets))]
            return options[int(rng.choice([i for i in range(len(options)) if i != index]))]
        if kind in ("Int", "Float"):
            prob = hp.value_to_prob(value)
            sigma = max(0.25 * heat, 0.02)
            new_prob = float(np.clip(prob + rng.normal(0.0, sigma), 0.0, 1.0 - 1e-9))
            new = hp.prob_to_value(new_prob)
            if new == value:  # a discrete step too small to move: take one step
                new = hp.prob_to_value(float(np.clip(prob + math.copysign(sigma, rng.normal()), 0.0, 1.0 - 1e-9)))
            return new
        return value

    # -- keras-tuner Oracle API -------------------------------------------------------------------
    def populate_space(self, trial_id):
        """Propose the next trial: a random start, then untried neighbours of the current point."""
        self._consider_finished_trials()
        if self._current_values is None or len(self._seen) < self.num_initial_points:
            values = self._random_values()
        else:
            rng = self._rng(0)
            values = None
            for _ in range(50):
                candidate = self._neighbour(rng)
                if not self._duplicate(candidate):
                    values = candidate
                    break
            if values is None:
                values = self._random_values()
        if values is None:
            return {"status": _STOPPED, "values": None}
        return {"status": _RUNNING, "values": values}

    def get_state(self):
        state = super().get_state()
        state.update(
            {
                "initial_temperature": self.initial_temperature,
                "cooling_rate": self.cooling_rate,
                "num_initial_points": self.num_initial_points,
                "current_values": self._current_values,
                "current_score": self._current_score,
                "steps": self._steps,
                "seen": list(self._seen),
                "accepted": list(self._accepted),
            }
        )
        return state

    def set_state(self, state):
        super().set_state(state)
        self.initial_temperature = state["initial_temperature"]
        self.cooling_rate = state["cooling_rate"]
        self.num_initial_points = state.get("num_initial_points", 1)  # states written before it existed
        self._current_values = state["current_values"]
        self._current_score = state["current_score"]
        self._steps = state["steps"]
        self._seen = list(state["seen"])
        self._accepted = list(state["accepted"])
