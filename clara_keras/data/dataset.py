"""The `Dataset` mapping every loader returns."""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["Dataset"]


class Dataset(dict):
    """A mapping with ``'X'`` (features or images), ``'y'`` (labels, absent when unlabeled),
    ``'classes'`` (class names, or ``None``) and ``meta`` (a dict of facts about the source).

    It is a plain ``dict`` so user code can index it as the seed does
    (``train_data['X'].mean()``); ``len(dataset)`` counts the keys, use
    :attr:`num_samples` for the number of samples.

    Example:

    ```python
    ds = clara_keras.data.Dataset(X=np.zeros((4, 3)), y=np.array([0, 1, 0, 1]), classes=["a", "b"])
    ds.num_samples  # 4
    ```
    """

    def __init__(self, X: Any = None, y: Any = None, classes: Any = None, meta: dict | None = None, **extra: Any):
        super().__init__()
        self["X"] = X
        if y is not None:
            self["y"] = y
        self["classes"] = list(classes) if classes is not None else None
        self.update(extra)
        self.meta = dict(meta or {})

    @property
    def num_samples(self) -> int:
        """Number of samples in ``'X'``."""
        return len(self["X"])

    @property
    def labeled(self) -> bool:
        """Whether the data set carries labels."""
        return self.get("y") is not None

    @property
    def num_classes(self) -> int | None:
        """Number of classes, from ``'classes'`` or else from the labels."""
        if self.get("classes"):
            return len(self["classes"])
        if self.labeled:
            return int(np.max(self["y"])) + 1
        return None

    def subset(self, indices, **meta: Any) -> Dataset:
        """A new `Dataset` with the samples at ``indices`` (``X`` may be lazy)."""
        indices = np.asarray(indices, dtype=np.int64)
        X = self["X"]
        X = X[indices] if not hasattr(X, "subset") else X.subset(indices)
        y = self["y"][indices] if self.labeled else None
        extra = {k: v for k, v in self.items() if k not in ("X", "y", "classes")}
        return Dataset(X=X, y=y, classes=self.get("classes"), meta={**self.meta, **meta}, **extra)

    def __repr__(self) -> str:
        shape = getattr(self["X"], "shape", (self.num_samples,))
        return f"Dataset(X.shape={tuple(shape)}, labeled={self.labeled}, classes={self.get('classes')})"
