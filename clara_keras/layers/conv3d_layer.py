from __future__ import annotations

import keras

from clara_keras.api_export import clara_export
from clara_keras.layers._checks import check_activation
from clara_keras.layers._checks import check_int_tuple
from clara_keras.layers._checks import check_padding
from clara_keras.layers._checks import check_positive_int
from clara_keras.layers._checks import check_window_fits


@clara_export("clara_keras.layers.Conv3DLayer")
class Conv3DLayer(keras.layers.Conv3D):
    """3-D convolution: `keras.layers.Conv3D` under Clara's name, with input checks.

    Args:
        filters: Integer, number of output channels. Must be positive.
        kernel_size: Integer or tuple of 3 integers, the window size. Defaults to `(3, 3, 3)`.
        strides: Integer or tuple of 3 integers. Defaults to `1`.
        padding: `"valid"` or `"same"`. Defaults to `"valid"`.
        dilation_rate: Integer or tuple of 3 integers. Defaults to `1`.
        activation: Activation name or callable. Defaults to `None` (linear).
        **kwargs: Every other `keras.layers.Conv3D` argument (`data_format`,
            `use_bias`, `kernel_initializer`, `kernel_regularizer`, ...) and
            base layer arguments (`name`, `dtype`, `trainable`).

    Input shape:
        5-D tensor `(batch, dim1, dim2, dim3, channels)` (channels last).

    Output shape:
        5-D tensor `(batch, new_dim1, new_dim2, new_dim3, filters)`.

    Raises:
        ConfigError: if `filters`, `kernel_size`, `strides` or `padding` is invalid.
        ShapeError: at build time if the (dilated) kernel is larger than the
            input with `padding="valid"`.

    Example:

    ```python
    layer = clara_keras.layers.Conv3DLayer(filters=4, kernel_size=3)
    y = layer(np.ones((2, 6, 6, 6, 1)))  # shape (2, 4, 4, 4, 4)
    ```
    """

    def __init__(
        self,
        filters: int,
        kernel_size=(3, 3, 3),
        strides=1,
        padding: str = "valid",
        dilation_rate=1,
        activation=None,
        **kwargs,
    ):
        super().__init__(
            filters=check_positive_int("filters", filters),
            kernel_size=check_int_tuple("kernel_size", kernel_size, 3),
            strides=check_int_tuple("strides", strides, 3),
            padding=check_padding(padding, ("valid", "same")),
            dilation_rate=check_int_tuple("dilation_rate", dilation_rate, 3),
            activation=check_activation(activation),
            **kwargs,
        )

    def build(self, input_shape):
        check_window_fits(
            self.name, "kernel_size", self.kernel_size, input_shape, self.padding, self.data_format, self.dilation_rate
        )
        super().build(input_shape)
