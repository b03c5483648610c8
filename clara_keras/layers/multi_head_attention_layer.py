from __future__ import annotations

import keras

from clara_keras.api_export import clara_export
from clara_keras.layers._checks import check_positive_int
from clara_keras.layers._checks import check_rate


@clara_export("clara_keras.layers.MultiHeadAttentionLayer")
class MultiHeadAttentionLayer(keras.layers.MultiHeadAttention):
    """Multi-head attention: `keras.layers.MultiHeadAttention` under Clara's name.

    What it adds: called with one tensor (`layer(x)`, as inside a
    `clara_keras.Model`), it is self-attention on `x`, and the Keras mask of
    `x` (padding) masks the keys. Everything else is Keras's layer:
    `layer(query, value, key=None, attention_mask=None, use_causal_mask=False)`.

    Args:
        num_heads: Integer, number of attention heads. Must be positive.
        key_dim: Integer, size of each head for query and key. Must be positive.
        value_dim: Integer, size of each head for value. Defaults to `key_dim`.
        dropout: Float in [0, 1), dropout on the attention probabilities.
            Defaults to `0.0`.
        **kwargs: Every other `keras.layers.MultiHeadAttention` argument
            (`output_shape`, `use_bias`, `attention_axes`, `kernel_initializer`, ...).

    Input shape:
        `query` `(batch, target_steps, query_dim)`; `value` (optional)
        `(batch, source_steps, value_dim)`.

    Output shape:
        `(batch, target_steps, query_dim)` (or `output_shape`).

    Example:

    ```python
    layer = clara_keras.layers.MultiHeadAttentionLayer(num_heads=2, key_dim=4)
    y = layer(np.ones((2, 5, 8)))                   # self-attention, shape (2, 5, 8)
    y = layer(np.ones((2, 5, 8)), np.ones((2, 3, 8)), use_causal_mask=False)
    ```
    """

    def __init__(self, num_heads: int, key_dim: int, value_dim: int | None = None, dropout: float = 0.0, **kwargs):
        super().__init__(
            num_heads=check_positive_int("num_heads", num_heads),
            key_dim=check_positive_int("key_dim", key_dim),
            value_dim=check_positive_int("value_dim", value_dim, allow_none=True),
            dropout=check_rate("dropout", dropout),
            **kwargs,
        )

    def build(self, query_shape, value_shape=None, key_shape=None):
        super().build(query_shape, query_shape if value_shape is None else value_shape, key_shape)

    def call(self, query, value=None, key=None, query_mask=None, value_mask=None, key_mask=None, mask=None, **kwargs):
        # Called with one tensor, Keras passes that tensor's mask as `mask`.
        if value is None:
            value = query
            if value_mask is None:
                value_mask = query_mask if query_mask is not None else mask
        if query_mask is None:
            query_mask = mask
        return super().call(
            query, value, key=key, query_mask=query_mask, value_mask=value_mask, key_mask=key_mask, **kwargs
        )

    def compute_output_shape(self, query_shape, value_shape=None, key_shape=None):
        return super().compute_output_shape(query_shape, query_shape if value_shape is None else value_shape, key_shape)

    def compute_output_spec(self, query, value=None, key=None, mask=None, **kwargs):
        return super().compute_output_spec(query, query if value is None else value, key, **kwargs)
