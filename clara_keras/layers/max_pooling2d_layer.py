from __future__ import annotations

import keras

from clara_keras.api_export import clara_export
from clara_keras.layers._pooling import CheckedPooling


@clara_export("clara_keras.layers.MaxPooling2DLayer")
class MaxPooling2DLayer(CheckedPooling, keras.layers.MaxPooling2D):
    """2-D max pooling: `keras.layers.MaxPooling2D` under Clara's name, with input checks.

    Args:
        pool_size: Integer or tuple of 2 integers, the window size. Defaults to `(2, 2)`.
        strides: Integer, tuple of 2 integers or `None` (= `pool_size`).
            Defaults to `None`.
        padding: `"valid"` or `"same"`. Defaults to `"valid"`.
        **kwargs: Every other `keras.layers.MaxPooling2D` argument (`data_format`)
            and base layer arguments (`name`, `dtype`).

    Input shape:
        4-D tensor `(batch, rows, cols, channels)` (channels last).

    Output shape:
        4-D tensor `(batch, pooled_rows, pooled_cols, channels)`.

    Raises:
        ConfigError: if `pool_size`, `strides` or `padding` is invalid.
        ShapeError: at build time if the window is larger than the input with
            `padding="valid"`.

    Example:

    ```python
    y = clara_keras.layers.MaxPooling2DLayer(pool_size=2)(np.ones((1, 8, 8, 3)))  # shape (1, 4, 4, 3)
    ```
    """

    rank = 2

    def __init__(self, pool_size=(2, 2), strides=None, padding: str = "valid", **kwargs):
        super().__init__(pool_size, strides, padding, **kwargs)
