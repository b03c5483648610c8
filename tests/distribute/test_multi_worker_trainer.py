"""The TensorFlow custom-step trainer in one process (the default strategy): same maths as `model.fit`,
files, resume, early stopping, data forms, errors. The multi-process runs are in test_multi_worker_processes.py."""

import json
import os

import keras
import numpy as np
import pytest

from clara_keras import distribute
from clara_keras.errors import ConfigError
from clara_keras.errors import DataError

pytestmark = pytest.mark.skipif(keras.config.backend() != "tensorflow", reason="the TensorFlow multi-worker step")


@pytest.fixture(scope="module")
def data():
    from clara_keras.datasets import load_digits_splits

    train, val, _ = load_digits_splits(seed=0)
    # 200 = 3 global batches of 64 and a partial one of 8 (split over replicas too).
    return train.subset(np.arange(200)), val.subset(np.arange(64))


def build(seed=0):
    from clara_keras.models import digits_cnn

    keras.utils.set_random_seed(seed)
    model = digits_cnn(dropout_prob=0.0)
    model.set_params({"learning_rate": 0.01, "optimizer": "sgd"})
    model.compile()
    return model


def max_diff(a, b):
    return max(float(np.max(np.abs(x - y))) for x, y in zip(a, b))


def test_custom_step_matches_keras_fit_in_one_process(data, tmp_path):
    train, val = data
    reference = build()
    initial = reference.get_weights()
    ref = reference.fit(
        train["X"], train["y"], validation_data=(val["X"], val["y"]), batch_size=64, epochs=2, shuffle=False, verbose=0
    )
    model = build()
    seen = []
    recorder = keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: seen.append((epoch, dict(logs))))
    history = distribute.fit_multi_worker(
        model,
        train,
        validation=val,
        epochs=2,
        batch_size=64,
        callbacks=[recorder],
        run_dir=tmp_path,
        monitor="val_accuracy",
        shuffle=False,
    )
    assert max_diff(model.get_weights(), initial) > 1e-3  # it trained
    assert max_diff(model.get_weights(), reference.get_weights()) < 1e-5
    assert sorted(history) == sorted(ref.history) == ["accuracy", "loss", "val_accuracy", "val_loss"]
    for key in ref.history:
        np.testing.assert_allclose(history[key], ref.history[key], rtol=1e-4, atol=1e-5)
    assert [epoch for epoch, _ in seen] == [0, 1]
    assert seen[-1][1]["val_accuracy"] == pytest.approx(history["val_accuracy"][-1])

    # Files written by the (only, hence chief) worker.
    assert json.loads((tmp_path / "history.json").read_text()) == history
    best_epoch = int(np.argmax(history["val_accuracy"]))
    best = keras.saving.load_model(tmp_path / "best.keras", safe_mode=True)
    _, best_acc = best.evaluate(val["X"], val["y"], verbose=0)
    assert best_acc == pytest.approx(history["val_accuracy"][best_epoch], abs=1e-6)
    assert sorted(os.listdir(tmp_path / "backup")) == ["epoch-00001.npz", "epoch-00002.npz"]


def test_resume_from_backup_continues_where_it_stopped(data, tmp_path):
    train, val = data
    full = build()
    distribute.fit_multi_worker(full, train, validation=val, epochs=2, batch_size=64, shuffle=True, seed=3)

    first = build()
    distribute.fit_multi_worker(first, train, validation=val, epochs=1, batch_size=64, run_dir=tmp_path, seed=3)
    trainer = distribute.MultiWorkerTrainer(build(), run_dir=tmp_path, seed=3)
    history = trainer.fit(train, validation=val, epochs=2, batch_size=64, shuffle=True)
    assert trainer.resumed_from_epoch == 1
    assert len(history["loss"]) == 2
    # The shuffle is seeded by (seed, epoch) and the optimizer state is restored: nothing is lost.
    assert max_diff(trainer.model.get_weights(), full.get_weights()) < 1e-6


def test_tf_data_and_py_dataset_give_the_same_weights_as_arrays(data):
    import tensorflow as tf

    train, _ = data
    x, y = train["X"], train["y"]
    arrays = build()
    distribute.fit_multi_worker(arrays, x, y, epochs=1, batch_size=64, shuffle=False)

    class Batches(keras.utils.PyDataset):
        def __init__(self):
            super().__init__()

        def __len__(self):
            return -(-len(x) // 64)

        def __getitem__(self, i):
            return x[i * 64 : (i + 1) * 64], y[i * 64 : (i + 1) * 64]

    py = build()
    distribute.fit_multi_worker(py, Batches(), epochs=1, shuffle=False)
    ds = build()
    distribute.fit_multi_worker(ds, tf.data.Dataset.from_tensor_slices((x, y)).batch(64), epochs=1)
    assert max_diff(py.get_weights(), arrays.get_weights()) < 1e-6
    assert max_diff(ds.get_weights(), arrays.get_weights()) < 1e-6


def tiny():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    model.compile(
        optimizer="sgd", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"]
    )
    return model


def test_early_stopping_own_and_keras_callback(rng):
    x, y = rng.normal(size=(32, 3)).astype("float32"), rng.integers(0, 2, 32)
    trainer = distribute.MultiWorkerTrainer(tiny(), patience=0, min_delta=1e9, monitor="val_loss")
    history = trainer.fit(x, y, validation=(x, y), epochs=5, batch_size=16)
    assert trainer.stopped_epoch == 2 and len(history["loss"]) == 2
    assert sorted(history) == ["accuracy", "loss", "val_accuracy", "val_loss"]  # "accuracy" resolved as Keras does
    stopper = keras.callbacks.EarlyStopping(monitor="loss", patience=0, min_delta=1e9)
    trainer = distribute.MultiWorkerTrainer(tiny())
    history = trainer.fit(x, y, epochs=5, batch_size=16, callbacks=[stopper])
    assert trainer.stopped_epoch == 2 and len(history["loss"]) == 2


def test_errors_name_the_problem(data):
    train, _ = data
    model = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Flatten(), keras.layers.Dense(10)])
    with pytest.raises(ConfigError, match="is not compiled"):
        distribute.fit_multi_worker(model, train, epochs=1, batch_size=64)
    model.compile(optimizer="sgd", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    with pytest.raises(ConfigError, match=r"'val_accuracy' is not logged; available: \['loss'\]"):
        distribute.fit_multi_worker(model, train, epochs=1, batch_size=64, monitor="val_accuracy")
    with pytest.raises(DataError, match="200 samples in x but 199 labels"):
        distribute.fit_multi_worker(model, train["X"], train["y"][:-1], epochs=1, batch_size=64)
    with pytest.raises(ConfigError, match="`epochs`"):
        distribute.fit_multi_worker(model, train, epochs=0, batch_size=64)
    with pytest.raises(ConfigError, match="`patience`"):
        distribute.MultiWorkerTrainer(model, patience=-1)
