"""`Augmentation`: the base of the image ops in `clara_keras.data.augment`."""

from __future__ import annotations

from typing import Any

import numpy as np

from clara_keras.errors import ConfigError
from clara_keras.errors import ShapeError

__all__ = ["Augmentation", "KerasLayerAugmentation", "check_positive_int"]


def check_positive_int(name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise ConfigError(
            f"Received an invalid value for `{name}`, expected a positive integer. Received: {name}={value!r}"
        )
    return int(value)


def _check_seed(seed):
    if seed is None:
        return None
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ConfigError(
            f"Received an invalid value for `seed`, expected a non-negative integer. Received: seed={seed!r}"
        )
    return int(seed)


def _restore_dtype(out: np.ndarray, dtype: np.dtype) -> np.ndarray:
    if np.issubdtype(dtype, np.integer):
        info = np.iinfo(dtype)
        return np.clip(np.rint(out), info.min, info.max).astype(dtype)
    return out.astype(dtype, copy=False)


class Augmentation:
    """Base class of an image op: a seeded callable on NumPy images.

    An op takes one image ``(height, width, channels)`` or a batch
    ``(batch, height, width, channels)`` (channels last) and returns the same
    kind of array. Random ops draw a new transformation per image. Randomness
    is reproducible: ``op(images, seed=s)`` is a pure function of ``s``
    (`DataGenerator` passes a seed derived from its own seed, the epoch and the
    batch index, so results do not depend on worker scheduling); without
    `seed`, the op's own generator, seeded at construction, is used.

    Integer images (e.g. ``uint8``) stay integer: interpolated values are
    rounded and clipped. Use `ToFloat` to get floats.

    Subclasses implement `apply(images, seed)` on a 4-D batch, and
    `get_config()` returning their constructor arguments.

    Args:
        seed: Non-negative integer or `None`. Defaults to `None`.
    """

    #: Whether the op is random (it then needs a seed per call).
    random = False

    def __init__(self, seed: int | None = None):
        self.seed = _check_seed(seed)
        self._rng = np.random.default_rng(self.seed)

    def __call__(self, images, seed: int | None = None) -> np.ndarray:
        x = np.asarray(images)
        if x.ndim not in (3, 4):
            raise ShapeError(
                f"{type(self).__name__} expects an image (height, width, channels) or a batch "
                f"(batch, height, width, channels). Received an array of shape {x.shape}."
            )
        single = x.ndim == 3
        if single:
            x = x[None]
        if self.random and seed is None:
            seed = int(self._rng.integers(0, 2**31 - 1))
        out = self.apply(x, seed)
        return out[0] if single else out

    def apply(self, images: np.ndarray, seed: int | None) -> np.ndarray:
        """Transform a 4-D batch (channels last)."""
        raise NotImplementedError(f"{type(self).__name__} must implement apply(images, seed).")

    def get_config(self) -> dict[str, Any]:
        return {"seed": self.seed} if self.random else {}

    @classmethod
    def from_config(cls, config: dict[str, Any]):
        return cls(**config)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class KerasLayerAugmentation(Augmentation):
    """An `Augmentation` that runs a `keras.layers` image preprocessing layer.

    The layer runs on the active Keras backend with the layer's own
    `get_random_transformation` / `transform_images` methods; the per-call seed
    is handed to the layer as a fresh `keras.random.SeedGenerator`, so calls
    are reproducible and safe from several worker threads at once.
    """

    def __init__(self, seed: int | None = None):
        super().__init__(seed=seed)
        self._layer = None

    def make_layer(self):
        raise NotImplementedError

    @property
    def layer(self):
        """The wrapped Keras layer (created on first use)."""
        if self._layer is None:
            try:
                self._layer = self.make_layer()
            except (ValueError, TypeError) as e:
                raise ConfigError(f"{type(self).__name__}: invalid arguments {self.get_config()}: {e}") from None
        return self._layer

    def transformation(self, layer, x, seed):
        import keras

        generator = keras.random.SeedGenerator(seed) if self.random else None
        return layer.get_random_transformation(x, training=True, seed=generator)

    def apply(self, images, seed):
        import keras

        layer = self.layer
        x = keras.ops.convert_to_tensor(images.astype(np.float32, copy=False))
        out = layer.transform_images(x, self.transformation(layer, x, seed), training=True)
        return _restore_dtype(keras.ops.convert_to_numpy(out), images.dtype)

    def __getstate__(self):
        state = dict(self.__dict__)
        state["_layer"] = None  # rebuilt on first use (e.g. in a worker process)
        return state
