"""`Resize`: resize images to a fixed size (wraps `keras.layers.Resizing`)."""

from __future__ import annotations

from clara_keras.api_export import clara_export
from clara_keras.data.augment.augmentation import KerasLayerAugmentation
from clara_keras.data.augment.augmentation import check_positive_int
from clara_keras.errors import ConfigError
from clara_keras.errors import suggest

__all__ = ["Resize", "INTERPOLATIONS"]

INTERPOLATIONS = ("bilinear", "nearest", "bicubic", "lanczos3", "lanczos5", "area")


@clara_export("clara_keras.data.augment.Resize")
class Resize(KerasLayerAugmentation):
    """Resize images to `(height, width)`.

    Runs `keras.layers.Resizing` on NumPy batches.

    Args:
        height: Integer, output height.
        width: Integer, output width.
        interpolation: `"bilinear"`, `"nearest"`, `"bicubic"`, `"lanczos3"`,
            `"lanczos5"` or `"area"`. Defaults to `"bilinear"`.
        crop_to_aspect_ratio: Bool, crop the centre to the target aspect ratio
            first instead of distorting. Defaults to `False`.

    Example:

    ```python
    out = clara_keras.data.augment.Resize(32, 32)(images)
    ```
    """

    def __init__(self, height: int, width: int, interpolation: str = "bilinear", crop_to_aspect_ratio: bool = False):
        super().__init__()
        self.height = check_positive_int("height", height)
        self.width = check_positive_int("width", width)
        if interpolation not in INTERPOLATIONS:
            raise ConfigError(
                f"Received an invalid value for `interpolation`, expected one of {INTERPOLATIONS}. "
                f"Received: interpolation={interpolation!r}.{suggest(str(interpolation), INTERPOLATIONS)}"
            )
        self.interpolation = interpolation
        self.crop_to_aspect_ratio = bool(crop_to_aspect_ratio)
        self.layer  # noqa: B018  (validates interpolation now)

    def make_layer(self):
        import keras

        return keras.layers.Resizing(
            self.height,
            self.width,
            interpolation=self.interpolation,
            crop_to_aspect_ratio=self.crop_to_aspect_ratio,
            data_format="channels_last",
        )

    def get_config(self):
        return {
            "height": self.height,
            "width": self.width,
            "interpolation": self.interpolation,
            "crop_to_aspect_ratio": self.crop_to_aspect_ratio,
        }
