"""The seed's AlexNet, written with cl.*Layer calls, against `clara_keras.models.alexnet`."""

import keras
import numpy as np
import pytest

import clara_keras as clara
from clara_keras import layers as cl
from clara_keras import models


def seed_alexnet(num_classes=1000, input_shape=(227, 227, 3)):
    model = clara.Model(type="classification", input_shape=input_shape)
    model.add(cl.Conv2DLayer(filters=96, kernel_size=(11, 11), strides=(4, 4), activation="relu"))
    model.add(cl.BatchNormalizationLayer())
    model.add(cl.MaxPooling2DLayer(pool_size=(3, 3), strides=(2, 2)))
    model.add(cl.Conv2DLayer(filters=256, kernel_size=(5, 5), padding="same", activation="relu"))
    model.add(cl.BatchNormalizationLayer())
    model.add(cl.MaxPooling2DLayer(pool_size=(3, 3), strides=(2, 2)))
    model.add(cl.Conv2DLayer(filters=384, kernel_size=(3, 3), padding="same", activation="relu"))
    model.add(cl.BatchNormalizationLayer())
    model.add(cl.Conv2DLayer(filters=384, kernel_size=(3, 3), padding="same", activation="relu"))
    model.add(cl.BatchNormalizationLayer())
    model.add(cl.Conv2DLayer(filters=256, kernel_size=(3, 3), padding="same", activation="relu"))
    model.add(cl.BatchNormalizationLayer())
    model.add(cl.MaxPooling2DLayer(pool_size=(3, 3), strides=(2, 2)))
    model.add(cl.Flatten())
    model.add(cl.DenseLayer(units=4096, activation="relu"))
    model.add(cl.DropoutLayer(dropout_prob=0.5))
    model.add(cl.DenseLayer(units=4096, activation="relu"))
    model.add(cl.DropoutLayer(dropout_prob=0.5))
    model.add(cl.DenseLayer(units=num_classes, activation="softmax"))
    return model


def _layout(model):
    out = []
    for layer in model.layers:
        cfg = layer.get_config()
        keep = ("filters", "kernel_size", "strides", "padding", "pool_size", "units", "dropout_prob", "activation")
        out.append((type(layer).__name__, {k: cfg[k] for k in keep if k in cfg}))
    return out


def test_zoo_alexnet_is_the_seed_layer_list():
    # Unbuilt (no input shape): compares the layer lists without drawing 62M weights twice.
    seed = seed_alexnet(num_classes=10, input_shape=None)
    zoo = models.alexnet(num_classes=10, input_shape=None)
    assert _layout(zoo) == _layout(seed)
    assert len(zoo.layers) == 19
    assert zoo.compute_output_shape((None, 227, 227, 3)) == (None, 10)


@pytest.mark.slow
def test_seed_alexnet_trains_one_step_with_seed_params():
    model = seed_alexnet(num_classes=1000)
    model.set_params({"lr": 0.01, "regularizer": {"name": "l2", "value": 5e-4}, "optimizer": "sgd"})
    # One step: on JAX the jitted step is ~5x faster than op-by-op; on TensorFlow XLA-compiling the
    # graph costs more than running it once (torch runs eagerly either way).
    model.compile(jit_compile=keras.config.backend() == "jax")
    assert isinstance(model.optimizer, keras.optimizers.SGD)
    assert float(model.optimizer.learning_rate) == pytest.approx(0.01)
    assert len(model.losses) == 8  # 5 conv + 3 dense kernels
    assert model.output_shape == (None, 1000)
    assert model.get_layer(index=13).output.shape == (None, 9216)  # the seed's 6x6x256 feature map
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2, 227, 227, 3)).astype("float32")
    y = np.array([3, 999])
    first = keras.ops.convert_to_numpy(model.layers[0].kernel).copy()
    logs = model.train_on_batch(x, y, return_dict=True)
    assert np.isfinite(logs["loss"]) and logs["loss"] > 0
    assert not np.allclose(first, keras.ops.convert_to_numpy(model.layers[0].kernel))
