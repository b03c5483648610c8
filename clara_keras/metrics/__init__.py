"""Stateful metrics (`keras.metrics.Metric` subclasses).

Where Keras already has the metric and it takes Clara's label forms, it is
re-exported unchanged (`MeanAbsoluteError`, `RootMeanSquaredError`); the
others add integer/one-hot labels, multi-class averaging or a missing metric.
"""

from keras.metrics import MeanAbsoluteError
from keras.metrics import RootMeanSquaredError

from clara_keras.metrics.accuracy import Accuracy
from clara_keras.metrics.auc import AUC
from clara_keras.metrics.confusion_matrix import ConfusionMatrix
from clara_keras.metrics.f1_score import F1Score
from clara_keras.metrics.precision import Precision
from clara_keras.metrics.r2_score import R2Score
from clara_keras.metrics.recall import Recall
from clara_keras.metrics.top_k_accuracy import TopKAccuracy

__all__ = [
    "AUC",
    "Accuracy",
    "ConfusionMatrix",
    "F1Score",
    "MeanAbsoluteError",
    "Precision",
    "R2Score",
    "Recall",
    "RootMeanSquaredError",
    "TopKAccuracy",
]
