from __future__ import annotations

import keras

from clara_keras.api_export import clara_export
from clara_keras.errors import ConfigError
from clara_keras.layers._checks import check_rate


@clara_export("clara_keras.layers.DropoutLayer")
class DropoutLayer(keras.layers.Dropout):
    """Dropout with Clara's argument name: `DropoutLayer(dropout_prob=0.5)`.

    Args:
        dropout_prob: Float in [0, 1), the probability of dropping a unit
            during training. `rate=` (Keras's name) is accepted too. Defaults to `0.5`.
        noise_shape: Optional shape of the binary dropout mask.
        seed: Optional integer seed.

    Input shape:
        Any.

    Output shape:
        Same as the input.

    Example:

    ```python
    layer = clara_keras.layers.DropoutLayer(dropout_prob=0.5)
    ```
    """

    def __init__(
        self, dropout_prob: float | None = None, noise_shape=None, seed=None, rate: float | None = None, **kwargs
    ):
        if dropout_prob is not None and rate is not None and float(dropout_prob) != float(rate):
            raise ConfigError(
                f"Pass either `dropout_prob` or `rate`, not two different values. Received: dropout_prob={dropout_prob!r}, rate={rate!r}"
            )
        value = dropout_prob if dropout_prob is not None else (rate if rate is not None else 0.5)
        value = check_rate("dropout_prob", value)
        super().__init__(rate=value, noise_shape=noise_shape, seed=seed, **kwargs)
        self.dropout_prob = value

    def get_config(self):
        config = super().get_config()
        config.pop("rate", None)
        config["dropout_prob"] = self.dropout_prob
        return config
