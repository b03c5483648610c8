"""Coefficient of determination for one or several regression targets."""

from __future__ import annotations

import keras
from keras import ops

from clara_keras.api_export import clara_export

__all__ = ["R2Score"]


@clara_export("clara_keras.metrics.R2Score")
class R2Score(keras.metrics.R2Score):
    """`keras.metrics.R2Score` that also accepts one-dimensional targets.

    Keras's R2Score requires `(batch, outputs)` tensors; a regression model
    trained on a vector `y` of shape `(batch,)` gives `(batch,)` labels and
    `(batch, 1)` predictions. Both are reshaped to `(batch, outputs)` here.
    Arguments are Keras's (`class_aggregation`, `num_regressors`, `name`,
    `dtype`); the result equals scikit-learn's `r2_score`.

    Example:

    ```python
    m = clara_keras.metrics.R2Score()
    m.update_state([1.0, 2.0, 3.0], [[1.1], [1.9], [3.2]])
    float(m.result())
    ```
    """

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = ops.convert_to_tensor(y_true)
        y_pred = ops.convert_to_tensor(y_pred)
        outputs = y_pred.shape[-1] if len(y_pred.shape) > 1 else 1
        y_true = ops.reshape(y_true, (-1, outputs))
        y_pred = ops.reshape(y_pred, (-1, outputs))
        return super().update_state(y_true, y_pred, sample_weight=sample_weight)
