from __future__ import annotations

import keras

from clara_keras.api_export import clara_export
from clara_keras.errors import ShapeError
from clara_keras.layers._attention_masks import merge_masks
from clara_keras.layers._checks import check_activation
from clara_keras.layers._checks import check_input_rank
from clara_keras.layers._checks import check_positive_float
from clara_keras.layers._checks import check_positive_int
from clara_keras.layers._checks import check_rate
from clara_keras.layers._checks import clone_initializer


@clara_export("clara_keras.layers.TransformerEncoderLayer")
class TransformerEncoderLayer(keras.layers.Layer):
    """One transformer encoder block: self-attention and a feed-forward network, each with a residual.

    Argument names are KerasHub's (`keras_hub.layers.TransformerEncoder`), so
    code moves between the two. The padding mask comes from `padding_mask`
    or, if not given, from the Keras mask of the input (e.g.
    `PositionalEmbeddingLayer(mask_zero=True)`); padded positions are never
    attended to, and the mask is passed on to the next layer.

    Args:
        intermediate_dim: Integer, hidden size of the feed-forward network.
            Must be positive.
        num_heads: Integer, number of attention heads; must divide the input
            feature size.
        dropout: Float in [0, 1), dropout after attention and feed-forward
            (and on the attention probabilities). Defaults to `0.0`.
        activation: Activation of the feed-forward network. Defaults to `"relu"`.
        layer_norm_epsilon: Float, epsilon of the layer normalizations.
            Defaults to `1e-5`.
        kernel_initializer: Initializer of the dense kernels. Defaults to
            `"glorot_uniform"`.
        bias_initializer: Initializer of the biases. Defaults to `"zeros"`.
        normalize_first: Bool, normalize before attention and feed-forward
            (pre-LN, as in GPT-2) instead of after (post-LN, as in BERT).
            Defaults to `False`.
        **kwargs: Base layer arguments (`name`, `dtype`, `trainable`).

    Call arguments:
        inputs: `(batch, steps, hidden_dim)` tensor.
        padding_mask: Optional `(batch, steps)` boolean or 0/1 tensor,
            `True` for real tokens.
        attention_mask: Optional `(batch, steps, steps)` boolean or 0/1 tensor.
        use_causal_mask: Bool, let each position attend only to itself and
            earlier positions. Defaults to `False`.
        training: Bool, whether dropout is active.

    Input shape:
        3-D tensor `(batch, steps, hidden_dim)`.

    Output shape:
        Same as the input.

    Raises:
        ShapeError: at build time if `hidden_dim` is not divisible by `num_heads`.

    Example:

    ```python
    encoder = clara_keras.layers.TransformerEncoderLayer(intermediate_dim=32, num_heads=2)
    y = encoder(np.ones((2, 5, 8)))  # shape (2, 5, 8)
    ```
    """

    def __init__(
        self,
        intermediate_dim: int,
        num_heads: int,
        dropout: float = 0.0,
        activation="relu",
        layer_norm_epsilon: float = 1e-5,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        normalize_first: bool = False,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.intermediate_dim = check_positive_int("intermediate_dim", intermediate_dim)
        self.num_heads = check_positive_int("num_heads", num_heads)
        self.dropout = check_rate("dropout", dropout)
        self.activation = keras.activations.get(check_activation(activation))
        self.layer_norm_epsilon = check_positive_float("layer_norm_epsilon", layer_norm_epsilon)
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.bias_initializer = keras.initializers.get(bias_initializer)
        self.normalize_first = bool(normalize_first)
        self.supports_masking = True

    def _init(self, name):
        return {
            "kernel_initializer": clone_initializer(self.kernel_initializer),
            "bias_initializer": clone_initializer(self.bias_initializer),
            "dtype": self.dtype_policy,
            "name": name,
        }

    def build(self, inputs_shape):
        check_input_rank(self.name, inputs_shape, (3,))
        hidden_dim = inputs_shape[-1]
        if hidden_dim is None or hidden_dim % self.num_heads:
            raise ShapeError(
                f"Layer '{self.name}': the input feature size {hidden_dim} must be divisible by "
                f"num_heads={self.num_heads} (input shape {tuple(inputs_shape)})."
            )
        self._self_attention = keras.layers.MultiHeadAttention(
            num_heads=self.num_heads,
            key_dim=hidden_dim // self.num_heads,
            dropout=self.dropout,
            **self._init("self_attention"),
        )
        self._self_attention.build(inputs_shape, inputs_shape)
        self._attention_norm = keras.layers.LayerNormalization(
            epsilon=self.layer_norm_epsilon, dtype=self.dtype_policy, name="self_attention_layer_norm"
        )
        self._attention_norm.build(inputs_shape)
        self._attention_dropout = keras.layers.Dropout(self.dropout, dtype=self.dtype_policy, name="attention_dropout")
        self._ffn_norm = keras.layers.LayerNormalization(
            epsilon=self.layer_norm_epsilon, dtype=self.dtype_policy, name="feedforward_layer_norm"
        )
        self._ffn_norm.build(inputs_shape)
        self._ffn_intermediate = keras.layers.Dense(
            self.intermediate_dim, activation=self.activation, **self._init("feedforward_intermediate_dense")
        )
        self._ffn_intermediate.build(inputs_shape)
        self._ffn_output = keras.layers.Dense(hidden_dim, **self._init("feedforward_output_dense"))
        self._ffn_output.build((*inputs_shape[:-1], self.intermediate_dim))
        self._ffn_dropout = keras.layers.Dropout(self.dropout, dtype=self.dtype_policy, name="feedforward_dropout")

    def call(self, inputs, padding_mask=None, attention_mask=None, use_causal_mask=False, mask=None, training=None):
        if padding_mask is None:
            padding_mask = mask
        merged = merge_masks(inputs, padding_mask, attention_mask, causal=use_causal_mask)

        x = inputs
        residual = x
        if self.normalize_first:
            x = self._attention_norm(x)
        x = self._self_attention(query=x, value=x, attention_mask=merged, training=training)
        x = self._attention_dropout(x, training=training) + residual
        if not self.normalize_first:
            x = self._attention_norm(x)

        residual = x
        if self.normalize_first:
            x = self._ffn_norm(x)
        x = self._ffn_output(self._ffn_intermediate(x))
        x = self._ffn_dropout(x, training=training) + residual
        if not self.normalize_first:
            x = self._ffn_norm(x)
        return x

    def compute_output_shape(self, inputs_shape):
        return tuple(inputs_shape)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "intermediate_dim": self.intermediate_dim,
                "num_heads": self.num_heads,
                "dropout": self.dropout,
                "activation": keras.activations.serialize(self.activation),
                "layer_norm_epsilon": self.layer_norm_epsilon,
                "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
                "bias_initializer": keras.initializers.serialize(self.bias_initializer),
                "normalize_first": self.normalize_first,
            }
        )
        return config
