"""Top-k accuracy for integer or one-hot labels."""

from __future__ import annotations

import keras
from keras import ops

from clara_keras.api_export import clara_export
from clara_keras.errors import ConfigError
from clara_keras.metrics._labels import is_one_hot

__all__ = ["TopKAccuracy"]


def top_k_accuracy(y_true, y_pred, k=5):
    """Per-sample 1.0 if the label is among the ``k`` highest scores (label integer or one-hot)."""
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.convert_to_tensor(y_true)
    if is_one_hot(y_true, y_pred):
        y_true = ops.argmax(y_true, axis=-1)
    y_true = ops.cast(ops.reshape(y_true, (-1,)), "int32")
    y_pred = ops.reshape(y_pred, (-1, y_pred.shape[-1]))
    return ops.cast(ops.in_top_k(y_true, y_pred, k), "float32")


@clara_export("clara_keras.metrics.TopKAccuracy")
class TopKAccuracy(keras.metrics.MeanMetricWrapper):
    """Fraction of samples whose label is among the `k` highest-scored classes.

    Keras splits this into `TopKCategoricalAccuracy` (one-hot labels) and
    `SparseTopKCategoricalAccuracy` (integer labels); this one reads the label
    form from the label shape, like `clara_keras.metrics.Accuracy`. Equals
    scikit-learn's `top_k_accuracy_score` (up to ties).

    Args:
        k: Integer >= 1, how many top classes count as a hit. Defaults to `5`.
        name: String, metric name. Defaults to `"top_k_accuracy"`.
        dtype: Metric dtype. Defaults to `None`.

    Example:

    ```python
    m = clara_keras.metrics.TopKAccuracy(k=2)
    m.update_state([2, 0], [[0.1, 0.5, 0.4], [0.2, 0.3, 0.5]])
    float(m.result())  # 0.5
    ```
    """

    def __init__(self, k: int = 5, name: str = "top_k_accuracy", dtype=None):
        if isinstance(k, bool) or not isinstance(k, int) or k < 1:
            raise ConfigError(f"Received an invalid value for `k`, expected an integer >= 1. Received: k={k!r}")
        super().__init__(fn=top_k_accuracy, name=name, dtype=dtype, k=k)
        self.k = k
        self._direction = "up"

    def get_config(self):
        return {"k": self.k, "name": self.name, "dtype": self.dtype}
