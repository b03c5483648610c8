"""`RandomCrop`: a random `(height, width)` window per image, with optional padding."""

from __future__ import annotations

import numpy as np

from clara_keras.api_export import clara_export
from clara_keras.data.augment.augmentation import Augmentation
from clara_keras.data.augment.augmentation import check_positive_int
from clara_keras.errors import ConfigError
from clara_keras.errors import ShapeError

__all__ = ["RandomCrop"]

PAD_MODES = ("constant", "reflect", "edge", "symmetric")


@clara_export("clara_keras.data.augment.RandomCrop")
class RandomCrop(Augmentation):
    """Crop a random `(height, width)` window from each image, after optional padding.

    Matches torchvision's ``RandomCrop(size, padding=...)`` (the CIFAR recipe
    ``RandomCrop(32, padding=4)``). It does not wrap `keras.layers.RandomCrop`,
    which uses one window for the whole batch and has no padding; here each
    image gets its own window.

    Args:
        height: Integer, crop height.
        width: Integer, crop width.
        padding: Integer pixels added on every side before cropping. Defaults to `0`.
        pad_mode: `"constant"`, `"reflect"`, `"edge"` or `"symmetric"`. Defaults to `"constant"`.
        fill: Value of constant padding. Defaults to `0`.
        seed: Non-negative integer or `None`. Defaults to `None`.

    Example:

    ```python
    crop = clara_keras.data.augment.RandomCrop(32, 32, padding=4, seed=0)
    out = crop(images)  # (batch, 32, 32, channels)
    ```
    """

    random = True

    def __init__(self, height: int, width: int, padding: int = 0, pad_mode: str = "constant", fill=0, seed=None):
        super().__init__(seed=seed)
        self.height = check_positive_int("height", height)
        self.width = check_positive_int("width", width)
        if isinstance(padding, bool) or not isinstance(padding, (int, np.integer)) or padding < 0:
            raise ConfigError(
                f"Received an invalid value for `padding`, expected an integer >= 0. Received: {padding!r}"
            )
        if pad_mode not in PAD_MODES:
            raise ConfigError(
                f"Received an invalid value for `pad_mode`, expected one of {PAD_MODES}. Received: {pad_mode!r}"
            )
        self.padding = int(padding)
        self.pad_mode = pad_mode
        self.fill = fill

    def apply(self, images, seed):
        p = self.padding
        if p:
            widths = ((0, 0), (p, p), (p, p), (0, 0))
            if self.pad_mode == "constant":
                images = np.pad(images, widths, mode="constant", constant_values=self.fill)
            else:
                images = np.pad(images, widths, mode=self.pad_mode)
        n, h, w = images.shape[:3]
        if h < self.height or w < self.width:
            raise ShapeError(
                f"RandomCrop({self.height}, {self.width}) needs images at least that large; received "
                f"{h}x{w} (after padding={p})."
            )
        rng = np.random.default_rng(seed)
        top = rng.integers(0, h - self.height + 1, size=n)
        left = rng.integers(0, w - self.width + 1, size=n)
        out = np.empty((n, self.height, self.width, images.shape[3]), dtype=images.dtype)
        for i in range(n):
            out[i] = images[i, top[i] : top[i] + self.height, left[i] : left[i] + self.width]
        return out

    def get_config(self):
        return {
            "height": self.height,
            "width": self.width,
            "padding": self.padding,
            "pad_mode": self.pad_mode,
            "fill": self.fill,
            **super().get_config(),
        }
