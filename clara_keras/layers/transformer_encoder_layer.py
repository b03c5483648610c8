from __future__ import annotations

from clara_keras.api_export import clara_export
from clara_keras.layers._attention_masks import merge_masks
from clara_keras.layers._checks import check_input_rank
from clara_keras.layers._transformer_block import TransformerBlock


@clara_export("clara_keras.layers.TransformerEncoderLayer")
class TransformerEncoderLayer(TransformerBlock):
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

    def build(self, inputs_shape):
        check_input_rank(self.name, inputs_shape, (3,))
        head_dim = self._head_dim("input", inputs_shape)
        self._self_attention = self._attention("self_attention", head_dim, inputs_shape, inputs_shape)
        self._attention_norm = self._norm("self_attention_layer_norm", inputs_shape)
        self._attention_dropout = self._dropout("attention_dropout")
        self._build_feedforward(inputs_shape)

    def call(self, inputs, padding_mask=None, attention_mask=None, use_causal_mask=False, mask=None, training=None):
        if padding_mask is None:
            padding_mask = mask
        merged = merge_masks(inputs, padding_mask, attention_mask, causal=use_causal_mask)

        def self_attention(x):
            return self._self_attention(query=x, value=x, attention_mask=merged, training=training)

        x = self._residual(inputs, self_attention, self._attention_norm, self._attention_dropout, training)
        return self._feedforward(x, training)

    def compute_output_shape(self, inputs_shape):
        return tuple(inputs_shape)
