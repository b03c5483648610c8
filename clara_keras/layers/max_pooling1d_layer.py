from __future__ import annotations

import keras

from clara_keras.api_export import clara_export
from clara_keras.layers._pooling import CheckedPooling


@clara_export("clara_keras.layers.MaxPooling1DLayer")
class MaxPooling1DLayer(CheckedPooling, keras.layers.MaxPooling1D):
    """1-D max pooling: `keras.layers.MaxPooling1D` under Clara's name, with input checks.

    Args:
        pool_size: Integer or tuple of 1 integers, the window size. Defaults to `2`.
        strides: Integer, tuple of 1 integers or `None` (= `pool_size`).
            Defaults to `None`.
        padding: `"valid"` or `"same"`. Defaults to `"valid"`.
        **kwargs: Every other `keras.layers.MaxPooling1D` argument (`data_format`)
            and base layer arguments (`name`, `dtype`).

    Input shape:
        3-D tensor `(batch, steps, channels)` (channels last).

    Output shape:
        3-D tensor `(batch, pooled_steps, channels)`.

    Raises:
        ConfigError: if `pool_size`, `strides` or `padding` is invalid.
        ShapeError: at build time if the window is larger than the input with
            `padding="valid"`.

    Example:

    ```python
    y = clara_keras.layers.MaxPooling1DLayer(pool_size=2)(np.ones((1, 8, 3)))  # shape (1, 4, 3)
    ```
    """

    rank = 1

    def __init__(self, pool_size=2, strides=None, padding: str = "valid", **kwargs):
        super().__init__(pool_size, strides, padding, **kwargs)
