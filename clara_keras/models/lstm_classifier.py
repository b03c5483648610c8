"""A recurrent text classifier from Clara layers."""

from __future__ import annotations

import keras

from clara_keras import layers as cl
from clara_keras.layers._checks import check_positive_int
from clara_keras.layers._checks import check_rate
from clara_keras.models.model import Model

__all__ = ["lstm_classifier"]


def lstm_classifier(
    num_classes: int,
    vocabulary_size: int,
    sequence_length: int | None = None,
    embedding_dim: int = 64,
    units: int = 64,
    num_layers: int = 1,
    bidirectional: bool = True,
    dropout_prob: float = 0.3,
    name: str = "lstm_classifier",
) -> Model:
    """Token ids -> masked embedding -> (bidirectional) LSTM stack -> dense classifier.

    Token `0` is padding: the embedding emits a mask, so padded steps do not
    change the LSTM state.

    Args:
        num_classes: Integer, number of classes.
        vocabulary_size: Integer, number of token ids (largest id + 1).
        sequence_length: Optional integer, padded length; inferred if `None`.
        embedding_dim: Integer. Defaults to `64`.
        units: Integer, LSTM units (per direction). Defaults to `64`.
        num_layers: Integer, stacked LSTM layers. Defaults to `1`.
        bidirectional: Bool, wrap each LSTM in `BidirectionalLayer`. Defaults to `True`.
        dropout_prob: Float in [0, 1), dropout before the output. Defaults to `0.3`.
        name: String, model name.

    Returns:
        An uncompiled `clara_keras.Model(type="classification")` outputting logits.

    Example:

    ```python
    model = clara_keras.models.lstm_classifier(num_classes=2, vocabulary_size=20000)
    ```
    """
    num_layers = check_positive_int("num_layers", num_layers)
    model = Model(type="classification", name=name)
    if sequence_length is not None:
        model.add(keras.Input(shape=(check_positive_int("sequence_length", sequence_length),), dtype="int32"))
    model.add(cl.EmbeddingLayer(vocabulary_size, embedding_dim, mask_zero=True, name="embedding"))
    for i in range(1, num_layers + 1):
        lstm = cl.LSTMLayer(units=units, return_sequences=i < num_layers, name=f"lstm{i}")
        model.add(cl.BidirectionalLayer(lstm, name=f"bidirectional{i}") if bidirectional else lstm)
    model.add(cl.DropoutLayer(dropout_prob=check_rate("dropout_prob", dropout_prob), name="dropout"))
    model.add(cl.DenseLayer(units=check_positive_int("num_classes", num_classes), name="logits"))
    return model
