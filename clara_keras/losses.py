"""Losses the model types imply (see `clara_keras.Model.compile`)."""

from __future__ import annotations

import keras
from keras import ops

from clara_keras.api_export import clara_export

__all__ = ["ClassificationCrossentropy"]


def _is_one_hot(y_true, y_pred) -> bool:
    return len(y_true.shape) == len(y_pred.shape) and y_true.shape[-1] == y_pred.shape[-1] and y_pred.shape[-1] != 1


@clara_export("clara_keras.losses.ClassificationCrossentropy")
class ClassificationCrossentropy(keras.losses.Loss):
    """Cross-entropy that accepts integer labels *or* one-hot labels.

    Keras has separate `CategoricalCrossentropy` and `SparseCategoricalCrossentropy`;
    Clara classification models accept both label forms, so the form is read
    from the (static) label shape: one-hot when labels have the prediction's
    shape, integer class ids otherwise.

    Args:
        from_logits: Bool, whether predictions are logits. Defaults to `True`.
        label_smoothing: Float in [0, 1), only for one-hot labels. Defaults to `0.0`.
    """

    def __init__(
        self,
        from_logits: bool = True,
        label_smoothing: float = 0.0,
        name: str = "classification_crossentropy",
        **kwargs,
    ):
        super().__init__(name=name, **kwargs)
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing

    def call(self, y_true, y_pred):
        y_pred = ops.convert_to_tensor(y_pred)
        y_true = ops.convert_to_tensor(y_true)
        if _is_one_hot(y_true, y_pred):
            y_true = ops.cast(y_true, y_pred.dtype)
            if self.label_smoothing:
                k = ops.cast(y_pred.shape[-1], y_pred.dtype)
                y_true = y_true * (1.0 - self.label_smoothing) + self.label_smoothing / k
            return ops.categorical_crossentropy(y_true, y_pred, from_logits=self.from_logits)
        if len(y_true.shape) == len(y_pred.shape):
            y_true = ops.squeeze(y_true, axis=-1)
        return ops.sparse_categorical_crossentropy(ops.cast(y_true, "int32"), y_pred, from_logits=self.from_logits)

    def get_config(self):
        config = super().get_config()
        config.update({"from_logits": self.from_logits, "label_smoothing": self.label_smoothing})
        return config
