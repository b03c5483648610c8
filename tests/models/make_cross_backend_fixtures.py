"""Write the `.keras` fixtures that `test_cross_backend.py` loads on every backend.

Run once per backend from the repository root (each writes its own files):

    for b in tensorflow jax torch; do KERAS_BACKEND=$b .venv/bin/python -m tests.models.make_cross_backend_fixtures; done

Each backend saves two seeded tiny Clara models (an image CNN and a masked
transformer text model) plus their inputs and predictions; the test loads the
files of all three backends on the current one and compares predictions.
"""

from __future__ import annotations

import os

import keras
import numpy as np

import clara_keras as clara
from clara_keras import layers as cl

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures")
BACKENDS = ("tensorflow", "jax", "torch")


def image_model() -> clara.Model:
    model = clara.Model(type="classification", input_shape=(6, 6, 2), name="tiny_cnn")
    model.add(cl.Conv2DLayer(filters=3, kernel_size=3, activation="relu"))
    model.add(cl.BatchNormalizationLayer())
    model.add(cl.SeparableConv2DLayer(filters=4, kernel_size=2))
    model.add(cl.GlobalAveragePoolingLayer())
    model.add(cl.DropoutLayer(dropout_prob=0.2))
    model.add(cl.DenseLayer(units=3))
    model.set_params({"lr": 0.01, "optimizer": "sgd", "regularizer": {"name": "l2", "value": 1e-4}})
    return model


def text_model() -> clara.Model:
    model = clara.Model(type="binary", name="tiny_text")
    model.add(keras.Input((5,), dtype="int32"))
    model.add(cl.PositionalEmbeddingLayer(vocabulary_size=12, sequence_length=5, embedding_dim=4, mask_zero=True))
    model.add(cl.TransformerEncoderLayer(intermediate_dim=8, num_heads=2))
    model.add(cl.BidirectionalLayer(cl.GRULayer(units=2)))
    model.add(cl.DenseLayer(units=1))
    return model


def inputs():
    rng = np.random.default_rng(0)
    images = rng.normal(size=(3, 6, 6, 2)).astype("float32")
    tokens = np.array([[3, 7, 1, 0, 0], [11, 2, 5, 9, 4], [6, 0, 0, 0, 0]], "int32")
    return {"tiny_cnn": images, "tiny_text": tokens}


def write(backend: str) -> None:
    keras.utils.set_random_seed(0)
    data = inputs()
    os.makedirs(FIXTURES, exist_ok=True)
    for model in (image_model(), text_model()):
        x = data[model.name]
        model.compile()
        # One training step so BN statistics and weights are not at their initial values.
        y = np.arange(len(x)) % int(model.output_shape[-1]) if model.type == "classification" else np.ones((len(x), 1))
        model.fit(x, y, epochs=1, verbose=0)
        model.save(os.path.join(FIXTURES, f"{model.name}_{backend}.keras"))
        np.save(os.path.join(FIXTURES, f"{model.name}_{backend}.npy"), model.predict(x, verbose=0))


if __name__ == "__main__":
    write(keras.config.backend())
