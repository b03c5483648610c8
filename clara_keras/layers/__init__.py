"""Clara's layers: real `keras.layers.Layer` subclasses, registered and serializable."""

from clara_keras.layers.batch_normalization_layer import BatchNormalizationLayer
from clara_keras.layers.conv2d_layer import Conv2DLayer
from clara_keras.layers.dense_layer import DenseLayer
from clara_keras.layers.dropout_layer import DropoutLayer
from clara_keras.layers.flatten import Flatten
from clara_keras.layers.max_pooling2d_layer import MaxPooling2DLayer

__all__ = [
    "BatchNormalizationLayer",
    "Conv2DLayer",
    "DenseLayer",
    "DropoutLayer",
    "Flatten",
    "MaxPooling2DLayer",
]
