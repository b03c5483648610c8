"""`clara_keras.Model`: a `keras.Sequential` with Clara's `type`, `set_params` and a no-argument `compile`."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

import keras

from clara_keras import params as P
from clara_keras.api_export import clara_export
from clara_keras.errors import ConfigError
from clara_keras.errors import ParamTypeError
from clara_keras.errors import suggest

__all__ = [
    "Model",
    "MODEL_TYPES",
    "default_compile_args",
    "apply_regularizer",
    "compile_args",
    "compile_model",
    "clone_model",
]

MODEL_TYPES = ("classification", "binary", "multilabel", "regression")
_PROB_ACTIVATIONS = {"softmax", "sigmoid"}


def _check_input_shape(value) -> tuple:
    """A shape without the batch axis: a tuple of positive integers (``None`` for a free axis)."""
    try:
        shape = tuple(value)
    except TypeError:
        shape = None
    if not shape or any(d is not None and (isinstance(d, bool) or not isinstance(d, int) or d <= 0) for d in shape):
        raise ConfigError(
            "Received an invalid value for `input_shape`, expected a non-empty tuple of positive integers "
            f"(None for a free axis), without the batch axis. Received: input_shape={value!r}"
        )
    return shape


def _check_type(value: str) -> str:
    if not isinstance(value, str):
        raise ParamTypeError(
            f"Received an invalid value for `type`, expected a string, one of {MODEL_TYPES}. Received: type={value!r}"
        )
    if value not in MODEL_TYPES:
        raise ConfigError(
            f"Received an invalid value for `type`, expected one of {MODEL_TYPES}. Received: type={value!r}.{suggest(str(value), MODEL_TYPES)}"
        )
    return value


def _output_activation(model: keras.Model) -> str | None:
    """Name of the activation of the model's last layer that has one (or None)."""
    for layer in reversed(model.layers):
        act = getattr(layer, "activation", None)
        if act is not None:
            name = getattr(act, "__name__", None) or getattr(layer, "get_config", lambda: {})().get("activation")
            return None if name == "linear" else str(name)
        if isinstance(layer, keras.layers.Activation):
            return str(layer.get_config().get("activation"))
        if isinstance(layer, keras.layers.Softmax):
            return "softmax"
        if not isinstance(layer, (keras.layers.Dropout, keras.layers.Flatten, keras.layers.Reshape)):
            return None
    return None


def default_compile_args(model: keras.Model, model_type: str) -> dict[str, Any]:
    """Loss and metrics a model `type` implies, reading whether the model outputs logits."""
    from clara_keras.losses import ClassificationCrossentropy
    from clara_keras.metrics import Accuracy

    from_logits = _output_activation(model) not in _PROB_ACTIVATIONS
    if model_type == "classification":
        return {"loss": ClassificationCrossentropy(from_logits=from_logits), "metrics": [Accuracy()]}
    if model_type in ("binary", "multilabel"):
        threshold = 0.0 if from_logits else 0.5
        return {
            "loss": keras.losses.BinaryCrossentropy(from_logits=from_logits),
            "metrics": [keras.metrics.BinaryAccuracy(name="accuracy", threshold=threshold)],
        }
    return {"loss": keras.losses.MeanSquaredError(), "metrics": [keras.metrics.MeanAbsoluteError(name="mae")]}


_KERNEL_REGULARIZER_ATTRS = (
    "kernel_regularizer",
    "recurrent_regularizer",
    "depthwise_regularizer",
    "pointwise_regularizer",
)


def _kernel_variables(model: keras.Model):
    """Every trainable kernel: `kernel`, `recurrent_kernel`, `depthwise_kernel`, `pointwise_kernel`."""
    return [v for v in model.trainable_variables if v.name.endswith("kernel")]


def _sublayers(layer):
    seen = {id(layer)}
    stack = list(getattr(layer, "_layers", []) or [])
    for attr in ("layer", "cell", "forward_layer", "backward_layer"):
        sub = getattr(layer, attr, None)
        if isinstance(sub, keras.layers.Layer):
            stack.append(sub)
    while stack:
        sub = stack.pop()
        if id(sub) in seen:
            continue
        seen.add(id(sub))
        yield sub
        stack.extend(_sublayers(sub))


def apply_regularizer(model: keras.Model, spec) -> int:
    """Set the regularizer on every kernel of ``model`` (built or not); returns the kernel count.

    Works on any `keras.Model` (a `clara_keras.Model`, a functional graph, a
    subclass). On layers not built yet, `kernel_regularizer` (and
    `recurrent_regularizer`, `depthwise_regularizer`, `pointwise_regularizer`
    where the layer has them) is set so the kernels are created with it; on
    built layers each kernel variable's regularizer is set too, so
    `model.losses` includes the penalty at once. Biases, embeddings and
    normalization weights are not regularized.
    """
    reg = P.build_regularizer(spec)
    layers = []
    for layer in model.layers:
        layers.append(layer)
        layers.extend(_sublayers(layer))
    for layer in layers:
        for attr in _KERNEL_REGULARIZER_ATTRS:
            if hasattr(layer, attr):
                try:
                    setattr(layer, attr, reg)
                except AttributeError:  # read-only forwarding property (e.g. LSTM -> its cell)
                    pass
    seen = 0
    for variable in _kernel_variables(model):  # the kernels that exist already (built layers)
        variable.regularizer = reg
        seen += 1
    return seen


def compile_args(model: keras.Model, model_type: str, params: Mapping[str, Any] | None = None, **overrides) -> dict:
    """The `keras.Model.compile` arguments that `params` and the model `type` imply.

    `params` are validated against the schema (`clara_keras.params`); every
    `keras.Model.compile` argument in `overrides` wins (an `optimizer` given
    as a name is built with the params' learning rate, momentum, ...).
    """
    model_type = _check_type(model_type)
    p = {**P.default_params(), **P.validate_params(params or {})}
    defaults = default_compile_args(model, model_type)
    optimizer = overrides.pop("optimizer", None)
    loss = overrides.pop("loss", None)
    metrics = overrides.pop("metrics", None)
    if optimizer is None:
        optimizer = P.build_optimizer(p)
    elif isinstance(optimizer, str):
        optimizer = P.build_optimizer({**p, "optimizer": P.validate_param("optimizer", optimizer)[1]})
    if loss is None:
        loss = p["loss"] if p["loss"] is not None else defaults["loss"]
    if metrics is None:
        metrics = p["metrics"] if p["metrics"] is not None else defaults["metrics"]
    overrides.setdefault("jit_compile", p["jit_compile"])
    return {"optimizer": optimizer, "loss": loss, "metrics": metrics, **overrides}


def compile_model(
    model: keras.Model, model_type: str = "classification", params: Mapping[str, Any] | None = None, **overrides
) -> keras.Model:
    """Compile any `keras.Model` (functional, subclassed, Sequential) the way `clara_keras.Model.compile` does.

    For a `clara_keras.Model`, `params` are set on it and its own `compile` is
    used (its `type` wins over `model_type`). For another Keras model, the
    regularizer in `params` is applied to every kernel and the loss/metrics
    follow `model_type`. Returns the model.

    Example:

    ```python
    inputs = keras.Input((8, 8, 1))
    x = cl.Flatten()(cl.Conv2DLayer(filters=4)(inputs))
    model = keras.Model(inputs, cl.DenseLayer(units=10)(x))
    clara_keras.models.compile_model(model, "classification", {"lr": 0.01, "optimizer": "sgd"})
    ```
    """
    if isinstance(model, Model):
        if params:
            model.set_params(params)
        model.compile(**overrides)
        return model
    if not isinstance(model, keras.Model):
        raise ParamTypeError(f"Expected a keras.Model or clara_keras.Model. Received: {model!r}")
    validated = P.validate_params(params or {})
    if validated.get("regularizer") is not None:
        apply_regularizer(model, validated["regularizer"])
    model.compile(**compile_args(model, model_type, validated, **overrides))
    return model


def clone_model(model: keras.Model) -> keras.Model:
    """A fresh copy (same architecture and Clara parameters, new weights) of any Keras model.

    `clara_keras.Model` (and its subclasses) -> `model.clone()`; functional and
    Sequential models -> `keras.models.clone_model`; subclassed models ->
    `from_config(get_config())`.
    """
    if isinstance(model, Model):
        return model.clone()
    if not isinstance(model, keras.Model):
        raise ParamTypeError(f"Expected a keras.Model or clara_keras.Model. Received: {model!r}")
    try:
        return keras.models.clone_model(model)
    except (ValueError, TypeError, NotImplementedError):
        return type(model).from_config(model.get_config())


@clara_export("clara_keras.Model")
class Model(keras.Sequential):
    """A Clara model: a `keras.Sequential` that knows what it is for.

    It *is* a `keras.Model`, so `fit`, `evaluate`, `predict`, `summary` and
    `save` work unchanged on every backend. What it adds:

    - `type` picks the default loss, metrics and logits handling in `compile()`;
    - `set_params({...})` validates training parameters against the one schema
      in `clara_keras.params` (aliases such as `lr`, "did you mean" errors);
    - `compile()` with no arguments builds the optimizer, loss, metrics and
      kernel regularizer from those parameters. Keras `compile` arguments
      override them.

    Args:
        layers: Optional list of layers to add.
        type: One of `"classification"`, `"binary"`, `"multilabel"`,
            `"regression"`. Defaults to `"classification"`.
        input_shape: Optional tuple (without the batch axis). If omitted,
            the model is built from the first data it sees.
        params: Optional dict of parameters (same as `set_params`).
        name: Optional model name.

    Example:

    ```python
    import clara_keras as clara
    from clara_keras import layers as cl

    model = clara.Model(type="classification")
    model.add(cl.Conv2DLayer(filters=32, kernel_size=(3, 3)))
    model.add(cl.MaxPooling2DLayer(pool_size=(2, 2)))
    model.add(cl.Flatten())
    model.add(cl.DenseLayer(units=10))
    model.set_params({"learning_rate": 0.01})
    model.compile()
    ```
    """

    def __init__(
        self,
        layers=None,
        type: str = "classification",
        input_shape=None,
        params: Mapping | None = None,
        trainable=True,
        name=None,
    ):
        super().__init__(trainable=trainable, name=name)
        self.type = _check_type(type)
        self._clara_params: dict[str, Any] = {}
        if params:
            self.set_params(params)
        if input_shape is not None:
            self.add(keras.Input(shape=_check_input_shape(input_shape)))
        for layer in layers or []:
            self.add(layer)

    # -- building -----------------------------------------------------------------------------
    def add(self, layer, rebuild=True):
        """Append a layer (any `keras.layers.Layer`, or a `keras.Input`)."""
        if not isinstance(layer, keras.layers.Layer) and not hasattr(layer, "_keras_history"):
            raise ParamTypeError(
                f"`Model.add` expects a keras Layer (e.g. clara_keras.layers.DenseLayer). Received: {layer!r}"
            )
        super().add(layer, rebuild=rebuild)
        if self._clara_params.get("regularizer") is not None:
            apply_regularizer(self, self._clara_params["regularizer"])

    def build(self, input_shape=None):
        super().build(input_shape)
        if self._clara_params.get("regularizer") is not None:
            apply_regularizer(self, self._clara_params["regularizer"])

    # -- parameters ---------------------------------------------------------------------------
    def set_params(self, params: Mapping[str, Any]) -> Model:
        """Validate and store training parameters; returns the model (chainable).

        Keys (aliases in brackets): `learning_rate` (`lr`), `optimizer`, `momentum`,
        `decay` (`weight_decay`: decoupled weight decay, not learning-rate decay),
        `regularizer` (`regularization`: `{'name': 'l1'|'l2'|'l1_l2', 'value': ...}`,
        applied to every kernel), `clipnorm`, `loss`, `metrics`, `batch_size`,
        `epochs`, `validation_freq`, `jit_compile`.

        Raises:
            ConfigError: unknown key (with the allowed ones and the nearest spelling) or bad value.
        """
        validated = P.validate_params(params)
        self._clara_params.update(validated)
        if "regularizer" in validated:
            apply_regularizer(self, validated["regularizer"])
        return self

    def get_params(self) -> dict[str, Any]:
        """All parameters: the defaults, overridden by what `set_params` received."""
        return {**P.default_params(), **self._clara_params}

    @property
    def params_set(self) -> dict[str, Any]:
        """Only the parameters that were set explicitly."""
        return dict(self._clara_params)

    # -- compiling ----------------------------------------------------------------------------
    def compile(self, optimizer=None, loss=None, metrics=None, **kwargs):
        """Compile from the parameters and the model type; every `keras.Model.compile` argument overrides."""
        p = self.get_params()
        if p["regularizer"] is not None:
            apply_regularizer(self, p["regularizer"])
        args = compile_args(
            self, self.type, self._clara_params, optimizer=optimizer, loss=loss, metrics=metrics, **kwargs
        )
        super().compile(**args)

    def compile_from_config(self, config):
        config = keras.saving.deserialize_keras_object(config)
        self.compile(**config)
        if getattr(self, "optimizer", None) is not None and self.built:
            self.optimizer.build(self.trainable_variables)

    # -- serialization ------------------------------------------------------------------------
    def get_config(self):
        config = super().get_config()
        config["type"] = self.type
        config["params"] = P.serialize_params(self._clara_params)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = copy.deepcopy(config)
        model_type = config.pop("type", "classification")
        params = P.deserialize_params(config.pop("params", {}) or {})
        model = cls(type=model_type, name=config.get("name"), params=params)
        # Sequential.from_config adds the layers and builds; reuse it on our instance.
        base = keras.Sequential.from_config.__func__
        built = base(_Factory(model), config, custom_objects=custom_objects)
        return built

    def clone(self) -> Model:
        """A fresh, unbuilt-weights copy with the same architecture, type and parameters."""
        return type(self).from_config(self.get_config())


class _Factory:
    """Makes ``Sequential.from_config`` fill an already constructed Clara model."""

    def __init__(self, model):
        self._model = model

    def __call__(self, name=None, **kwargs):
        return self._model
