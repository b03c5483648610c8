"""Search states and run folders with corrupt or tampered JSON.

- A damaged ``oracle.json`` or ``trial.json`` (truncated, garbage, valid JSON of the wrong shape) whose
  backup copy is intact is recovered from the backup with a `SearchStateRecoveredWarning`; the search
  then has exactly the trials and scores it had.
- When no valid copy is left (both tampered), or the tampering is in a file without a backup, the search
  is refused with `SearchError` naming the file, before anything is written: every byte under the
  test's folder, and a sentinel file beside the search, is unchanged, and nothing appears outside.
- A run folder whose resume state has tampered metadata is refused by ``Trainer(..., resume=True)`` with
  `CheckpointError`, with the same no-side-effect check; path-like values planted in the metadata or in
  ``config.json`` are never used as paths, and damaged history files are rewritten from the state.

All in-process and fast: the search is the constant toy model (1 epoch per trial), the run a 2-epoch
Dense net on 32 samples.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import warnings
from pathlib import Path

import keras
import keras_tuner
import numpy as np
import pytest

from clara_keras.errors import CheckpointError
from clara_keras.errors import SearchError
from clara_keras.optimizers import RandomSearchOptimizer
from clara_keras.optimizers import _tuner as T
from clara_keras.optimizers._tuner import SearchStateRecoveredWarning
from clara_keras.training import Trainer
from clara_keras.training import resume_state
from clara_keras.training.run_dir import RunDir
from tests.optimizers._toy import toy_data
from tests.optimizers._toy import toy_hypermodel

SENTINEL_TEXT = "do not touch\n"


def _snapshot(root: Path) -> dict:
    """Every file under ``root``: relative path -> bytes."""
    return {
        os.path.relpath(os.path.join(d, f), root): Path(d, f).read_bytes()
        for d, _, files in os.walk(root)
        for f in files
    }


def _search(directory: Path) -> RandomSearchOptimizer:
    return RandomSearchOptimizer(
        model=toy_hypermodel,
        dataset=toy_data(),
        validation_data=toy_data(),
        num_trials=2,
        epochs=1,
        seed=0,
        directory=directory,
        project_name="s",
        verbose=0,
    )


def _table(search) -> list:
    return [(r["trial_id"], r["status"], r["x"], r["score"]) for r in search.results()]


@pytest.fixture(scope="module")
def finished_search(tmp_path_factory):
    root = tmp_path_factory.mktemp("search")
    search = _search(root)
    search.fit()
    return root, _table(search)


@pytest.fixture
def search_copy(finished_search, tmp_path):
    """A copy of the finished search under tmp_path/work, and a sentinel file beside it."""
    source, table = finished_search
    work = tmp_path / "work"
    shutil.copytree(source, work)
    (tmp_path / "sentinel.txt").write_text(SENTINEL_TEXT)
    return work, table


def _edit_json(path: Path, edit) -> None:
    state = json.loads(path.read_text())
    result = edit(state)
    path.write_text(json.dumps(state if result is None else result))


DAMAGE = {
    "truncated": lambda p: p.write_text(p.read_text()[: len(p.read_text()) // 2]),
    "garbage": lambda p: p.write_bytes(b"\x00\xffnot json at all\x13"),
    "wrong shape": lambda p: p.write_text("[1, 2, 3]"),
    "empty": lambda p: p.write_text(""),
}


@pytest.mark.parametrize("damage", sorted(DAMAGE))
@pytest.mark.parametrize("name", ["oracle.json", "trial_0/trial.json"])
def test_damaged_state_is_recovered_from_its_backup_with_a_warning(search_copy, name, damage):
    work, table = search_copy
    path = work / "s" / name
    DAMAGE[damage](path)
    search = _search(work)
    with pytest.warns(SearchStateRecoveredWarning, match=f"{path.name}.*recovered it from its backup"):
        search.fit()
    assert search.trials_run == 0
    assert _table(search) == table  # the same trials and scores, nothing re-run


def _set(key, value):
    def edit(state):
        state[key] = value

    return edit


def _delete(key):
    def edit(state):
        del state[key]

    return edit


ORACLE_TAMPERING = {
    "wrong type: start_order a string": _set("start_order", "01"),
    "wrong type: ongoing_trials a list": _set("ongoing_trials", ["0"]),
    "missing key: seed_state": _delete("seed_state"),
    "missing key: hyperparameters": _delete("hyperparameters"),
    "huge number: seed_state": _set("seed_state", 10**40),
    "huge number: run_times": _set("run_times", {"0": 10**12}),
    "foreign format": _set("clara_format", "keras_tuner/1.4"),
    "no format (a keras-tuner file)": _delete("clara_format"),
    "path outside: start_order": _set("start_order", ["0", "../../../escaped"]),
    "path outside: ongoing trial": _set("ongoing_trials", {"tuner0": "/tmp/escaped"}),
    "path outside: tuner id": _set("ongoing_trials", {"../x": "0"}),
    "unknown trial": _set("end_order", ["0", "1", "7"]),
}
TRIAL_TAMPERING = {
    "path outside: trial_id": _set("trial_id", "../../escaped"),
    "foreign trial_id": _set("trial_id", "1"),
    "wrong type: score": _set("score", "best"),
    "huge number: score": _set("score", float("inf")),
    "wrong status": _set("status", "DONE!"),
    "missing key: status": _delete("status"),
    "missing key: hyperparameters": _delete("hyperparameters"),
    "wrong type: metrics": _set("metrics", [1]),
    "huge number: best_step": _set("best_step", 10**30),
}


@pytest.mark.parametrize("case", sorted(ORACLE_TAMPERING) + [f"trial: {k}" for k in sorted(TRIAL_TAMPERING)])
def test_tampered_search_state_without_a_valid_copy_is_refused_without_side_effects(search_copy, tmp_path, case):
    work, _ = search_copy
    if case.startswith("trial: "):
        edit, name = TRIAL_TAMPERING[case[len("trial: ") :]], "trial_0/trial.json"
    else:
        edit, name = ORACLE_TAMPERING[case], "oracle.json"
    for suffix in ("", ".bak"):  # the file and its backup: no valid copy is left
        _edit_json(work / "s" / (name + suffix), edit)
    before = _snapshot(tmp_path)
    search = _search(work)
    with pytest.raises(SearchError, match=f"{os.path.basename(name)}.*(corrupt or tampered|cannot be restored|names)"):
        search.fit()
    with pytest.raises(SearchError):
        search.results()
    assert _snapshot(tmp_path) == before  # nothing written, changed or created (the sentinel included)
    assert (tmp_path / "sentinel.txt").read_text() == SENTINEL_TEXT
    assert not list(tmp_path.parent.glob("escaped*")) and not os.path.exists("/tmp/escaped")


def test_unreadable_fingerprint_is_refused_without_side_effects(search_copy, tmp_path):
    work, _ = search_copy
    (work / "s" / "clara_search.json").write_text("{not json")
    before = _snapshot(tmp_path)
    with pytest.raises(SearchError, match="clara_search.json is unreadable"):
        _search(work).fit()
    assert _snapshot(tmp_path) == before


def test_a_trial_record_with_wrong_types_counts_as_absent(search_copy):
    work, table = search_copy
    (work / "s" / "trial_0" / "clara_trial.json").write_text(json.dumps({"seconds": "slow", "pruned_at": [1]}))
    search = _search(work)
    with warnings.catch_warnings():
        warnings.simplefilter("error", SearchStateRecoveredWarning)
        rows = search.results()
    assert rows[0]["seconds"] is None and rows[0]["status"] == "COMPLETED"
    assert _table(search) == table


def test_unusable_trial_resume_state_restarts_the_trial_with_a_warning(search_copy):
    work, _ = search_copy
    tuner = _search(work)._get_tuner()
    trial = tuner.oracle.trials["0"]
    path = tuner.trial_state_path("0")
    model = toy_hypermodel(keras_tuner.HyperParameters())
    good = {
        "trial_id": "0",
        "values_hash": T.values_hash(trial.hyperparameters.values),
        "backend": keras.config.backend(),
        "epoch": 1,
        "epochs": 1,
        "history": [{"loss": 4.0, "val_loss": 4.0}],
        "best_value": 4.0,
        "stopped": False,
        "build_config": model.get_build_config(),
    }
    resume_state.save_state(path, model, good)
    meta, _ = tuner._load_trial_state(trial, 1)
    assert meta["history"] == good["history"]
    bad_values = {
        "other hyper-parameter values": {"values_hash": "0" * 32},
        "another trial": {"trial_id": "1"},
        "epoch out of range": {"epoch": 10**30},
        "logs not matching the epoch": {"history": []},
        "non-numeric logs": {"history": [{"loss": "low"}]},
        "infinite best value": {"best_value": float("inf")},
        "another backend": {"backend": "theano"},
    }
    for case, bad in bad_values.items():
        resume_state.save_state(path, model, {**good, **bad})
        with pytest.warns(SearchStateRecoveredWarning, match="starts again from its first epoch"):
            assert tuner._load_trial_state(trial, 1) is None, case
    Path(path).write_bytes(b"PK\x03\x04 truncated")
    with pytest.warns(SearchStateRecoveredWarning, match="corrupt"):
        assert tuner._load_trial_state(trial, 1) is None


# -- run folders -------------------------------------------------------------------------------------
def _net() -> keras.Model:
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation="relu"), keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    return model


def _data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 4)).astype("float32")
    return x, x.sum(axis=1, keepdims=True)


def _trainer(run_dir: Path, epochs: int, resume: bool = False) -> Trainer:
    keras.utils.set_random_seed(0)
    return Trainer(_net(), train=_data(), validation=_data(), epochs=epochs, run_dir=run_dir, resume=resume, verbose=0)


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory):
    run = tmp_path_factory.mktemp("run") / "run"
    _trainer(run, epochs=2).fit()
    return run


@pytest.fixture
def run_copy(finished_run, tmp_path):
    work = tmp_path / "run"
    shutil.copytree(finished_run, work)
    (tmp_path / "sentinel.txt").write_text(SENTINEL_TEXT)
    return work


def _rewrite_meta(state_path: Path, edit) -> None:
    with np.load(state_path, allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files}
    meta = json.loads(str(arrays["meta"]))
    result = edit(meta)
    arrays["meta"] = np.array(json.dumps(meta if result is None else result))
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    state_path.write_bytes(buffer.getvalue())


def _nested(path: tuple, value):
    def edit(meta):
        target = meta
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return edit


META_TAMPERING = {
    "wrong type: epoch a string": _set("epoch", "2"),
    "wrong type: rows a dict": _set("rows", {"epoch": 1}),
    "wrong type: callbacks": _set("callbacks", [{"class": 3, "state": {}}]),
    "wrong type: backend": _set("backend", ["tensorflow"]),
    "missing key: epoch": _delete("epoch"),
    "missing key: fingerprint": _delete("fingerprint"),
    "missing key: rng": _delete("rng"),
    "huge number: epoch": _set("epoch", 10**30),
    "huge number: batch": _set("batch", 10**30),
    "huge number: num_model_variables": _set("num_model_variables", 10**9),
    "negative number: epoch": _set("epoch", -1),
    "foreign format": _set("format", "keras.backup/1"),
    "not an object": lambda meta: ["format", "clara_keras.resume/1"],
    "fingerprint shapes do not match the arrays": _nested(("fingerprint", "variables", 0), [400, 8]),
    "foreign RNG": _nested(("rng", "numpy", "name"), "PCG64"),
    "RNG state cut short": _nested(("rng", "python", "internal"), [1, 2, 3]),
}


@pytest.mark.parametrize("case", sorted(META_TAMPERING))
def test_tampered_resume_state_is_refused_without_side_effects(run_copy, tmp_path, case):
    _rewrite_meta(RunDir(run_copy).state, META_TAMPERING[case])
    before = _snapshot(tmp_path)
    with pytest.raises(CheckpointError, match="resume.npz"):
        _trainer(run_copy, epochs=3, resume=True).fit()
    assert _snapshot(tmp_path) == before
    assert (tmp_path / "sentinel.txt").read_text() == SENTINEL_TEXT


def test_path_values_planted_in_a_run_folder_are_never_used_as_paths(run_copy, tmp_path):
    outside = tmp_path / "outside"
    planted = {"run_dir": os.fspath(outside), "best_model": os.fspath(outside / "best.keras"), "path": "../../x"}
    _rewrite_meta(RunDir(run_copy).state, lambda meta: meta.update(planted))
    _edit_json(RunDir(run_copy).config, lambda config: config.update(planted))
    RunDir(run_copy).history_json.write_text("{broken")  # history files are outputs: rewritten from the state
    RunDir(run_copy).history_csv.write_bytes(b"\x00garbage")
    trainer = _trainer(run_copy, epochs=3, resume=True).fit()
    assert trainer.epochs_completed == 3
    assert not outside.exists() and not os.path.exists(tmp_path.parent / "x")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run", "sentinel.txt"]
    history = json.loads(RunDir(run_copy).history_json.read_text())
    assert len(history["loss"]) == 3
    meta, _ = resume_state.load_state(RunDir(run_copy).state)
    assert meta["epoch"] == 3


def test_unreadable_config_is_a_checkpoint_error(run_copy):
    RunDir(run_copy).config.write_text("{not json")
    with pytest.raises(CheckpointError, match="config.json"):
        RunDir(run_copy).read_config()
