from __future__ import annotations

import keras

from clara_keras.api_export import clara_export
from clara_keras.layers._recurrent import checked_recurrent_args


@clara_export("clara_keras.layers.GRULayer")
class GRULayer(keras.layers.GRU):
    """Gated recurrent unit layer: `keras.layers.GRU` under Clara's name, with input checks.

    Honours the Keras mask of its input (e.g. from
    `EmbeddingLayer(mask_zero=True)`): padded steps do not update the state.

    Args:
        units: Integer, size of the state and output. Must be positive.
        activation: Activation of the output. Defaults to `"tanh"`.
        dropout: Float in [0, 1), dropout on the inputs. Defaults to `0.0`.
        recurrent_dropout: Float in [0, 1), dropout on the recurrent state.
            Defaults to `0.0`.
        return_sequences: Bool, return the output of every step instead of
            only the last. Defaults to `False`.
        **kwargs: Every other `keras.layers.GRU` argument (`return_state`,
            `go_backwards`, `kernel_regularizer`, ...).

    Input shape:
        3-D tensor `(batch, steps, features)`.

    Output shape:
        `(batch, units)`, or `(batch, steps, units)` with `return_sequences=True`.

    Example:

    ```python
    layer = clara_keras.layers.GRULayer(units=8)
    y = layer(np.ones((2, 5, 3)))  # shape (2, 8)
    ```
    """

    def __init__(
        self,
        units: int,
        activation="tanh",
        dropout: float = 0.0,
        recurrent_dropout: float = 0.0,
        return_sequences: bool = False,
        **kwargs,
    ):
        super().__init__(
            **checked_recurrent_args(units, activation, dropout, recurrent_dropout),
            return_sequences=return_sequences,
            **kwargs,
        )
