"""`SimulatedAnnealingOptimizer`: simulated annealing through `SimulatedAnnealingOracle`."""

from __future__ import annotations

from clara_keras.optimizers import _tuner as T
from clara_keras.optimizers.search_optimizer import SearchOptimizer

__all__ = ["SimulatedAnnealingOptimizer"]


class SimulatedAnnealingOptimizer(SearchOptimizer):
    """Simulated annealing: a walk through neighbouring configurations, accepting worse ones
    with a probability that falls as the temperature cools (see `SimulatedAnnealingOracle`).

    Args:
        initial_temperature: Float > 0, in units of relative objective change. Defaults to `0.1`.
        cooling_rate: Float in (0, 1), temperature factor per finished trial. Defaults to `0.85`.
        num_initial_points: Optional integer >= 1, random trials before the walk starts from
            the best of them. Defaults to `max_trials // 5` clipped to [1, 3] (`num_trials` for the
            optimizer): 3 for a 20-trial search, 1 for a very short one.
        **kwargs: See `clara_keras.optimizers.SearchOptimizer`.

    Example:

    ```python
    from clara_keras.optimizers import SimulatedAnnealingOptimizer

    search = SimulatedAnnealingOptimizer(model=model, dataset=(x, y), lr=(1e-4, 1e-1, "log"),
                                         batch_size=[16, 32, 64], num_trials=15, seed=0)
    search.fit().get_best_params()
    ```
    """

    algorithm = "annealing"

    def __init__(
        self,
        *args,
        initial_temperature: float = 0.1,
        cooling_rate: float = 0.85,
        num_initial_points: int | None = None,
        **kwargs,
    ):
        # Validated by the oracle; build one now so that bad values fail before any trial.
        T._AnnealingOracle(
            initial_temperature=initial_temperature, cooling_rate=cooling_rate, num_initial_points=num_initial_points
        )
        self.initial_temperature = float(initial_temperature)
        self.cooling_rate = float(cooling_rate)
        self.num_initial_points = num_initial_points
        super().__init__(*args, **kwargs)

    def _make_oracle(self, hp):
        return T._AnnealingOracle(
            objective=self.objective,
            max_trials=self.num_trials,
            initial_temperature=self.initial_temperature,
            cooling_rate=self.cooling_rate,
            num_initial_points=self.num_initial_points,  # None: the oracle's rule from num_trials
            seed=self._oracle_seed,
            hyperparameters=hp,
        )
