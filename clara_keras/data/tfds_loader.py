"""`load_tfds`: a tensorflow-datasets data set by name from a local ``data_dir`` (never downloads)."""

from __future__ import annotations

import os

import numpy as np

from clara_keras.data._common import read_classes
from clara_keras.data.array_loader import load_arrays
from clara_keras.data.dataset import Dataset
from clara_keras.errors import ConfigError
from clara_keras.errors import DataError

__all__ = ["load_tfds"]


def load_tfds(
    name: str,
    split: str = "train",
    data_dir: str | os.PathLike | None = None,
    classes=None,
    x_key: str | None = None,
    y_key: str | None = None,
    nonfinite: str = "raise",
) -> Dataset:
    """Load a prepared tensorflow-datasets split into memory as a `Dataset`.

    Nothing is downloaded: the data set must already be prepared in
    `data_dir` (for example with ``tfds build NAME --data_dir DIR`` on a machine
    with network access). Features and labels come from the builder's
    ``supervised_keys`` (or `x_key`/`y_key`); class names from its
    ``ClassLabel`` feature.

    Args:
        name: Data set name, e.g. `"mnist"` or `"mnist:3.0.1"`.
        split: Split name or slice, e.g. `"train"`, `"test[:10%]"`. Defaults to `"train"`.
        data_dir: Folder holding prepared tfds data sets. Defaults to tfds's default folder.
        classes: Optional class names overriding the builder's.
        x_key: Feature key when the builder has no supervised keys.
        y_key: Label key (or `None` for unlabeled) when the builder has no supervised keys.
        nonfinite: `"raise"` or `"drop"`.

    Example:

    ```python
    train = clara_keras.data.load_data("tfds:mnist", split="train", data_dir="/data/tfds")
    ```
    """
    try:
        import tensorflow_datasets as tfds
    except ImportError:  # pragma: no cover - tfds is a dependency
        raise ConfigError(
            "Loading 'tfds:' sources needs `tensorflow-datasets` (pip install tensorflow-datasets)."
        ) from None
    if not isinstance(name, str) or not name:
        raise ConfigError(
            f"Received an invalid value for the tfds `name`, expected a data set name. Received: {name!r}"
        )
    data_dir = os.fspath(data_dir) if data_dir is not None else None
    try:
        builder = tfds.builder(name, data_dir=data_dir)
    except Exception as e:  # DatasetNotFoundError and friends
        raise DataError(f"tensorflow-datasets has no data set {name!r}: {str(e).splitlines()[0]}") from None
    info = builder.info
    supervised = info.supervised_keys
    if x_key is None and y_key is None and supervised is not None and len(supervised) == 2:
        x_key, y_key = supervised
    if x_key is None:
        raise ConfigError(
            f"tfds data set {name!r} has no supervised keys; pass x_key= (and y_key=) from {list(info.features.keys())}."
        )
    try:
        ds = tfds.load(name, split=split, data_dir=data_dir, download=False)
    except (AssertionError, FileNotFoundError, OSError) as e:
        where = data_dir or "the default tfds data folder"
        raise DataError(
            f"tfds data set {name!r} (split {split!r}) is not prepared in {where}; clara_keras never downloads. "
            f"Prepare it beforehand (tfds build {name} --data_dir DIR). Details: {str(e).splitlines()[0]}"
        ) from None
    except ValueError as e:
        raise DataError(f"tfds data set {name!r}: {e}") from None
    keys = list(ds.element_spec)
    for key in (x_key, y_key):
        if key is not None and key not in keys:
            raise ConfigError(f"tfds data set {name!r} has no feature {key!r}; features are {keys}.")
    xs, ys = [], []
    for example in tfds.as_numpy(ds):
        xs.append(example[x_key])
        if y_key is not None:
            ys.append(example[y_key])
    if not xs:
        raise DataError(f"tfds data set {name!r} split {split!r} is empty.")
    X = np.stack(xs)
    del xs
    y = np.asarray(ys) if y_key is not None else None
    names = read_classes(classes)
    if y_key is not None and names is None and hasattr(info.features[y_key], "names"):
        names = list(info.features[y_key].names)
    out = load_arrays(X, y, names, nonfinite=nonfinite, source=f"tfds:{name}[{split}]")
    out.meta.update({"source": f"tfds:{name}", "format": "tfds", "split": split, "tfds_version": str(info.version)})
    return out
