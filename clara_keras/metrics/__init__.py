"""Stateful metrics (`keras.metrics.Metric` subclasses)."""

from clara_keras.metrics.accuracy import Accuracy

__all__ = ["Accuracy"]
