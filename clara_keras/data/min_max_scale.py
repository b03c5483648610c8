"""`MinMaxScale`: map features to a range with the training split's minimum and maximum."""

from __future__ import annotations

import numpy as np

from clara_keras.data.scaler import Scaler
from clara_keras.errors import ConfigError

__all__ = ["MinMaxScale"]


class MinMaxScale(Scaler):
    """Scale features linearly so the training minimum and maximum map to `feature_range`.

    Constant features map to the lower end of the range. Values outside the
    training range are not clipped unless `clip=True`.

    Args:
        feature_range: Tuple `(low, high)`, `low < high`. Defaults to `(0.0, 1.0)`.
        axis: Axes with their own statistics (see `Scaler`). Defaults to `-1`.
        clip: Bool, clip the output to `feature_range`. Defaults to `False`.

    Example:

    ```python
    scaler = clara_keras.data.MinMaxScale(feature_range=(-1, 1)).fit(train_data)
    x01 = scaler(valid_data["X"])
    ```
    """

    def __init__(self, feature_range=(0.0, 1.0), axis=-1, clip: bool = False):
        super().__init__(axis=axis)
        try:
            low, high = (float(v) for v in feature_range)
        except (TypeError, ValueError):
            raise ConfigError(
                f"Received an invalid value for `feature_range`, expected (low, high). Received: {feature_range!r}"
            ) from None
        if not low < high:
            raise ConfigError(f"`feature_range` must have low < high. Received: feature_range={feature_range!r}")
        self.feature_range = (low, high)
        self.clip = bool(clip)
        self.data_min = None
        self.data_max = None

    def _fit(self, acc, stat_shape):
        self.data_min = acc["min"].reshape(stat_shape).astype(np.float64)
        self.data_max = acc["max"].reshape(stat_shape).astype(np.float64)

    def _span(self):
        span = self.data_max - self.data_min
        return np.where(span > 0, span, 1.0)

    def _transform(self, x):
        low, high = self.feature_range
        out = (x - self.data_min) / self._span() * (high - low) + low
        return np.clip(out, low, high) if self.clip else out

    def _inverse(self, x):
        low, high = self.feature_range
        return (x - low) / (high - low) * self._span() + self.data_min

    def _state(self):
        return {"data_min": self.data_min.tolist(), "data_max": self.data_max.tolist()}

    def _set_state(self, state):
        self.data_min = np.asarray(state["data_min"], dtype=np.float64)
        self.data_max = np.asarray(state["data_max"], dtype=np.float64)

    def get_config(self):
        config = super().get_config()
        config.update({"feature_range": list(self.feature_range), "clip": self.clip})
        return config
