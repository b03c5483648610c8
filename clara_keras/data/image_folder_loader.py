"""`load_image_folder`: ``root/<class>/<image>`` folders (or a flat folder of unlabeled images)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from clara_keras.data._common import read_classes
from clara_keras.data.dataset import Dataset
from clara_keras.data.image_files import IMAGE_EXTENSIONS
from clara_keras.data.image_files import ImageFiles
from clara_keras.errors import DataError
from clara_keras.errors import suggest

__all__ = ["load_image_folder"]


def _images_in(folder: Path) -> list[str]:
    with os.scandir(folder) as it:
        names = [e.name for e in it if e.is_file() and Path(e.name).suffix.lower() in IMAGE_EXTENSIONS]
    return [str(folder / n) for n in sorted(names)]


def load_image_folder(
    root: str | os.PathLike,
    classes=None,
    image_size=None,
    color_mode: str = "rgb",
    interpolation: str = "bilinear",
) -> Dataset:
    """Index an image folder; images are decoded lazily, a batch at a time.

    The layout is the ``ImageFolder`` one: ``root/<class name>/<image file>``.
    A folder holding image files directly (no sub-folders) is read as an
    unlabeled set, e.g. for prediction. Only the list of paths is kept in
    memory.

    Args:
        root: The folder. It is only read.
        classes: Optional path to ``classes.txt`` or list of names; fixes the
            class order. Every sub-folder must be one of them. Defaults to the
            sorted sub-folder names.
        image_size: Optional `(height, width)` to resize to when decoding.
        color_mode: `"rgb"`, `"grayscale"` or `"rgba"`. Defaults to `"rgb"`.
        interpolation: Pillow resampling filter for `image_size`. Defaults to `"bilinear"`.

    Returns:
        A `Dataset` whose ``'X'`` is an `ImageFiles` (lazy, ``uint8``).

    Raises:
        DataError: missing or empty folder, a sub-folder that is not a class.

    Example:

    ```python
    train = clara_keras.data.load_image_folder("images/train", image_size=(64, 64))
    ```
    """
    root = Path(root)
    if not root.is_dir():
        raise DataError(f"Image folder not found: '{root}'.")
    class_names = read_classes(classes)
    with os.scandir(root) as it:
        subdirs = sorted(e.name for e in it if e.is_dir() and not e.name.startswith("."))
    meta = {"source": str(root), "format": "image_folder", "lazy": True}
    if not subdirs:
        paths = _images_in(root)
        if not paths:
            raise DataError(
                f"Image folder '{root}' is empty: no class sub-folders and no image files "
                f"({', '.join(IMAGE_EXTENSIONS)})."
            )
        X = ImageFiles(paths, image_size=image_size, color_mode=color_mode, interpolation=interpolation)
        return Dataset(X=X, classes=class_names, meta=meta)
    if class_names is None:
        class_names = subdirs
    else:
        for d in subdirs:
            if d not in class_names:
                raise DataError(
                    f"Sub-folder '{root / d}' is not one of the {len(class_names)} classes {class_names}."
                    f"{suggest(d, class_names)}"
                )
    paths: list[str] = []
    labels: list[int] = []
    for i, name in enumerate(class_names):
        folder = root / name
        if not folder.is_dir():
            continue
        found = _images_in(folder)
        paths.extend(found)
        labels.extend([i] * len(found))
    if not paths:
        raise DataError(f"Image folder '{root}' has class sub-folders but no image files in them.")
    X = ImageFiles(paths, image_size=image_size, color_mode=color_mode, interpolation=interpolation)
    return Dataset(X=X, y=np.asarray(labels, dtype=np.int64), classes=class_names, meta=meta)
