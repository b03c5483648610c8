"""Shared checks of the six Clara pooling layers (private)."""

from __future__ import annotations

from clara_keras.layers._checks import check_int_tuple
from clara_keras.layers._checks import check_padding
from clara_keras.layers._checks import check_window_fits


class CheckedPooling:
    """Mixin placed before a `keras.layers.*Pooling*D` class: argument checks first, window check at build.

    A subclass sets `rank` (1, 2 or 3) and passes its own `pool_size`,
    `strides` and `padding` to this `__init__`.
    """

    rank: int

    def __init__(self, pool_size, strides, padding, **kwargs):
        super().__init__(
            pool_size=check_int_tuple("pool_size", pool_size, self.rank),
            strides=None if strides is None else check_int_tuple("strides", strides, self.rank),
            padding=check_padding(padding),
            **kwargs,
        )

    def build(self, input_shape):
        check_window_fits(self.name, "pool_size", self.pool_size, input_shape, self.padding, self.data_format)
        super().build(input_shape)
