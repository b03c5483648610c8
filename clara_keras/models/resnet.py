"""A small, configurable ResNet (He et al., 2016) from Clara layers."""

from __future__ import annotations

from collections.abc import Sequence

from clara_keras import layers as cl
from clara_keras.errors import ConfigError
from clara_keras.layers._checks import check_positive_int
from clara_keras.models.model import Model

__all__ = ["resnet"]


def resnet(
    num_classes: int = 10,
    input_shape=None,
    depth: int = 20,
    stage_filters: Sequence[int] = (16, 32, 64),
    name: str = "resnet",
) -> Model:
    """The CIFAR-style ResNet: a 3x3 stem, stages of `ResidualBlock`s, global average pooling, dense.

    With `s = len(stage_filters)` stages of `n` blocks each, the network has
    `depth = 2 * s * n + 2` weighted layers (ResNet-20/32/44/56 for 3 stages).
    Each stage after the first halves the spatial size.

    Args:
        num_classes: Integer, number of classes. Defaults to `10`.
        input_shape: Optional tuple `(rows, cols, channels)`; inferred if `None`.
        depth: Integer, `2 * len(stage_filters) * n + 2` for a positive `n`.
            Defaults to `20`.
        stage_filters: Channels of each stage. Defaults to `(16, 32, 64)`.
        name: String, model name.

    Returns:
        An uncompiled `clara_keras.Model(type="classification")` outputting logits.

    Raises:
        ConfigError: if `depth` does not fit `stage_filters`.

    Example:

    ```python
    model = clara_keras.models.resnet(num_classes=10, input_shape=(32, 32, 3), depth=20)
    ```
    """
    num_classes = check_positive_int("num_classes", num_classes)
    filters = [check_positive_int("stage_filters", f) for f in stage_filters]
    depth = check_positive_int("depth", depth)
    per_stage = 2 * len(filters)
    if not filters or (depth - 2) % per_stage or depth <= 2:
        valid = ", ".join(str(per_stage * n + 2) for n in range(1, 5)) if filters else "none"
        raise ConfigError(
            f"Received an invalid value for `depth`, expected 2 * len(stage_filters) * n + 2 for n >= 1 "
            f"({valid}, ... for {len(filters)} stages). Received: depth={depth}"
        )
    blocks = (depth - 2) // per_stage
    model = Model(type="classification", input_shape=input_shape, name=name)
    model.add(cl.ConvBlock(filters=filters[0], kernel_size=3, name="stem"))
    for s, stage in enumerate(filters):
        for b in range(blocks):
            strides = 2 if s > 0 and b == 0 else 1
            model.add(cl.ResidualBlock(filters=stage, strides=strides, name=f"stage{s + 1}_block{b + 1}"))
    model.add(cl.GlobalAveragePoolingLayer(name="avg_pool"))
    model.add(cl.DenseLayer(units=num_classes, name="logits"))
    return model
