"""`BayesianOptimizer`: Gaussian-process Bayesian optimisation on keras-tuner's oracle."""

from __future__ import annotations

from clara_keras.errors import ConfigError
from clara_keras.optimizers import _tuner as T
from clara_keras.optimizers.search_optimizer import SearchOptimizer

__all__ = ["BayesianOptimizer"]


class BayesianOptimizer(SearchOptimizer):
    """Bayesian optimisation: a Gaussian process models the objective, and each trial maximises
    its upper confidence bound (keras-tuner's `BayesianOptimizationOracle`).

    Args:
        num_initial_points: Optional integer, random trials before the model is used. Defaults to
            `min(number of hyper-parameters + 1, num_trials - 1)`, at least 1. keras-tuner's rule
            (3 per hyper-parameter) spends most of a 20-trial search on random points: 12 of 20
            for four hyper-parameters.
        alpha: Float, noise added to the Gaussian process diagonal. Defaults to `1e-4`.
        beta: Float, exploration weight of the upper confidence bound. Defaults to `2.6`.
        **kwargs: See `clara_keras.optimizers.SearchOptimizer`.

    Example:

    ```python
    from clara_keras.optimizers import BayesianOptimizer

    search = BayesianOptimizer(model=model, dataset=(x, y), lr=(1e-4, 1e-1, "log"), num_trials=10)
    search.fit().get_best_params()
    ```
    """

    algorithm = "bayesian"

    def __init__(self, *args, num_initial_points: int | None = None, alpha: float = 1e-4, beta: float = 2.6, **kwargs):
        if num_initial_points is not None and (
            isinstance(num_initial_points, bool) or not isinstance(num_initial_points, int) or num_initial_points < 1
        ):
            raise ConfigError(
                "Received an invalid value for `num_initial_points`, expected a positive integer. "
                f"Received: num_initial_points={num_initial_points!r}"
            )
        self.num_initial_points = num_initial_points
        self.alpha = float(alpha)
        self.beta = float(beta)
        super().__init__(*args, **kwargs)

    def _make_oracle(self, hp):
        initial = self.num_initial_points
        if initial is None:
            tunable = sum(type(h).__name__ != "Fixed" for h in self.hyperparameters.space)
            initial = max(1, min(tunable + 1, self.num_trials - 1))
        return T._BayesianOracle(
            objective=self.objective,
            max_trials=self.num_trials,
            num_initial_points=initial,
            alpha=self.alpha,
            beta=self.beta,
            seed=self._oracle_seed,
            hyperparameters=hp,
        )
