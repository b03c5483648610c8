"""`HyperbandOptimizer`: Hyperband on keras-tuner's `HyperbandOracle`."""

from __future__ import annotations

import math

from clara_keras.errors import ConfigError
from clara_keras.optimizers import _tuner as T
from clara_keras.optimizers.search_optimizer import SearchOptimizer

__all__ = ["HyperbandOptimizer"]


class HyperbandOptimizer(SearchOptimizer):
    """Hyperband (Li et al., JMLR 2018): many configurations for few epochs, the best continued
    for more (successive halving over several brackets). `epochs` is the largest budget one
    trial trains for; a promoted trial continues from the weights of the trial it extends.

    Args:
        num_trials: Optional integer cap on the number of trials. Defaults to `None`: the full
            Hyperband schedule (`plan()['num_trials']`).
        factor: Integer >= 2, the reduction factor between rounds. Defaults to `3`.
        hyperband_iterations: Integer >= 1, times the whole schedule runs. Defaults to `1`.
        **kwargs: See `clara_keras.optimizers.SearchOptimizer`.

    Example:

    ```python
    from clara_keras.optimizers import HyperbandOptimizer

    search = HyperbandOptimizer(model=model, dataset=(x, y), lr=[0.1, 0.01, 0.001], epochs=9, factor=3)
    search.plan()["num_trials"]
    ```
    """

    algorithm = "hyperband"

    def __init__(self, *args, num_trials: int | None = None, factor: int = 3, hyperband_iterations: int = 1, **kwargs):
        for name, value, low in (("factor", factor, 2), ("hyperband_iterations", hyperband_iterations, 1)):
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                raise ConfigError(
                    f"Received an invalid value for `{name}`, expected an integer >= {low}. Received: {name}={value!r}"
                )
        self.factor = factor
        self.hyperband_iterations = hyperband_iterations
        super().__init__(*args, num_trials=num_trials, **kwargs)

    def _check_num_trials(self, num_trials):
        return None if num_trials is None else super()._check_num_trials(num_trials)

    def schedule_size(self) -> int:
        """Trials in the full schedule: sum over brackets and rounds of the round sizes."""
        brackets, budget = 0, float(self.epochs)
        while budget >= 1:
            budget /= self.factor
            brackets += 1
        last_round_size = math.ceil(1 + math.log(self.epochs, self.factor))
        total = 0
        for bracket in range(brackets):
            for round_num in range(bracket + 1):
                total += math.ceil(last_round_size / (bracket + 1) * self.factor ** (bracket - round_num))
        return total * self.hyperband_iterations

    def _planned_trials(self, size):
        planned = self.schedule_size()
        return planned if self.num_trials is None else min(planned, self.num_trials)

    def _make_oracle(self, hp):
        oracle = T._HyperbandOracle(
            objective=self.objective,
            max_epochs=self.epochs,
            factor=self.factor,
            hyperband_iterations=self.hyperband_iterations,
            seed=self._oracle_seed,
            hyperparameters=hp,
        )
        oracle.max_trials = self.num_trials  # an optional cap (keras-tuner stops at max_trials)
        return oracle
