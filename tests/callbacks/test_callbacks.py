"""Clara callbacks: behaviour, missing-metric errors, config round trip, resume state."""

import io
import json
import math
import os

import keras
import numpy as np
import pytest

import clara_keras as clara
from clara_keras import callbacks as cc
from clara_keras.errors import ConfigError
from clara_keras.training import Trainer
from tests.training._tiny import blobs
from tests.training._tiny import tiny_model


@pytest.fixture
def data():
    x, y = blobs(160)
    return x[:128], y[:128], x[128:], y[128:]


def _lr(model):
    return float(keras.ops.convert_to_numpy(model.optimizer.learning_rate))


class _Recorder(keras.callbacks.Callback):
    def __init__(self, when="epoch"):
        super().__init__()
        self.when, self.values = when, []

    def on_epoch_begin(self, epoch, logs=None):
        if self.when == "epoch":
            self.values.append(_lr(self.model))

    def on_train_batch_end(self, batch, logs=None):
        if self.when == "batch":
            self.values.append(_lr(self.model))


ALL = [
    cc.BestModelCheckpoint("b.keras", monitor="val_accuracy", mode="max", min_delta=0.01),
    cc.EarlyStopping(monitor="val_loss", patience=3),
    cc.LearningRateWarmup(warmup_epochs=2, start_factor=0.1),
    cc.CosineSchedule(epochs=10, min_lr=1e-4),
    cc.StepSchedule(step_size=3, gamma=0.5),
    cc.ReduceLROnPlateau(monitor="loss", factor=0.5, patience=1),
    cc.CSVLogger("h.csv"),
    cc.JSONLogger("h.json", append=True),
    cc.TerminateOnNaN(),
    cc.TimeLimit(minutes=2.5),
    cc.ProgressBar(every=2, width=10),
]


@pytest.mark.parametrize("cb", ALL, ids=lambda c: type(c).__name__)
def test_config_round_trip_and_registered(cb):
    clone = type(cb).from_config(cb.get_config())
    assert clone.get_config() == cb.get_config()
    registered = keras.saving.get_registered_name(type(cb))
    assert registered == f"clara_keras>{type(cb).__name__}"


def test_best_model_checkpoint_saves_only_improvements(tmp_path, data):
    x, y, xv, yv = data
    path = os.path.join(tmp_path, "best.keras")
    cb = cc.BestModelCheckpoint(path, monitor="val_loss")
    model = tiny_model()
    hist = model.fit(x, y, validation_data=(xv, yv), epochs=4, verbose=0, callbacks=[cb]).history
    assert cb.best_epoch == int(np.argmin(hist["val_loss"])) + 1
    assert cb.best == pytest.approx(min(hist["val_loss"]), rel=1e-6)
    saved = clara.load_model(path)
    assert saved.evaluate(xv, yv, verbose=0, return_dict=True)["loss"] == pytest.approx(cb.best, rel=1e-4)
    with pytest.raises(ConfigError, match="must end in '.keras'"):
        cc.BestModelCheckpoint(os.path.join(tmp_path, "best.h5"))


@pytest.mark.parametrize(
    "make",
    [
        lambda p: cc.BestModelCheckpoint(os.path.join(p, "b.keras"), monitor="val_f1"),
        lambda p: cc.EarlyStopping(monitor="val_f1"),
        lambda p: cc.ReduceLROnPlateau(monitor="val_f1"),
    ],
)
def test_missing_monitor_lists_logged_metrics(tmp_path, data, make):
    x, y, xv, yv = data
    with pytest.raises(ConfigError, match=r"'val_f1', which is not logged. Logged metrics: accuracy, loss, .*val_loss"):
        tiny_model().fit(x, y, validation_data=(xv, yv), epochs=1, verbose=0, callbacks=[make(tmp_path)])


def test_val_monitor_without_any_validation_raises_at_end(tmp_path, data):
    x, y, _, _ = data
    cb = cc.BestModelCheckpoint(os.path.join(tmp_path, "b.keras"), monitor="val_loss")
    with pytest.raises(ConfigError, match="'val_loss', which is not logged"):
        tiny_model().fit(x, y, epochs=1, verbose=0, callbacks=[cb])


def test_early_stopping_stops_and_restores_best(data):
    x, y, xv, yv = data
    model = tiny_model(lr=0.05)
    seen = []

    class Spy(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            seen.append((logs["val_loss"], self.model.get_weights()))

    stop = cc.EarlyStopping(monitor="val_loss", patience=1, min_delta=10.0)  # nothing improves by 10: stop at epoch 2
    hist = model.fit(x, y, validation_data=(xv, yv), epochs=10, verbose=0, callbacks=[Spy(), stop]).history
    assert len(hist["loss"]) == 2 and stop.stopped_epoch == 1
    assert stop.restore_best_weights is True
    for a, b in zip(model.get_weights(), seen[0][1]):  # first epoch was the (only) best: restored
        np.testing.assert_array_equal(a, b)
    state = stop.get_state()
    other = cc.EarlyStopping(monitor="val_loss", patience=1)
    other.set_state(json.loads(json.dumps(state)))
    assert other.get_state() == state


def test_warmup_ramps_linearly_then_holds(data):
    x, y, _, _ = data
    model = tiny_model(lr=0.02)
    rec = _Recorder("batch")
    model.fit(x, y, epochs=3, batch_size=32, verbose=0, callbacks=[cc.LearningRateWarmup(warmup_epochs=2), rec])
    steps = 4
    expected = [0.02 * min(1.0, s / (2 * steps)) for s in range(2 * steps)] + [0.02] * steps
    np.testing.assert_allclose(rec.values, expected, rtol=1e-5, atol=1e-9)


def test_cosine_and_step_schedules(data):
    x, y, _, _ = data
    model = tiny_model(lr=0.1)
    rec = _Recorder()
    hist = model.fit(x, y, epochs=5, verbose=0, callbacks=[cc.CosineSchedule(min_lr=0.01), rec]).history
    expected = [0.01 + 0.09 * 0.5 * (1 + math.cos(math.pi * e / 5)) for e in range(5)]
    np.testing.assert_allclose(rec.values, expected, rtol=1e-5)
    np.testing.assert_allclose(hist["learning_rate"], expected, rtol=1e-5)
    model = tiny_model(lr=0.1)
    rec = _Recorder()
    model.fit(x, y, epochs=5, verbose=0, callbacks=[cc.StepSchedule(step_size=2, gamma=0.5), rec])
    np.testing.assert_allclose(rec.values, [0.1, 0.1, 0.05, 0.05, 0.025], rtol=1e-5)
    with pytest.raises(ConfigError, match="step_size=0"):
        cc.StepSchedule(step_size=0)
    with pytest.raises(ConfigError, match="min_lr=-1"):
        cc.CosineSchedule(min_lr=-1)


def test_reduce_lr_on_plateau_wraps_keras(data):
    x, y, _, _ = data
    model = tiny_model(lr=0.1)
    cb = cc.ReduceLROnPlateau(monitor="loss", factor=0.5, patience=1, min_delta=100.0)  # never "improves"
    model.fit(x, y, epochs=3, verbose=0, callbacks=[cb])
    assert _lr(model) == pytest.approx(0.1 * 0.5**2, rel=1e-5)
    assert isinstance(cb, keras.callbacks.ReduceLROnPlateau)
    assert cb.get_state()["wait"] == 0


def test_csv_and_json_loggers(tmp_path, data):
    x, y, xv, yv = data
    csv_path, json_path = os.path.join(tmp_path, "h.csv"), os.path.join(tmp_path, "h.json")
    model = tiny_model()
    hist = model.fit(
        x,
        y,
        validation_data=(xv, yv),
        validation_freq=2,
        epochs=3,
        verbose=0,
        callbacks=[cc.CSVLogger(csv_path), cc.JSONLogger(json_path)],
    ).history
    lines = open(csv_path).read().splitlines()
    assert lines[0] == "epoch,accuracy,loss" or lines[0].startswith("epoch,")
    header = lines[0].split(",")
    assert {"loss", "accuracy", "val_loss"} <= set(header) and len(lines) == 4
    row1 = dict(zip(header, lines[1].split(",")))
    assert row1["val_loss"] == "" and float(row1["loss"]) == pytest.approx(hist["loss"][0], rel=1e-6)
    rows = json.load(open(json_path))
    assert [r["epoch"] for r in rows] == [1, 2, 3]
    assert rows[1]["val_loss"] == pytest.approx(hist["val_loss"][0], rel=1e-6)
    appended = cc.CSVLogger(csv_path, append=True)
    model.fit(x, y, epochs=1, verbose=0, callbacks=[appended])
    assert [r["epoch"] for r in appended.rows] == [1, 2, 3, 1]  # appended after the rows already in the file
    assert len(open(csv_path).read().splitlines()) == 5


def test_terminate_on_nan_keeps_last_good_checkpoint(tmp_path, data):
    x, y, xv, yv = data
    run = os.path.join(tmp_path, "run")
    model = tiny_model()
    trainer = Trainer(model, (x, y), validation=(xv, yv), epochs=2, run_dir=run, verbose=0).fit()
    best = os.path.join(run, "best.keras")
    state = os.path.join(run, "state", "resume.npz")
    good_best, good_state = open(best, "rb").read(), open(state, "rb").read()

    class PoisonWeights(keras.callbacks.Callback):  # the weights turn NaN during epoch 3
        def on_train_batch_begin(self, batch, logs=None):
            if self.epoch == 2 and batch == 1:
                kernel = self.model.layers[-1].kernel
                kernel.assign(np.full(kernel.shape, np.nan, dtype="float32"))

        def on_epoch_begin(self, epoch, logs=None):
            self.epoch = epoch

    guard = cc.TerminateOnNaN()
    callbacks = [PoisonWeights(), guard]
    t2 = Trainer(model, (x, y), validation=(xv, yv), epochs=4, run_dir=run, resume=True, callbacks=callbacks, verbose=0)
    t2.fit()
    assert guard.terminated and guard.epoch == 3
    assert open(best, "rb").read() == good_best and open(state, "rb").read() == good_state
    assert trainer.best_epoch == t2.best_epoch
    assert math.isnan(t2.history["loss"][-1])
    scores = t2.test((xv, yv))  # the best (finite) weights are loaded back
    assert math.isfinite(scores["test_loss"])


def test_time_limit_stops_on_an_epoch_and_run_resumes(tmp_path, data):
    x, y, _, _ = data
    run = os.path.join(tmp_path, "run")
    limit = cc.TimeLimit(minutes=1e-6)
    t = Trainer(tiny_model(), (x, y), epochs=5, run_dir=run, callbacks=[limit], verbose=0).fit()
    assert limit.stopped and limit.stopped_epoch == 1 and t.epochs_completed == 1 and t.stopped_early
    t2 = Trainer(tiny_model(), (x, y), epochs=3, run_dir=run, resume=True, verbose=0).fit()
    assert [r["epoch"] for r in t2._rows] == [1, 2, 3]
    with pytest.raises(ConfigError, match="minutes=0"):
        cc.TimeLimit(minutes=0)


def test_progress_bar_lines(data):
    x, y, _, _ = data
    out = io.StringIO()
    tiny_model().fit(x, y, epochs=5, verbose=0, callbacks=[cc.ProgressBar(every=2, width=10, stream=out)])
    lines = out.getvalue().splitlines()
    assert [line.split()[1] for line in lines] == ["2/5", "4/5", "5/5"]
    assert lines[-1].startswith("epoch 5/5 [##########] 100% |") and "ETA 0:00:00" in lines[-1]
    assert "loss" in lines[0] and "s/epoch" in lines[0]


def test_callback_states_resume_through_trainer(tmp_path, data):
    x, y, xv, yv = data
    run = os.path.join(tmp_path, "run")
    warm, stop = cc.LearningRateWarmup(warmup_epochs=3), cc.EarlyStopping(patience=50)
    cbs = [warm, stop]
    Trainer(tiny_model(lr=0.04), (x, y), validation=(xv, yv), epochs=2, run_dir=run, callbacks=cbs, verbose=0).fit()
    warm2, stop2 = cc.LearningRateWarmup(warmup_epochs=3), cc.EarlyStopping(patience=50)
    model = tiny_model(lr=0.5)  # a different initial rate: the restored warm-up target must win
    t = Trainer(
        model, (x, y), validation=(xv, yv), epochs=3, run_dir=run, callbacks=[warm2, stop2], verbose=0, resume=True
    )
    t.fit()
    assert _lr(model) == pytest.approx(0.04, rel=1e-5)  # end of warm-up: the first run's target, not 0.5
    assert stop2.best == pytest.approx(min(stop.best, t.history["val_loss"][2]), rel=1e-6)
