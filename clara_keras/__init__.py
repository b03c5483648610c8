"""clara_keras: the Clara deep-learning toolkit on Keras 3 (TensorFlow, JAX, PyTorch).

```python
import clara_keras as clara
from clara_keras import layers as cl
```
"""

__version__ = "0.1.0"

from clara_keras import datasets
from clara_keras import errors
from clara_keras import layers
from clara_keras import losses
from clara_keras import metrics
from clara_keras import models
from clara_keras import params
from clara_keras.models import Model

__all__ = ["Model", "datasets", "errors", "layers", "losses", "metrics", "models", "params", "__version__"]
