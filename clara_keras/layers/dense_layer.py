from __future__ import annotations

import keras

from clara_keras.api_export import clara_export
from clara_keras.layers._checks import check_activation
from clara_keras.layers._checks import check_positive_int


@clara_export("clara_keras.layers.DenseLayer")
class DenseLayer(keras.layers.Dense):
    """Fully connected layer: `keras.layers.Dense` under Clara's name.

    Args:
        units: Integer, output dimension. Must be positive.
        activation: Activation name or callable. Defaults to `None` (linear).
        **kwargs: Every other `keras.layers.Dense` argument (`use_bias`,
            `kernel_initializer`, `kernel_regularizer`, ...) and base layer
            arguments (`name`, `dtype`, `trainable`).

    Input shape:
        N-D tensor `(batch_size, ..., input_dim)`.

    Output shape:
        N-D tensor `(batch_size, ..., units)`.

    Example:

    ```python
    layer = clara_keras.layers.DenseLayer(units=10)
    y = layer(np.ones((2, 4)))  # shape (2, 10)
    ```
    """

    def __init__(self, units: int, activation=None, **kwargs):
        super().__init__(units=check_positive_int("units", units), activation=check_activation(activation), **kwargs)
