from __future__ import annotations

import keras

from clara_keras.api_export import clara_export
from clara_keras.layers._checks import check_positive_float


@clara_export("clara_keras.layers.LayerNormalizationLayer")
class LayerNormalizationLayer(keras.layers.LayerNormalization):
    """Layer normalization: `keras.layers.LayerNormalization` under Clara's name.

    Normalizes each sample over `axis` (statistics in float32 under mixed
    precision, as Keras does).

    Args:
        axis: Integer or list of integers, the axes to normalize. Defaults to `-1`.
        epsilon: Float, positive, added to the variance. Defaults to `1e-3`.
        center: Bool, add a learned offset `beta`. Defaults to `True`.
        scale: Bool, multiply by a learned `gamma`. Defaults to `True`.
        **kwargs: Every other `keras.layers.LayerNormalization` argument.

    Input shape:
        Any.

    Output shape:
        Same as the input.

    Example:

    ```python
    y = clara_keras.layers.LayerNormalizationLayer()(np.ones((2, 5, 8)))  # shape (2, 5, 8)
    ```
    """

    def __init__(self, axis=-1, epsilon: float = 1e-3, center: bool = True, scale: bool = True, **kwargs):
        super().__init__(
            axis=axis, epsilon=check_positive_float("epsilon", epsilon), center=center, scale=scale, **kwargs
        )
