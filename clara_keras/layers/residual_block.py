from __future__ import annotations

import keras

from clara_keras.api_export import clara_export
from clara_keras.layers._checks import check_activation
from clara_keras.layers._checks import check_positive_int
from clara_keras.layers._checks import check_rate
from clara_keras.layers._checks import clone_initializer
from clara_keras.layers._conv_rank import conv_for_input
from clara_keras.layers._conv_rank import conv_output_shape


@clara_export("clara_keras.layers.ResidualBlock")
class ResidualBlock(keras.layers.Layer):
    """The basic ResNet block: two 3x3 convolutions with batch norm, plus a shortcut.

    `activation(x_shortcut + BN(conv(activation(BN(conv(x))))))`, as in He et
    al. (2016), "Deep Residual Learning for Image Recognition". When `strides`
    > 1 or the channel count changes, the shortcut is a 1x1 convolution with
    batch norm (a projection); otherwise it is the identity. The convolution
    rank (1-D, 2-D or 3-D) is read from the input.

    Args:
        filters: Integer, output channels. Must be positive.
        strides: Integer, stride of the first convolution (down-sampling).
            Defaults to `1`.
        kernel_size: Integer, window of both convolutions. Defaults to `3`.
        activation: Activation name or callable. Defaults to `"relu"`.
        momentum: Float in [0, 1), batch-norm momentum. Defaults to `0.99`.
        kernel_initializer: Defaults to `"he_normal"`.
        kernel_regularizer: Optional regularizer of every kernel of the block.
        **kwargs: Base layer arguments (`name`, `dtype`, `trainable`).

    Input shape:
        3-D, 4-D or 5-D tensor `(batch, ..., channels)` (channels last).

    Output shape:
        `(batch, ..., filters)`, spatial sizes divided by `strides` (rounded up).

    Example:

    ```python
    block = clara_keras.layers.ResidualBlock(filters=16, strides=2)
    y = block(np.ones((2, 8, 8, 8)))  # shape (2, 4, 4, 16)
    ```
    """

    def __init__(
        self,
        filters: int,
        strides: int = 1,
        kernel_size: int = 3,
        activation="relu",
        momentum: float = 0.99,
        kernel_initializer="he_normal",
        kernel_regularizer=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.filters = check_positive_int("filters", filters)
        self.strides = check_positive_int("strides", strides)
        self.kernel_size = check_positive_int("kernel_size", kernel_size)
        self.activation = keras.activations.get(check_activation(activation))
        self.momentum = check_rate("momentum", momentum)
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.kernel_regularizer = keras.regularizers.get(kernel_regularizer)

    def _conv(self, conv_cls, kernel_size, strides, name):
        return conv_cls(
            self.filters,
            kernel_size,
            strides=strides,
            padding="same",
            use_bias=False,
            kernel_initializer=clone_initializer(self.kernel_initializer),
            kernel_regularizer=self.kernel_regularizer,
            dtype=self.dtype_policy,
            name=name,
        )

    def _norm(self, name, shape):
        norm = keras.layers.BatchNormalization(momentum=self.momentum, dtype=self.dtype_policy, name=name)
        norm.build(shape)
        return norm

    def build(self, input_shape):
        conv_cls = conv_for_input(self.name, input_shape)
        out_shape = conv_output_shape(input_shape, self.filters, self.kernel_size, self.strides, "same")
        self.conv1 = self._conv(conv_cls, self.kernel_size, self.strides, "conv1")
        self.conv1.build(input_shape)
        self.bn1 = self._norm("bn1", out_shape)
        self.conv2 = self._conv(conv_cls, self.kernel_size, 1, "conv2")
        self.conv2.build(out_shape)
        self.bn2 = self._norm("bn2", out_shape)
        self.use_projection = self.strides != 1 or input_shape[-1] != self.filters
        if self.use_projection:
            self.shortcut_conv = self._conv(conv_cls, 1, self.strides, "shortcut_conv")
            self.shortcut_conv.build(input_shape)
            self.shortcut_bn = self._norm("shortcut_bn", out_shape)

    def call(self, inputs, training=None):
        x = self.activation(self.bn1(self.conv1(inputs), training=training))
        x = self.bn2(self.conv2(x), training=training)
        shortcut = inputs
        if self.use_projection:
            shortcut = self.shortcut_bn(self.shortcut_conv(inputs), training=training)
        return self.activation(x + shortcut)

    def compute_output_shape(self, input_shape):
        conv_for_input(self.name, input_shape)
        return conv_output_shape(input_shape, self.filters, self.kernel_size, self.strides, "same")

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "filters": self.filters,
                "strides": self.strides,
                "kernel_size": self.kernel_size,
                "activation": keras.activations.serialize(self.activation),
                "momentum": self.momentum,
                "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
                "kernel_regularizer": keras.regularizers.serialize(self.kernel_regularizer),
            }
        )
        return config
