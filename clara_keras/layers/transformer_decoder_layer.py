from __future__ import annotations

from clara_keras.api_export import clara_export
from clara_keras.errors import ShapeError
from clara_keras.layers._attention_masks import merge_masks
from clara_keras.layers._checks import check_input_rank
from clara_keras.layers._transformer_block import TransformerBlock


@clara_export("clara_keras.layers.TransformerDecoderLayer")
class TransformerDecoderLayer(TransformerBlock):
    """One transformer decoder block: causal self-attention, optional cross-attention, feed-forward.

    Argument names are KerasHub's (`keras_hub.layers.TransformerDecoder`).
    Called with only `decoder_sequence` it is a decoder-only (GPT-style)
    block; called with `encoder_sequence` too, it adds cross-attention over
    the encoder output (the layer must then be built with both). Self-attention
    is causal by default; the padding masks come from the `*_padding_mask`
    arguments or, if not given, from the Keras masks of the two inputs.

    Args:
        intermediate_dim: Integer, hidden size of the feed-forward network.
            Must be positive.
        num_heads: Integer, number of attention heads; must divide the
            decoder feature size.
        dropout: Float in [0, 1). Defaults to `0.0`.
        activation: Activation of the feed-forward network. Defaults to `"relu"`.
        layer_norm_epsilon: Float. Defaults to `1e-5`.
        kernel_initializer: Defaults to `"glorot_uniform"`.
        bias_initializer: Defaults to `"zeros"`.
        normalize_first: Bool, pre-LN instead of post-LN. Defaults to `False`.
        **kwargs: Base layer arguments (`name`, `dtype`, `trainable`).

    Call arguments:
        decoder_sequence: `(batch, target_steps, hidden_dim)` tensor.
        encoder_sequence: Optional `(batch, source_steps, encoder_dim)` tensor.
        decoder_padding_mask: Optional `(batch, target_steps)` mask.
        decoder_attention_mask: Optional `(batch, target_steps, target_steps)` mask.
        encoder_padding_mask: Optional `(batch, source_steps)` mask.
        encoder_attention_mask: Optional `(batch, target_steps, source_steps)` mask.
        use_causal_mask: Bool, causal self-attention. Defaults to `True`.
        training: Bool, whether dropout is active.

    Input shape:
        `decoder_sequence` 3-D `(batch, target_steps, hidden_dim)`.

    Output shape:
        Same as `decoder_sequence`.

    Raises:
        ShapeError: if `hidden_dim` is not divisible by `num_heads`, or
            `encoder_sequence` is passed to a layer built without one.

    Example:

    ```python
    decoder = clara_keras.layers.TransformerDecoderLayer(intermediate_dim=32, num_heads=2)
    y = decoder(np.ones((2, 5, 8)), np.ones((2, 7, 8)))  # shape (2, 5, 8)
    ```
    """

    _has_cross_attention = False  # set by `build`

    def build(self, decoder_sequence_shape, encoder_sequence_shape=None):
        shape = decoder_sequence_shape
        check_input_rank(self.name, shape, (3,), what="decoder_sequence")
        head_dim = self._head_dim("decoder_sequence", shape)
        self._self_attention = self._attention("self_attention", head_dim, shape, shape)
        self._self_attention_norm = self._norm("self_attention_layer_norm", shape)
        self._self_attention_dropout = self._dropout("self_attention_dropout")
        self._has_cross_attention = encoder_sequence_shape is not None
        if self._has_cross_attention:
            check_input_rank(self.name, encoder_sequence_shape, (3,), what="encoder_sequence")
            self._cross_attention = self._attention("cross_attention", head_dim, shape, encoder_sequence_shape)
            self._cross_attention_norm = self._norm("cross_attention_layer_norm", shape)
            self._cross_attention_dropout = self._dropout("cross_attention_dropout")
        self._build_feedforward(shape)

    def call(
        self,
        decoder_sequence,
        encoder_sequence=None,
        decoder_padding_mask=None,
        decoder_attention_mask=None,
        encoder_padding_mask=None,
        encoder_attention_mask=None,
        use_causal_mask: bool = True,
        mask=None,
        encoder_sequence_mask=None,
        training=None,
    ):
        if encoder_sequence is not None and not self._has_cross_attention:
            raise ShapeError(
                f"Layer '{self.name}' was built without cross-attention (decoder-only) but received an "
                "`encoder_sequence`. Call it with the encoder output the first time it is used."
            )
        if decoder_padding_mask is None:
            decoder_padding_mask = mask
        if encoder_padding_mask is None:
            encoder_padding_mask = encoder_sequence_mask
        self_mask = merge_masks(decoder_sequence, decoder_padding_mask, decoder_attention_mask, causal=use_causal_mask)

        def self_attention(x):
            return self._self_attention(query=x, value=x, attention_mask=self_mask, training=training)

        x = self._residual(
            decoder_sequence, self_attention, self._self_attention_norm, self._self_attention_dropout, training
        )
        if self._has_cross_attention and encoder_sequence is not None:
            cross_mask = merge_masks(x, encoder_padding_mask, encoder_attention_mask, key=encoder_sequence)

            def cross_attention(q):
                return self._cross_attention(
                    query=q, value=encoder_sequence, attention_mask=cross_mask, training=training
                )

            x = self._residual(x, cross_attention, self._cross_attention_norm, self._cross_attention_dropout, training)
        return self._feedforward(x, training)

    def compute_output_shape(self, decoder_sequence_shape, encoder_sequence_shape=None):
        return tuple(decoder_sequence_shape)
