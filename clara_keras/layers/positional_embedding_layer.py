from __future__ import annotations

import keras
from keras import ops

from clara_keras.api_export import clara_export
from clara_keras.errors import ShapeError
from clara_keras.layers._checks import check_positive_int


@clara_export("clara_keras.layers.PositionalEmbeddingLayer")
class PositionalEmbeddingLayer(keras.layers.Layer):
    """Token embedding plus a learned position embedding, for transformer inputs.

    Output `token_embedding[ids] + position_embedding[position]`. Argument
    names follow KerasHub's `TokenAndPositionEmbedding`.

    Args:
        vocabulary_size: Integer, number of token ids. Must be positive.
        sequence_length: Integer, the longest sequence the layer accepts.
            Must be positive.
        embedding_dim: Integer, embedding size. Must be positive.
        mask_zero: Bool, treat token `0` as padding and emit a Keras mask.
            Defaults to `False`.
        embeddings_initializer: Initializer of the token embedding. Defaults
            to `"uniform"`.
        position_initializer: Initializer of the position embedding. Defaults
            to `"glorot_uniform"`.
        **kwargs: Base layer arguments (`name`, `dtype`, `trainable`).

    Input shape:
        Integer tensor `(batch, steps)` with `steps <= sequence_length`.

    Output shape:
        `(batch, steps, embedding_dim)`.

    Raises:
        ShapeError: if the input is longer than `sequence_length`.

    Example:

    ```python
    layer = clara_keras.layers.PositionalEmbeddingLayer(vocabulary_size=100, sequence_length=16, embedding_dim=8)
    y = layer(np.array([[5, 9, 3, 0]]))  # shape (1, 4, 8)
    ```
    """

    def __init__(
        self,
        vocabulary_size: int,
        sequence_length: int,
        embedding_dim: int,
        mask_zero: bool = False,
        embeddings_initializer="uniform",
        position_initializer="glorot_uniform",
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.vocabulary_size = check_positive_int("vocabulary_size", vocabulary_size)
        self.sequence_length = check_positive_int("sequence_length", sequence_length)
        self.embedding_dim = check_positive_int("embedding_dim", embedding_dim)
        self.mask_zero = bool(mask_zero)
        self.embeddings_initializer = keras.initializers.get(embeddings_initializer)
        self.position_initializer = keras.initializers.get(position_initializer)
        self.token_embedding = keras.layers.Embedding(
            self.vocabulary_size,
            self.embedding_dim,
            embeddings_initializer=self.embeddings_initializer,
            mask_zero=self.mask_zero,
            dtype=self.dtype_policy,
            name="token_embedding",
        )
        self.supports_masking = self.mask_zero

    def _check_length(self, input_shape):
        steps = input_shape[1] if len(input_shape) > 1 else None
        if len(input_shape) != 2 or (steps is not None and steps > self.sequence_length):
            raise ShapeError(
                f"Layer '{self.name}' expects token ids of shape (batch, steps) with steps <= "
                f"sequence_length={self.sequence_length}. Received input shape {tuple(input_shape)}."
            )

    def build(self, input_shape):
        self._check_length(input_shape)
        self.token_embedding.build(input_shape)
        self.position_embedding = self.add_weight(
            name="position_embedding",
            shape=(self.sequence_length, self.embedding_dim),
            initializer=self.position_initializer,
            trainable=True,
        )

    def call(self, inputs):
        self._check_length(inputs.shape)
        tokens = self.token_embedding(inputs)
        steps = ops.shape(inputs)[1]
        positions = ops.slice(ops.convert_to_tensor(self.position_embedding), (0, 0), (steps, self.embedding_dim))
        return tokens + ops.cast(ops.expand_dims(positions, 0), tokens.dtype)

    def compute_mask(self, inputs, mask=None):
        if not self.mask_zero:
            return None
        return ops.not_equal(inputs, 0)

    def compute_output_shape(self, input_shape):
        return (*tuple(input_shape), self.embedding_dim)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "vocabulary_size": self.vocabulary_size,
                "sequence_length": self.sequence_length,
                "embedding_dim": self.embedding_dim,
                "mask_zero": self.mask_zero,
                "embeddings_initializer": keras.initializers.serialize(self.embeddings_initializer),
                "position_initializer": keras.initializers.serialize(self.position_initializer),
            }
        )
        return config
