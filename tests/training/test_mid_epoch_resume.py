"""Trainer(checkpoint_every=N): batch-granular resume state, in process.

The SIGKILL proof with a DataGenerator, dropout and the LR/early-stopping callbacks, in real subprocesses,
is `tests/reliability/test_mid_epoch_kill.py`; here: the mechanism after an in-process crash, and the errors.
"""

import keras
import numpy as np
import pytest

from clara_keras.data import DataGenerator
from clara_keras.data import Dataset
from clara_keras.errors import CheckpointError
from clara_keras.errors import ConfigError
from clara_keras.training import Trainer
from clara_keras.training import resume_state
from tests.training._tiny import ArraySequence
from tests.training._tiny import blobs
from tests.training._tiny import tiny_model

# In one process the same kernels run in the same order: TF and JAX CPU are bitwise; torch's CPU kernels
# may split reductions differently with the threads available at the moment (see test_resume_sigkill.py).
TOL = 1e-6 if keras.config.backend() == "torch" else 0.0


class Crash(Exception):
    pass


class CrashAt(keras.callbacks.Callback):
    """Raise after global batch ``at`` (0-based, counted over epochs) has trained: a crash inside an epoch."""

    def __init__(self, at=None):
        super().__init__()
        self.at, self.epoch, self.seen = at, 0, []

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        self.seen.append((self.epoch, batch, float(keras.ops.convert_to_numpy(self.model.optimizer.learning_rate))))
        if self.at is not None and self.epoch * self.params["steps"] + batch == self.at:
            raise Crash(self.at)


@pytest.fixture
def data():
    x, y = blobs(200, seed=4)
    return (x[:150], y[:150]), (x[150:], y[150:])


def _close(a, b):
    for u, v in zip(a, b):
        if TOL == 0.0:
            np.testing.assert_array_equal(u, v)
        else:
            np.testing.assert_allclose(u, v, rtol=TOL, atol=TOL)


def _run(run_dir, train, val, crash_at=None, resume=False, every=2, callbacks=(), epochs=3):
    keras.utils.set_random_seed(5)
    model = tiny_model(dropout=0.3)
    crash = CrashAt(crash_at)
    trainer = Trainer(
        model,
        train,
        validation=val,
        epochs=epochs,
        run_dir=run_dir,
        seed=2,
        batch_size=16,
        checkpoint_every=every,
        resume=resume,
        callbacks=[crash, *callbacks],
        verbose=0,
    )
    try:
        trainer.fit()
    except Crash:
        pass
    return trainer, model, crash


def test_crash_mid_epoch_resumes_at_the_saved_batch(tmp_path, data):
    crash_at = 14  # batch 5 of epoch 2 (10 batches per epoch)
    train, val = data
    ref, ref_model, ref_seen = _run(tmp_path / "ref", train, val)
    _, _, killed = _run(tmp_path / "run", train, val, crash_at=crash_at)
    meta, _ = resume_state.load_state(tmp_path / "run" / "state" / "resume.npz")
    # The crash came after batch crash_at % 10 trained; the last state is the last even batch count before it.
    assert (meta["epoch"], meta["batch"]) == (crash_at // 10, (crash_at % 10 + 1) // 2 * 2)
    assert meta["num_metric_variables"] == len(ref_model.metrics_variables) > 0
    resumed, model, seen = _run(tmp_path / "run", train, val, resume=True)
    _close(model.get_weights(), ref_model.get_weights())
    assert resumed.history == ref.history if TOL == 0.0 else resumed.history.keys() == ref.history.keys()
    np.testing.assert_allclose(resumed.history["loss"], ref.history["loss"], rtol=max(TOL, 1e-7))
    np.testing.assert_allclose(resumed.history["accuracy"], ref.history["accuracy"], rtol=max(TOL, 1e-7))
    # The committed batches of the crashed run, then the resumed run's: exactly the uninterrupted sequence.
    position = (meta["epoch"], meta["batch"])
    committed = [s[:2] for s in killed.seen if (s[0], s[1] + 1) <= position]
    assert committed + [s[:2] for s in seen.seen] == [s[:2] for s in ref_seen.seen]
    steps = int(keras.ops.convert_to_numpy(model.optimizer.iterations))
    assert steps == 3 * 10


@pytest.mark.parametrize("bad", [0, 2.5, True])
def test_checkpoint_every_is_validated(tmp_path, data, bad):
    with pytest.raises(ConfigError, match=f"checkpoint_every={bad!r}"):
        Trainer(tiny_model(), data[0], run_dir=tmp_path, checkpoint_every=bad)


def test_unknown_batch_order_is_refused(tmp_path, data):
    (x, y), _ = data
    with pytest.raises(ConfigError, match="ArraySequence.*no known order"):
        Trainer(tiny_model(), ArraySequence(x, y), run_dir=tmp_path, checkpoint_every=5, verbose=0).fit()
    unseeded = DataGenerator(Dataset(X=x, y=y), batch_size=16, seed=None)
    with pytest.raises(ConfigError, match="seed=None"):
        Trainer(tiny_model(), unseeded, run_dir=tmp_path, checkpoint_every=5, verbose=0).fit()
    if keras.config.backend() == "tensorflow":
        import tensorflow as tf

        ds = tf.data.Dataset.from_tensor_slices((x, y)).batch(16)
        with pytest.raises(ConfigError, match="tf.data"):
            Trainer(tiny_model(), ds, run_dir=tmp_path, checkpoint_every=5, verbose=0).fit()


def test_mid_epoch_state_with_other_batch_count_is_refused(tmp_path, data):
    train, val = data
    _run(tmp_path, train, val, crash_at=3)
    with pytest.raises(CheckpointError, match="batches per epoch"):
        Trainer(tiny_model(dropout=0.3), train, epochs=3, run_dir=tmp_path, batch_size=32, resume=True, verbose=0).fit()
