"""A configurable VGG (Simonyan & Zisserman, 2014) from Clara layers."""

from __future__ import annotations

from collections.abc import Sequence

from clara_keras import layers as cl
from clara_keras.errors import ConfigError
from clara_keras.layers._checks import check_positive_int
from clara_keras.layers._checks import check_rate
from clara_keras.models.model import Model

__all__ = ["vgg"]

_VGG16 = ((64, 2), (128, 2), (256, 3), (512, 3), (512, 3))


def vgg(
    num_classes: int = 1000,
    input_shape=None,
    blocks: Sequence[tuple[int, int]] = _VGG16,
    dense_units: Sequence[int] = (4096, 4096),
    dropout_prob: float = 0.5,
    batch_norm: bool = False,
    name: str = "vgg",
) -> Model:
    """VGG: stacks of 3x3 `same` convolutions, each stack followed by a 2x2 max pool, then dense layers.

    The defaults are VGG-16 (`blocks=((64, 2), (128, 2), (256, 3), (512, 3), (512, 3))`);
    small variants for small images are one argument away, e.g.
    `vgg(10, (32, 32, 3), blocks=((32, 2), (64, 2)), dense_units=(128,))`.

    Args:
        num_classes: Integer, number of classes. Defaults to `1000`.
        input_shape: Optional tuple `(rows, cols, channels)`; inferred from the
            first data if `None`. Each block halves rows and cols, so they
            must be at least `2 ** len(blocks)`.
        blocks: Sequence of `(filters, num_convs)` pairs, one per stage.
        dense_units: Sizes of the hidden dense layers. Defaults to `(4096, 4096)`.
        dropout_prob: Float in [0, 1), dropout after each hidden dense layer.
            Defaults to `0.5`.
        batch_norm: Bool, use `ConvBlock` (conv-BN-ReLU) instead of plain
            conv-ReLU. Defaults to `False`.
        name: String, model name.

    Returns:
        An uncompiled `clara_keras.Model(type="classification")` outputting logits.

    Raises:
        ConfigError: if `blocks` is empty or malformed.

    Example:

    ```python
    model = clara_keras.models.vgg(10, (32, 32, 3), blocks=((16, 1), (32, 1)), dense_units=(64,))
    ```
    """
    num_classes = check_positive_int("num_classes", num_classes)
    dropout_prob = check_rate("dropout_prob", dropout_prob)
    try:
        stages = [(check_positive_int("filters", f), check_positive_int("num_convs", n)) for f, n in blocks]
    except (TypeError, ValueError) as err:
        raise ConfigError(
            f"Received an invalid value for `blocks`, expected a sequence of (filters, num_convs) pairs of "
            f"positive integers. Received: blocks={blocks!r}"
        ) from err
    if not stages:
        raise ConfigError(
            "Received an invalid value for `blocks`: it must have at least one (filters, num_convs) pair."
        )
    model = Model(type="classification", input_shape=input_shape, name=name)
    for i, (filters, num_convs) in enumerate(stages, start=1):
        for j in range(1, num_convs + 1):
            conv_name = f"block{i}_conv{j}"
            if batch_norm:
                model.add(cl.ConvBlock(filters=filters, kernel_size=3, name=conv_name))
            else:
                model.add(
                    cl.Conv2DLayer(filters=filters, kernel_size=3, padding="same", activation="relu", name=conv_name)
                )
        model.add(cl.MaxPooling2DLayer(pool_size=2, name=f"block{i}_pool"))
    model.add(cl.Flatten(name="flatten"))
    for k, units in enumerate(dense_units, start=1):
        model.add(cl.DenseLayer(units=check_positive_int("dense_units", units), activation="relu", name=f"fc{k}"))
        model.add(cl.DropoutLayer(dropout_prob=dropout_prob, name=f"dropout{k}"))
    model.add(cl.DenseLayer(units=num_classes, name="logits"))
    return model
