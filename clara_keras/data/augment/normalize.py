"""`Normalize`: per-channel ``(x - mean) / std`` (torchvision's ``Normalize``)."""

from __future__ import annotations

import numpy as np

from clara_keras.api_export import clara_export
from clara_keras.data.augment.augmentation import Augmentation
from clara_keras.errors import ConfigError
from clara_keras.errors import ShapeError

__all__ = ["Normalize"]


@clara_export("clara_keras.data.augment.Normalize")
class Normalize(Augmentation):
    """Normalize each channel: ``(x - mean[c]) / std[c]``, output `float32`.

    Same maths as `keras.layers.Normalization(mean=..., variance=std**2)`,
    done in NumPy on the batch, with torchvision's arguments.

    Args:
        mean: Float or sequence of floats, one per channel.
        std: Float or sequence of positive floats, one per channel.

    Example:

    ```python
    norm = clara_keras.data.augment.Normalize(mean=(0.49, 0.48, 0.45), std=(0.25, 0.24, 0.26))
    ```
    """

    def __init__(self, mean, std):
        super().__init__()
        values = {}
        for name, v in (("mean", mean), ("std", std)):
            try:
                values[name] = np.atleast_1d(np.asarray(v, dtype=np.float32))
            except (TypeError, ValueError):
                raise ConfigError(
                    f"Received an invalid value for `{name}`, expected a number or one number per channel. "
                    f"Received: {name}={v!r}"
                ) from None
        self.mean, self.std = values["mean"], values["std"]
        if self.mean.ndim != 1 or self.std.ndim != 1:
            raise ConfigError("`mean` and `std` must be numbers or 1-D sequences (one value per channel).")
        if not np.isfinite(self.mean).all() or not np.isfinite(self.std).all() or (self.std <= 0).any():
            raise ConfigError(
                f"Received an invalid value for `std`, expected finite positive numbers. Received: std={self.std.tolist()}"
            )

    def apply(self, images, seed):
        c = images.shape[-1]
        for name, v in (("mean", self.mean), ("std", self.std)):
            if v.size not in (1, c):
                raise ShapeError(f"Normalize has {v.size} {name} values but the images have {c} channels.")
        return (images.astype(np.float32) - self.mean) / self.std

    def get_config(self):
        return {"mean": self.mean.tolist(), "std": self.std.tolist()}
