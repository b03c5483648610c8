import json
import os

import keras
import numpy as np
import pytest

from clara_keras import io_utils


def test_atomic_write_replaces_only_on_success(tmp_path):
    target = tmp_path / "state.json"
    io_utils.atomic_write_json(target, {"epoch": 1})
    with pytest.raises(RuntimeError):
        with io_utils.atomic_write(target, "w") as f:
            f.write('{"epoch": 2, "trunc')
            raise RuntimeError("crash mid-write")
    assert json.loads(target.read_text()) == {"epoch": 1}
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]  # no temp file left behind


def test_atomic_write_json_handles_numpy(tmp_path):
    io_utils.atomic_write_json(tmp_path / "a.json", {"x": np.float32(0.5), "y": np.arange(3)})
    assert json.loads((tmp_path / "a.json").read_text()) == {"x": 0.5, "y": [0, 1, 2]}


def test_atomic_save_model_keeps_old_file_when_save_fails(tmp_path):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    path = tmp_path / "best.keras"
    io_utils.atomic_save_model(model, path)
    before = path.read_bytes()

    class Broken:
        def save(self, filepath, overwrite=True):
            with open(filepath, "wb") as f:
                f.write(b"partial")
            raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        io_utils.atomic_save_model(Broken(), path)
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["best.keras"]
    loaded = keras.saving.load_model(path, safe_mode=True)
    x = np.ones((1, 3), "float32")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


def test_temp_files_left_by_a_killed_writer_are_cleaned_up(tmp_path):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    (tmp_path / ".best.abc123.keras").write_bytes(b"left by a SIGKILLed save")
    (tmp_path / ".state.json.xyz.tmp").write_text("{")
    (tmp_path / ".other.keep.keras").write_bytes(b"not ours")
    io_utils.atomic_save_model(model, tmp_path / "best.keras")
    io_utils.atomic_write_json(tmp_path / "state.json", {"ok": True})
    assert sorted(os.listdir(tmp_path)) == [".other.keep.keras", "best.keras", "state.json"]
