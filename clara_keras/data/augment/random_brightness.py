"""`RandomBrightness`: shift each image's brightness at random (wraps `keras.layers.RandomBrightness`)."""

from __future__ import annotations

from clara_keras.api_export import clara_export
from clara_keras.data.augment.augmentation import KerasLayerAugmentation

__all__ = ["RandomBrightness"]


@clara_export("clara_keras.data.augment.RandomBrightness")
class RandomBrightness(KerasLayerAugmentation):
    """Add a random brightness offset to each image, clipped to `value_range`.

    Runs `keras.layers.RandomBrightness` (same arguments) with per-call seeds.

    Args:
        factor: Float or `(low, high)` in [-1, 1]: the offset is drawn in that
            range times the width of `value_range`.
        value_range: `(min, max)` of the pixel values. Defaults to `(0, 255)`.
        seed: Non-negative integer or `None`. Defaults to `None`.

    Example:

    ```python
    out = clara_keras.data.augment.RandomBrightness(0.2, seed=1)(images)
    ```
    """

    random = True

    def __init__(self, factor, value_range=(0, 255), seed=None):
        super().__init__(seed=seed)
        self.factor = list(factor) if isinstance(factor, (tuple, list)) else factor
        self.value_range = [float(v) for v in value_range]
        self.layer  # noqa: B018  (validates the arguments now)

    def make_layer(self):
        import keras

        factor = tuple(self.factor) if isinstance(self.factor, list) else self.factor
        return keras.layers.RandomBrightness(factor, value_range=tuple(self.value_range))

    def get_config(self):
        return {"factor": self.factor, "value_range": self.value_range, **super().get_config()}
