from __future__ import annotations

import keras

from clara_keras.api_export import clara_export
from clara_keras.layers._checks import check_int_tuple
from clara_keras.layers._checks import check_positive_int
from clara_keras.layers._checks import check_window_fits


@clara_export("clara_keras.layers.Conv2DLayer")
class Conv2DLayer(keras.layers.Conv2D):
    """2-D convolution: `keras.layers.Conv2D` under Clara's name, with input checks.

    Args:
        filters: Integer, number of output channels. Must be positive.
        kernel_size: Integer or tuple of 2 integers. Defaults to `(3, 3)`.
        strides: Integer or tuple of 2 integers. Defaults to `(1, 1)`.
        padding: `"valid"` or `"same"`. Defaults to `"valid"`.
        activation: Activation name or callable. Defaults to `None`.
        **kwargs: Every other `keras.layers.Conv2D` argument.

    Input shape:
        4-D tensor `(batch, rows, cols, channels)` (channels last).

    Output shape:
        4-D tensor `(batch, new_rows, new_cols, filters)`.

    Raises:
        ShapeError: at build time if the kernel is larger than the input with
            `padding="valid"`.

    Example:

    ```python
    layer = clara_keras.layers.Conv2DLayer(filters=32, kernel_size=(3, 3))
    y = layer(np.ones((2, 8, 8, 1)))  # shape (2, 6, 6, 32)
    ```
    """

    def __init__(self, filters: int, kernel_size=(3, 3), strides=(1, 1), padding="valid", activation=None, **kwargs):
        super().__init__(
            filters=check_positive_int("filters", filters),
            kernel_size=check_int_tuple("kernel_size", kernel_size, 2),
            strides=check_int_tuple("strides", strides, 2),
            padding=padding,
            activation=activation,
            **kwargs,
        )

    def build(self, input_shape):
        check_window_fits(self.name, "kernel_size", self.kernel_size, input_shape, self.padding, self.data_format)
        super().build(input_shape)
