"""Small models and data for the search tests (no download, a few hundred samples at most)."""

from __future__ import annotations

import keras
import numpy as np

from clara_keras import layers as cl
from clara_keras.models import Model

TOY_VALUES = [-1.0, 0.0, 1.0, 2.0, 3.0]
TOY_BEST_X = 1.0


def toy_hypermodel(hp):
    """val_loss = (x - 1)^2 exactly: a constant model whose output is the searched `x`; best x = 1, score 0."""
    x = hp.Choice("x", TOY_VALUES)
    model = keras.Sequential(
        [
            keras.Input((1,)),
            keras.layers.Dense(1, kernel_initializer="zeros", bias_initializer=keras.initializers.Constant(x)),
        ]
    )
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.0), loss="mse")  # the output stays x
    return model


def toy_data(n: int = 16):
    x = np.zeros((n, 1), "float32")
    y = np.ones((n, 1), "float32")
    return x, y


class OneHotBatches(keras.utils.PyDataset):
    """A tiny PyDataset of (images, one-hot labels), as the seed's `train_gen` yields."""

    def __init__(self, n: int = 96, batch_size: int = 16, num_classes: int = 3, seed: int = 0, **kwargs):
        super().__init__(**kwargs)
        rng = np.random.default_rng(seed)
        labels = rng.integers(0, num_classes, size=n)
        self.x = rng.normal(0, 0.3, size=(n, 6, 6, 1)).astype("float32")
        for c in range(num_classes):  # class c: a bright row c -> easily learnable
            self.x[labels == c, c * 2, :, 0] += 1.5
        self.y = np.eye(num_classes, dtype="float32")[labels]
        self.batch_size = batch_size

    def __len__(self):
        return int(np.ceil(len(self.x) / self.batch_size))

    def __getitem__(self, index):
        s = slice(index * self.batch_size, (index + 1) * self.batch_size)
        return self.x[s], self.y[s]


def tiny_cnn(num_classes: int = 3) -> Model:
    """A Clara CNN whose last Dense has no activation (logits), like the seed's models."""
    model = Model(type="classification", input_shape=(6, 6, 1), name="tiny_cnn")
    model.add(cl.Conv2DLayer(filters=4, kernel_size=(3, 3), padding="same", activation="relu"))
    model.add(cl.Flatten())
    model.add(cl.DenseLayer(units=num_classes))
    return model
