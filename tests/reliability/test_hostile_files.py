"""Hostile files are refused with a typed error and no side effect."""

import os
import pathlib
import shutil

import keras
import numpy as np
import pytest

from clara_keras import safety
from clara_keras.errors import CheckpointError
from clara_keras.errors import UnsafeFileError

CORPUS = pathlib.Path(__file__).resolve().parent / "corpus"

CASES = [
    ("lambda_layer.keras", UnsafeFileError, "Lambda layer"),
    ("arbitrary_module.keras", UnsafeFileError, "names module 'os'"),
    ("unsafe_flag.keras", UnsafeFileError, "safe_mode"),
    ("function_from_os.keras", UnsafeFileError, "names module 'os'"),
    ("huge_shape.keras", UnsafeFileError, "declared shape"),
    ("zip_slip.keras", UnsafeFileError, "'..' path"),
    ("absolute_path.keras", UnsafeFileError, "absolute"),
    ("h5_external_link.keras", UnsafeFileError, "external file '/etc/passwd'"),
    ("truncated.keras", CheckpointError, "not a .keras archive"),
    ("foreign.keras", CheckpointError, "no config.json"),
    ("not_a_zip.keras", CheckpointError, "not a .keras archive"),
]


@pytest.fixture
def sandbox(tmp_path):
    """A copy of the corpus in a fresh folder, with a sentinel file beside it."""
    target = tmp_path / "target"
    shutil.copytree(CORPUS, target)
    sentinel = tmp_path / "sentinel.txt"
    sentinel.write_text("untouched")
    return target, sentinel


def _snapshot(root: pathlib.Path) -> dict:
    return {str(p.relative_to(root)): p.stat().st_mtime_ns for p in root.rglob("*")}


@pytest.mark.parametrize("name,error,phrase", CASES)
def test_hostile_keras_archive_refused_without_side_effects(sandbox, name, error, phrase):
    target, sentinel = sandbox
    before = _snapshot(target.parent)
    with pytest.raises(error) as info:
        safety.check_keras_archive(target / name)
    assert phrase in str(info.value)
    assert name in str(info.value) or str(target / name) in str(info.value)
    assert sentinel.read_text() == "untouched"
    assert _snapshot(target.parent) == before
    assert not os.path.exists("/tmp/pwned") and not os.path.exists("/tmp/clara_absolute.txt")


def test_pickled_npz_refused(sandbox):
    target, _ = sandbox
    with pytest.raises(UnsafeFileError, match="pickled Python objects"):
        safety.check_npz(target / "pickled.npz")


def test_plain_npz_and_real_model_pass(tmp_path):
    np.savez(tmp_path / "ok.npz", x=np.arange(4))
    safety.check_npz(tmp_path / "ok.npz")
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
    model.save(tmp_path / "ok.keras")
    config = safety.check_keras_archive(tmp_path / "ok.keras")
    assert config["class_name"] == "Sequential"


def test_lambda_allowed_only_on_explicit_opt_in():
    config = safety.check_keras_archive(CORPUS / "lambda_layer.keras", allow_lambda=True)
    assert "Lambda" in str(config)


def test_corpus_is_complete():
    assert sorted(p.name for p in CORPUS.iterdir()) == sorted([c[0] for c in CASES] + ["pickled.npz"])


@pytest.mark.parametrize("name,error,phrase", CASES)
def test_clara_load_model_refuses_every_hostile_archive(sandbox, name, error, phrase):
    from clara_keras.training import load_model

    target, sentinel = sandbox
    before = _snapshot(target.parent)
    with pytest.raises(error):
        load_model(target / name)
    assert sentinel.read_text() == "untouched"
    assert _snapshot(target.parent) == before
    assert not os.path.exists("/tmp/pwned")
