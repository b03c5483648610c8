"""Classification accuracy for integer or one-hot labels."""

from __future__ import annotations

import keras
from keras import ops

from clara_keras.api_export import clara_export

__all__ = ["Accuracy"]


def classification_accuracy(y_true, y_pred):
    """Per-sample 1.0/0.0: ``argmax(y_pred) == label`` (label integer or one-hot)."""
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.convert_to_tensor(y_true)
    if len(y_true.shape) == len(y_pred.shape) and y_true.shape[-1] == y_pred.shape[-1] and y_pred.shape[-1] != 1:
        y_true = ops.argmax(y_true, axis=-1)
    elif len(y_true.shape) == len(y_pred.shape):
        y_true = ops.squeeze(y_true, axis=-1)
    pred = ops.argmax(y_pred, axis=-1)
    return ops.cast(ops.equal(ops.cast(y_true, "int32"), ops.cast(pred, "int32")), "float32")


@clara_export("clara_keras.metrics.Accuracy")
class Accuracy(keras.metrics.MeanMetricWrapper):
    """Fraction of samples whose arg-max prediction equals the label.

    Unlike `keras.metrics.Accuracy` (exact equality of values), this accepts
    integer labels or one-hot labels and probabilities or logits, which is what
    a `clara_keras.Model(type='classification')` produces.

    Args:
        name: String, metric name. Defaults to `"accuracy"` (logged as `val_accuracy`).
        dtype: Metric dtype. Defaults to `None`.
    """

    def __init__(self, name: str = "accuracy", dtype=None):
        super().__init__(fn=classification_accuracy, name=name, dtype=dtype)
        self._direction = "up"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}
