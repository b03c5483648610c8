"""Deterministic (optionally stratified) train/validation/test splits."""

from __future__ import annotations

import numpy as np

from clara_keras.data.dataset import Dataset
from clara_keras.errors import ConfigError
from clara_keras.errors import DataError

__all__ = ["split", "split_indices"]


def _check_fraction(name: str, value: float) -> float:
    if not isinstance(value, (int, float)) or not 0.0 <= float(value) < 1.0:
        raise ConfigError(
            f"Received an invalid value for `{name}`, expected a fraction in [0, 1). Received: {name}={value!r}"
        )
    return float(value)


def split_indices(y_or_n, val: float = 0.1, test: float = 0.1, stratify: bool = True, seed: int = 0):
    """Index arrays ``(train, val, test)`` for ``n`` samples or labels ``y``.

    With ``stratify=True`` and labels given, every class is split in the same
    proportions (each class rounded independently). The result depends only on
    the inputs and ``seed``.
    """
    val = _check_fraction("val", val)
    test = _check_fraction("test", test)
    if val + test >= 1.0:
        raise ConfigError(
            f"`val` + `test` must be below 1 so that training data remains. Received: val={val}, test={test}"
        )
    rng = np.random.default_rng(seed)
    if np.ndim(y_or_n) == 0:
        n = int(y_or_n)
        groups = [np.arange(n)]
    else:
        y = np.asarray(y_or_n)
        n = len(y)
        if stratify:
            labels = y if y.ndim == 1 else np.argmax(y, axis=-1)
            groups = [np.flatnonzero(labels == c) for c in np.unique(labels)]
        else:
            groups = [np.arange(n)]
    if n == 0:
        raise DataError("Cannot split an empty data set (0 samples).")
    parts = ([], [], [])
    for idx in groups:
        idx = rng.permutation(idx)
        n_test = int(round(len(idx) * test))
        n_val = int(round(len(idx) * val))
        parts[2].append(idx[:n_test])
        parts[1].append(idx[n_test : n_test + n_val])
        parts[0].append(idx[n_test + n_val :])
    return tuple(np.sort(np.concatenate(p)).astype(np.int64) for p in parts)


def split(dataset: Dataset, val: float = 0.1, test: float = 0.1, stratify: bool = True, seed: int = 0):
    """Split a `Dataset` into ``(train, validation, test)`` `Dataset` parts.

    Args:
        dataset: A `Dataset` (as returned by `load_data`).
        val: Float, fraction for validation. Defaults to `0.1`.
        test: Float, fraction for test. Defaults to `0.1`.
        stratify: Bool, keep class proportions in every part (labels needed). Defaults to `True`.
        seed: Integer seed; the same seed gives the same split. Defaults to `0`.
    """
    if not isinstance(dataset, Dataset):
        raise DataError(f"`split` expects a clara_keras Dataset (from load_data). Received: {type(dataset).__name__}")
    target = dataset["y"] if dataset.labeled else dataset.num_samples
    tr, va, te = split_indices(target, val=val, test=test, stratify=stratify and dataset.labeled, seed=seed)
    return (
        dataset.subset(tr, split="train"),
        dataset.subset(va, split="validation"),
        dataset.subset(te, split="test"),
    )
