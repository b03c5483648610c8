"""Subprocess for the SIGKILL resume test: train (optionally hang in epoch K to be killed), or resume.

Usage: python -m tests.training._resume_worker RUN_DIR EPOCHS OUT.npz [--hang-in-epoch K MARKER] [--resume]
"""

import json
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import keras  # noqa: E402
import numpy as np  # noqa: E402

from clara_keras.training import Trainer  # noqa: E402
from tests.training._tiny import blobs  # noqa: E402
from tests.training._tiny import tiny_model  # noqa: E402


class _HangInEpoch(keras.callbacks.Callback):
    """Signal the parent from inside epoch ``epoch`` (1-based), then wait to be SIGKILLed."""

    def __init__(self, epoch, marker):
        super().__init__()
        self.target, self.marker, self.current = epoch, marker, 0

    def on_epoch_begin(self, epoch, logs=None):
        self.current = epoch + 1

    def on_train_batch_end(self, batch, logs=None):
        if self.current == self.target and batch == 3:
            with open(self.marker, "w") as f:
                f.write(str(os.getpid()))
            time.sleep(120)


def main(argv):
    run_dir, epochs, out = argv[0], int(argv[1]), argv[2]
    resume = "--resume" in argv
    callbacks = []
    if "--hang-in-epoch" in argv:
        i = argv.index("--hang-in-epoch")
        callbacks.append(_HangInEpoch(int(argv[i + 1]), argv[i + 2]))
    keras.utils.set_random_seed(123)
    x, y = blobs(400, features=6, classes=3, seed=1)
    model = tiny_model(lr=0.01, dropout=0.3, units=32)
    trainer = Trainer(
        model,
        (x[:320], y[:320]),
        validation=(x[320:], y[320:]),
        epochs=epochs,
        monitor="val_loss",
        run_dir=run_dir,
        resume=resume,
        seed=11,
        batch_size=16,
        callbacks=callbacks,
        verbose=0,
    )
    trainer.fit()
    np.savez(out, *model.get_weights())
    with open(out + ".json", "w") as f:
        json.dump({"best_epoch": trainer.best_epoch, "best_score": trainer.best_score, "history": trainer.history}, f)


if __name__ == "__main__":
    main(sys.argv[1:])
