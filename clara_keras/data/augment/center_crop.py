"""`CenterCrop`: crop the central `(height, width)` window (wraps `keras.layers.CenterCrop`)."""

from __future__ import annotations

from clara_keras.api_export import clara_export
from clara_keras.data.augment.augmentation import KerasLayerAugmentation
from clara_keras.data.augment.augmentation import check_positive_int

__all__ = ["CenterCrop"]


@clara_export("clara_keras.data.augment.CenterCrop")
class CenterCrop(KerasLayerAugmentation):
    """Crop the centre of each image to `(height, width)`.

    Runs `keras.layers.CenterCrop`: an image smaller than the target is
    resized up to it, as Keras does.

    Args:
        height: Integer, output height.
        width: Integer, output width.

    Example:

    ```python
    out = clara_keras.data.augment.CenterCrop(24, 24)(images)
    ```
    """

    def __init__(self, height: int, width: int):
        super().__init__()
        self.height = check_positive_int("height", height)
        self.width = check_positive_int("width", width)

    def make_layer(self):
        import keras

        return keras.layers.CenterCrop(self.height, self.width, data_format="channels_last")

    def get_config(self):
        return {"height": self.height, "width": self.width}
