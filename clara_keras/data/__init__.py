"""Data pipeline: loading, splitting, scaling, sampling, augmentation and the `DataGenerator`.

```python
from clara_keras.data import DataGenerator, load_data

train_data = load_data("train.csv", "classes.txt")
train_gen = DataGenerator(dataset=train_data, batch_size=128)
```
"""

from clara_keras.data import augment
from clara_keras.data.array_loader import load_arrays
from clara_keras.data.array_loader import load_npz
from clara_keras.data.class_balanced_sampler import ClassBalancedSampler
from clara_keras.data.csv_loader import load_csv
from clara_keras.data.data_generator import DataGenerator
from clara_keras.data.dataset import Dataset
from clara_keras.data.image_files import ImageFiles
from clara_keras.data.image_folder_loader import load_image_folder
from clara_keras.data.load_data import load_data
from clara_keras.data.min_max_scale import MinMaxScale
from clara_keras.data.random_sampler import RandomSampler
from clara_keras.data.sampler import Sampler
from clara_keras.data.scaler import Scaler
from clara_keras.data.scaler import load_scaler
from clara_keras.data.sequential_sampler import SequentialSampler
from clara_keras.data.split import split
from clara_keras.data.split import split_indices
from clara_keras.data.standardize import Standardize
from clara_keras.data.tfds_loader import load_tfds
from clara_keras.data.weighted_sampler import WeightedSampler

__all__ = [
    "augment",
    "ClassBalancedSampler",
    "DataGenerator",
    "Dataset",
    "ImageFiles",
    "MinMaxScale",
    "RandomSampler",
    "Sampler",
    "Scaler",
    "SequentialSampler",
    "Standardize",
    "WeightedSampler",
    "load_arrays",
    "load_csv",
    "load_data",
    "load_image_folder",
    "load_npz",
    "load_scaler",
    "load_tfds",
    "split",
    "split_indices",
]
