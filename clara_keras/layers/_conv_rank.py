"""Convolution class for an input rank (private; used by the blocks that infer their rank)."""

from __future__ import annotations

import keras

from clara_keras.layers._checks import check_input_rank

_CONVS = {3: keras.layers.Conv1D, 4: keras.layers.Conv2D, 5: keras.layers.Conv3D}


def conv_for_input(layer_name: str, input_shape):
    """`keras.layers.Conv1D/2D/3D` for a 3-D/4-D/5-D input shape (batch axis included)."""
    check_input_rank(layer_name, input_shape, tuple(_CONVS))
    return _CONVS[len(input_shape)]


def conv_output_shape(input_shape, filters: int, kernel_size: int, strides: int, padding: str):
    """Channels-last output shape of a convolution with a square kernel and stride."""
    spatial = []
    for dim in tuple(input_shape)[1:-1]:
        if dim is None:
            spatial.append(None)
        elif padding == "same":
            spatial.append(-(-dim // strides))
        else:
            spatial.append((dim - kernel_size) // strides + 1)
    return (input_shape[0], *spatial, filters)
