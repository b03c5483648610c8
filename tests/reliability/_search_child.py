"""A child process of `test_search_kill.py`: random, grid and/or annealing searches, one after the other.

    python -m tests.reliability._search_child DIRECTORY LOG ALGORITHMS [PAUSE]

(ALGORITHMS: comma-separated, a subset of ``random,grid,annealing``, run in that order.)

Each search trains a small Dense net with dropout and Adam (so weights, optimizer moments and the
dropout `SeedGenerator` all matter) for `EPOCHS` epochs per trial. The child appends one line per event
to LOG (opened in append mode, flushed at once):

- ``begin <algo> <trial> <initial_epoch>``: a trial starts training (0) or resumes (k > 0);
- ``epoch <algo> <trial> <n> <val_loss>``: epoch n (1-based) of the trial is complete and its resume
  state is written;
- ``write <algo> oracle started=<s> ended=<e>`` / ``write <algo> trial <id> <STATUS>``: an oracle or
  trial state write starts;
- ``pause <desc>``: the child stopped at the moment PAUSE names and waits to be killed;
- ``done <algo> trials_run=<n> <message>``: the search returned.

PAUSE is one ``epoch ...`` or ``write ...`` line (without its value): at its first occurrence the child
sleeps, inside the epoch's end or inside the state write (for a write: the backup copy is written and
half of the new file sits in its temporary file, not yet renamed), so that the parent's SIGKILL lands
exactly there.
"""

from __future__ import annotations

import json
import os
import sys
import time

import keras
import numpy as np

from clara_keras import io_utils
from clara_keras.optimizers import GridSearchOptimizer
from clara_keras.optimizers import RandomSearchOptimizer
from clara_keras.optimizers import SimulatedAnnealingOptimizer
from clara_keras.optimizers import _tuner as T

EPOCHS = 2
ALGORITHMS = ("random", "grid", "annealing")


def data(seed: int, n: int = 32):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 4)).astype("float32")
    y = (x @ np.array([[1.0], [-2.0], [0.5], [0.0]], "float32") + 0.1 * rng.normal(size=(n, 1))).astype("float32")
    return x, y


def hypermodel(hp):
    units = hp.Choice("units", [4, 8])
    lr = hp.Choice("lr", [0.03, 0.01])
    model = keras.Sequential(
        [
            keras.Input((4,)),
            keras.layers.Dense(units, activation="relu"),
            keras.layers.Dropout(0.25),
            keras.layers.Dense(1),
        ]
    )
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=lr), loss="mse")
    return model


def make_search(algo: str, directory: str, verbose: int = 0):
    common = dict(
        model=hypermodel,
        dataset=data(0),
        validation_data=data(1, 16),
        epochs=EPOCHS,
        seed=7,
        directory=directory,
        project_name=algo,
        objective="val_loss",
        verbose=verbose,
    )
    if algo == "random":
        return RandomSearchOptimizer(num_trials=2, **common)
    if algo == "grid":
        return GridSearchOptimizer(**common)  # 2 x 2 = 4 combinations
    return SimulatedAnnealingOptimizer(num_trials=2, **common)


class _Log:
    def __init__(self, path: str, pause: str | None):
        self.path = path
        self.pause = pause
        self.algo = "?"

    def line(self, text: str) -> None:
        with open(self.path, "a") as f:
            f.write(text + "\n")
            f.flush()

    def maybe_pause(self, desc: str) -> bool:
        if self.pause is not None and desc == self.pause:
            self.pause = None
            self.line(f"pause {desc}")
            return True
        return False


def instrument(log: _Log) -> None:
    real_fit = T.ClaraHyperModel.fit
    real_epoch_end = T._TrialStateWriter.on_epoch_end
    real_write = T._write_with_backup

    def fit(self, hp, model, *args, callbacks=None, initial_epoch=0, **kwargs):
        writer = next(cb for cb in callbacks if isinstance(cb, T._TrialStateWriter))
        log.line(f"begin {log.algo} {writer.trial.trial_id} {initial_epoch}")
        return real_fit(self, hp, model, *args, callbacks=callbacks, initial_epoch=initial_epoch, **kwargs)

    def on_epoch_end(self, epoch, logs=None):
        real_epoch_end(self, epoch, logs)
        desc = f"epoch {log.algo} {self.trial.trial_id} {epoch + 1}"
        log.line(f"{desc} {float(logs['val_loss'])!r}")
        if log.maybe_pause(desc):
            time.sleep(600)

    def write(path, state):
        if os.path.basename(path) == "oracle.json":
            desc = f"write {log.algo} oracle started={len(state['start_order'])} ended={len(state['end_order'])}"
        else:
            desc = f"write {log.algo} trial {state['trial_id']} {state['status']}"
        log.line(desc)
        if log.maybe_pause(desc):
            io_utils.atomic_write_json(path + T.ORACLE_BACKUP_SUFFIX, state)
            text = json.dumps(state, indent=2, default=str)
            with open(os.path.join(os.path.dirname(path), f".{os.path.basename(path)}.killed.tmp"), "w") as f:
                f.write(text[: len(text) // 2])
                f.flush()
                time.sleep(600)
        real_write(path, state)

    T.ClaraHyperModel.fit = fit
    T._TrialStateWriter.on_epoch_end = on_epoch_end
    T._write_with_backup = write


def main(argv: list[str]) -> None:
    directory, log_path, algorithms = argv[0], argv[1], argv[2].split(",")
    log = _Log(log_path, argv[3] if len(argv) > 3 else None)
    instrument(log)
    for algo in algorithms:
        log.algo = algo
        search = make_search(algo, directory)
        search.fit()
        log.line(f"done {algo} trials_run={search.trials_run} {search.done_message()}")


if __name__ == "__main__":
    main(sys.argv[1:])
