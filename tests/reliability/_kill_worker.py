"""Child process of `test_mid_epoch_kill.py`: train with `checkpoint_every`, SIGKILL itself at a chosen batch.

Usage: python -m tests.reliability._kill_worker MODE RUN_DIR LOG OUT [--kill-at G] [--resume]
       [--reference-first REF_RUN_DIR REF_LOG REF_OUT]

MODE ``arrays``: (X, y) arrays (the Trainer's seeded per-epoch order), dropout, `ReduceLROnPlateau`.
MODE ``generator``: a seeded shuffling `DataGenerator`, dropout, `LearningRateWarmup`, `CosineSchedule` and a
clara `EarlyStopping` that stops the run before its last epoch.

Every training batch appends one JSON line to LOG (unbuffered, so it survives the SIGKILL): the epoch, the
batch number, the learning rate the batch trained with and the sample indices the data pipeline served for
that position (recorded where the batch is read, not recomputed). With ``--kill-at G`` the process SIGKILLs
itself right after global batch G (0-based, counted over epochs) has trained, before the Trainer may save it.
At the end (if not killed) OUT.npz gets the weights and OUT.json the history and stopping epoch. With
``--reference-first`` the process first trains an uninterrupted run into REF_RUN_DIR (same script), then
resumes RUN_DIR: the resumed part then runs in a process whose global state an earlier run has moved on, so
only what the resume state restores can make it match.
"""

import json
import os
import signal
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import keras  # noqa: E402
import numpy as np  # noqa: E402

from clara_keras import callbacks as C  # noqa: E402
from clara_keras.data import DataGenerator  # noqa: E402
from clara_keras.data import Dataset  # noqa: E402
from clara_keras.training import Trainer  # noqa: E402
from clara_keras.training import _data  # noqa: E402
from tests.training._tiny import blobs  # noqa: E402
from tests.training._tiny import tiny_model  # noqa: E402

EPOCHS = {"arrays": 4, "generator": 10}
BATCH = 16
EVERY = 3  # a resume state every 3 batches: a kill loses up to 2 trained batches, which are then redone
SERVED: dict[tuple[int, int], list[int]] = {}


def _record(cls):
    """Wrap ``cls.get_batch`` so that every batch served is remembered with its (epoch, index) and sample ids."""
    original = cls.get_batch

    def get_batch(self, index, epoch):
        if getattr(self, "record", False):
            order = self.epoch_indices(epoch)
            SERVED[(int(epoch), int(index))] = order[int(index) * BATCH : (int(index) + 1) * BATCH].tolist()
        return original(self, index, epoch)

    cls.get_batch = get_batch


class BatchLog(keras.callbacks.Callback):
    def __init__(self, path, kill_at):
        super().__init__()
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
        self.kill_at, self.epoch = kill_at, 0

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_begin(self, batch, logs=None):
        self.lr = float(keras.ops.convert_to_numpy(self.model.optimizer.learning_rate))

    def on_train_batch_end(self, batch, logs=None):
        line = {"epoch": self.epoch, "batch": batch, "lr": self.lr, "samples": SERVED[(self.epoch, batch)]}
        os.write(self.fd, (json.dumps(line) + "\n").encode())
        if self.kill_at is not None and self.epoch * self.params["steps"] + batch == self.kill_at:
            os.kill(os.getpid(), signal.SIGKILL)


def main(argv):
    if "--reference-first" in argv:  # the uninterrupted run first, in this same process (saves a start-up)
        i = argv.index("--reference-first")
        train_once(argv[0], *argv[i + 1 : i + 4], kill_at=None, resume=False)
    kill_at = int(argv[argv.index("--kill-at") + 1]) if "--kill-at" in argv else None
    train_once(*argv[:4], kill_at=kill_at, resume="--resume" in argv)


def train_once(mode, run_dir, log, out, kill_at, resume):
    keras.utils.set_random_seed(123)
    x, y = blobs(200, features=6, classes=3, seed=1)
    model = tiny_model(lr=0.02, dropout=0.3, units=16)
    callbacks = [BatchLog(log, kill_at)]
    if mode == "arrays":
        _record(_data.ArrayBatches)
        train = (x[:160], y[:160])
        callbacks.append(C.ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=0, min_delta=0.1))
    else:
        _record(DataGenerator)
        train = DataGenerator(Dataset(X=x[:160], y=y[:160]), batch_size=BATCH, seed=5)
        callbacks += [
            C.LearningRateWarmup(warmup_epochs=1, start_factor=0.2),
            C.CosineSchedule(min_lr=0.002),
            C.EarlyStopping(monitor="val_loss", min_delta=0.02, patience=1),
        ]
    trainer = Trainer(
        model,
        train,
        validation=(x[160:], y[160:]),
        epochs=EPOCHS[mode],
        run_dir=run_dir,
        resume=resume,
        seed=11,
        batch_size=BATCH,
        checkpoint_every=EVERY,
        callbacks=callbacks,
        verbose=0,
    )
    if mode == "arrays":
        _data.ArrayBatches.record = False  # only the training batches are logged (not validation)
        original_prepare = trainer._prepare

        def prepare(role, data, shuffle, seed):
            fit_input, shape = original_prepare(role, data, shuffle, seed)
            fit_input.record = role == "train"
            return fit_input, shape

        trainer._prepare = prepare
    else:
        train.record = True
    trainer.fit()
    np.savez(out + ".npz", *model.get_weights())
    with open(out + ".json", "w") as f:
        json.dump({"history": trainer.history, "epochs_completed": trainer.epochs_completed}, f)


if __name__ == "__main__":
    main(sys.argv[1:])
