"""Data sets that ship inside clara_keras (no download)."""

from clara_keras.datasets.digits import DIGITS_CITATION
from clara_keras.datasets.digits import load_digits
from clara_keras.datasets.digits import load_digits_splits

__all__ = ["load_digits", "load_digits_splits", "DIGITS_CITATION"]
