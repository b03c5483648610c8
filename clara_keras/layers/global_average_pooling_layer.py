from __future__ import annotations

from keras import ops

from clara_keras.api_export import clara_export
from clara_keras.layers._global_pooling import GlobalPooling


@clara_export("clara_keras.layers.GlobalAveragePoolingLayer")
class GlobalAveragePoolingLayer(GlobalPooling):
    """Global average pooling for 1-D, 2-D or 3-D inputs; the rank is inferred from the input.

    Keras has `GlobalAveragePooling1D/2D/3D`; this one layer replaces the
    three, so a model can change its input rank without changing layers. For
    sequences (3-D inputs) the Keras mask (e.g. from
    `EmbeddingLayer(mask_zero=True)`) is honoured: padded steps are left out
    of the mean.

    Args:
        data_format: `"channels_last"` or `"channels_first"`. Defaults to
            `keras.config.image_data_format()`.
        keepdims: Bool, keep the pooled axes with length 1. Defaults to `False`.
        **kwargs: Base layer arguments (`name`, `dtype`).

    Input shape:
        3-D `(batch, steps, channels)`, 4-D `(batch, rows, cols, channels)`
        or 5-D `(batch, d1, d2, d3, channels)` tensor (channels last).

    Output shape:
        2-D tensor `(batch, channels)`, or with `keepdims=True` the input rank
        with every spatial axis of length 1.

    Raises:
        ShapeError: at build time if the input is not 3-D, 4-D or 5-D.

    Example:

    ```python
    pool = clara_keras.layers.GlobalAveragePoolingLayer()
    pool(np.ones((2, 5, 3))).shape        # (2, 3)
    pool(np.ones((2, 4, 4, 3))).shape     # (2, 3)
    ```
    """

    def _reduce(self, inputs, axes, mask):
        if mask is None:
            return ops.mean(inputs, axis=axes, keepdims=self.keepdims)
        total = ops.sum(inputs * mask, axis=axes, keepdims=self.keepdims)
        count = ops.sum(mask, axis=axes, keepdims=self.keepdims)
        return total / ops.maximum(count, ops.cast(1, count.dtype))
