"""A convolutional text classifier from Clara layers."""

from __future__ import annotations

import keras

from clara_keras import layers as cl
from clara_keras.layers._checks import check_positive_int
from clara_keras.layers._checks import check_rate
from clara_keras.models.model import Model

__all__ = ["text_cnn"]


def text_cnn(
    num_classes: int,
    vocabulary_size: int,
    sequence_length: int | None = None,
    embedding_dim: int = 128,
    filters: int = 128,
    kernel_size: int = 5,
    num_conv_layers: int = 2,
    hidden_units: int = 64,
    dropout_prob: float = 0.5,
    name: str = "text_cnn",
) -> Model:
    """Token ids -> embedding -> 1-D convolutions -> global max pooling -> dense classifier.

    A sequential variant of Kim (2014), "Convolutional Neural Networks for
    Sentence Classification": stacked 1-D convolutions (with 2x max pooling
    between them) instead of parallel ones, so it stays a `clara_keras.Model`.
    Token `0` is padding.

    Args:
        num_classes: Integer, number of classes.
        vocabulary_size: Integer, number of token ids (largest id + 1).
        sequence_length: Optional integer, padded sequence length; inferred if `None`.
        embedding_dim: Integer. Defaults to `128`.
        filters: Integer, channels of each convolution. Defaults to `128`.
        kernel_size: Integer, window of each convolution. Defaults to `5`.
        num_conv_layers: Integer, number of convolutions. Defaults to `2`.
        hidden_units: Integer, the dense layer before the output. Defaults to `64`.
        dropout_prob: Float in [0, 1). Defaults to `0.5`.
        name: String, model name.

    Returns:
        An uncompiled `clara_keras.Model(type="classification")` outputting logits.

    Example:

    ```python
    model = clara_keras.models.text_cnn(num_classes=2, vocabulary_size=20000, sequence_length=200)
    ```
    """
    model = Model(type="classification", name=name)
    if sequence_length is not None:
        model.add(keras.Input(shape=(check_positive_int("sequence_length", sequence_length),), dtype="int32"))
    model.add(cl.EmbeddingLayer(vocabulary_size, embedding_dim, name="embedding"))
    model.add(cl.DropoutLayer(dropout_prob=check_rate("dropout_prob", dropout_prob) / 2, name="embedding_dropout"))
    for i in range(1, check_positive_int("num_conv_layers", num_conv_layers) + 1):
        model.add(
            cl.Conv1DLayer(filters=filters, kernel_size=kernel_size, padding="same", activation="relu", name=f"conv{i}")
        )
        if i < num_conv_layers:
            model.add(cl.MaxPooling1DLayer(pool_size=2, padding="same", name=f"pool{i}"))
    model.add(cl.GlobalMaxPoolingLayer(name="global_max_pool"))
    model.add(cl.DenseLayer(units=hidden_units, activation="relu", name="hidden"))
    model.add(cl.DropoutLayer(dropout_prob=dropout_prob, name="dropout"))
    model.add(cl.DenseLayer(units=check_positive_int("num_classes", num_classes), name="logits"))
    return model
