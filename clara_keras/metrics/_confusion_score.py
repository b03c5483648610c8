"""Shared base of Precision, Recall and F1Score: scores read off an accumulated confusion matrix (private)."""

from __future__ import annotations

from keras import ops

from clara_keras.errors import ConfigError
from clara_keras.metrics.confusion_matrix import ConfusionMatrix

AVERAGES = (None, "micro", "macro", "weighted", "binary")


class ConfusionScore(ConfusionMatrix):
    """A `ConfusionMatrix` whose `result()` is a per-class score, averaged as asked."""

    def __init__(self, num_classes, average="macro", threshold=0.5, name=None, dtype=None):
        if average not in AVERAGES:
            raise ConfigError(
                f"Received an invalid value for `average`, expected one of {AVERAGES}. Received: average={average!r}"
            )
        super().__init__(num_classes=num_classes, threshold=threshold, name=name, dtype=dtype)
        if average == "binary" and self.num_classes != 2:
            raise ConfigError(
                f"`average='binary'` needs num_classes=2 (it reports the positive class 1). "
                f"Received: num_classes={self.num_classes}"
            )
        self.average = average
        self._direction = "up"

    def _counts(self):
        m = ops.convert_to_tensor(self.matrix)
        tp = ops.diagonal(m)
        predicted = ops.sum(m, axis=0)  # tp + fp
        actual = ops.sum(m, axis=1)  # tp + fn (support)
        return tp, predicted, actual

    def _score(self, tp, predicted, actual):  # per-class (or micro) score from counts
        raise NotImplementedError

    def result(self):
        tp, predicted, actual = self._counts()
        if self.average == "micro":
            return self._score(ops.sum(tp), ops.sum(predicted), ops.sum(actual))
        per_class = self._score(tp, predicted, actual)
        if self.average is None:
            return per_class
        if self.average == "binary":
            return per_class[1]
        if self.average == "macro":
            return ops.mean(per_class)
        weights = ops.divide_no_nan(actual, ops.sum(actual))
        return ops.sum(per_class * weights)

    def get_config(self):
        return {**super().get_config(), "average": self.average}
