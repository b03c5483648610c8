"""Confusion matrix as a stateful metric."""

from __future__ import annotations

import keras
from keras import ops

from clara_keras.api_export import clara_export
from clara_keras.errors import ConfigError
from clara_keras.metrics._labels import class_ids

__all__ = ["ConfusionMatrix"]


def _check_num_classes(num_classes) -> int:
    if isinstance(num_classes, bool) or not isinstance(num_classes, int) or num_classes < 2:
        raise ConfigError(
            "Received an invalid value for `num_classes`, expected an integer >= 2. "
            f"Received: num_classes={num_classes!r}"
        )
    return num_classes


@clara_export("clara_keras.metrics.ConfusionMatrix")
class ConfusionMatrix(keras.metrics.Metric):
    """Accumulated confusion matrix: rows are true classes, columns predicted classes.

    Keras has no confusion-matrix metric. Labels may be integer class ids or
    one-hot; predictions are probabilities or logits (arg-max), or one score
    column for binary models (`score > threshold`). `result()` is a
    `(num_classes, num_classes)` float tensor of (weighted) counts, the layout
    of `sklearn.metrics.confusion_matrix`.

    Args:
        num_classes: Integer >= 2, number of classes.
        threshold: Float, decision threshold for one-column binary scores.
            Defaults to `0.5` (use `0.0` for logits).
        name: String, metric name. Defaults to `"confusion_matrix"`.
        dtype: Metric dtype. Defaults to `None`.

    Example:

    ```python
    cm = clara_keras.metrics.ConfusionMatrix(num_classes=3)
    cm.update_state([0, 2, 1], [[0.9, 0.1, 0.0], [0.1, 0.2, 0.7], [0.8, 0.1, 0.1]])
    cm.result()  # [[1, 0, 0], [1, 0, 0], [0, 0, 1]]
    ```
    """

    def __init__(self, num_classes: int, threshold: float = 0.5, name: str = "confusion_matrix", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.num_classes = _check_num_classes(num_classes)
        self.threshold = float(threshold)
        self.matrix = self.add_variable(
            shape=(self.num_classes, self.num_classes), initializer="zeros", dtype=self.dtype, name="matrix"
        )

    def update_state(self, y_true, y_pred, sample_weight=None):
        true, pred = class_ids(y_true, y_pred, self.threshold)
        t = ops.one_hot(true, self.num_classes, dtype=self.dtype)
        p = ops.one_hot(pred, self.num_classes, dtype=self.dtype)
        if sample_weight is not None:
            w = ops.cast(ops.reshape(ops.convert_to_tensor(sample_weight), (-1, 1)), self.dtype)
            t = t * w
        self.matrix.assign_add(ops.matmul(ops.transpose(t), p))

    def result(self):
        return ops.convert_to_tensor(self.matrix)

    def reset_state(self):
        self.matrix.assign(ops.zeros((self.num_classes, self.num_classes), dtype=self.dtype))

    def get_config(self):
        return {"num_classes": self.num_classes, "threshold": self.threshold, "name": self.name, "dtype": self.dtype}
