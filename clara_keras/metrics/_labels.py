"""Label/prediction normalisation shared by the classification metrics (private)."""

from __future__ import annotations

from keras import ops


def is_one_hot(y_true, y_pred) -> bool:
    """Whether ``y_true`` has the prediction's shape with more than one column (one-hot labels)."""
    return len(y_true.shape) == len(y_pred.shape) and y_true.shape[-1] == y_pred.shape[-1] and y_pred.shape[-1] != 1


def class_ids(y_true, y_pred, threshold: float = 0.5):
    """Integer class ids ``(true, pred)``, flattened, for integer or one-hot labels.

    Predictions with one column are binary scores (``pred = score > threshold``);
    otherwise the arg-max is the predicted class.
    """
    y_true = ops.convert_to_tensor(y_true)
    y_pred = ops.convert_to_tensor(y_pred)
    if y_pred.shape[-1] == 1 or len(y_pred.shape) == 1:
        pred = ops.cast(ops.reshape(y_pred, (-1,)) > threshold, "int32")
        true = ops.cast(ops.reshape(y_true, (-1,)), "int32")
        return true, pred
    if is_one_hot(y_true, y_pred):
        true = ops.argmax(y_true, axis=-1)
    else:
        true = y_true
    true = ops.cast(ops.reshape(true, (-1,)), "int32")
    pred = ops.cast(ops.reshape(ops.argmax(y_pred, axis=-1), (-1,)), "int32")
    return true, pred
