"""`RandomSearchOptimizer`: random search on keras-tuner's `RandomSearchOracle`."""

from __future__ import annotations

from clara_keras.optimizers import _tuner as T
from clara_keras.optimizers.search_optimizer import SearchOptimizer

__all__ = ["RandomSearchOptimizer"]


class RandomSearchOptimizer(SearchOptimizer):
    """Random search: each trial samples the space at random, never repeating a combination.

    When the space is finite and smaller than `num_trials`, the search stops once every
    combination has run (`plan()['num_trials']` says so).

    The arguments are those of `clara_keras.optimizers.SearchOptimizer` (the same for every
    optimizer).

    Example:

    ```python
    import numpy as np
    from clara_keras.optimizers import RandomSearchOptimizer

    search = RandomSearchOptimizer(
        model=model, dataset=train_gen, loss="categorical_crossentropy", optimizer="sgd",
        regularization="l2", lmbda=np.logspace(-4, -3, 5), lr=[0.1, 0.01],
        momentum=[0.9, 0.95], decay=[0.0, 0.001], num_trials=10, epochs=10)
    best_params = search.fit().get_best_params()["hp"]
    ```
    """

    algorithm = "random"

    def _make_oracle(self, hp):
        return T._RandomOracle(
            objective=self.objective, max_trials=self.num_trials, seed=self._oracle_seed, hyperparameters=hp
        )
