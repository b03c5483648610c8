from __future__ import annotations

import keras

from clara_keras.api_export import clara_export
from clara_keras.layers._pooling import CheckedPooling


@clara_export("clara_keras.layers.AveragePooling3DLayer")
class AveragePooling3DLayer(CheckedPooling, keras.layers.AveragePooling3D):
    """3-D average pooling: `keras.layers.AveragePooling3D` under Clara's name, with input checks.

    Args:
        pool_size: Integer or tuple of 3 integers, the window size. Defaults to `(2, 2, 2)`.
        strides: Integer, tuple of 3 integers or `None` (= `pool_size`).
            Defaults to `None`.
        padding: `"valid"` or `"same"`. Defaults to `"valid"`.
        **kwargs: Every other `keras.layers.AveragePooling3D` argument (`data_format`)
            and base layer arguments (`name`, `dtype`).

    Input shape:
        5-D tensor `(batch, dim1, dim2, dim3, channels)` (channels last).

    Output shape:
        5-D tensor `(batch, pooled1, pooled2, pooled3, channels)`.

    Raises:
        ConfigError: if `pool_size`, `strides` or `padding` is invalid.
        ShapeError: at build time if the window is larger than the input with
            `padding="valid"`.

    Example:

    ```python
    y = clara_keras.layers.AveragePooling3DLayer(pool_size=2)(np.ones((1, 4, 4, 4, 3)))  # shape (1, 2, 2, 2, 3)
    ```
    """

    rank = 3

    def __init__(self, pool_size=(2, 2, 2), strides=None, padding: str = "valid", **kwargs):
        super().__init__(pool_size, strides, padding, **kwargs)
