"""clara_keras: the Clara deep-learning toolkit on Keras 3 (TensorFlow, JAX, PyTorch).

```python
import clara_keras as clara
from clara_keras import layers as cl
```

Submodules are imported lazily, so that `clara-keras --backend jax ...` can
choose the Keras backend before Keras is imported.
"""

import importlib

__version__ = "0.1.0"

_SUBMODULES = (
    "callbacks",
    "data",
    "datasets",
    "distribute",
    "errors",
    "layers",
    "losses",
    "metrics",
    "models",
    "optimizers",
    "params",
    "training",
)
# Public names re-exported at the top level: name -> module that defines it.
_EXPORTS = {
    "Model": "clara_keras.models",
    "Trainer": "clara_keras.training",
    "train": "clara_keras.training",
    "load_model": "clara_keras.training",
}

__all__ = ["__version__", *_SUBMODULES, *_EXPORTS]


def __getattr__(name):
    if name in _SUBMODULES:
        return importlib.import_module(f"clara_keras.{name}")
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'clara_keras' has no attribute {name!r}")


def __dir__():
    return sorted(__all__)
