"""`RandomZoom`: zoom each image in or out at random (the arguments of `keras.layers.RandomZoom`)."""

from __future__ import annotations

import numpy as np

from clara_keras.api_export import clara_export
from clara_keras.data.augment._affine import affine_resample
from clara_keras.data.augment._affine import centred
from clara_keras.data.augment._affine import check_factor
from clara_keras.data.augment._affine import check_fill
from clara_keras.data.augment.augmentation import Augmentation
from clara_keras.data.augment.augmentation import _restore_dtype
from clara_keras.errors import ConfigError

__all__ = ["RandomZoom"]


@clara_export("clara_keras.data.augment.RandomZoom")
class RandomZoom(Augmentation):
    """Zoom each image by its own random factor, about its centre.

    Same arguments and sign convention as `keras.layers.RandomZoom` (a positive
    factor zooms out, a negative one zooms in), computed in vectorised NumPy
    for the reason given in `RandomRotation`.

    Args:
        height_factor: Float or `(low, high)` in (-1, +inf): `0.2` zooms by a
            random amount in [-20%, +20%].
        width_factor: Same for the width; `None` uses the height's factor
            (keeps the aspect ratio). Defaults to `None`.
        fill_mode: `"reflect"`, `"wrap"`, `"constant"` or `"nearest"`. Defaults to `"reflect"`.
        interpolation: `"bilinear"` or `"nearest"`. Defaults to `"bilinear"`.
        fill_value: Float used with `fill_mode="constant"`. Defaults to `0.0`.
        seed: Non-negative integer or `None`. Defaults to `None`.

    Example:

    ```python
    out = clara_keras.data.augment.RandomZoom(0.1, seed=1)(images)
    ```
    """

    random = True

    def __init__(
        self,
        height_factor,
        width_factor=None,
        fill_mode: str = "reflect",
        interpolation: str = "bilinear",
        fill_value: float = 0.0,
        seed=None,
    ):
        super().__init__(seed=seed)
        self.height_factor = list(height_factor) if isinstance(height_factor, (tuple, list)) else height_factor
        self.width_factor = list(width_factor) if isinstance(width_factor, (tuple, list)) else width_factor
        self._h = check_factor("height_factor", height_factor)
        self._w = check_factor("width_factor", width_factor, allow_none=True)
        for name, r in (("height_factor", self._h), ("width_factor", self._w)):
            if r is not None and r[0] <= -1.0:
                raise ConfigError(f"`{name}` must be > -1 (a zoom factor of 1 + factor > 0). Received: {r}")
        check_fill(fill_mode, interpolation)
        self.fill_mode = fill_mode
        self.interpolation = interpolation
        self.fill_value = float(fill_value)

    def apply(self, images, seed):
        n, h, w = images.shape[:3]
        rng = np.random.default_rng(seed)
        zh = 1.0 + rng.uniform(self._h[0], self._h[1], size=n)
        zw = zh if self._w is None else 1.0 + rng.uniform(self._w[0], self._w[1], size=n)
        zero = np.zeros(n)
        linear = np.stack([np.stack([zh, zero], -1), np.stack([zero, zw], -1)], axis=1)
        out = affine_resample(images, centred(linear, h, w), self.fill_mode, self.interpolation, self.fill_value)
        return _restore_dtype(out, images.dtype)

    def get_config(self):
        return {
            "height_factor": self.height_factor,
            "width_factor": self.width_factor,
            "fill_mode": self.fill_mode,
            "interpolation": self.interpolation,
            "fill_value": self.fill_value,
            **super().get_config(),
        }
