"""One decorator that makes a class public *and* saveable.

``@clara_export("clara_keras.layers.DenseLayer")`` registers the class with
``keras.saving.register_keras_serializable(package="clara_keras")`` so that no
public layer, metric or callback can be forgotten by the serializer.
"""

from __future__ import annotations

import keras

PACKAGE = "clara_keras"


def clara_export(path: str):
    """Register ``cls`` as ``clara_keras>ClassName`` and record its public path."""

    def decorator(cls):
        cls._clara_public_path = path
        return keras.saving.register_keras_serializable(package=PACKAGE)(cls)

    return decorator
