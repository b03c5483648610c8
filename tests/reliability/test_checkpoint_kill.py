"""Kill during checkpoint writes, and resume with the best checkpoint intact.

1. A forked child writes checkpoints in a tight loop, through `clara_keras.io_utils.atomic_save_model`
   and through `BestModelCheckpoint`; it is SIGKILLed 15 times at random moments. After every kill the
   file under the final name is a complete archive that loads with `safe_mode=True` and holds the last
   checkpoint the child reported (or the one it was finishing), and no partial file ever appears under
   the final name, not even while the child writes (a reader polls it meanwhile).
2. The best checkpoint and best score survive `Trainer(..., resume=True)`: after a run killed with
   SIGKILL mid-epoch (a real subprocess) and resumed, `best.keras`, `best_score` and `best_epoch`
   equal the best over both halves, as in an uninterrupted run.

The child of part 1 is forked from the test process, so each of the 15 kills costs no interpreter
start-up; it only assigns weights and saves (Keras's `fit` is not fork-safe, so the callback is driven
directly with the logs `fit` would pass). Part 2 starts a fresh interpreter.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import keras
import numpy as np
import pytest

import clara_keras as clara
from clara_keras import layers as cl
from clara_keras.callbacks import BestModelCheckpoint
from clara_keras.io_utils import atomic_save_model
from clara_keras.training import Trainer
from clara_keras.training import load_model
from clara_keras.training import resume_state

KILLS = 15
REPO = Path(__file__).resolve().parents[2]


def _small_model() -> keras.Model:
    # ~2.8k weights: small enough that the forked child never needs the backends' thread pools
    # (JAX warns that fork and threads may deadlock; with large arrays it does).
    return keras.Sequential([keras.Input((8,)), keras.layers.Dense(64), keras.layers.Dense(32), keras.layers.Dense(3)])


def _set_generation(model: keras.Model, generation: int) -> None:
    for v in model.weights:
        v.assign(np.full(tuple(v.shape), float(generation), dtype="float32"))


def _generation_of(path: Path) -> int:
    model = load_model(path, safe_mode=True, compile=False)
    values = np.concatenate([np.ravel(keras.ops.convert_to_numpy(w)) for w in model.weights])
    assert np.all(values == values[0]), "a checkpoint mixes two generations of weights"
    return int(values[0])


def _writer_loop(model, path: Path, how: str, report_fd: int, first: int) -> None:
    """Body of the forked child: save generation first, first + 1, ... and report each completed save.

    Fault injection: every fsync sleeps 10 ms first, which widens the moment between "archive written"
    and "renamed into place" (on a real disk fsync is that slow), so that random kills land there too.
    """
    real_fsync = os.fsync

    def slow_fsync(fd):
        time.sleep(0.01)
        real_fsync(fd)

    os.fsync = slow_fsync
    callback = None
    if how == "callback":
        callback = BestModelCheckpoint(os.fspath(path), monitor="loss", mode="min")
        callback.set_model(model)
        callback.on_train_begin()
    for generation in range(first, 10**9):
        _set_generation(model, generation)
        if callback is None:
            atomic_save_model(model, path)
        else:
            callback.on_epoch_end(generation - 1, {"loss": 1.0 / generation})  # always an improvement
            assert callback.best_epoch == generation
        os.write(report_fd, f"{generation}\n".encode())


def _fork_writer(model, path: Path, how: str, first: int):
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        os.close(read_fd)
        try:
            _writer_loop(model, path, how, write_fd, first)
        finally:
            os._exit(0)
    os.close(write_fd)
    os.set_blocking(read_fd, False)
    return pid, read_fd


def _drain(fd: int, reported: list[int]) -> None:
    while True:
        try:
            chunk = os.read(fd, 65536)
        except BlockingIOError:
            return
        if not chunk:
            return
        reported.extend(int(s) for s in chunk.decode().split())


def _new_temp(folder: Path, path: Path, before: set[str]) -> bool:
    return any(p.name != path.name and p.name not in before for p in folder.iterdir())


def _assert_complete_archive(path: Path) -> None:
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None
        assert {"config.json", "metadata.json", "model.weights.h5"} <= set(archive.namelist())


@pytest.mark.slow
@pytest.mark.timeout(240)
@pytest.mark.parametrize("how", ["atomic_save_model", "callback"])
def test_sigkill_during_checkpoint_writes_never_exposes_a_partial_file(how, tmp_path):
    rng = random.Random(f"kill-{how}")
    folder = tmp_path / "ckpt"
    path = folder / "best.keras"
    model = _small_model()
    _set_generation(model, 0)
    atomic_save_model(model, path)
    known = 0  # the newest generation known to be complete on disk
    mid_write_kills = 0
    polls = 0
    start = time.perf_counter()
    for round_ in range(KILLS):
        temps_before = {p.name for p in folder.iterdir() if p.name != path.name}
        reported: list[int] = []
        pid, fd = _fork_writer(model, path, how, first=known + 1)
        try:
            deadline = time.perf_counter() + rng.uniform(0.02, 0.25)
            while time.perf_counter() < deadline:  # a reader polls the final name while the child writes
                assert path.exists()
                _assert_complete_archive(path)
                polls += 1
                time.sleep(0.002)
            while not reported and time.perf_counter() < deadline + 30:  # the child has completed a save
                time.sleep(0.005)
                _drain(fd, reported)
            if round_ % 3 != 2:  # two rounds in three: strike while a write is under way
                while time.perf_counter() < deadline + 30 and not _new_temp(folder, path, temps_before):
                    pass
                time.sleep(rng.uniform(0.0, 0.002))
        finally:
            os.kill(pid, signal.SIGKILL)
            _, status = os.waitpid(pid, 0)  # reaped: nothing of the child runs any more
        _drain(fd, reported)
        os.close(fd)
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
        assert reported, "the child never completed a save before the kill"
        # The final name holds the last reported checkpoint, or the one that was being renamed.
        _assert_complete_archive(path)
        generation = _generation_of(path)
        assert reported[-1] <= generation <= reported[-1] + 1, (reported[-5:], generation)
        assert generation > known  # never an older checkpoint than the last complete one
        known = generation
        # A kill inside a write leaves its temporary sibling (never the final name) behind.
        temps = {p.name for p in folder.iterdir() if p.name != path.name}
        assert all(name.startswith(".best.") and name.endswith(".keras") for name in temps), temps
        mid_write_kills += len(temps - temps_before)
    elapsed = time.perf_counter() - start
    print(f"{how}: {KILLS} SIGKILLs in {elapsed:.1f} s, {mid_write_kills} inside a write, {polls} reads polled")
    # The kills really hit the write window (each save is most of the loop), not only the gaps between.
    assert mid_write_kills >= KILLS // 3, f"only {mid_write_kills} of {KILLS} kills landed inside a write"


# -- best checkpoint across a resume ----------------------------------------------------------------


def make_data():
    rng = np.random.default_rng(7)
    x = rng.normal(size=(96, 6)).astype("float32")
    y = (x[:, 0] + 0.5 * x[:, 1] > 0).astype("int64") + (x[:, 2] > 1).astype("int64")
    return (x[:64], y[:64]), (x[64:], y[64:])


def make_model() -> clara.Model:
    keras.utils.set_random_seed(3)  # the same initial weights in the child, the resumed and the reference run
    model = clara.Model(
        type="classification",
        input_shape=(6,),
        layers=[cl.DenseLayer(units=16, activation="relu"), cl.DenseLayer(units=3)],
    )
    model.set_params({"learning_rate": 0.05, "optimizer": "sgd"})
    model.compile()
    return model


EPOCHS = 4
# "max" on val_loss makes epoch 1 (the worst loss) the best, so the best lies in the first half and a
# resumed run that forgot it would overwrite best.keras with a later epoch: the failure mode of
# keras.callbacks.ModelCheckpoint, whose best value is lost on resume.
TRAINER_KWARGS = dict(epochs=EPOCHS, monitor="val_loss", mode="max", seed=3, batch_size=8, verbose=0)

CHILD = textwrap.dedent(
    """
    import sys, time
    import keras
    from tests.reliability.test_checkpoint_kill import make_data, make_model, TRAINER_KWARGS
    from clara_keras.training import Trainer

    class Slow(keras.callbacks.Callback):  # widen each epoch so that the kill lands inside one
        def on_train_batch_end(self, batch, logs=None):
            time.sleep(0.03)

    (train, validation) = make_data()
    Trainer(make_model(), train=train, validation=validation, run_dir=sys.argv[1], callbacks=[Slow()],
            **TRAINER_KWARGS).fit()
    """
)


class Slow(keras.callbacks.Callback):
    """Same callback list as the child (the resume state matches callbacks by position and class)."""

    def on_train_batch_end(self, batch, logs=None):
        pass


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_best_checkpoint_and_score_survive_a_sigkill_and_resume(tmp_path):
    run = tmp_path / "killed"
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    log = open(tmp_path / "child.log", "wb")  # a file, not a pipe: a full pipe would block the child
    proc = subprocess.Popen([sys.executable, str(script), str(run)], cwd=REPO, env=env, stdout=log, stderr=log)
    state = run / "state" / "resume.npz"
    try:
        deadline = time.monotonic() + 180
        epoch = 0
        while epoch < 1 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
            if state.exists():
                epoch = resume_state.load_state(state)[0]["epoch"]
        assert epoch >= 1, f"the child did not reach epoch 1: {(tmp_path / 'child.log').read_text()[-2000:]}"
        time.sleep(random.Random(11).uniform(0.0, 0.2))  # somewhere inside the next epoch
    finally:
        proc.kill()  # SIGKILL
        proc.wait(timeout=30)
        log.close()
    assert proc.returncode == -signal.SIGKILL
    killed_at = resume_state.load_state(state)[0]["epoch"]
    assert 1 <= killed_at < EPOCHS
    best_before = BestState.read(state)
    assert best_before["best_epoch"] == 1  # mode="max": the first epoch is the best so far
    best_bytes = (run / "best.keras").read_bytes()

    train, validation = make_data()
    resumed = Trainer(
        make_model(), train=train, validation=validation, run_dir=run, resume=True, callbacks=[Slow()], **TRAINER_KWARGS
    ).fit()

    history = resumed.history["val_loss"]
    assert len(history) == EPOCHS
    # The saved best is the best over both halves of the run.
    assert resumed.best_score == pytest.approx(max(history), rel=1e-6)
    assert resumed.best_epoch == int(np.argmax(history)) + 1 == 1
    assert resumed.best_score == pytest.approx(best_before["best"], rel=1e-6)
    # No later (worse) epoch replaced the file written in the first half, in the killed process.
    assert (run / "best.keras").read_bytes() == best_bytes
    # The file itself scores the recorded best on the validation data.
    best_model = load_model(run / "best.keras", safe_mode=True)
    score = best_model.evaluate(validation[0], validation[1], verbose=0, return_dict=True)["loss"]
    assert score == pytest.approx(resumed.best_score, rel=1e-4)


def test_best_improves_in_the_second_half_after_resume(tmp_path):
    """The usual case: the best epoch is after the resume point, and replaces the first half's best."""
    train, validation = make_data()
    kwargs = {**TRAINER_KWARGS, "mode": "min", "epochs": 4}
    first = Trainer(
        make_model(), train=train, validation=validation, run_dir=tmp_path / "run", **{**kwargs, "epochs": 2}
    )
    first.fit()
    first_best = first.best_score
    resumed = Trainer(make_model(), train=train, validation=validation, run_dir=tmp_path / "run", resume=True, **kwargs)
    resumed.fit()
    history = resumed.history["val_loss"]
    assert len(history) == 4
    assert resumed.best_score == pytest.approx(min(history), rel=1e-6)
    assert resumed.best_epoch == int(np.argmin(history)) + 1
    assert resumed.best_score <= first_best
    best_model = load_model(tmp_path / "run" / "best.keras", safe_mode=True)
    score = best_model.evaluate(validation[0], validation[1], verbose=0, return_dict=True)["loss"]
    assert score == pytest.approx(resumed.best_score, rel=1e-4)


class BestState:
    """Reads the BestModelCheckpoint state out of a Trainer resume state."""

    @staticmethod
    def read(path: Path) -> dict:
        meta, _ = resume_state.load_state(path)
        states = [c["state"] for c in meta["callbacks"] if c["class"] == "BestModelCheckpoint"]
        assert len(states) == 1, meta["callbacks"]
        return states[0]
