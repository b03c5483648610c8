"""Generate the hostile-file corpus in tests/reliability/corpus/ (run: python tests/reliability/make_corpus.py).

Each file is something a malicious or broken source could hand to clara_keras.
The files are committed; this script documents exactly how each was made.
"""

from __future__ import annotations

import io
import json
import os
import pathlib
import sys
import tempfile
import zipfile

import numpy as np

HERE = pathlib.Path(__file__).resolve().parent / "corpus"


def _base_model_bytes() -> bytes:
    import keras

    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, name="dense")])
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "m.keras")
        model.save(path)
        return pathlib.Path(path).read_bytes()


def _rewrite(
    archive: bytes, edit_config=None, extra: dict[str, bytes] | None = None, replace: dict[str, bytes] | None = None
) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(archive))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "config.json" and edit_config is not None:
                config = json.loads(data)
                edit_config(config)
                data = json.dumps(config).encode()
            if replace and info.filename in replace:
                data = replace[info.filename]
            dst.writestr(info.filename, data)
        for name, data in (extra or {}).items():
            dst.writestr(name, data)
    return out.getvalue()


def _lambda_model() -> bytes:
    import keras

    model = keras.Sequential([keras.Input((4,)), keras.layers.Lambda(lambda x: x * 2)])
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "m.keras")
        model.save(path)
        return pathlib.Path(path).read_bytes()


def _external_link_weights(archive: bytes) -> bytes:
    import h5py

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "w.h5")
        with open(path, "wb") as f:
            f.write(zipfile.ZipFile(io.BytesIO(archive)).read("model.weights.h5"))
        with h5py.File(path, "a") as h5:
            h5["stolen"] = h5py.ExternalLink("/etc/passwd", "/")
        return pathlib.Path(path).read_bytes()


def main() -> int:
    HERE.mkdir(parents=True, exist_ok=True)
    base = _base_model_bytes()

    def arbitrary_module(config):
        config["config"]["layers"][1] = {
            "module": "os",
            "class_name": "system",
            "config": {"command": "touch /tmp/pwned"},
            "registered_name": None,
        }

    def unsafe_flag(config):
        config["config"]["safe_mode"] = False
        config["config"]["enable_unsafe_deserialization"] = True

    def function_from_os(config):
        config["config"]["layers"][1]["config"]["activation"] = {
            "module": "os",
            "class_name": "function",
            "config": "system",
            "registered_name": "system",
        }

    def huge_shape(config):
        config["config"]["layers"][0]["config"]["batch_shape"] = [None, 100000, 100000, 100]

    files = {
        "lambda_layer.keras": _lambda_model(),
        "arbitrary_module.keras": _rewrite(base, arbitrary_module),
        "unsafe_flag.keras": _rewrite(base, unsafe_flag),
        "function_from_os.keras": _rewrite(base, function_from_os),
        "huge_shape.keras": _rewrite(base, huge_shape),
        "zip_slip.keras": _rewrite(base, extra={"../../escaped.txt": b"escaped"}),
        "absolute_path.keras": _rewrite(base, extra={"/tmp/clara_absolute.txt": b"absolute"}),
        "h5_external_link.keras": _rewrite(base, replace={"model.weights.h5": _external_link_weights(base)}),
        "truncated.keras": base[: len(base) // 2],
        "foreign.keras": _rewrite(base, replace={}, extra={}).replace(b"config.json", b"other_.json"),
        "not_a_zip.keras": b"this is plain text, not a model\n",
    }
    for name, data in files.items():
        (HERE / name).write_bytes(data)
    buf = io.BytesIO()
    np.savez(buf, x=np.array([{"payload": "pickled"}], dtype=object), allow_pickle=True)
    (HERE / "pickled.npz").write_bytes(buf.getvalue())
    print(f"wrote {len(files) + 1} files to {HERE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
