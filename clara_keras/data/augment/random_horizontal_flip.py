"""`RandomHorizontalFlip`: mirror images left-right with probability `p` (wraps `keras.layers.RandomFlip`)."""

from __future__ import annotations

import numpy as np

from clara_keras.api_export import clara_export
from clara_keras.data.augment.augmentation import KerasLayerAugmentation
from clara_keras.errors import ConfigError

__all__ = ["RandomHorizontalFlip"]


@clara_export("clara_keras.data.augment.RandomHorizontalFlip")
class RandomHorizontalFlip(KerasLayerAugmentation):
    """Flip each image left-right with probability `p`.

    Runs `keras.layers.RandomFlip("horizontal")`; what this adds is the
    probability `p` (Keras flips with probability 0.5) and per-call seeds.

    Args:
        p: Float in [0, 1], the probability of flipping an image. Defaults to `0.5`.
        seed: Non-negative integer or `None`. Defaults to `None`.

    Example:

    ```python
    flip = clara_keras.data.augment.RandomHorizontalFlip(seed=0)
    out = flip(images)  # (batch, height, width, channels)
    ```
    """

    random = True

    def __init__(self, p: float = 0.5, seed: int | None = None):
        super().__init__(seed=seed)
        if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0.0 <= p <= 1.0:
            raise ConfigError(f"Received an invalid value for `p`, expected a probability in [0, 1]. Received: p={p!r}")
        self.p = float(p)

    def make_layer(self):
        import keras

        return keras.layers.RandomFlip("horizontal", data_format="channels_last")

    def transformation(self, layer, x, seed):
        import keras

        n = int(x.shape[0])
        flips = np.random.default_rng(seed).random(n) < self.p
        return {"flips": keras.ops.convert_to_tensor(flips.reshape(n, 1, 1, 1)), "input_shape": tuple(x.shape)}

    def get_config(self):
        return {"p": self.p, **super().get_config()}
