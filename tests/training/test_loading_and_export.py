"""clara.load_model (safe mode, corrupt/foreign files) and export to .keras, SavedModel and ONNX."""

import os
import zipfile

import keras
import numpy as np
import pytest

import clara_keras as clara
from clara_keras.errors import CheckpointError
from clara_keras.errors import ConfigError
from clara_keras.errors import UnsafeFileError
from clara_keras.training import export_model
from tests.training._tiny import blobs
from tests.training._tiny import tiny_model


@pytest.fixture
def trained(tmp_path):
    x, y = blobs(64)
    model = tiny_model()
    model.fit(x, y, epochs=1, verbose=0)
    return model, x[:16]


def _predict(model, x):
    return keras.ops.convert_to_numpy(model(x, training=False))


def test_load_model_round_trip_is_a_clara_model(tmp_path, trained):
    model, x = trained
    path = tmp_path / "m.keras"
    model.save(path)
    loaded = clara.load_model(path)
    assert isinstance(loaded, clara.Model) and loaded.type == "classification"
    assert loaded.get_params()["learning_rate"] == 0.01
    np.testing.assert_allclose(_predict(loaded, x), _predict(model, x), atol=1e-6)


def test_lambda_is_refused_unless_opted_out(tmp_path):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Lambda(lambda t: t * 2.0)])
    path = tmp_path / "lambda.keras"
    model.save(path)
    with pytest.raises(UnsafeFileError, match="lambda.*safe_mode=False"):
        clara.load_model(path)
    loaded = clara.load_model(path, safe_mode=False)
    np.testing.assert_allclose(_predict(loaded, np.ones((2, 3), "float32")), 2.0)


def test_corrupt_and_foreign_files(tmp_path, trained):
    model, _ = trained
    good = tmp_path / "good.keras"
    model.save(good)
    truncated = tmp_path / "truncated.keras"
    truncated.write_bytes(good.read_bytes()[: len(good.read_bytes()) // 2])
    with pytest.raises(CheckpointError, match="truncated.keras"):
        clara.load_model(truncated)
    text = tmp_path / "notes.keras"
    text.write_text("hello")
    with pytest.raises(CheckpointError, match="not a .keras archive"):
        clara.load_model(text)
    foreign = tmp_path / "foreign.keras"
    with zipfile.ZipFile(foreign, "w") as z:
        z.writestr("readme.txt", "not a model")
    with pytest.raises(CheckpointError, match="not a Keras model archive"):
        clara.load_model(foreign)
    with pytest.raises(CheckpointError, match="No model file"):
        clara.load_model(tmp_path / "missing.keras")
    with pytest.raises(CheckpointError, match="Expected a '.keras'"):
        clara.load_model(text.rename(tmp_path / "notes.h5"))
    flipped = bytearray(good.read_bytes())
    flipped[len(flipped) // 3] ^= 0xFF  # damage inside the archive
    bad = tmp_path / "flipped.keras"
    bad.write_bytes(bytes(flipped))
    with pytest.raises(CheckpointError):
        clara.load_model(bad)


def test_export_keras(tmp_path, trained):
    model, x = trained
    path = export_model(model, tmp_path / "m.keras", format="keras")
    np.testing.assert_allclose(_predict(clara.load_model(path), x), _predict(model, x), atol=1e-6)
    with pytest.raises(ConfigError, match="Unknown export format 'tflite'"):
        export_model(model, tmp_path / "m.tflite", format="tflite")
    with pytest.raises(ConfigError, match="must end in '.onnx'"):
        export_model(model, tmp_path / "m.bin", format="onnx")


@pytest.mark.slow
def test_export_onnx_runs_in_onnxruntime(tmp_path, trained):
    ort = pytest.importorskip("onnxruntime")
    model, x = trained
    path = export_model(model, tmp_path / "m.onnx", format="onnx")
    session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    out = session.run(None, {name: x})[0]
    np.testing.assert_allclose(out, _predict(model, x), atol=1e-5)


@pytest.mark.slow
def test_export_saved_model_runs_in_tensorflow(tmp_path, trained):
    model, x = trained
    path = export_model(model, tmp_path / "saved", format="saved_model")
    expected = _predict(model, x)
    if keras.config.backend() == "tensorflow":
        import tensorflow as tf

        loaded = tf.saved_model.load(path)  # keep a reference: its variables must stay alive
        out = loaded.serve(x).numpy()
    else:  # load it where TensorFlow is the only framework in the process
        import subprocess
        import sys

        np.save(tmp_path / "x.npy", x)
        code = (
            "import sys, numpy as np, tensorflow as tf; "
            "m = tf.saved_model.load(sys.argv[1]); np.save(sys.argv[3], m.serve(np.load(sys.argv[2])).numpy())"
        )
        subprocess.run(
            [sys.executable, "-c", code, path, tmp_path / "x.npy", tmp_path / "y.npy"],
            check=True,
            timeout=180,
            env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"},
        )
        out = np.load(tmp_path / "y.npy")
    np.testing.assert_allclose(out, expected, atol=1e-5)
