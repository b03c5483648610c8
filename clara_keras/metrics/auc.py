"""Area under the ROC or precision-recall curve, also for integer multi-class labels."""

from __future__ import annotations

import keras
from keras import ops

from clara_keras.api_export import clara_export
from clara_keras.metrics._labels import is_one_hot

__all__ = ["AUC"]


@clara_export("clara_keras.metrics.AUC")
class AUC(keras.metrics.AUC):
    """`keras.metrics.AUC` (ROC or PR) that also accepts integer class labels.

    Keras's AUC expects labels with the prediction's shape. Clara
    classification models are trained on integer class ids, so when the
    predictions have several columns and the labels are class ids, they are
    one-hot encoded first. With `multi_label=False` the columns are pooled,
    which is scikit-learn's `average="micro"` one-vs-rest AUC; with
    `multi_label=True, num_labels=C` it is the macro average. Every other
    argument is Keras's (`num_thresholds`, `curve="ROC"|"PR"`,
    `summation_method`, `from_logits`, ...).

    Example:

    ```python
    m = clara_keras.metrics.AUC(curve="ROC")
    m.update_state([0, 1, 1, 0], [0.1, 0.8, 0.6, 0.4])
    float(m.result())  # 1.0
    ```
    """

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = ops.convert_to_tensor(y_true)
        y_pred = ops.convert_to_tensor(y_pred)
        columns = y_pred.shape[-1] if len(y_pred.shape) > 1 else 1
        if columns is not None and columns > 1 and not is_one_hot(y_true, y_pred):
            ids = ops.cast(ops.reshape(y_true, (-1,)), "int32")
            y_true = ops.one_hot(ids, columns, dtype=y_pred.dtype)
            y_pred = ops.reshape(y_pred, (-1, columns))
        return super().update_state(y_true, y_pred, sample_weight=sample_weight)
