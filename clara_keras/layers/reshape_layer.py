from __future__ import annotations

import math
import numbers

import keras

from clara_keras.api_export import clara_export
from clara_keras.errors import ConfigError
from clara_keras.errors import ShapeError


def _check_target_shape(target_shape) -> tuple[int, ...]:
    try:
        dims = tuple(target_shape)
    except TypeError:
        dims = None
    ok = dims is not None and all(
        isinstance(d, numbers.Integral) and not isinstance(d, bool) and (d > 0 or d == -1) for d in dims
    )
    if not ok or sum(1 for d in dims if d == -1) > 1:
        raise ConfigError(
            "Received an invalid value for `target_shape`, expected a tuple of positive integers with at most "
            f"one -1 (the batch axis excluded). Received: target_shape={target_shape!r}"
        )
    return tuple(int(d) for d in dims)


@clara_export("clara_keras.layers.ReshapeLayer")
class ReshapeLayer(keras.layers.Reshape):
    """Reshapes every sample: `keras.layers.Reshape` under Clara's name.

    Args:
        target_shape: Tuple of integers, the new shape without the batch axis;
            one entry may be `-1` (inferred).
        **kwargs: Base layer arguments (`name`, `dtype`).

    Input shape:
        `(batch, ...)`, with a known number of elements per sample.

    Output shape:
        `(batch, *target_shape)`.

    Raises:
        ConfigError: if `target_shape` is not a tuple of positive integers
            (with at most one `-1`).
        ShapeError: if the number of elements of a sample does not fit
            `target_shape`.

    Example:

    ```python
    y = clara_keras.layers.ReshapeLayer((2, 6))(np.ones((4, 12)))  # shape (4, 2, 6)
    ```
    """

    def __init__(self, target_shape, **kwargs):
        super().__init__(target_shape=_check_target_shape(target_shape), **kwargs)

    def _check_fits(self, input_shape):
        sample = tuple(input_shape)[1:]
        if any(d is None for d in sample):
            return
        size = math.prod(sample)
        known = math.prod(d for d in self.target_shape if d != -1)
        fits = size % known == 0 if -1 in self.target_shape else size == known
        if not fits:
            raise ShapeError(
                f"Layer '{self.name}' cannot reshape a sample of shape {sample} ({size} elements) to "
                f"target_shape={self.target_shape}. The number of elements must match."
            )

    def compute_output_shape(self, input_shape):
        self._check_fits(input_shape)
        return super().compute_output_shape(input_shape)

    def call(self, inputs):
        self._check_fits(inputs.shape)
        return super().call(inputs)
