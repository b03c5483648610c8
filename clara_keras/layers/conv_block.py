from __future__ import annotations

import keras

from clara_keras.api_export import clara_export
from clara_keras.layers._checks import check_activation
from clara_keras.layers._checks import check_padding
from clara_keras.layers._checks import check_positive_int
from clara_keras.layers._checks import check_rate
from clara_keras.layers._checks import check_window_fits
from clara_keras.layers._conv_rank import conv_for_input
from clara_keras.layers._conv_rank import conv_output_shape


@clara_export("clara_keras.layers.ConvBlock")
class ConvBlock(keras.layers.Layer):
    """Convolution, batch normalization, activation: the unit most CNNs are built from.

    The convolution's rank (1-D, 2-D or 3-D) is read from the input. The
    convolution has no bias when batch normalization follows (it would be
    cancelled by the normalization's offset).

    Args:
        filters: Integer, number of output channels. Must be positive.
        kernel_size: Integer, window size along every spatial axis. Defaults to `3`.
        strides: Integer, stride along every spatial axis. Defaults to `1`.
        padding: `"same"` or `"valid"`. Defaults to `"same"`.
        activation: Activation name or callable (`None`: linear). Defaults to `"relu"`.
        use_batch_norm: Bool, normalize between convolution and activation.
            Defaults to `True`.
        momentum: Float in [0, 1), momentum of the batch-norm moving statistics.
            Defaults to `0.99`.
        kernel_initializer: Defaults to `"he_normal"`.
        kernel_regularizer: Optional regularizer of the convolution kernel.
        **kwargs: Base layer arguments (`name`, `dtype`, `trainable`).

    Input shape:
        3-D, 4-D or 5-D tensor `(batch, ..., channels)` (channels last).

    Output shape:
        `(batch, ..., filters)`; spatial sizes divided by `strides` with
        `padding="same"`.

    Raises:
        ShapeError: if the input rank is not 3, 4 or 5, or the kernel is larger
            than the input with `padding="valid"`.

    Example:

    ```python
    block = clara_keras.layers.ConvBlock(filters=16, strides=2)
    y = block(np.ones((2, 8, 8, 3)))  # shape (2, 4, 4, 16)
    ```
    """

    def __init__(
        self,
        filters: int,
        kernel_size: int = 3,
        strides: int = 1,
        padding: str = "same",
        activation="relu",
        use_batch_norm: bool = True,
        momentum: float = 0.99,
        kernel_initializer="he_normal",
        kernel_regularizer=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.filters = check_positive_int("filters", filters)
        self.kernel_size = check_positive_int("kernel_size", kernel_size)
        self.strides = check_positive_int("strides", strides)
        self.padding = check_padding(padding)
        self.activation = keras.activations.get(check_activation(activation))
        self.use_batch_norm = bool(use_batch_norm)
        self.momentum = check_rate("momentum", momentum)
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.kernel_regularizer = keras.regularizers.get(kernel_regularizer)

    def build(self, input_shape):
        conv_cls = conv_for_input(self.name, input_shape)
        rank = len(input_shape) - 2
        check_window_fits(
            self.name, "kernel_size", (self.kernel_size,) * rank, input_shape, self.padding, "channels_last"
        )
        self.conv = conv_cls(
            self.filters,
            self.kernel_size,
            strides=self.strides,
            padding=self.padding,
            use_bias=not self.use_batch_norm,
            kernel_initializer=self.kernel_initializer,
            kernel_regularizer=self.kernel_regularizer,
            dtype=self.dtype_policy,
            name="conv",
        )
        self.conv.build(input_shape)
        if self.use_batch_norm:
            self.batch_norm = keras.layers.BatchNormalization(
                momentum=self.momentum, dtype=self.dtype_policy, name="batch_norm"
            )
            self.batch_norm.build(self.conv.compute_output_shape(input_shape))

    def call(self, inputs, training=None):
        x = self.conv(inputs)
        if self.use_batch_norm:
            x = self.batch_norm(x, training=training)
        return self.activation(x)

    def compute_output_shape(self, input_shape):
        conv_for_input(self.name, input_shape)
        return conv_output_shape(input_shape, self.filters, self.kernel_size, self.strides, self.padding)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "filters": self.filters,
                "kernel_size": self.kernel_size,
                "strides": self.strides,
                "padding": self.padding,
                "activation": keras.activations.serialize(self.activation),
                "use_batch_norm": self.use_batch_norm,
                "momentum": self.momentum,
                "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
                "kernel_regularizer": keras.regularizers.serialize(self.kernel_regularizer),
            }
        )
        return config
