"""Shared base of the rank-agnostic global pooling layers (private)."""

from __future__ import annotations

import keras
from keras import ops

from clara_keras.layers._checks import check_choice
from clara_keras.layers._checks import check_input_rank


class GlobalPooling(keras.layers.Layer):
    """Reduces every spatial axis of a 3-D, 4-D or 5-D input; the rank is read from the input."""

    def __init__(self, data_format: str | None = None, keepdims: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.data_format = check_choice(
            "data_format", data_format or keras.config.image_data_format(), ("channels_last", "channels_first")
        )
        self.keepdims = bool(keepdims)
        self.supports_masking = True

    def _spatial_axes(self, rank: int) -> tuple[int, ...]:
        n = rank - 2
        return tuple(range(1, n + 1)) if self.data_format == "channels_last" else tuple(range(2, n + 2))

    def build(self, input_shape):
        check_input_rank(self.name, input_shape, (3, 4, 5))

    def _reduce(self, inputs, axes, mask):
        raise NotImplementedError  # implemented by the two public subclasses

    def call(self, inputs, mask=None):
        axes = self._spatial_axes(len(inputs.shape))
        if mask is not None and len(inputs.shape) == 3:
            # (batch, steps) -> broadcastable against the features.
            mask = ops.expand_dims(ops.cast(mask, inputs.dtype), 2 if self.data_format == "channels_last" else 1)
        else:
            mask = None
        return self._reduce(inputs, axes, mask)

    def compute_mask(self, inputs, mask=None):
        return None

    def compute_output_shape(self, input_shape):
        axes = self._spatial_axes(len(input_shape))
        if self.keepdims:
            return tuple(1 if i in axes else d for i, d in enumerate(input_shape))
        return tuple(d for i, d in enumerate(input_shape) if i not in axes)

    def get_config(self):
        config = super().get_config()
        config.update({"data_format": self.data_format, "keepdims": self.keepdims})
        return config
