"""Small data and models shared by the training and callback tests."""

import keras
import numpy as np

import clara_keras as clara
from clara_keras import layers as cl


def blobs(n=240, features=6, classes=3, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, classes, size=n)
    centers = rng.normal(scale=2.0, size=(classes, features))
    x = (centers[y] + rng.normal(size=(n, features))).astype("float32")
    return x, y.astype("int64")


def tiny_model(features=6, classes=3, lr=0.01, dropout=0.2, units=16):
    model = clara.Model(type="classification", input_shape=(features,), name="tiny")
    model.add(cl.DenseLayer(units=units, activation="relu"))
    model.add(cl.DropoutLayer(dropout_prob=dropout))
    model.add(cl.DenseLayer(units=classes))
    # XLA compilation costs more than it saves on models this small (TF; JAX always jits).
    jit = "auto" if keras.config.backend() == "jax" else False
    model.set_params({"learning_rate": lr, "batch_size": 32, "jit_compile": jit})
    model.compile()
    return model


class ArraySequence(keras.utils.PyDataset):
    """A minimal user PyDataset (fixed batch order)."""

    def __init__(self, x, y, batch_size=32, **kwargs):
        super().__init__(**kwargs)
        self.x, self.y, self.batch_size = x, y, batch_size

    def __len__(self):
        return int(np.ceil(len(self.x) / self.batch_size))

    def __getitem__(self, i):
        s = slice(i * self.batch_size, (i + 1) * self.batch_size)
        return self.x[s], self.y[s]


def weights_equal(a, b):
    return all(np.array_equal(x, y) for x, y in zip(a, b))
