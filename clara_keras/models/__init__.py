"""`clara_keras.Model` and the model zoo."""

from clara_keras.models.model import MODEL_TYPES
from clara_keras.models.model import Model

__all__ = ["Model", "MODEL_TYPES"]
