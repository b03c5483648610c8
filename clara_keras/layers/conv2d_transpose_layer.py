from __future__ import annotations

import keras

from clara_keras.api_export import clara_export
from clara_keras.layers._checks import check_activation
from clara_keras.layers._checks import check_input_rank
from clara_keras.layers._checks import check_int_tuple
from clara_keras.layers._checks import check_padding
from clara_keras.layers._checks import check_positive_int


@clara_export("clara_keras.layers.Conv2DTransposeLayer")
class Conv2DTransposeLayer(keras.layers.Conv2DTranspose):
    """Transposed 2-D convolution (learned up-sampling): `keras.layers.Conv2DTranspose` under Clara's name.

    Args:
        filters: Integer, number of output channels. Must be positive.
        kernel_size: Integer or tuple of 2 integers. Defaults to `(3, 3)`.
        strides: Integer or tuple of 2 integers, the up-sampling factor.
            Defaults to `1`.
        padding: `"valid"` or `"same"`. Defaults to `"valid"`.
        activation: Activation name or callable. Defaults to `None`.
        **kwargs: Every other `keras.layers.Conv2DTranspose` argument
            (`output_padding`, `dilation_rate`, `data_format`, ...).

    Input shape:
        4-D tensor `(batch, rows, cols, channels)` (channels last).

    Output shape:
        4-D tensor `(batch, new_rows, new_cols, filters)`; with
        `padding="same"`, `new_rows = rows * strides[0]`.

    Example:

    ```python
    layer = clara_keras.layers.Conv2DTransposeLayer(filters=4, kernel_size=3, strides=2, padding="same")
    y = layer(np.ones((2, 4, 4, 3)))  # shape (2, 8, 8, 4)
    ```
    """

    def __init__(self, filters: int, kernel_size=(3, 3), strides=1, padding: str = "valid", activation=None, **kwargs):
        super().__init__(
            filters=check_positive_int("filters", filters),
            kernel_size=check_int_tuple("kernel_size", kernel_size, 2),
            strides=check_int_tuple("strides", strides, 2),
            padding=check_padding(padding),
            activation=check_activation(activation),
            **kwargs,
        )

    def build(self, input_shape):
        check_input_rank(self.name, input_shape, (4,))
        super().build(input_shape)
