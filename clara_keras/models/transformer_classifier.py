"""A transformer-encoder text classifier from Clara layers."""

from __future__ import annotations

import keras

from clara_keras import layers as cl
from clara_keras.layers._checks import check_positive_int
from clara_keras.layers._checks import check_rate
from clara_keras.models.model import Model

__all__ = ["transformer_classifier"]


def transformer_classifier(
    num_classes: int,
    vocabulary_size: int,
    sequence_length: int,
    embedding_dim: int = 64,
    num_heads: int = 4,
    intermediate_dim: int = 128,
    num_layers: int = 2,
    dropout: float = 0.1,
    normalize_first: bool = False,
    name: str = "transformer_classifier",
) -> Model:
    """Token ids -> token + position embedding -> transformer encoders -> masked mean -> dense.

    Token `0` is padding: it is masked in every attention layer and left out
    of the average.

    Args:
        num_classes: Integer, number of classes.
        vocabulary_size: Integer, number of token ids (largest id + 1).
        sequence_length: Integer, the longest (padded) sequence; it sizes the
            position embedding.
        embedding_dim: Integer, model width; divisible by `num_heads`. Defaults to `64`.
        num_heads: Integer. Defaults to `4`.
        intermediate_dim: Integer, feed-forward width. Defaults to `128`.
        num_layers: Integer, number of encoder blocks. Defaults to `2`.
        dropout: Float in [0, 1). Defaults to `0.1`.
        normalize_first: Bool, pre-LN encoders. Defaults to `False`.
        name: String, model name.

    Returns:
        An uncompiled `clara_keras.Model(type="classification")` outputting logits.

    Example:

    ```python
    model = clara_keras.models.transformer_classifier(num_classes=2, vocabulary_size=20000, sequence_length=128)
    ```
    """
    sequence_length = check_positive_int("sequence_length", sequence_length)
    dropout = check_rate("dropout", dropout)
    model = Model(type="classification", name=name)
    model.add(keras.Input(shape=(sequence_length,), dtype="int32"))
    model.add(
        cl.PositionalEmbeddingLayer(
            vocabulary_size=vocabulary_size,
            sequence_length=sequence_length,
            embedding_dim=embedding_dim,
            mask_zero=True,
            name="embedding",
        )
    )
    for i in range(1, check_positive_int("num_layers", num_layers) + 1):
        model.add(
            cl.TransformerEncoderLayer(
                intermediate_dim=intermediate_dim,
                num_heads=num_heads,
                dropout=dropout,
                normalize_first=normalize_first,
                name=f"encoder{i}",
            )
        )
    model.add(cl.GlobalAveragePoolingLayer(name="masked_mean"))
    model.add(cl.DropoutLayer(dropout_prob=dropout, name="dropout"))
    model.add(cl.DenseLayer(units=check_positive_int("num_classes", num_classes), name="logits"))
    return model
