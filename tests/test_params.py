import keras
import pytest

from clara_keras import params as P
from clara_keras.errors import ConfigError
from clara_keras.errors import ParamTypeError


def test_aliases_map_to_canonical_names():
    out = P.validate_params({"lr": 0.1, "regularization": "l2", "weight_decay": 0.01})
    assert out == {"learning_rate": 0.1, "regularizer": {"name": "l2", "value": 1e-4}, "decay": 0.01}


def test_unknown_key_lists_allowed_and_suggests():
    with pytest.raises(ConfigError) as info:
        P.validate_params({"learnin_rate": 0.1})
    msg = str(info.value)
    assert "'learnin_rate'" in msg and "Did you mean 'learning_rate'?" in msg and "momentum" in msg


@pytest.mark.parametrize(
    "key,value,phrase",
    [
        ("lr", -1, "positive"),
        ("lr", float("inf"), "positive finite"),
        ("momentum", 1.5, "[0, 1)"),
        ("batch_size", 0, "positive integer"),
        ("batch_size", 2.5, "positive integer"),
        ("epochs", True, "positive integer"),
        ("decay", -0.1, "non-negative"),
    ],
)
def test_bad_values_name_the_value(key, value, phrase):
    with pytest.raises(ConfigError) as info:
        P.validate_params({key: value})
    assert phrase in str(info.value) and repr(value) in str(info.value)


def test_optimizer_and_regularizer_errors():
    with pytest.raises(ConfigError, match="Did you mean 'rmsprop'"):
        P.validate_params({"optimizer": "rmsprp"})
    with pytest.raises(ConfigError, match="Unknown regularizer name 'l3'"):
        P.validate_params({"regularizer": {"name": "l3", "value": 1e-3}})
    with pytest.raises(ParamTypeError):
        P.validate_params({"optimizer": 3})
    with pytest.raises(ConfigError, match="given twice"):
        P.validate_params({"lr": 0.1, "learning_rate": 0.2})


def test_build_optimizer_applies_params():
    opt = P.build_optimizer({"optimizer": "sgd", "learning_rate": 0.05, "momentum": 0.9, "decay": 1e-3})
    assert isinstance(opt, keras.optimizers.SGD)
    assert float(keras.ops.convert_to_numpy(opt.learning_rate)) == pytest.approx(0.05)
    assert opt.momentum == pytest.approx(0.9) and opt.weight_decay == pytest.approx(1e-3)
    assert isinstance(P.build_optimizer({}), keras.optimizers.Adam)


def test_build_regularizer_kinds():
    assert isinstance(P.build_regularizer({"name": "l1", "value": 0.1}), keras.regularizers.L1)
    l1l2 = P.build_regularizer({"name": "l1_l2", "value": 0.1})
    assert isinstance(l1l2, keras.regularizers.L1L2) and l1l2.l1 == pytest.approx(0.1)
    assert P.build_regularizer(None) is None


def test_serialize_roundtrip_of_keras_objects():
    params = {"optimizer": keras.optimizers.SGD(0.3), "learning_rate": 0.1}
    back = P.deserialize_params(P.serialize_params(params))
    assert isinstance(back["optimizer"], keras.optimizers.SGD) and back["learning_rate"] == 0.1
