"""Fixtures of the data-pipeline tests: small CSV files and image folders written to tmp_path."""

import numpy as np
import pytest


def write_png(path, array):
    from PIL import Image

    array = np.asarray(array, dtype=np.uint8)
    mode = "L" if array.ndim == 2 else "RGB"
    Image.fromarray(array, mode=mode).save(path)


@pytest.fixture
def make_image_folder(tmp_path):
    """``make(counts={"cat": 3, "dog": 2}, size=(6, 5))`` -> root of ``root/<class>/<i>.png``; pixel (0,0) = class id."""

    def make(counts=None, size=(6, 5), name="images"):
        counts = counts or {"cat": 3, "dog": 2}
        root = tmp_path / name
        for c, (cls, n) in enumerate(sorted(counts.items())):
            (root / cls).mkdir(parents=True)
            for i in range(n):
                img = np.full((*size, 3), 10 * i, dtype=np.uint8)
                img[0, 0] = c
                write_png(root / cls / f"{i:03d}.png", img)
        return root

    return make


@pytest.fixture
def write_text(tmp_path):
    def write(name, text):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    return write
