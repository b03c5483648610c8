"""Iterating an image folder of 10,000 files keeps resident memory bounded."""

import gc
from pathlib import Path

import numpy as np
import psutil
import pytest

from clara_keras.data import DataGenerator
from clara_keras.data import load_data

NUM_FILES = 10_000
SIZE = 32  # 32x32 RGB: 3 KB decoded per image, 30 MB (uint8) / 120 MB (float32) for the whole folder


@pytest.fixture(scope="module")
def big_folder():
    # A private temporary folder (not pytest's tmp_path): the 10,000 files are removed right after,
    # instead of being kept for later pytest sessions to delete.
    import io
    import tempfile

    from PIL import Image

    tmp = tempfile.TemporaryDirectory(prefix="clara-memory-")
    root = Path(tmp.name) / "images"
    base = np.add.outer(np.arange(SIZE), np.arange(SIZE)).astype(np.uint8)
    encoded = []  # 97 distinct PNGs, written under 10,000 names
    for k in range(97):
        buf = io.BytesIO()
        Image.fromarray(np.stack([base + k, base * 2, np.full_like(base, k)], axis=-1), "RGB").save(buf, "PNG")
        encoded.append(buf.getvalue())
    for c in range(2):
        (root / f"class{c}").mkdir(parents=True)
    for i in range(NUM_FILES):
        (root / f"class{i % 2}" / f"{i:05d}.png").write_bytes(encoded[i % 97])
    yield root
    tmp.cleanup()


@pytest.mark.slow
def test_rss_does_not_grow_with_files_read(big_folder):
    proc = psutil.Process()
    data = load_data(big_folder)
    assert data.num_samples == NUM_FILES
    gen = DataGenerator(data, batch_size=250)
    samples = []
    seen = 0
    for i in range(len(gen)):
        x, y = gen[i]
        seen += len(x)
        assert x.shape == (250, SIZE, SIZE, 3) and x.dtype == np.float32
        del x, y
        if i % 5 == 4:
            gc.collect()
            samples.append((seen, proc.memory_info().rss))
    assert seen == NUM_FILES
    # after warm-up (first 2,500 files), RSS stays within a band far below the folder's decoded size
    rss = np.array([r for n, r in samples if n >= 2_500]) / 2**20
    growth = rss.max() - rss.min()
    decoded_mb = NUM_FILES * SIZE * SIZE * 3 * 4 / 2**20
    print(
        f"RSS {rss.min():.1f}..{rss.max():.1f} MB (growth {growth:.1f} MB) over {NUM_FILES} files, {decoded_mb:.0f} MB decoded"
    )
    assert growth < 12, f"RSS grew by {growth:.1f} MB while reading {NUM_FILES} files ({decoded_mb:.0f} MB decoded)"
    # and the data set holds only paths, no decoded pixels
    assert not any(isinstance(v, np.ndarray) and v.dtype != object for v in vars(data["X"]).values())
