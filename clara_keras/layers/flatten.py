from __future__ import annotations

import keras

from clara_keras.api_export import clara_export


@clara_export("clara_keras.layers.Flatten")
class Flatten(keras.layers.Flatten):
    """Flattens every axis but the batch axis: `keras.layers.Flatten` under Clara's name.

    Input shape:
        N-D tensor `(batch, ...)`.

    Output shape:
        2-D tensor `(batch, prod(...))`.

    Example:

    ```python
    y = clara_keras.layers.Flatten()(np.ones((2, 4, 4, 3)))  # shape (2, 48)
    ```
    """
