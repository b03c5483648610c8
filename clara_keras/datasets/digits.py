"""The embedded default data set: UCI optical handwritten digits (8x8, 1,797 images)."""

from __future__ import annotations

import gzip
from importlib import resources

import numpy as np

from clara_keras.data.dataset import Dataset
from clara_keras.data.split import split

__all__ = ["load_digits", "load_digits_splits", "DIGITS_CITATION"]

DIGITS_CITATION = (
    "Alpaydin, E. & Kaynak, C. (1998). Optical Recognition of Handwritten Digits. "
    "UCI Machine Learning Repository. https://doi.org/10.24432/C50P49 (CC BY 4.0)"
)


def load_digits(normalize: bool = True) -> Dataset:
    """Load the packaged UCI digits as a `Dataset`.

    Args:
        normalize: Bool. If `True`, pixels are scaled from 0..16 to 0..1. Defaults to `True`.

    Returns:
        A `Dataset` with ``'X'`` of shape ``(1797, 8, 8, 1)`` float32, ``'y'`` int64
        labels 0..9 and ``'classes'`` ``['0', ..., '9']``. No download: the file ships
        inside the package with its licence (``LICENSE-digits.txt``).
    """
    ref = resources.files("clara_keras.datasets") / "data" / "digits.csv.gz"
    with ref.open("rb") as raw, gzip.open(raw, "rt") as f:
        table = np.loadtxt(f, delimiter=",", dtype=np.int64)
    X = table[:, :64].astype(np.float32).reshape(-1, 8, 8, 1)
    if normalize:
        X /= 16.0
    y = table[:, 64].astype(np.int64)
    return Dataset(
        X=X,
        y=y,
        classes=[str(i) for i in range(10)],
        meta={"name": "digits", "source": "UCI optical digits (packaged)", "citation": DIGITS_CITATION},
    )


def load_digits_splits(val: float = 0.15, test: float = 0.15, seed: int = 0, normalize: bool = True):
    """The deterministic stratified ``(train, validation, test)`` split of `load_digits`."""
    return split(load_digits(normalize=normalize), val=val, test=test, stratify=True, seed=seed)
