"""Data pipeline: loading, splitting, preprocessing, augmentation, sampling, `DataGenerator`."""

from clara_keras.data.dataset import Dataset
from clara_keras.data.split import split
from clara_keras.data.split import split_indices

__all__ = ["Dataset", "split", "split_indices"]
