"""`ToFloat`: integer pixels to `float32` in [0, 1] (torchvision's ``ToTensor`` scaling)."""

from __future__ import annotations

import numpy as np

from clara_keras.api_export import clara_export
from clara_keras.data.augment.augmentation import Augmentation
from clara_keras.errors import ConfigError

__all__ = ["ToFloat"]


@clara_export("clara_keras.data.augment.ToFloat")
class ToFloat(Augmentation):
    """Convert images to `float32`, scaling integer pixels to [0, 1].

    With `scale=None`, integer images are divided by their dtype's maximum
    (255 for ``uint8``) and float images are only cast, as torchvision's
    ``ToTensor`` does (the layout stays channels last). A number multiplies
    every input, like `keras.layers.Rescaling`.

    Args:
        scale: Optional float factor. Defaults to `None` (by dtype).

    Example:

    ```python
    x = clara_keras.data.augment.ToFloat()(uint8_images)  # float32 in [0, 1]
    ```
    """

    def __init__(self, scale: float | None = None):
        super().__init__()
        if scale is not None and (isinstance(scale, bool) or not isinstance(scale, (int, float))):
            raise ConfigError(f"Received an invalid value for `scale`, expected a number or None. Received: {scale!r}")
        self.scale = None if scale is None else float(scale)

    def apply(self, images, seed):
        if self.scale is not None:
            return images.astype(np.float32) * np.float32(self.scale)
        if np.issubdtype(images.dtype, np.integer):
            return images.astype(np.float32) / np.float32(np.iinfo(images.dtype).max)
        if images.dtype == bool:
            return images.astype(np.float32)
        return images.astype(np.float32, copy=False)

    def get_config(self):
        return {"scale": self.scale}
