"""AlexNet (Krizhevsky et al., 2012) as in the Clara seed, from Clara layers."""

from __future__ import annotations

from clara_keras import layers as cl
from clara_keras.layers._checks import check_positive_int
from clara_keras.layers._checks import check_rate
from clara_keras.models.model import Model

__all__ = ["alexnet"]


def alexnet(
    num_classes: int = 1000, input_shape=(227, 227, 3), dropout_prob: float = 0.5, name: str = "alexnet"
) -> Model:
    """AlexNet, layer for layer as in the Clara seed.

    96 11x11 stride-4 convolution, batch norm, 3x3 stride-2 max pool; 256 5x5
    convolution, batch norm, max pool; 384, 384 and 256 3x3 convolutions with
    batch norm; max pool; flatten; 4096 and 4096 dense layers each followed by
    dropout; `num_classes` softmax outputs. With the 227x227x3 input the last
    feature map is 6x6x256.

    Args:
        num_classes: Integer, number of classes. Defaults to `1000`.
        input_shape: Tuple, image shape. Defaults to `(227, 227, 3)`.
        dropout_prob: Float in [0, 1), dropout after each 4096 dense layer.
            Defaults to `0.5`.
        name: String, model name.

    Returns:
        An uncompiled `clara_keras.Model(type="classification")` with softmax
        outputs (`compile()` then uses `from_logits=False`).

    Example:

    ```python
    model = clara_keras.models.alexnet(num_classes=10)
    model.set_params({"lr": 0.01, "regularizer": {"name": "l2", "value": 5e-4}, "optimizer": "sgd"})
    model.compile()
    ```
    """
    num_classes = check_positive_int("num_classes", num_classes)
    dropout_prob = check_rate("dropout_prob", dropout_prob)
    model = Model(type="classification", input_shape=input_shape, name=name)
    model.add(cl.Conv2DLayer(filters=96, kernel_size=(11, 11), strides=(4, 4), activation="relu", name="conv1"))
    model.add(cl.BatchNormalizationLayer(name="bn1"))
    model.add(cl.MaxPooling2DLayer(pool_size=(3, 3), strides=(2, 2), name="pool1"))
    model.add(cl.Conv2DLayer(filters=256, kernel_size=(5, 5), padding="same", activation="relu", name="conv2"))
    model.add(cl.BatchNormalizationLayer(name="bn2"))
    model.add(cl.MaxPooling2DLayer(pool_size=(3, 3), strides=(2, 2), name="pool2"))
    model.add(cl.Conv2DLayer(filters=384, kernel_size=(3, 3), padding="same", activation="relu", name="conv3"))
    model.add(cl.BatchNormalizationLayer(name="bn3"))
    model.add(cl.Conv2DLayer(filters=384, kernel_size=(3, 3), padding="same", activation="relu", name="conv4"))
    model.add(cl.BatchNormalizationLayer(name="bn4"))
    model.add(cl.Conv2DLayer(filters=256, kernel_size=(3, 3), padding="same", activation="relu", name="conv5"))
    model.add(cl.BatchNormalizationLayer(name="bn5"))
    model.add(cl.MaxPooling2DLayer(pool_size=(3, 3), strides=(2, 2), name="pool5"))
    model.add(cl.Flatten(name="flatten"))
    model.add(cl.DenseLayer(units=4096, activation="relu", name="fc6"))
    model.add(cl.DropoutLayer(dropout_prob=dropout_prob, name="dropout6"))
    model.add(cl.DenseLayer(units=4096, activation="relu", name="fc7"))
    model.add(cl.DropoutLayer(dropout_prob=dropout_prob, name="dropout7"))
    model.add(cl.DenseLayer(units=num_classes, activation="softmax", name="predictions"))
    return model
