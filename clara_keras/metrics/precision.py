"""Multi-class precision with micro / macro / weighted averaging."""

from __future__ import annotations

from keras import ops

from clara_keras.api_export import clara_export
from clara_keras.metrics._confusion_score import ConfusionScore

__all__ = ["Precision"]


@clara_export("clara_keras.metrics.Precision")
class Precision(ConfusionScore):
    """Precision: tp / (tp + fp), the fraction of predicted members of a class that are right.

    `keras.metrics.Precision` is binary (thresholded scores, one-hot or 0/1 labels
    only). This one takes what a Clara classification model produces: integer
    or one-hot labels, probabilities or logits (arg-max), or one score column
    for binary models, and averages over classes. It accumulates a confusion
    matrix over batches, so the result equals scikit-learn's
    `precision_score(y, pred, average=..., labels=range(num_classes), zero_division=0)`.

    Args:
        num_classes: Integer >= 2, number of classes.
        average: `"micro"`, `"macro"`, `"weighted"` (by class support),
            `"binary"` (class 1 only; needs `num_classes=2`) or `None`
            (one value per class). Defaults to `"macro"`.
        threshold: Float, decision threshold for one-column binary scores.
            Defaults to `0.5`.
        name: String, metric name. Defaults to `"precision"`.
        dtype: Metric dtype. Defaults to `None`.

    Example:

    ```python
    m = clara_keras.metrics.Precision(num_classes=3, average="macro")
    m.update_state([0, 1, 2, 2], [[0.8, 0.1, 0.1], [0.2, 0.7, 0.1], [0.1, 0.1, 0.8], [0.6, 0.3, 0.1]])
    float(m.result())
    ```
    """

    def __init__(
        self,
        num_classes: int,
        average: str | None = "macro",
        threshold: float = 0.5,
        name: str = "precision",
        dtype=None,
    ):
        super().__init__(num_classes=num_classes, average=average, threshold=threshold, name=name, dtype=dtype)

    def _score(self, tp, predicted, actual):
        return ops.divide_no_nan(tp, predicted)
