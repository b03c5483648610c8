"""`ImageFiles`: a lazy, array-like view of image files, decoded with Pillow on access."""

from __future__ import annotations

import os
from collections.abc import Iterator
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from clara_keras.errors import ConfigError
from clara_keras.errors import DataError
from clara_keras.errors import ShapeError

__all__ = ["ImageFiles", "IMAGE_EXTENSIONS", "COLOR_MODES"]

IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".gif")
COLOR_MODES = ("rgb", "grayscale", "rgba")
_PIL_MODES = {"rgb": "RGB", "grayscale": "L", "rgba": "RGBA"}
_CHANNELS = {"rgb": 3, "grayscale": 1, "rgba": 4}


def _check_image_size(image_size):
    if image_size is None:
        return None
    if isinstance(image_size, int) and not isinstance(image_size, bool):
        image_size = (image_size, image_size)
    try:
        h, w = (int(v) for v in image_size)
    except (TypeError, ValueError):
        raise ConfigError(
            f"Received an invalid value for `image_size`, expected (height, width) of positive integers. "
            f"Received: image_size={image_size!r}"
        ) from None
    if h <= 0 or w <= 0:
        raise ConfigError(
            f"Received an invalid value for `image_size`, expected positive integers. Received: image_size={image_size!r}"
        )
    return (h, w)


class ImageFiles:
    """A lazy, read-only array of images stored as files (PNG, JPEG, ...).

    Nothing is decoded until an item or a batch is asked for, so a folder of any
    size costs only its list of paths in memory. Indexing with an integer gives
    one ``(height, width, channels)`` ``uint8`` array; indexing with a slice or
    an index array gives a stacked batch. Images are decoded with Pillow, so the
    same code runs on every Keras backend.

    Args:
        paths: Sequence of image file paths.
        image_size: Optional `(height, width)`; every image is resized to it
            when decoded. When `None`, all images must have the same size as
            the first one (else a `ShapeError` names the file).
        color_mode: One of `"rgb"`, `"grayscale"`, `"rgba"`. Defaults to `"rgb"`.
        interpolation: Pillow resampling filter name used with `image_size`,
            e.g. `"bilinear"`, `"nearest"`, `"bicubic"`. Defaults to `"bilinear"`.

    Example:

    ```python
    X = clara_keras.data.ImageFiles(["a.png", "b.png"], image_size=(32, 32))
    X.shape      # (2, 32, 32, 3)
    batch = X[[0, 1]]  # decoded now, uint8 array (2, 32, 32, 3)
    ```
    """

    def __init__(
        self,
        paths: Sequence[str | os.PathLike],
        image_size=None,
        color_mode: str = "rgb",
        interpolation: str = "bilinear",
    ):
        if color_mode not in COLOR_MODES:
            raise ConfigError(
                f"Received an invalid value for `color_mode`, expected one of {COLOR_MODES}. "
                f"Received: color_mode={color_mode!r}"
            )
        from PIL import Image

        resample = getattr(Image.Resampling, str(interpolation).upper(), None)
        if resample is None:
            raise ConfigError(
                "Received an invalid value for `interpolation`, expected a Pillow filter such as 'bilinear', "
                f"'nearest', 'bicubic', 'lanczos'. Received: interpolation={interpolation!r}"
            )
        self.paths = np.asarray([os.fspath(p) for p in paths], dtype=object)
        self.image_size = _check_image_size(image_size)
        self.color_mode = color_mode
        self.interpolation = interpolation
        self._resample = resample
        self._item_shape = None
        if self.image_size is not None:
            self._item_shape = (*self.image_size, _CHANNELS[color_mode])

    # -- array protocol --------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.paths)

    @property
    def item_shape(self) -> tuple[int, int, int]:
        """Shape of one decoded image, ``(height, width, channels)``."""
        if self._item_shape is None:
            if len(self.paths) == 0:
                raise DataError("ImageFiles is empty (no image files).")
            self._item_shape = self._decode(0, check=False).shape
        return self._item_shape

    @property
    def shape(self) -> tuple[int, ...]:
        """``(num_images, height, width, channels)``; reads only the first image when `image_size` is unset."""
        return (len(self), *self.item_shape)

    @property
    def ndim(self) -> int:
        return 4

    @property
    def dtype(self):
        return np.dtype(np.uint8)

    def __getitem__(self, index):
        if isinstance(index, (int, np.integer)):
            i = int(index)
            if i < -len(self) or i >= len(self):
                raise IndexError(f"image index {i} out of range for {len(self)} images")
            return self._decode(i % len(self))
        if isinstance(index, slice):
            index = np.arange(len(self))[index]
        index = np.asarray(index)
        if index.dtype == bool:
            index = np.flatnonzero(index)
        return self.read_batch(index)

    def read_batch(self, indices) -> np.ndarray:
        """Decode the images at ``indices`` into one ``uint8`` array ``(n, h, w, c)``."""
        indices = np.asarray(indices, dtype=np.int64).reshape(-1)
        out = np.empty((len(indices), *self.item_shape), dtype=np.uint8)
        for k, i in enumerate(indices):
            try:
                out[k] = self._decode(int(i))
            except DataError as e:  # ShapeError is a ConfigError: re-raised with the index too
                raise DataError(f"{e} (sample index {int(i)})") from None
            except ShapeError as e:
                raise ShapeError(f"{e} (sample index {int(i)})") from None
        return out

    def subset(self, indices) -> ImageFiles:
        """A new `ImageFiles` over the paths at ``indices`` (nothing is decoded)."""
        new = ImageFiles.__new__(ImageFiles)
        new.__dict__.update(self.__dict__)
        new.paths = self.paths[np.asarray(indices, dtype=np.int64)]
        return new

    def iter_batches(self, batch_size: int = 256) -> Iterator[np.ndarray]:
        """Yield decoded batches in order (memory bounded by ``batch_size`` images)."""
        for start in range(0, len(self), batch_size):
            yield self.read_batch(np.arange(start, min(start + batch_size, len(self))))

    def mean(self, axis=None, dtype=np.float64):
        """Mean pixel value, streamed over the files (``axis=None`` or ``(0, 1, 2)`` per channel)."""
        return self._moments(axis)[0]

    def std(self, axis=None, dtype=np.float64):
        """Standard deviation of the pixel values, streamed over the files."""
        mean, sq = self._moments(axis)
        return np.sqrt(np.maximum(sq - mean**2, 0.0))

    def _moments(self, axis):
        if axis is None:
            reduce = (0, 1, 2, 3)
        else:
            reduce = tuple(sorted(a % 4 for a in np.atleast_1d(axis)))
        total = 0
        s = s2 = 0.0
        for batch in self.iter_batches():
            b = batch.astype(np.float64)
            s = s + b.sum(axis=reduce)
            s2 = s2 + np.square(b).sum(axis=reduce)
            total += int(np.prod([b.shape[a] for a in reduce]))
        if total == 0:
            raise DataError("Cannot compute statistics of an empty ImageFiles.")
        return s / total, s2 / total

    def __array__(self, dtype=None, copy=None):
        # Explicit materialization (np.asarray(X)); the pipeline itself never calls it.
        arr = self.read_batch(np.arange(len(self)))
        return arr.astype(dtype) if dtype is not None else arr

    def __repr__(self) -> str:
        size = self.image_size if self.image_size is not None else "as stored"
        return f"ImageFiles({len(self)} files, image_size={size}, color_mode={self.color_mode!r})"

    # -- decoding --------------------------------------------------------------------------------
    def _decode(self, i: int, check: bool = True) -> np.ndarray:
        from PIL import Image
        from PIL import UnidentifiedImageError

        path = self.paths[i]
        mode = _PIL_MODES[self.color_mode]
        try:
            with Image.open(path) as img:
                if self.image_size is not None:
                    if img.format == "JPEG":
                        img.draft(mode, (self.image_size[1], self.image_size[0]))
                    if img.mode != mode:
                        img = img.convert(mode)
                    if img.size != (self.image_size[1], self.image_size[0]):
                        img = img.resize((self.image_size[1], self.image_size[0]), resample=self._resample)
                elif img.mode != mode:
                    img = img.convert(mode)
                arr = np.asarray(img)
        except FileNotFoundError:
            raise DataError(f"Image file not found: '{path}'.") from None
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as e:
            raise DataError(f"Could not decode image '{path}': {e}. Expected a valid PNG/JPEG/BMP/GIF file.") from None
        if arr.ndim == 2:
            arr = arr[:, :, None]
        if arr.dtype != np.uint8:  # e.g. 16-bit PNGs: keep the top 8 bits
            arr = (arr >> 8).astype(np.uint8) if arr.dtype.kind in "iu" else arr.astype(np.uint8)
        if check and self._item_shape is not None and arr.shape != tuple(self._item_shape):
            raise ShapeError(
                f"Image '{path}' has shape {arr.shape}, expected {tuple(self._item_shape)} like the first image. "
                "Pass image_size=(height, width) to resize every image when it is decoded."
            )
        return arr

    @staticmethod
    def is_image_path(path: str | os.PathLike) -> bool:
        """Whether ``path`` has an image file extension."""
        return Path(path).suffix.lower() in IMAGE_EXTENSIONS
