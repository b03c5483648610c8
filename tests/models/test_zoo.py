"""Every zoo model builds, compiles with no arguments and learns a tiny batch (tiny sizes)."""

import keras
import numpy as np
import pytest

import clara_keras as clara
from clara_keras import models
from clara_keras.errors import ConfigError


def _fit_tiny(model, x, y, epochs=5, lr=3e-3):
    model.set_params({"lr": lr, "optimizer": "adam"})
    model.compile()
    history = model.fit(x, y, batch_size=len(x), epochs=epochs, verbose=0).history["loss"]
    assert all(np.isfinite(history))
    assert history[-1] < history[0], history
    return history


def _images(shape=(8, 8, 3), n=8, classes=3):
    rng = np.random.default_rng(0)
    return rng.normal(size=(n, *shape)).astype("float32"), rng.integers(0, classes, size=n)


def _tokens(n=8, steps=10, vocab=30, classes=2):
    rng = np.random.default_rng(0)
    ids = rng.integers(1, vocab, size=(n, steps))
    ids[:, steps - 3 :] = 0  # padding
    return ids.astype("int32"), rng.integers(0, classes, size=n)


def test_lenet():
    model = models.lenet(num_classes=3, input_shape=(16, 16, 1))
    assert isinstance(model, clara.Model) and model.type == "classification"
    assert [layer.name for layer in model.layers][:4] == ["conv1", "pool1", "conv2", "pool2"]
    _fit_tiny(model, *_images((16, 16, 1)))


def test_vgg_small_and_batch_norm():
    model = models.vgg(
        num_classes=3, input_shape=(8, 8, 3), blocks=((4, 2), (8, 1)), dense_units=(16,), batch_norm=True
    )
    assert model.output_shape == (None, 3)
    assert sum(isinstance(layer, clara.layers.ConvBlock) for layer in model.layers) == 3
    _fit_tiny(model, *_images())
    with pytest.raises(ConfigError, match="blocks"):
        models.vgg(blocks=())


def test_vgg16_default_layout():
    model = models.vgg(num_classes=5)  # no input_shape: not built, no 100M weights to draw
    convs = [layer for layer in model.layers if isinstance(layer, clara.layers.Conv2DLayer)]
    assert [c.filters for c in convs] == [64, 64, 128, 128, 256, 256, 256, 512, 512, 512, 512, 512, 512]
    assert [layer.units for layer in model.layers if isinstance(layer, clara.layers.DenseLayer)] == [4096, 4096, 5]
    assert model.compute_output_shape((None, 32, 32, 3)) == (None, 5)


def test_resnet_depth():
    model = models.resnet(num_classes=3, input_shape=(8, 8, 3), depth=8, stage_filters=(4, 8, 8))
    blocks = [layer for layer in model.layers if isinstance(layer, clara.layers.ResidualBlock)]
    assert len(blocks) == 3 and [b.strides for b in blocks] == [1, 2, 2]
    _fit_tiny(model, *_images(), epochs=6)
    assert len(models.resnet(depth=20).layers) == 1 + 9 + 2
    with pytest.raises(ConfigError, match="depth=21"):
        models.resnet(depth=21)


def test_text_cnn():
    model = models.text_cnn(
        num_classes=2, vocabulary_size=30, sequence_length=10, embedding_dim=8, filters=8, kernel_size=3, hidden_units=8
    )
    assert model.inputs[0].dtype == "int32"
    _fit_tiny(model, *_tokens(), epochs=8, lr=1e-2)


def test_lstm_classifier_masks_padding():
    model = models.lstm_classifier(num_classes=2, vocabulary_size=30, embedding_dim=8, units=4)
    assert model.layers[1].forward_layer.units == 4
    x, y = _tokens()
    _fit_tiny(model, x, y, epochs=8, lr=1e-2)
    # Padding (token 0) is masked: extra trailing padding does not change the prediction.
    longer = np.concatenate([x, np.zeros((len(x), 3), "int32")], axis=1)
    np.testing.assert_allclose(model.predict(longer, verbose=0), model.predict(x, verbose=0), rtol=1e-4, atol=1e-5)


def test_transformer_classifier_masks_padding_and_survives_keras_files(tmp_path):
    model = models.transformer_classifier(
        num_classes=2,
        vocabulary_size=30,
        sequence_length=10,
        embedding_dim=8,
        num_heads=2,
        intermediate_dim=16,
        dropout=0.0,
    )
    x, y = _tokens()
    _fit_tiny(model, x, y, epochs=6, lr=3e-3)
    # Whatever sits under the padding mask does not change the prediction; a real token does.
    other = x.copy()
    other[:, -3:] = 0
    changed = x.copy()
    changed[:, 0] = (changed[:, 0] % 29) + 1
    base, padded, moved = np.split(model.predict(np.concatenate([x, other, changed]), verbose=0), 3)
    np.testing.assert_allclose(padded, base, rtol=1e-5, atol=1e-6)
    assert not np.allclose(moved, base)
    model.save(tmp_path / "t.keras")
    loaded = keras.saving.load_model(tmp_path / "t.keras", safe_mode=True)
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(loaded(x, training=False)),
        keras.ops.convert_to_numpy(model(x, training=False)),
        atol=1e-5,
    )


def test_zoo_validates_arguments():
    with pytest.raises(ConfigError, match="num_classes=0"):
        models.lenet(num_classes=0)
    with pytest.raises(ConfigError, match="dropout_prob=1.0"):
        models.alexnet(num_classes=10, dropout_prob=1.0)
