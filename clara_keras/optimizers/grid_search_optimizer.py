"""`GridSearchOptimizer`: every combination of the listed values, on keras-tuner's `GridSearchOracle`."""

from __future__ import annotations

from clara_keras.errors import ConfigError
from clara_keras.optimizers import _tuner as T
from clara_keras.optimizers.search_optimizer import SearchOptimizer
from clara_keras.optimizers.search_space import grid_size

__all__ = ["GridSearchOptimizer"]


class GridSearchOptimizer(SearchOptimizer):
    """Grid search: runs every combination of the listed values, in order.

    `num_trials` defaults to `None`: the whole grid runs. A `num_trials` smaller than the grid
    is an error (raised before any trial), never a silently truncated grid; ranges without a
    step cannot be gridded and are an error too.

    Args:
        num_trials: Optional integer; if given, it must be at least the grid size.
        **kwargs: See `clara_keras.optimizers.SearchOptimizer`.

    Example:

    ```python
    from clara_keras.optimizers import GridSearchOptimizer

    grid_search = GridSearchOptimizer(
        model=model, dataset=train_gen, loss="categorical_crossentropy", optimizer="adam",
        search_space={"lr": [0.01, 0.001]}, epochs=10)
    grid_search.plan()["num_trials"]  # 2
    ```
    """

    algorithm = "grid"
    default_space = {"learning_rate": [0.1, 0.01, 0.001, 0.0001]}

    def __init__(self, *args, num_trials: int | None = None, **kwargs):
        super().__init__(*args, num_trials=num_trials, **kwargs)

    def _check_num_trials(self, num_trials):
        return None if num_trials is None else super()._check_num_trials(num_trials)

    def _check_space(self, hp):
        size = grid_size(hp)
        if size is None:
            ranges = [h.name for h in hp.space if type(h).__name__ in ("Int", "Float") and h.step is None]
            raise ConfigError(
                f"Grid search needs finite lists of values; {ranges} are continuous ranges. Give lists "
                "(e.g. lr=[0.1, 0.01]) or use RandomSearchOptimizer / BayesianOptimizer for ranges."
            )
        if self.num_trials is not None and size > self.num_trials:
            raise ConfigError(
                f"The grid has {size} combinations but num_trials={self.num_trials}. Grid search runs the "
                "whole grid: leave num_trials unset (or at least the grid size), or shrink the lists."
            )

    def _planned_trials(self, size):
        return size

    def _make_oracle(self, hp):
        return T._GridOracle(
            objective=self.objective,
            max_trials=grid_size(self.hyperparameters),
            seed=self._oracle_seed,
            hyperparameters=hp,
        )
