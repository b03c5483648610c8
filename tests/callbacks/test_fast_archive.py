"""BestModelCheckpoint's archive writer: after the first save, the weights alone are re-serialized."""

import io
import zipfile

import h5py
import keras
import numpy as np

from clara_keras.callbacks import BestModelCheckpoint
from clara_keras.callbacks._fast_archive import ModelArchive
from clara_keras.training import load_model
from tests.training._tiny import blobs
from tests.training._tiny import tiny_model


def _datasets(path):
    with zipfile.ZipFile(path) as archive:
        names = sorted(archive.namelist())
        config = archive.read("config.json")
        with h5py.File(io.BytesIO(archive.read("model.weights.h5")), "r") as f:
            out = {}
            f.visititems(lambda n, o: out.__setitem__(n, o[()]) if isinstance(o, h5py.Dataset) else None)
    return names, config, out


def test_fast_save_writes_the_archive_keras_would_write(tmp_path):
    x, y = blobs(64)
    model = tiny_model()
    model.fit(x, y, epochs=1, batch_size=16, verbose=0)
    archive = ModelArchive(model)
    archive.save(tmp_path / "best.keras")  # a full Keras save, then the layout is learned
    assert archive.fast_saves == 0
    for saves in (1, 2):  # the second fast save patches the buffer the first one wrote
        model.fit(x, y, epochs=1, batch_size=16, verbose=0)
        archive.save(tmp_path / "best.keras")
        assert archive.fast_saves == saves
        model.save(tmp_path / "keras.keras")  # what Keras itself writes for the same state
        fast, reference = _datasets(tmp_path / "best.keras"), _datasets(tmp_path / "keras.keras")
        assert fast[0] == reference[0] and fast[1] == reference[1]
        assert fast[2].keys() == reference[2].keys() and len(fast[2]) >= 4
        for name in reference[2]:
            np.testing.assert_array_equal(fast[2][name], reference[2][name], err_msg=f"save {saves}: {name}")
    loaded = load_model(tmp_path / "best.keras", safe_mode=True)
    for a, b in zip(loaded.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)
    # The layout pass put every variable back.
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["best.keras", "keras.keras"]  # no temp file left


def test_optimizer_config_change_falls_back_to_a_full_save(tmp_path):
    x, y = blobs(32)
    model = tiny_model()
    model.fit(x, y, epochs=1, verbose=0)
    archive = ModelArchive(model)
    archive.save(tmp_path / "m.keras")
    archive.save(tmp_path / "m.keras")
    assert archive.fast_saves == 1
    model.optimizer.learning_rate = 0.5  # Keras records it in config.json: a full save
    archive.save(tmp_path / "m.keras")
    assert archive.fast_saves == 1
    assert b"0.5" in zipfile.ZipFile(tmp_path / "m.keras").read("config.json")
    archive.save(tmp_path / "m.keras")
    assert archive.fast_saves == 2


def test_best_model_checkpoint_fast_saves_load_with_the_best_weights(tmp_path):
    x, y = blobs(32)
    model = tiny_model()
    model.fit(x, y, epochs=1, verbose=0)
    cb = BestModelCheckpoint(tmp_path / "best.keras", monitor="loss")
    cb.set_model(model)
    cb.on_train_begin()
    for epoch, loss in enumerate([3.0, 2.0, 2.5, 1.0]):
        for v in model.trainable_variables:
            v.assign(np.full(tuple(v.shape), float(epoch), dtype="float32"))
        cb.on_epoch_end(epoch, {"loss": loss})
    assert cb.best_epoch == 4 and cb._archive.fast_saves == 2  # epochs 2 and 4 (epoch 3 did not improve)
    loaded = load_model(tmp_path / "best.keras", safe_mode=True)
    assert all(np.all(keras.ops.convert_to_numpy(v) == 3.0) for v in loaded.trainable_variables)
