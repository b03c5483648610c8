from __future__ import annotations

import keras

from clara_keras.api_export import clara_export
from clara_keras.layers._checks import check_positive_int


@clara_export("clara_keras.layers.EmbeddingLayer")
class EmbeddingLayer(keras.layers.Embedding):
    """Token embedding: `keras.layers.Embedding` under Clara's name.

    Args:
        input_dim: Integer, vocabulary size (largest token id + 1). Must be positive.
        output_dim: Integer, embedding size. Must be positive.
        mask_zero: Bool, treat token `0` as padding and emit a Keras mask that
            the recurrent, attention and pooling layers downstream honour.
            Defaults to `False`.
        **kwargs: Every other `keras.layers.Embedding` argument
            (`embeddings_initializer`, `embeddings_regularizer`, ...).

    Input shape:
        Integer tensor `(batch, steps)`.

    Output shape:
        `(batch, steps, output_dim)`.

    Example:

    ```python
    layer = clara_keras.layers.EmbeddingLayer(input_dim=100, output_dim=8, mask_zero=True)
    y = layer(np.array([[4, 7, 0]]))  # shape (1, 3, 8); mask [[True, True, False]]
    ```
    """

    def __init__(self, input_dim: int, output_dim: int, mask_zero: bool = False, **kwargs):
        super().__init__(
            input_dim=check_positive_int("input_dim", input_dim),
            output_dim=check_positive_int("output_dim", output_dim),
            mask_zero=mask_zero,
            **kwargs,
        )
