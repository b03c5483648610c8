"""LeNet-5 (LeCun et al., 1998) from Clara layers."""

from __future__ import annotations

from clara_keras import layers as cl
from clara_keras.layers._checks import check_positive_int
from clara_keras.models.model import Model

__all__ = ["lenet"]


def lenet(num_classes: int = 10, input_shape=None, activation: str = "tanh", name: str = "lenet") -> Model:
    """LeNet-5: two conv + average-pool stages, then 120-84-`num_classes` dense layers.

    The first convolution uses `padding="same"`, so 28x28 (MNIST) and 32x32
    inputs both work; for other sizes the input must be at least 12x12.

    Args:
        num_classes: Integer, number of classes. Defaults to `10`.
        input_shape: Optional tuple `(rows, cols, channels)`; inferred from
            the first data if `None`.
        activation: Hidden activation; LeNet used `"tanh"`. Defaults to `"tanh"`.
        name: String, model name.

    Returns:
        An uncompiled `clara_keras.Model(type="classification")` that outputs
        logits; `model.compile()` picks the matching loss.

    Example:

    ```python
    model = clara_keras.models.lenet(num_classes=10, input_shape=(28, 28, 1))
    model.compile()
    ```
    """
    model = Model(type="classification", input_shape=input_shape, name=name)
    model.add(cl.Conv2DLayer(filters=6, kernel_size=5, padding="same", activation=activation, name="conv1"))
    model.add(cl.AveragePooling2DLayer(pool_size=2, name="pool1"))
    model.add(cl.Conv2DLayer(filters=16, kernel_size=5, activation=activation, name="conv2"))
    model.add(cl.AveragePooling2DLayer(pool_size=2, name="pool2"))
    model.add(cl.Flatten(name="flatten"))
    model.add(cl.DenseLayer(units=120, activation=activation, name="fc1"))
    model.add(cl.DenseLayer(units=84, activation=activation, name="fc2"))
    model.add(cl.DenseLayer(units=check_positive_int("num_classes", num_classes), name="logits"))
    return model
