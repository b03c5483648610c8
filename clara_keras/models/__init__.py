"""`clara_keras.Model` and the model zoo."""

from clara_keras.models.digits_cnn import digits_cnn
from clara_keras.models.model import MODEL_TYPES
from clara_keras.models.model import Model

__all__ = ["Model", "MODEL_TYPES", "digits_cnn"]
