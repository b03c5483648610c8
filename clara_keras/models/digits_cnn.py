"""The small CNN that the main job trains on the embedded digits."""

from __future__ import annotations

from clara_keras import layers as cl
from clara_keras.models.model import Model

__all__ = ["digits_cnn"]


def digits_cnn(
    num_classes: int = 10, input_shape=(8, 8, 1), dropout_prob: float = 0.3, name: str = "digits_cnn"
) -> Model:
    """A compact conv-BN-pool CNN for 8x8 grey images, built from Clara layers.

    Args:
        num_classes: Integer, number of classes. Defaults to `10`.
        input_shape: Tuple, image shape. Defaults to `(8, 8, 1)`.
        dropout_prob: Float, dropout before the classifier. Defaults to `0.3`.
        name: String, model name.

    Returns:
        An uncompiled `clara_keras.Model(type='classification')` that outputs logits.
    """
    model = Model(type="classification", input_shape=input_shape, name=name)
    model.add(cl.Conv2DLayer(filters=32, kernel_size=(3, 3), padding="same", activation="relu"))
    model.add(cl.BatchNormalizationLayer(momentum=0.9))
    model.add(cl.Conv2DLayer(filters=32, kernel_size=(3, 3), padding="same", activation="relu"))
    model.add(cl.MaxPooling2DLayer(pool_size=(2, 2)))
    model.add(cl.Conv2DLayer(filters=64, kernel_size=(3, 3), padding="same", activation="relu"))
    model.add(cl.BatchNormalizationLayer(momentum=0.9))
    model.add(cl.MaxPooling2DLayer(pool_size=(2, 2)))
    model.add(cl.Flatten())
    model.add(cl.DenseLayer(units=128, activation="relu"))
    model.add(cl.DropoutLayer(dropout_prob=dropout_prob))
    model.add(cl.DenseLayer(units=num_classes))
    return model
