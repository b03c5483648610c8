from __future__ import annotations

import keras

from clara_keras.api_export import clara_export
from clara_keras.layers._checks import check_rate


@clara_export("clara_keras.layers.BatchNormalizationLayer")
class BatchNormalizationLayer(keras.layers.BatchNormalization):
    """Batch normalization: `keras.layers.BatchNormalization` under Clara's name.

    Args:
        axis: Integer, the feature axis. Defaults to `-1`.
        momentum: Float in [0, 1), momentum of the moving statistics. Defaults to `0.99`.
        epsilon: Float, added to the variance. Defaults to `1e-3`.
        **kwargs: Every other `keras.layers.BatchNormalization` argument.

    Input shape:
        Any.

    Output shape:
        Same as the input.

    Example:

    ```python
    layer = clara_keras.layers.BatchNormalizationLayer()
    ```
    """

    def __init__(self, axis: int = -1, momentum: float = 0.99, epsilon: float = 1e-3, **kwargs):
        super().__init__(axis=axis, momentum=check_rate("momentum", momentum), epsilon=epsilon, **kwargs)
