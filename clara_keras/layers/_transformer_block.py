"""Shared base of the Clara transformer encoder and decoder blocks (private)."""

from __future__ import annotations

import keras

from clara_keras.errors import ShapeError
from clara_keras.layers._checks import check_activation
from clara_keras.layers._checks import check_positive_float
from clara_keras.layers._checks import check_positive_int
from clara_keras.layers._checks import check_rate
from clara_keras.layers._checks import clone_initializer


class TransformerBlock(keras.layers.Layer):
    """Arguments, configuration and sub-layer factories common to the encoder and the decoder block.

    Sub-layers are created by the subclass's `build` under fixed attribute
    names (they are the weight paths inside `.keras` files, so they must not
    change).
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

    def _head_dim(self, what: str, shape) -> int:
        hidden_dim = shape[-1]
        if hidden_dim is None or hidden_dim % self.num_heads:
            raise ShapeError(
                f"Layer '{self.name}': the {what} feature size {hidden_dim} must be divisible by "
                f"num_heads={self.num_heads} ({what} shape {tuple(shape)})."
            )
        return hidden_dim // self.num_heads

    def _init(self, name):
        return {
            "kernel_initializer": clone_initializer(self.kernel_initializer),
            "bias_initializer": clone_initializer(self.bias_initializer),
            "dtype": self.dtype_policy,
            "name": name,
        }

    def _attention(self, name, head_dim, query_shape, value_shape):
        attention = keras.layers.MultiHeadAttention(
            num_heads=self.num_heads, key_dim=head_dim, dropout=self.dropout, **self._init(name)
        )
        attention.build(query_shape, value_shape)
        return attention

    def _norm(self, name, shape):
        norm = keras.layers.LayerNormalization(epsilon=self.layer_norm_epsilon, dtype=self.dtype_policy, name=name)
        norm.build(shape)
        return norm

    def _dropout(self, name):
        return keras.layers.Dropout(self.dropout, dtype=self.dtype_policy, name=name)

    def _build_feedforward(self, shape) -> None:
        """The feed-forward sub-layers `_ffn_norm`, `_ffn_intermediate`, `_ffn_output`, `_ffn_dropout`."""
        self._ffn_norm = self._norm("feedforward_layer_norm", shape)
        self._ffn_intermediate = keras.layers.Dense(
            self.intermediate_dim, activation=self.activation, **self._init("feedforward_intermediate_dense")
        )
        self._ffn_intermediate.build(shape)
        self._ffn_output = keras.layers.Dense(shape[-1], **self._init("feedforward_output_dense"))
        self._ffn_output.build((*shape[:-1], self.intermediate_dim))
        self._ffn_dropout = self._dropout("feedforward_dropout")

    def _residual(self, x, sublayer, norm, dropout, training):
        """`sublayer` with dropout and a residual connection, normalized before (pre-LN) or after (post-LN)."""
        residual = x
        if self.normalize_first:
            x = norm(x)
        x = dropout(sublayer(x), training=training) + residual
        return x if self.normalize_first else norm(x)

    def _feedforward(self, x, training):
        def feedforward(h):
            return self._ffn_output(self._ffn_intermediate(h))

        return self._residual(x, feedforward, self._ffn_norm, self._ffn_dropout, training)

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
