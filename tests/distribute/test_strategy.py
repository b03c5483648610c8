"""`clara_keras.distribute.strategy()` picks from the backend and the environment, never silently single-node."""

import importlib
import json

import keras
import numpy as np
import pytest

from clara_keras import distribute
from clara_keras.errors import ConfigError
from clara_keras.errors import DistributeError

strategy_module = importlib.import_module("clara_keras.distribute.strategy")
BACKEND = keras.config.backend()
CLUSTER = json.dumps({"cluster": {"worker": ["127.0.0.1:1", "127.0.0.1:2"]}, "task": {"type": "worker", "index": 0}})


@pytest.fixture(autouse=True)
def _no_cluster(monkeypatch):
    for name in ("TF_CONFIG", "WORLD_SIZE", "KERAS_DISTRIBUTION_NUM_PROCESSES", "KERAS_DISTRIBUTION_JOB_ADDRESSES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(strategy_module, "_CACHE", {})


def test_none_means_no_distribution():
    assert distribute.strategy(None) is None


def test_unknown_kind_is_a_config_error_with_a_suggestion():
    with pytest.raises(ConfigError, match="Did you mean 'mirrored'"):
        distribute.strategy("mirored")


def test_auto_on_one_device_without_cluster_is_single_process():
    assert distribute.strategy("auto") is None


@pytest.mark.skipif(BACKEND != "torch", reason="torch support statement")
@pytest.mark.parametrize("kind", ["multi_worker", "mirrored"])
def test_torch_explicit_request_raises_and_says_what_is_supported(kind):
    with pytest.raises(DistributeError, match="supported on the tensorflow backend") as info:
        distribute.strategy(kind)
    assert f"distribute={kind!r}" in str(info.value) and "jax" in str(info.value)


@pytest.mark.skipif(BACKEND != "torch", reason="torch support statement")
@pytest.mark.parametrize(("name", "value"), [("TF_CONFIG", CLUSTER), ("WORLD_SIZE", "2")])
def test_torch_with_a_cluster_environment_raises_instead_of_training_alone(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(DistributeError, match=name):
        distribute.strategy("auto")


@pytest.mark.skipif(BACKEND != "torch", reason="torch support statement")
def test_torch_fit_multi_worker_raises():
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(loss="mse")
    with pytest.raises(DistributeError, match="not available on the torch backend"):
        distribute.fit_multi_worker(model, np.zeros((4, 2)), np.zeros((4, 1)), batch_size=2)


@pytest.mark.skipif(BACKEND == "torch", reason="tensorflow and jax")
def test_multi_worker_without_cluster_is_an_error():
    with pytest.raises(DistributeError, match="multi_worker"):
        distribute.strategy("multi_worker")


@pytest.mark.skipif(BACKEND != "tensorflow", reason="TensorFlow strategies")
def test_tensorflow_mirrored_and_cluster_conflict(monkeypatch):
    import tensorflow as tf

    mirrored = distribute.strategy("mirrored")
    assert isinstance(mirrored, tf.distribute.MirroredStrategy)
    assert distribute.strategy("mirrored") is mirrored  # cached: created once per process
    monkeypatch.setenv("TF_CONFIG", CLUSTER)
    with pytest.raises(DistributeError, match="use distribute='multi_worker'"):
        distribute.strategy("mirrored")


@pytest.mark.skipif(BACKEND != "jax", reason="JAX distribution")
def test_jax_mirrored_is_data_parallel_over_local_devices():
    dp = distribute.strategy("mirrored")
    assert isinstance(dp, keras.distribution.DataParallel)
    assert len(dp.device_mesh.devices.flatten()) == len(keras.distribution.list_devices())
