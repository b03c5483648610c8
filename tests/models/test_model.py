import keras
import numpy as np
import pytest

import clara_keras as clara
from clara_keras import layers as cl
from clara_keras.errors import ConfigError
from clara_keras.errors import ParamTypeError
from clara_keras.losses import ClassificationCrossentropy
from clara_keras.models import clone_model
from clara_keras.models import compile_model
from tests.helpers.keras_testing import assert_keras_file_roundtrip


def _snippet_model():
    model = clara.Model(type="classification")
    model.add(cl.Conv2DLayer(filters=32, kernel_size=(3, 3)))
    model.add(cl.MaxPooling2DLayer(pool_size=(2, 2)))
    model.add(cl.Flatten())
    model.add(cl.DenseLayer(units=10))
    model.set_params({"learning_rate": 0.01})
    model.compile()
    return model


def _images(n=8, size=8, classes=10, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, size, size, 1)).astype("float32"), rng.integers(0, classes, size=n)


def test_issue_snippet_builds_compiles_and_trains():
    model = _snippet_model()
    assert isinstance(model, keras.Model) and isinstance(model, keras.Sequential)
    x, y = _images()
    model.build((None, 8, 8, 1))
    before = [keras.ops.convert_to_numpy(w).copy() for w in model.trainable_weights]
    history = model.fit(x, y, batch_size=8, epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])
    assert set(history.history) == {"loss", "accuracy"}
    after = [keras.ops.convert_to_numpy(w) for w in model.trainable_weights]
    assert all(not np.allclose(a, b) for a, b in zip(before, after))
    assert model.output_shape == (None, 10)
    assert float(model.optimizer.learning_rate) == pytest.approx(0.01)
    assert isinstance(model.optimizer, keras.optimizers.Adam)
    preds = model.predict(x, verbose=0)
    assert preds.shape == (8, 10)
    loss, acc = model.evaluate(x, y, verbose=0)
    assert 0.0 <= acc <= 1.0 and np.isfinite(loss)


def test_input_shape_given_builds_at_once():
    model = clara.Model(type="regression", input_shape=(4,))
    model.add(cl.DenseLayer(units=1))
    assert model.built and model.output_shape == (None, 1)


def test_labels_one_hot_or_sparse_give_the_same_loss():
    model = _snippet_model()
    x, y = _images()
    sparse = model.evaluate(x, y, verbose=0)[0]
    one_hot = model.evaluate(x, np.eye(10)[y], verbose=0)[0]
    assert sparse == pytest.approx(one_hot, rel=1e-5)


@pytest.mark.parametrize(
    ("model_type", "last_activation", "loss_cls", "from_logits"),
    [
        ("classification", None, ClassificationCrossentropy, True),
        ("classification", "softmax", ClassificationCrossentropy, False),
        ("binary", None, keras.losses.BinaryCrossentropy, True),
        ("multilabel", "sigmoid", keras.losses.BinaryCrossentropy, False),
        ("regression", None, keras.losses.MeanSquaredError, None),
    ],
)
def test_compile_defaults_follow_the_type(model_type, last_activation, loss_cls, from_logits):
    model = clara.Model(type=model_type, input_shape=(3,))
    model.add(cl.DenseLayer(units=2, activation=last_activation))
    model.compile()
    assert isinstance(model.loss, loss_cls)
    if from_logits is not None:
        assert model.loss.from_logits is from_logits
    x = np.random.default_rng(0).normal(size=(4, 3)).astype("float32")
    y = np.array([0, 1, 1, 0]) if model_type == "classification" else np.ones((4, 2), "float32")
    logs = model.fit(x, y, verbose=0).history
    assert np.isfinite(logs["loss"][0])


def test_compile_arguments_override_params():
    model = _snippet_model()
    model.set_params({"optimizer": "sgd", "momentum": 0.9})
    model.compile(loss="sparse_categorical_crossentropy", metrics=["mae"])
    assert model.loss == "sparse_categorical_crossentropy"
    assert isinstance(model.optimizer, keras.optimizers.SGD)
    assert float(model.optimizer.momentum) == pytest.approx(0.9)
    model.compile(optimizer="rmsprop")
    assert isinstance(model.optimizer, keras.optimizers.RMSprop)
    assert float(model.optimizer.learning_rate) == pytest.approx(0.01)
    opt = keras.optimizers.Adam(0.5)
    model.compile(optimizer=opt)
    assert model.optimizer is opt


def test_set_params_keys_and_aliases():
    model = clara.Model()
    assert model.set_params({"lr": 0.1, "weight_decay": 1e-4, "batch_size": 16, "epochs": 3}) is model
    params = model.get_params()
    assert params["learning_rate"] == 0.1 and params["decay"] == 1e-4
    assert params["batch_size"] == 16 and params["epochs"] == 3 and params["validation_freq"] == 1
    assert model.params_set == {"learning_rate": 0.1, "decay": 1e-4, "batch_size": 16, "epochs": 3}


def test_unknown_param_names_key_lists_allowed_and_suggests():
    model = clara.Model()
    with pytest.raises(ConfigError, match=r"Unknown parameter 'learning_rat'.*Allowed parameters: .*batch_size.*") as e:
        model.set_params({"learning_rat": 0.1})
    assert "Did you mean 'learning_rate'?" in str(e.value)
    with pytest.raises(ConfigError, match="Did you mean 'momentum'"):
        model.set_params({"momentun": 0.9})


@pytest.mark.parametrize(
    ("params", "phrase"),
    [
        ({"lr": -1}, "lr=-1"),
        ({"optimizer": "adamm"}, "Did you mean 'adam'"),
        ({"regularizer": {"name": "l1l2", "value": 1e-3}}, "Did you mean 'l1_l2'"),
        ({"momentum": 1.5}, "momentum=1.5"),
        ({"batch_size": 0}, "batch_size=0"),
    ],
)
def test_bad_param_values(params, phrase):
    with pytest.raises(ConfigError, match=phrase):
        clara.Model().set_params(params)


def test_wrong_type():
    with pytest.raises(ConfigError, match="type='clasification'.*Did you mean 'classification'"):
        clara.Model(type="clasification")
    with pytest.raises(ParamTypeError, match="type=3"):
        clara.Model(type=3)
    with pytest.raises(ParamTypeError, match="expects a keras Layer"):
        clara.Model().add("dense")


def test_regularizer_penalty_equals_hand_computed_sum():
    model = clara.Model(type="classification", input_shape=(6, 6, 1))
    model.add(cl.Conv2DLayer(filters=2, kernel_size=3))
    model.add(cl.BatchNormalizationLayer())
    model.add(cl.Flatten())
    model.add(cl.DenseLayer(units=3))
    model.set_params({"lr": 0.01, "regularizer": {"name": "l2", "value": 5e-4}, "optimizer": "sgd"})
    model.compile()
    kernels = [keras.ops.convert_to_numpy(w) for w in model.trainable_weights if w.name == "kernel"]
    assert len(kernels) == 2 and len(model.losses) == 2
    expected = sum(5e-4 * np.sum(k**2) for k in kernels)
    total = sum(float(keras.ops.convert_to_numpy(v)) for v in model.losses)
    assert total == pytest.approx(expected, rel=1e-5)
    model.set_params({"regularizer": {"name": "l1_l2", "value": 1e-3}})
    l1l2 = sum(1e-3 * (np.sum(np.abs(k)) + np.sum(k**2)) for k in kernels)
    assert sum(float(keras.ops.convert_to_numpy(v)) for v in model.losses) == pytest.approx(l1l2, rel=1e-5)
    model.set_params({"regularizer": None})
    assert model.losses == []


def test_regularizer_before_build_reaches_recurrent_and_nested_kernels():
    model = clara.Model(type="classification")
    model.add(cl.EmbeddingLayer(10, 4))
    model.add(cl.BidirectionalLayer(cl.LSTMLayer(units=3)))
    model.add(cl.DenseLayer(units=2))
    model.set_params({"regularizer": {"name": "l1", "value": 1e-3}})
    model(np.array([[1, 2, 3]]))  # built by the first data it sees
    regularized = sorted(w.name for w in model.trainable_weights if w.regularizer is not None)
    assert regularized == ["kernel", "kernel", "kernel", "recurrent_kernel", "recurrent_kernel"]
    expected = sum(1e-3 * np.abs(keras.ops.convert_to_numpy(w)).sum() for w in model.trainable_weights if w.regularizer)
    assert sum(float(keras.ops.convert_to_numpy(v)) for v in model.losses) == pytest.approx(expected, rel=1e-5)


def test_save_load_gives_the_same_predictions_and_params(tmp_path):
    model = _snippet_model()
    model.set_params({"regularizer": {"name": "l2", "value": 1e-4}, "batch_size": 4})
    x, y = _images()
    model.fit(x, y, verbose=0)
    loaded = assert_keras_file_roundtrip(model, x)
    assert type(loaded) is clara.Model and loaded.type == "classification"
    assert loaded.params_set == model.params_set
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-6)
    assert len(loaded.losses) == 2
    loaded.fit(x, y, verbose=0)  # the compiled state came back too


def test_clone_keeps_architecture_type_and_params_not_weights():
    model = _snippet_model()
    model.set_params({"optimizer": "sgd", "regularizer": {"name": "l2", "value": 1e-3}})
    x, _ = _images()
    model(x)
    twin = model.clone()
    assert type(twin) is clara.Model and twin.type == model.type
    assert twin.params_set == model.params_set
    assert [type(layer) for layer in twin.layers] == [type(layer) for layer in model.layers]
    twin.compile()
    assert isinstance(twin.optimizer, keras.optimizers.SGD)
    twin(x)
    assert not np.allclose(
        keras.ops.convert_to_numpy(twin.layers[0].kernel), keras.ops.convert_to_numpy(model.layers[0].kernel)
    )
    assert clone_model(model).params_set == model.params_set


class DoubledModel(clara.Model):
    """A user subclass: custom behaviour, same constructor."""

    def call(self, inputs, training=None, mask=None):
        return 2.0 * super().call(inputs, training=training, mask=mask)


keras.saving.register_keras_serializable(package="tests")(DoubledModel)


def test_custom_subclass_trains_saves_and_clones(tmp_path):
    model = DoubledModel(type="regression", input_shape=(3,))
    model.add(cl.DenseLayer(units=1, use_bias=False))
    model.set_params({"lr": 0.05, "optimizer": "sgd"})
    model.compile()
    x = np.random.default_rng(0).normal(size=(16, 3)).astype("float32")
    kernel = keras.ops.convert_to_numpy(model.layers[0].kernel)
    np.testing.assert_allclose(model.predict(x, verbose=0), 2.0 * x @ kernel, rtol=1e-5, atol=1e-6)
    model.fit(x, x.sum(1, keepdims=True), epochs=2, verbose=0)
    loaded = assert_keras_file_roundtrip(model, x)
    assert type(loaded) is DoubledModel and loaded.params_set["learning_rate"] == 0.05
    assert type(model.clone()) is DoubledModel


def test_functional_graph_of_clara_layers_through_compile_model():
    inputs = keras.Input((6, 6, 1))
    h = cl.Conv2DLayer(filters=2, kernel_size=3)(inputs)
    outputs = cl.DenseLayer(units=3)(cl.Flatten()(h))
    model = keras.Model(inputs, outputs)
    compile_model(
        model, "classification", {"lr": 0.01, "optimizer": "sgd", "regularizer": {"name": "l2", "value": 1e-3}}
    )
    assert isinstance(model.optimizer, keras.optimizers.SGD) and model.loss.from_logits
    assert len(model.losses) == 2
    x = np.random.default_rng(0).normal(size=(4, 6, 6, 1)).astype("float32")
    model.fit(x, np.array([0, 1, 2, 0]), verbose=0)
    twin = clone_model(model)
    assert isinstance(twin, keras.Model) and twin is not model and len(twin.layers) == len(model.layers)
    with pytest.raises(ParamTypeError, match="Expected a keras.Model"):
        compile_model("not a model")


def test_summary_works():
    model = _snippet_model()
    model.build((None, 8, 8, 1))
    lines = []
    model.summary(print_fn=lambda line, **_: lines.append(line))
    text = "\n".join(lines)
    assert "conv2d_layer" in text and "Total params" in text
