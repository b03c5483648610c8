from __future__ import annotations

import keras

from clara_keras.api_export import clara_export
from clara_keras.layers._checks import check_activation


@clara_export("clara_keras.layers.ActivationLayer")
class ActivationLayer(keras.layers.Activation):
    """Applies an activation function: `keras.layers.Activation` under Clara's name.

    An unknown activation name is rejected when the layer is created, with the
    nearest known name suggested.

    Args:
        activation: Activation name (`"relu"`, `"softmax"`, `"gelu"`, ...) or
            callable.
        **kwargs: Base layer arguments (`name`, `dtype`).

    Input shape:
        Any.

    Output shape:
        Same as the input.

    Raises:
        ConfigError: if `activation` is not a Keras activation name.

    Example:

    ```python
    y = clara_keras.layers.ActivationLayer("relu")(np.array([[-1.0, 2.0]]))  # [[0.0, 2.0]]
    ```
    """

    def __init__(self, activation, **kwargs):
        if activation is None:
            activation = "linear"
        super().__init__(activation=check_activation(activation), **kwargs)
