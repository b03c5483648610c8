"""`RandomRotation`: rotate each image by a random angle (the arguments of `keras.layers.RandomRotation`)."""

from __future__ import annotations

import numpy as np

from clara_keras.api_export import clara_export
from clara_keras.data.augment._affine import affine_resample
from clara_keras.data.augment._affine import centred
from clara_keras.data.augment._affine import check_factor
from clara_keras.data.augment._affine import check_fill
from clara_keras.data.augment.augmentation import Augmentation
from clara_keras.data.augment.augmentation import _restore_dtype

__all__ = ["RandomRotation"]


@clara_export("clara_keras.data.augment.RandomRotation")
class RandomRotation(Augmentation):
    """Rotate each image about its centre by its own random angle.

    Same arguments and fill modes as `keras.layers.RandomRotation`, computed
    in vectorised NumPy rather than by wrapping the layer: outside a compiled
    graph, the Keras layer's resampling takes seconds per batch on the torch
    backend (and ~0.1 s on JAX), which would make training input-bound.

    Args:
        factor: Float or `(low, high)`, a fraction of a full turn: `0.1` draws
            an angle in [-36, 36] degrees.
        fill_mode: `"reflect"`, `"wrap"`, `"constant"` or `"nearest"`. Defaults to `"reflect"`.
        interpolation: `"bilinear"` or `"nearest"`. Defaults to `"bilinear"`.
        fill_value: Float, the value outside the image with `fill_mode="constant"`. Defaults to `0.0`.
        seed: Non-negative integer or `None`. Defaults to `None`.

    Example:

    ```python
    out = clara_keras.data.augment.RandomRotation(0.05, seed=1)(images)
    ```
    """

    random = True

    def __init__(
        self, factor, fill_mode: str = "reflect", interpolation: str = "bilinear", fill_value: float = 0.0, seed=None
    ):
        super().__init__(seed=seed)
        self.factor = list(factor) if isinstance(factor, (tuple, list)) else factor
        self._range = check_factor("factor", factor)
        check_fill(fill_mode, interpolation)
        self.fill_mode = fill_mode
        self.interpolation = interpolation
        self.fill_value = float(fill_value)

    def apply(self, images, seed):
        n, h, w = images.shape[:3]
        rng = np.random.default_rng(seed)
        angles = rng.uniform(self._range[0], self._range[1], size=n) * 2.0 * np.pi
        cos, sin = np.cos(angles), np.sin(angles)
        # output -> input: rotate back by the angle, about the centre
        linear = np.stack([np.stack([cos, sin], -1), np.stack([-sin, cos], -1)], axis=1)
        out = affine_resample(images, centred(linear, h, w), self.fill_mode, self.interpolation, self.fill_value)
        return _restore_dtype(out, images.dtype)

    def get_config(self):
        return {
            "factor": self.factor,
            "fill_mode": self.fill_mode,
            "interpolation": self.interpolation,
            "fill_value": self.fill_value,
            **super().get_config(),
        }
