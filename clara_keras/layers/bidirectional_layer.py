from __future__ import annotations

import keras

from clara_keras.api_export import clara_export
from clara_keras.layers._checks import check_choice
from clara_keras.layers._checks import check_layer_instance


@clara_export("clara_keras.layers.BidirectionalLayer")
class BidirectionalLayer(keras.layers.Bidirectional):
    """Runs a recurrent layer forwards and backwards: `keras.layers.Bidirectional` under Clara's name.

    Args:
        layer: A recurrent layer instance (`LSTMLayer`, `GRULayer`,
            `SimpleRNNLayer` or any Keras RNN).
        merge_mode: How the two directions are combined: `"concat"`, `"sum"`,
            `"mul"`, `"ave"` or `None` (a list of both). Defaults to `"concat"`.
        backward_layer: Optional recurrent layer for the backward direction.
        **kwargs: Base layer arguments (`name`, `dtype`).

    Input shape:
        3-D tensor `(batch, steps, features)`.

    Output shape:
        `(batch, 2 * units)` with `merge_mode="concat"`, `(batch, units)` with
        the other merge modes (a `steps` axis is added with
        `return_sequences=True`).

    Raises:
        ParamTypeError: if `layer` is not a Keras layer.
        ConfigError: if `merge_mode` is unknown.

    Example:

    ```python
    from clara_keras import layers as cl

    layer = cl.BidirectionalLayer(cl.LSTMLayer(units=8))
    y = layer(np.ones((2, 5, 3)))  # shape (2, 16)
    ```
    """

    def __init__(self, layer, merge_mode="concat", backward_layer=None, **kwargs):
        check_layer_instance("layer", layer)
        if backward_layer is not None:
            check_layer_instance("backward_layer", backward_layer)
        super().__init__(
            layer=layer,
            merge_mode=check_choice("merge_mode", merge_mode, ("concat", "sum", "mul", "ave", None)),
            backward_layer=backward_layer,
            **kwargs,
        )
