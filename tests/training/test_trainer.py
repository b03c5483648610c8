"""Trainer: fit/validate/keep best/test best, data forms, run folder files, bad input."""

import json
import math
import os
import zipfile

import keras
import numpy as np
import pytest

import clara_keras as clara
from clara_keras.data import Dataset
from clara_keras.errors import CheckpointError
from clara_keras.errors import ConfigError
from clara_keras.errors import DataError
from clara_keras.errors import ShapeError
from clara_keras.training import RunDir
from clara_keras.training import Trainer
from tests.training._tiny import ArraySequence
from tests.training._tiny import blobs
from tests.training._tiny import tiny_model
from tests.training._tiny import weights_equal


@pytest.fixture
def parts():
    x, y = blobs(300)
    return (x[:200], y[:200]), (x[200:250], y[200:250]), (x[250:], y[250:])


def test_fit_keeps_best_and_test_loads_it(tmp_path, parts):
    train, val, test = parts
    model = tiny_model()
    trainer = Trainer(
        model, train, validation=val, test=test, epochs=5, monitor="val_loss", run_dir=tmp_path, verbose=0
    )
    trainer.fit()
    hist = trainer.history
    assert len(hist["loss"]) == 5 and len(hist["val_loss"]) == 5
    assert trainer.best_epoch == int(np.argmin(hist["val_loss"])) + 1
    assert trainer.best_score == pytest.approx(min(hist["val_loss"]), rel=1e-6)
    best = clara.load_model(tmp_path / "best.keras")
    scores = trainer.test()
    assert weights_equal(model.get_weights(), best.get_weights())  # test() loaded the best weights
    expected = best.evaluate(test[0], test[1], verbose=0, return_dict=True)
    assert scores["test_loss"] == pytest.approx(expected["loss"], rel=1e-5)
    assert scores["test_accuracy"] == pytest.approx(expected["accuracy"], abs=1e-6)
    assert scores["test_accuracy"] > 0.6


def test_run_folder_files(tmp_path, parts):
    train, val, _ = parts
    trainer = Trainer(tiny_model(), train, validation=val, epochs=3, run_dir=tmp_path, seed=3, verbose=0).fit()
    run = RunDir(tmp_path)
    assert run.best_model.is_file() and run.state.is_file()
    hist = json.loads(run.history_json.read_text())
    assert hist["loss"] == pytest.approx(trainer.history["loss"])
    lines = run.history_csv.read_text().splitlines()
    assert lines[0].split(",")[0] == "epoch" and len(lines) == 4
    config = json.loads(run.config.read_text())
    assert config["seed"] == 3 and config["backend"] == keras.config.backend()
    assert config["data"]["train"] == {"feature_shape": [6], "num_samples": 200}
    assert config["params"]["learning_rate"] == 0.01 and config["trainer"]["epochs"] == 3
    assert config["versions"]["keras"] == keras.__version__
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".tmp")]  # no temp file left behind


@pytest.mark.parametrize("form", ["dataset", "pydataset", "tf_data", "data_generator"])
def test_data_forms(tmp_path, parts, form):
    (xt, yt), (xv, yv), (xs, ys) = parts
    if form == "dataset":
        train, val, test = Dataset(X=xt, y=yt), Dataset(X=xv, y=yv), Dataset(X=xs, y=ys)
    elif form == "pydataset":
        train, val, test = ArraySequence(xt, yt), ArraySequence(xv, yv), ArraySequence(xs, ys)
    elif form == "tf_data":
        if keras.config.backend() != "tensorflow":
            pytest.skip("tf.data input is exercised on the TensorFlow backend")
        import tensorflow as tf

        def mk(x, y):
            return tf.data.Dataset.from_tensor_slices((x, y)).batch(32)

        train, val, test = mk(xt, yt), mk(xv, yv), mk(xs, ys)
    else:
        data_mod = pytest.importorskip("clara_keras.data")
        if not hasattr(data_mod, "DataGenerator"):
            pytest.skip("clara_keras.data.DataGenerator is not available yet")
        gen = data_mod.DataGenerator
        train, val, test = (gen(Dataset(X=x, y=y), batch_size=32) for x, y in ((xt, yt), (xv, yv), (xs, ys)))
    trainer = Trainer(tiny_model(), train, validation=val, test=test, epochs=2, run_dir=tmp_path, verbose=0).fit()
    assert trainer.best_epoch in (1, 2)
    scores = trainer.test()
    assert 0.0 <= scores["test_accuracy"] <= 1.0 and math.isfinite(scores["test_loss"])


def test_validation_freq_skips_epochs_and_best_uses_validated_ones(tmp_path, parts):
    train, val, _ = parts
    trainer = Trainer(
        tiny_model(),
        train,
        validation=val,
        epochs=4,
        validation_freq=2,
        monitor="val_accuracy",
        run_dir=tmp_path,
        verbose=0,
    ).fit()
    v = trainer.history["val_accuracy"]
    assert math.isnan(v[0]) and math.isnan(v[2]) and not math.isnan(v[1]) and not math.isnan(v[3])
    assert trainer.best_epoch in (2, 4)


def test_resume_in_process_equals_uninterrupted(tmp_path, parts):
    train, val, _ = parts
    keras.utils.set_random_seed(7)
    ref = tiny_model()
    Trainer(ref, train, validation=val, epochs=4, run_dir=tmp_path / "ref", seed=1, verbose=0).fit()
    keras.utils.set_random_seed(7)
    first = tiny_model()
    Trainer(first, train, validation=val, epochs=2, run_dir=tmp_path / "b", seed=1, verbose=0).fit()
    keras.utils.set_random_seed(99)  # a different process state: the resume state must override it
    again = tiny_model()
    t = Trainer(again, train, validation=val, epochs=4, run_dir=tmp_path / "b", seed=1, resume=True, verbose=0).fit()
    assert [r["epoch"] for r in t._rows] == [1, 2, 3, 4]
    for a, b in zip(ref.get_weights(), again.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    assert int(keras.ops.convert_to_numpy(again.optimizer.iterations)) == 4 * 7


def test_bad_input_errors(tmp_path, parts):
    train, val, test = parts
    with pytest.raises(ConfigError, match="expected a positive integer. Received: epochs=0"):
        Trainer(tiny_model(), train, epochs=0, run_dir=tmp_path)
    with pytest.raises(ConfigError, match="epochs=-2"):
        Trainer(tiny_model(), train, epochs=-2, run_dir=tmp_path)
    with pytest.raises(ConfigError, match="no validation data"):
        Trainer(tiny_model(), train, monitor="val_accuracy", epochs=1, run_dir=tmp_path)
    with pytest.raises(ConfigError, match=r"not logged. Logged metrics: .*accuracy.*Did you mean 'val_accuracy'"):
        Trainer(tiny_model(), train, validation=val, monitor="val_acuracy", epochs=1, run_dir=tmp_path, verbose=0).fit()
    with pytest.raises(ConfigError, match="'f1'.*Logged metrics: accuracy, loss"):
        Trainer(tiny_model(), train, monitor="f1", epochs=1, run_dir=tmp_path, verbose=0).fit()
    trainer = Trainer(tiny_model(), train, test=test, epochs=1, run_dir=tmp_path / "ok", verbose=0).fit()
    with pytest.raises(ShapeError, match=r"shape \(4,\) per sample, but the model expects \(6,\)"):
        trainer.test((test[0][:, :4], test[1]))
    with pytest.raises(DataError, match="50 samples in X but 10 labels"):
        Trainer(tiny_model(), (val[0], val[1][:10]), epochs=1, run_dir=tmp_path).fit()
    with pytest.raises(DataError, match="Received: str"):
        Trainer(tiny_model(), "data.csv", epochs=1, run_dir=tmp_path).fit()
    with pytest.raises(CheckpointError, match="no resume state"):
        Trainer(tiny_model(), train, epochs=2, run_dir=tmp_path / "empty", resume=True).fit()


def test_resume_with_a_different_model_is_refused(tmp_path, parts):
    train, _, _ = parts
    Trainer(tiny_model(), train, epochs=1, run_dir=tmp_path, verbose=0).fit()
    with pytest.raises(CheckpointError, match="different model"):
        Trainer(tiny_model(units=8), train, epochs=2, run_dir=tmp_path, resume=True, verbose=0).fit()


def test_corrupt_resume_state_is_a_checkpoint_error(tmp_path, parts):
    train, _, _ = parts
    Trainer(tiny_model(), train, epochs=1, run_dir=tmp_path, verbose=0).fit()
    state = RunDir(tmp_path).state
    state.write_bytes(state.read_bytes()[:100])
    with pytest.raises(CheckpointError, match="corrupt"):
        Trainer(tiny_model(), train, epochs=2, run_dir=tmp_path, resume=True, verbose=0).fit()


def test_failed_save_never_replaces_good_best_model(tmp_path, parts, monkeypatch):
    train, val, _ = parts
    model = tiny_model()
    Trainer(model, train, validation=val, epochs=1, run_dir=tmp_path, verbose=0).fit()
    best = RunDir(tmp_path).best_model
    good = best.read_bytes()

    def broken_save(path, *args, **kwargs):
        with open(path, "wb") as f:
            f.write(b"PK\x03\x04 truncated")
        raise OSError("disk full")

    monkeypatch.setattr(model, "save", broken_save)  # a full Keras save fails half-way

    real_writestr = zipfile.ZipFile.writestr

    def broken_writestr(self, name, data, *args, **kwargs):  # so does the weights-only re-save
        real_writestr(self, name, data[: len(data) // 2], *args, **kwargs)
        raise OSError("disk full")

    monkeypatch.setattr(zipfile.ZipFile, "writestr", broken_writestr)
    with pytest.raises(OSError, match="disk full"):
        Trainer(model, train, validation=val, epochs=1, run_dir=tmp_path, verbose=0).fit()
    assert best.read_bytes() == good
    assert clara.load_model(best).count_params() == model.count_params()
    assert not [p for p in os.listdir(tmp_path) if p.startswith(".best")]


def test_resume_with_data_generator_equals_uninterrupted(tmp_path, parts):
    from clara_keras.data import DataGenerator

    (xt, yt), (xv, yv), _ = parts

    def run(epochs, run_dir, resume=False, init_seed=7):
        keras.utils.set_random_seed(init_seed)
        model = tiny_model()
        train = DataGenerator(Dataset(X=xt, y=yt), batch_size=32, seed=3)
        val = DataGenerator(Dataset(X=xv, y=yv), batch_size=32, training=False)
        Trainer(model, train, validation=val, epochs=epochs, run_dir=run_dir, resume=resume, verbose=0).fit()
        return model.get_weights()

    reference = run(3, tmp_path / "ref")
    run(2, tmp_path / "b")
    resumed = run(3, tmp_path / "b", resume=True, init_seed=99)
    for a, b in zip(reference, resumed):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("every", [None, 2])
def test_batch_hooks_only_with_checkpoint_every(tmp_path, parts, monkeypatch, every):
    """Without checkpoint_every no Trainer callback has a batch-end hook, so Keras keeps its asynchronous
    dispatch (a batch-end hook makes it fetch every step's logs from the device: 15 % of a digits epoch on JAX)."""
    train, _, _ = parts
    model = tiny_model()
    seen = []
    real_fit = model.fit

    def fit(*args, callbacks=None, **kwargs):
        seen.append(keras.callbacks.CallbackList(callbacks, model=model)._async_train)
        return real_fit(*args, callbacks=callbacks, **kwargs)

    from clara_keras.training import resume_state

    saved = []
    real_save = resume_state.save_state

    def save_state(path, model, meta, **kwargs):
        saved.append((meta["epoch"], meta["batch"]))
        return real_save(path, model, meta, **kwargs)

    monkeypatch.setattr(model, "fit", fit)
    monkeypatch.setattr(resume_state, "save_state", save_state)
    Trainer(model, train, epochs=2, batch_size=50, checkpoint_every=every, run_dir=tmp_path, verbose=0).fit()
    # Keras never dispatches asynchronously on TensorFlow (not thread-safe there): the baseline is an empty list.
    plain = keras.callbacks.CallbackList([], model=model)._async_train
    assert seen == [plain and every is None]
    assert plain == (keras.config.backend() != "tensorflow")
    # 4 batches per epoch: with every=2 the batch hook saves after batch 2 of each epoch, then the epoch end.
    assert saved == ([(0, 2), (1, 0), (1, 2), (2, 0)] if every else [(1, 0), (2, 0)])
