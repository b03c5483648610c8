"""clara_keras.optimizers: hyper-parameter search on keras-tuner.

```python
from clara_keras.optimizers import RandomSearchOptimizer, GridSearchOptimizer
```
"""

from clara_keras.errors import SearchStateRecoveredWarning
from clara_keras.optimizers.bayesian_optimizer import BayesianOptimizer
from clara_keras.optimizers.grid_search_optimizer import GridSearchOptimizer
from clara_keras.optimizers.hyperband_optimizer import HyperbandOptimizer
from clara_keras.optimizers.median_stopping_pruner import MedianStoppingPruner
from clara_keras.optimizers.random_search_optimizer import RandomSearchOptimizer
from clara_keras.optimizers.search_optimizer import SearchOptimizer
from clara_keras.optimizers.search_space import SEARCH_KEYWORDS
from clara_keras.optimizers.search_space import SearchSpace
from clara_keras.optimizers.simulated_annealing_optimizer import SimulatedAnnealingOptimizer
from clara_keras.optimizers.simulated_annealing_oracle import SimulatedAnnealingOracle

__all__ = [
    "SearchOptimizer",
    "RandomSearchOptimizer",
    "GridSearchOptimizer",
    "BayesianOptimizer",
    "HyperbandOptimizer",
    "SimulatedAnnealingOptimizer",
    "SimulatedAnnealingOracle",
    "MedianStoppingPruner",
    "SearchSpace",
    "SEARCH_KEYWORDS",
    "SearchStateRecoveredWarning",
]
