"""One call that runs Keras's layer harness plus the checks it lacks (a weight-changing training step
and a `.keras` file round trip). Used by `tests/layers` and `tests/models`."""

from __future__ import annotations

import keras
import numpy as np

from tests.helpers.keras_testing import KerasTestCase
from tests.helpers.keras_testing import assert_keras_file_roundtrip


def _as_dict(input_data):
    return input_data if isinstance(input_data, dict) else {"inputs": input_data}


def functional_model(layer, input_data, call_kwargs=None) -> keras.Model:
    """A functional model calling ``layer`` on inputs shaped like ``input_data`` (array or dict of arrays)."""
    call_kwargs = call_kwargs or {}
    data = _as_dict(input_data)
    inputs = {k: keras.Input(shape=v.shape[1:], dtype=str(v.dtype), name=k) for k, v in data.items()}
    if isinstance(input_data, dict):
        outputs = layer(**inputs, **call_kwargs)
        return keras.Model(inputs, outputs)
    outputs = layer(inputs["inputs"], **call_kwargs)
    return keras.Model(inputs["inputs"], outputs)


def assert_training_changes_weights(layer, input_data, call_kwargs=None, frozen=()) -> None:
    """One SGD step on an MSE loss towards a random target must change every trainable weight
    (except names listed in ``frozen``)."""
    model = functional_model(layer, input_data, call_kwargs)
    x = input_data
    batch = next(iter(_as_dict(x).values())).shape[0]
    y_shape = tuple(batch if d is None else d for d in model.output.shape)
    target = np.random.default_rng(1).normal(size=y_shape).astype("float32")
    before = {w.path: np.array(keras.ops.convert_to_numpy(w)) for w in layer.trainable_weights}
    assert before, f"{layer.name} has no trainable weights"
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse", jit_compile="auto")
    model.fit(x, target, batch_size=y_shape[0], epochs=1, verbose=0)
    unchanged = [
        path
        for path, value in before.items()
        if np.allclose(value, keras.ops.convert_to_numpy(_weight(layer, path))) and not any(f in path for f in frozen)
    ]
    assert not unchanged, f"a training step did not change {unchanged}"


def _weight(layer, path):
    return next(w for w in layer.trainable_weights if w.path == path)


def assert_mixed_precision(layer_cls, init_kwargs, input_data, policy="mixed_bfloat16", call_kwargs=None):
    """Under ``policy`` the layer computes in half precision and keeps float32 weights."""
    layer = layer_cls(**{**init_kwargs, "dtype": policy})
    data = input_data if isinstance(input_data, dict) else {"_": input_data}
    args = {k: v for k, v in data.items()}
    output = (
        layer(**args, **(call_kwargs or {}))
        if isinstance(input_data, dict)
        else layer(input_data, **(call_kwargs or {}))
    )
    assert keras.backend.standardize_dtype(output.dtype) == layer.compute_dtype == policy.split("_")[1]
    for weight in layer.weights:
        if "float" in weight.dtype:
            assert weight.dtype == "float32", weight.path


def check_layer(
    layer_cls,
    init_kwargs,
    input_data,
    expected_output_shape=None,
    expected_output_dtype="float32",
    call_kwargs=None,
    supports_masking=None,
    expected_num_trainable_weights=None,
    expected_num_non_trainable_weights=None,
    run_mixed_precision_check=True,
    bfloat16_check=False,
    train=True,
    frozen=(),
    atol=1e-6,
):
    """Keras's `run_layer_test` (config round trip, build, symbolic + eager call, output shape and
    dtype, mixed_float16 where the backend supports it; ``bfloat16_check`` adds a mixed_bfloat16
    check for ops without float16 CPU kernels), then a training step that changes the weights and a `.keras` save/load
    (`safe_mode=True`) giving identical outputs. Returns the reloaded model."""
    harness = KerasTestCase()
    harness.setUp()
    # Keras's harness builds multi-input layers from `<arg>_shape` keys; it cannot train them.
    data_kwargs = {"input_data": input_data}
    if isinstance(input_data, dict):
        data_kwargs = {
            "input_shape": {f"{k}_shape": v.shape for k, v in input_data.items()},
            "input_dtype": {f"{k}_shape": str(v.dtype) for k, v in input_data.items()},
        }
    harness.run_layer_test(
        layer_cls,
        init_kwargs,
        **data_kwargs,
        call_kwargs=call_kwargs,
        expected_output_shape=expected_output_shape,
        expected_output_dtype=expected_output_dtype,
        supports_masking=supports_masking,
        expected_num_trainable_weights=expected_num_trainable_weights,
        expected_num_non_trainable_weights=expected_num_non_trainable_weights,
        run_training_check=False,  # replaced by assert_training_changes_weights (asserts the weights move)
        run_mixed_precision_check=run_mixed_precision_check,
    )
    if bfloat16_check:
        assert_mixed_precision(layer_cls, init_kwargs, input_data, "mixed_bfloat16", call_kwargs)
    if train:
        assert_training_changes_weights(layer_cls(**init_kwargs), input_data, call_kwargs, frozen=frozen)
    model = functional_model(layer_cls(**init_kwargs), input_data, call_kwargs)
    return assert_keras_file_roundtrip(model, input_data, atol=atol)
