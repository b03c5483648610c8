"""Shared argument checks of the three Clara recurrent layers (private)."""

from __future__ import annotations

from clara_keras.layers._checks import check_activation
from clara_keras.layers._checks import check_positive_int
from clara_keras.layers._checks import check_rate


def checked_recurrent_args(units, activation, dropout, recurrent_dropout) -> dict:
    """The arguments every Keras recurrent layer takes, validated (`ConfigError` naming a bad one)."""
    return {
        "units": check_positive_int("units", units),
        "activation": check_activation(activation),
        "dropout": check_rate("dropout", dropout),
        "recurrent_dropout": check_rate("recurrent_dropout", recurrent_dropout),
    }
