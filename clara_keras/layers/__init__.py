"""Clara's layers: real `keras.layers.Layer` subclasses, registered and serializable.

```python
from clara_keras import layers as cl

cl.Conv2DLayer(filters=32, kernel_size=(3, 3))
```
"""

from clara_keras.layers.activation_layer import ActivationLayer
from clara_keras.layers.average_pooling1d_layer import AveragePooling1DLayer
from clara_keras.layers.average_pooling2d_layer import AveragePooling2DLayer
from clara_keras.layers.average_pooling3d_layer import AveragePooling3DLayer
from clara_keras.layers.batch_normalization_layer import BatchNormalizationLayer
from clara_keras.layers.bidirectional_layer import BidirectionalLayer
from clara_keras.layers.conv1d_layer import Conv1DLayer
from clara_keras.layers.conv2d_layer import Conv2DLayer
from clara_keras.layers.conv2d_transpose_layer import Conv2DTransposeLayer
from clara_keras.layers.conv3d_layer import Conv3DLayer
from clara_keras.layers.conv_block import ConvBlock
from clara_keras.layers.dense_layer import DenseLayer
from clara_keras.layers.dropout_layer import DropoutLayer
from clara_keras.layers.embedding_layer import EmbeddingLayer
from clara_keras.layers.flatten import Flatten
from clara_keras.layers.global_average_pooling_layer import GlobalAveragePoolingLayer
from clara_keras.layers.global_max_pooling_layer import GlobalMaxPoolingLayer
from clara_keras.layers.gru_layer import GRULayer
from clara_keras.layers.layer_normalization_layer import LayerNormalizationLayer
from clara_keras.layers.lstm_layer import LSTMLayer
from clara_keras.layers.max_pooling1d_layer import MaxPooling1DLayer
from clara_keras.layers.max_pooling2d_layer import MaxPooling2DLayer
from clara_keras.layers.max_pooling3d_layer import MaxPooling3DLayer
from clara_keras.layers.multi_head_attention_layer import MultiHeadAttentionLayer
from clara_keras.layers.positional_embedding_layer import PositionalEmbeddingLayer
from clara_keras.layers.reshape_layer import ReshapeLayer
from clara_keras.layers.residual_block import ResidualBlock
from clara_keras.layers.separable_conv2d_layer import SeparableConv2DLayer
from clara_keras.layers.simple_rnn_layer import SimpleRNNLayer
from clara_keras.layers.transformer_decoder_layer import TransformerDecoderLayer
from clara_keras.layers.transformer_encoder_layer import TransformerEncoderLayer

__all__ = [
    "ActivationLayer",
    "AveragePooling1DLayer",
    "AveragePooling2DLayer",
    "AveragePooling3DLayer",
    "BatchNormalizationLayer",
    "BidirectionalLayer",
    "Conv1DLayer",
    "Conv2DLayer",
    "Conv2DTransposeLayer",
    "Conv3DLayer",
    "ConvBlock",
    "DenseLayer",
    "DropoutLayer",
    "EmbeddingLayer",
    "Flatten",
    "GlobalAveragePoolingLayer",
    "GlobalMaxPoolingLayer",
    "GRULayer",
    "LayerNormalizationLayer",
    "LSTMLayer",
    "MaxPooling1DLayer",
    "MaxPooling2DLayer",
    "MaxPooling3DLayer",
    "MultiHeadAttentionLayer",
    "PositionalEmbeddingLayer",
    "ReshapeLayer",
    "ResidualBlock",
    "SeparableConv2DLayer",
    "SimpleRNNLayer",
    "TransformerDecoderLayer",
    "TransformerEncoderLayer",
]
