"""Image augmentation and transform ops: seeded callables on NumPy images, the same on every backend.

```python
from clara_keras.data import augment

train_ops = [augment.RandomCrop(32, 32, padding=4), augment.RandomHorizontalFlip()]
```
"""

from clara_keras.data.augment.augmentation import Augmentation
from clara_keras.data.augment.augmentation import KerasLayerAugmentation
from clara_keras.data.augment.center_crop import CenterCrop
from clara_keras.data.augment.compose import Compose
from clara_keras.data.augment.normalize import Normalize
from clara_keras.data.augment.random_brightness import RandomBrightness
from clara_keras.data.augment.random_crop import RandomCrop
from clara_keras.data.augment.random_horizontal_flip import RandomHorizontalFlip
from clara_keras.data.augment.random_rotation import RandomRotation
from clara_keras.data.augment.random_zoom import RandomZoom
from clara_keras.data.augment.resize import Resize
from clara_keras.data.augment.to_float import ToFloat

__all__ = [
    "Augmentation",
    "KerasLayerAugmentation",
    "CenterCrop",
    "Compose",
    "Normalize",
    "RandomBrightness",
    "RandomCrop",
    "RandomHorizontalFlip",
    "RandomRotation",
    "RandomZoom",
    "Resize",
    "ToFloat",
]
