"""`Standardize`: zero mean, unit variance, with statistics from the training split."""

from __future__ import annotations

import numpy as np

from clara_keras.data.scaler import Scaler
from clara_keras.errors import ConfigError

__all__ = ["Standardize"]


class Standardize(Scaler):
    """Scale features to zero mean and unit variance: ``(x - mean) / std``.

    Statistics come from `fit` on the training split only; constant features
    (``std == 0``) are only centred. The fitted scaler is a callable, so it is
    the `preprocess` of every `DataGenerator`; `save`/`load_scaler` keep it
    with the run as JSON.

    Args:
        axis: Axes with their own statistics (see `Scaler`). `-1`: per feature
            or per channel; `None`: one mean and std over all values (the seed's
            ``train_data['X'].mean()``). Defaults to `-1`.
        epsilon: Float, standard deviations below it count as zero. Defaults to `1e-7`.

    Example:

    ```python
    scaler = clara_keras.data.Standardize().fit(train_data)
    scaler.save("runs/latest/scaler.json")
    gen = clara_keras.data.DataGenerator(train_data, batch_size=32, preprocess=scaler)
    ```
    """

    def __init__(self, axis=-1, epsilon: float = 1e-7):
        super().__init__(axis=axis)
        if not isinstance(epsilon, (int, float)) or isinstance(epsilon, bool) or epsilon < 0:
            raise ConfigError(f"Received an invalid value for `epsilon`, expected a float >= 0. Received: {epsilon!r}")
        self.epsilon = float(epsilon)
        self.mean = None
        self.std = None

    def _fit(self, acc, stat_shape):
        n = acc["count"]
        centred = acc["sum"] / n
        var = np.maximum(acc["sumsq"] / n - centred**2, 0.0)
        mean = centred + acc["shift"]
        self.mean = mean.reshape(stat_shape).astype(np.float64)
        self.std = np.sqrt(var).reshape(stat_shape).astype(np.float64)

    def _scale(self):
        return np.where(self.std > self.epsilon, self.std, 1.0)

    def _transform(self, x):
        return (x - self.mean) / self._scale()

    def _inverse(self, x):
        return x * self._scale() + self.mean

    def _state(self):
        return {"mean": self.mean.tolist(), "std": self.std.tolist()}

    def _set_state(self, state):
        self.mean = np.asarray(state["mean"], dtype=np.float64)
        self.std = np.asarray(state["std"], dtype=np.float64)

    def get_config(self):
        config = super().get_config()
        config["epsilon"] = self.epsilon
        return config
