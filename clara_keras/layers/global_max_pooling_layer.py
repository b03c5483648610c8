from __future__ import annotations

from keras import ops

from clara_keras.api_export import clara_export
from clara_keras.layers._global_pooling import GlobalPooling


@clara_export("clara_keras.layers.GlobalMaxPoolingLayer")
class GlobalMaxPoolingLayer(GlobalPooling):
    """Global max pooling for 1-D, 2-D or 3-D inputs; the rank is inferred from the input.

    One layer instead of Keras's `GlobalMaxPooling1D/2D/3D`. For sequences
    (3-D inputs) the Keras mask is honoured, which Keras's
    `GlobalMaxPooling1D` does not do: padded steps never win the max.

    Args:
        data_format: `"channels_last"` or `"channels_first"`. Defaults to
            `keras.config.image_data_format()`.
        keepdims: Bool, keep the pooled axes with length 1. Defaults to `False`.
        **kwargs: Base layer arguments (`name`, `dtype`).

    Input shape:
        3-D, 4-D or 5-D tensor (channels last: `(batch, ..., channels)`).

    Output shape:
        2-D tensor `(batch, channels)`, or with `keepdims=True` the input rank
        with every spatial axis of length 1.

    Raises:
        ShapeError: at build time if the input is not 3-D, 4-D or 5-D.

    Example:

    ```python
    pool = clara_keras.layers.GlobalMaxPoolingLayer()
    pool(np.ones((2, 4, 4, 3))).shape     # (2, 3)
    ```
    """

    def _reduce(self, inputs, axes, mask):
        if mask is not None:
            lowest = ops.cast(ops.min(inputs), inputs.dtype) - ops.cast(1, inputs.dtype)
            inputs = ops.where(mask > 0, inputs, lowest)
        return ops.max(inputs, axis=axes, keepdims=self.keepdims)
