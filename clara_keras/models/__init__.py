"""`clara_keras.Model` and the model zoo.

Importing this package also registers every serializable Clara object a saved
model can name (layers, losses, metrics), so `keras.saving.load_model` reads a
Clara `.keras` file after `import clara_keras.models`.
"""

# Registration side effects: a saved clara_keras.Model names these classes.
import clara_keras.layers  # noqa: F401
import clara_keras.losses  # noqa: F401
import clara_keras.metrics  # noqa: F401
from clara_keras.models.alexnet import alexnet
from clara_keras.models.digits_cnn import digits_cnn
from clara_keras.models.lenet import lenet
from clara_keras.models.lstm_classifier import lstm_classifier
from clara_keras.models.model import MODEL_TYPES
from clara_keras.models.model import Model
from clara_keras.models.model import apply_regularizer
from clara_keras.models.model import clone_model
from clara_keras.models.model import compile_model
from clara_keras.models.resnet import resnet
from clara_keras.models.text_cnn import text_cnn
from clara_keras.models.transformer_classifier import transformer_classifier
from clara_keras.models.vgg import vgg

__all__ = [
    "Model",
    "MODEL_TYPES",
    "apply_regularizer",
    "clone_model",
    "compile_model",
    "alexnet",
    "digits_cnn",
    "lenet",
    "lstm_classifier",
    "resnet",
    "text_cnn",
    "transformer_classifier",
    "vgg",
]
