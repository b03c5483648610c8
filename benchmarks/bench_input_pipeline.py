"""Input pipeline: `DataGenerator` feeding `model.fit` vs the native pipeline of the backend.

Workload: a folder of PNG images (32x32 RGB, 10 classes) decoded per batch,
then a CPU-bound preprocess (per-channel standardisation and a gamma curve),
feeding the mid-size CNN of ``common.py`` for one epoch per timed call.

Candidates (same model, same data, same preprocess maths), per backend:

- ``arrays``: the whole folder pre-decoded and preprocessed in memory, fed as
  NumPy arrays: no input cost at all, the upper bound of steps/s;
- ``DataGenerator``: `clara_keras.data.DataGenerator` over the lazy image
  folder, ``workers`` threads;
- TensorFlow only: ``tf.data``: ``list_files -> read_file -> decode_png ->
  map(preprocess in TF ops) -> batch -> prefetch(AUTOTUNE)``, parallel
  AUTOTUNE;
- torch only: ``torch DataLoader``: a map-style dataset decoding with Pillow,
  ``num_workers`` processes, the same NumPy preprocess in ``collate_fn``.

Ratios are steps/s of ``DataGenerator`` over each other candidate, from
interleaved, paired repetitions. Targets: >= 0.9 x tf.data on TensorFlow; on
every backend, the generator alone (one thread, no model) produces batches at
least as fast as the model trains on in-memory arrays (training is not
input-bound). The end-to-end ratio to in-memory arrays is reported too: on a
machine with few cores, decoding shares the cores with training, whichever
pipeline does it.

Run: ``KERAS_BACKEND=tensorflow python benchmarks/bench_input_pipeline.py [--quick]``
(or ``python benchmarks/run_all.py --only input_pipeline``). Writes
``results/input_pipeline_<backend>[_quick].json`` and merges every backend
into ``results/input_pipeline[_quick].json``.
"""

from __future__ import annotations

import io
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402

BACKENDS = ("tensorflow", "jax", "torch")
IMAGE_SHAPE = (32, 32, 3)
GAMMA = 0.8
BUDGET_S = 60.0  # no new timed round after this many seconds (at least 3 rounds)


def make_folder(root: Path, n: int, classes: int, seed: int = 0) -> Path:
    """``root/class<k>/<i>.png``: n distinct random images (PNG-encoded in memory, then written)."""
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(seed)
    for k in range(classes):
        (root / f"class{k}").mkdir(parents=True, exist_ok=True)
    for i in range(n):
        k = i % classes
        img = rng.integers(0, 256, IMAGE_SHAPE, dtype=np.uint8)
        img[..., k % 3] = np.clip(img[..., k % 3].astype(int) + 40 * (k // 3), 0, 255).astype(np.uint8)
        buf = io.BytesIO()
        Image.fromarray(img, "RGB").save(buf, "PNG", compress_level=1)
        (root / f"class{k}" / f"{i:06d}.png").write_bytes(buf.getvalue())
    return root


def numpy_preprocess(mean, std):
    import numpy as np

    mean = np.asarray(mean, np.float32)
    std = np.asarray(std, np.float32)

    def preprocess(x):
        x = (x.astype(np.float32) / 255.0 - mean) / std
        return np.sign(x) * np.abs(x) ** GAMMA  # the CPU-bound part (elementwise pow)

    return preprocess


def tf_pipeline(root: Path, classes: list[str], batch_size: int, mean, std, seed: int):
    import tensorflow as tf

    files = sorted(str(p) for p in root.glob("*/*.png"))
    labels = [classes.index(Path(f).parent.name) for f in files]
    mean = tf.constant(mean, tf.float32)
    std = tf.constant(std, tf.float32)

    def load(path, label):
        x = tf.io.decode_png(tf.io.read_file(path), channels=3)
        x = (tf.cast(x, tf.float32) / 255.0 - mean) / std
        x = tf.sign(x) * tf.pow(tf.abs(x), GAMMA)
        return x, label

    ds = tf.data.Dataset.from_tensor_slices((files, labels))
    ds = ds.shuffle(len(files), seed=seed, reshuffle_each_iteration=True)
    ds = ds.map(load, num_parallel_calls=tf.data.AUTOTUNE)
    return ds.batch(batch_size).prefetch(tf.data.AUTOTUNE)


def torch_loader(data, batch_size: int, preprocess, workers: int, seed: int):
    import numpy as np
    import torch

    def collate(items):
        # items are (index, label): decoding happens here, per batch, in the worker processes
        x = data["X"].read_batch([i for i, _ in items])
        return preprocess(x), np.asarray([y for _, y in items], dtype=np.int32)

    gen = torch.Generator().manual_seed(seed)

    class Indexed(torch.utils.data.Dataset):
        def __len__(self):
            return data.num_samples

        def __getitem__(self, i):
            return i, int(data["y"][i])

    return torch.utils.data.DataLoader(
        Indexed(),
        batch_size=batch_size,
        shuffle=True,
        num_workers=workers,
        collate_fn=collate,
        generator=gen,
        persistent_workers=workers > 0,
    )


def tiny_cnn():
    """The --quick model: one small convolution (a smoke run, not a measurement)."""
    import clara_keras as clara
    from clara_keras import layers as cl

    model = clara.Model(type="classification", input_shape=IMAGE_SHAPE, name="tiny_cnn")
    model.add(cl.Conv2DLayer(filters=8, kernel_size=(3, 3), activation="relu"))
    model.add(cl.MaxPooling2DLayer(pool_size=(4, 4)))
    model.add(cl.Flatten())
    model.add(cl.DenseLayer(units=common.MID_CLASSES))
    return model


def main(argv=None) -> int:
    args = common.parse_args(
        __doc__.splitlines()[0],
        argv,
        extra=lambda p: (
            p.add_argument("--images", type=int, default=None, help="images in the folder"),
            p.add_argument("--workers", type=int, default=2, help="DataGenerator threads / DataLoader processes"),
        ),
    )
    keras = common.import_keras()
    import numpy as np

    from clara_keras.data import DataGenerator
    from clara_keras.data import Standardize
    from clara_keras.data import load_data

    backend = keras.config.backend()
    quick = args.quick
    n = args.images or (128 if quick else 1024)
    batch_size = 32 if quick else 128
    reps = args.reps or (1 if quick else 5)
    budget = args.budget or (None if quick else BUDGET_S)
    seed = 0
    keras.utils.set_random_seed(seed)

    tmp = tempfile.TemporaryDirectory(prefix="clara-bench-input-")
    root = make_folder(Path(tmp.name) / "images", n, common.MID_CLASSES, seed)
    t0 = time.perf_counter()
    data = load_data(root)
    scaler = Standardize(axis=-1).fit(data)  # per-channel statistics of the raw pixels, streamed
    mean = (scaler.mean / 255.0).astype(np.float32)
    std = (scaler.std / 255.0).astype(np.float32)
    preprocess = numpy_preprocess(mean, std)
    fit_s = time.perf_counter() - t0

    x_mem = preprocess(data["X"].read_batch(np.arange(n)))
    y_mem = data["y"].astype(np.int32)

    def new_model():
        model = tiny_cnn() if quick else common.build_mid_cnn("clara")
        model.set_params({"learning_rate": 1e-3, "optimizer": "adam"})
        model.compile()
        return model

    candidates = {}
    steps = -(-n // batch_size)

    m_arrays = new_model()
    candidates["arrays"] = lambda: m_arrays.fit(x_mem, y_mem, batch_size=batch_size, epochs=1, verbose=0)

    gen = DataGenerator(data, batch_size=batch_size, preprocess=preprocess, seed=seed, workers=args.workers)
    m_gen = new_model()
    candidates["DataGenerator"] = lambda: m_gen.fit(gen, epochs=1, verbose=0)
    if not quick:
        # The other ways of running the same generator: worker processes instead of threads (no GIL shared
        # with a Python-level training step), and no workers at all (each batch read between two steps).
        gen_mp = DataGenerator(
            data,
            batch_size=batch_size,
            preprocess=preprocess,
            seed=seed,
            workers=args.workers,
            use_multiprocessing=True,
        )
        m_gen_mp = new_model()
        candidates["DataGenerator (processes)"] = lambda: m_gen_mp.fit(gen_mp, epochs=1, verbose=0)
        gen_sync = DataGenerator(data, batch_size=batch_size, preprocess=preprocess, seed=seed, workers=1)
        m_gen_sync = new_model()
        candidates["DataGenerator (workers=1, in the fit thread)"] = lambda: m_gen_sync.fit(
            gen_sync, epochs=1, verbose=0
        )

    native = None
    if backend == "tensorflow":
        native = "tf.data"
        ds = tf_pipeline(root, data["classes"], batch_size, mean, std, seed)
        m_tf = new_model()
        candidates[native] = lambda: m_tf.fit(ds, epochs=1, verbose=0)
        # The same DataGenerator as a tf.data pipeline (its own to_tf_dataset(): batches read by
        # parallel tf.numpy_function calls instead of Keras's single from_generator thread).
        gen_tf = DataGenerator(data, batch_size=batch_size, preprocess=preprocess, seed=seed, workers=args.workers)
        ds_gen = gen_tf.to_tf_dataset()
        m_gen_tf = new_model()
        candidates["DataGenerator.to_tf_dataset()"] = lambda: m_gen_tf.fit(ds_gen, epochs=1, verbose=0)
    elif backend == "torch":
        native = "torch DataLoader"
        loader = torch_loader(data, batch_size, preprocess, args.workers, seed)
        m_torch = new_model()
        candidates[native] = lambda: m_torch.fit(loader, epochs=1, verbose=0)

    # input pipeline alone (no model): batches/s of iterating one epoch
    def iterate_generator():
        for i in range(len(gen)):
            gen[i]

    times = common.interleaved(candidates, reps=reps, warmup=1, budget_s=budget)
    io_times = common.interleaved({"DataGenerator (no model, 1 thread)": iterate_generator}, reps=reps, warmup=0)

    rows = []
    for name, t in {**times, **io_times}.items():
        s = common.summarize(t)
        row = {
            "pipeline": name,
            "steps_per_s": round(steps / s["median_s"], 2),
            "epoch_s": round(s["median_s"], 3),
            "spread": round(s["spread"], 3),
            "times_s": [round(v, 4) for v in t],
        }
        if name in times and name != "DataGenerator":
            row["DataGenerator_vs_this"] = round(common.paired_ratio(t, times["DataGenerator"]), 3)
        rows.append(row)

    arrays_steps = steps / common.median(times["arrays"])
    input_steps = len(gen) / common.median(io_times["DataGenerator (no model, 1 thread)"])
    targets = [
        common.target(
            f"input capacity / training demand ({backend}): DataGenerator batches/s alone over arrays steps/s",
            input_steps / arrays_steps,
            1.0,
        ),
        # Fit time over compute-only time (the model fed pre-decoded arrays): <= 1.10x, i.e. not input-bound.
        common.target(
            f"DataGenerator fit time / compute-only (in-memory arrays) fit time ({backend})",
            common.paired_ratio(times["DataGenerator"], times["arrays"]),
            1.10,
            higher_is_better=False,
        ),
    ]
    if native == "tf.data":
        targets.insert(
            0,
            common.target(
                "DataGenerator vs tf.data (tensorflow)", common.paired_ratio(times[native], times["DataGenerator"]), 0.9
            ),
        )
        targets.insert(
            1,
            common.target(
                "DataGenerator.to_tf_dataset() vs tf.data (tensorflow)",
                common.paired_ratio(times[native], times["DataGenerator.to_tf_dataset()"]),
                0.9,
            ),
        )
    elif native:
        targets.append(
            common.target(
                f"DataGenerator vs {native} ({backend})",
                common.paired_ratio(times[native], times["DataGenerator"]),
                0.9,
            )
        )
    settings = {
        "images": n,
        "image_shape": list(IMAGE_SHAPE),
        "batch_size": batch_size,
        "steps_per_epoch": steps,
        "workers": args.workers,
        "reps": reps,
        "budget_s": budget,
        "reps_done": len(times["arrays"]),
        "model": "tiny CNN (quick)" if quick else "mid CNN (common.build_mid_cnn)",
        "preprocess": f"per-channel standardise + sign(x)*|x|**{GAMMA}",
        "scaler_fit_s": round(fit_s, 3),
    }
    notes = [
        "Ratios are steps/s of DataGenerator over the other pipeline (median of paired, interleaved epochs).",
        "arrays = everything pre-decoded in memory: the no-input-cost upper bound.",
    ]
    record = common.result("input_pipeline", quick, settings, rows, targets, notes, backend=backend)
    path = common.write_result(record, args.out)
    merged = Path(args.out) / ("input_pipeline_quick.json" if quick else "input_pipeline.json")
    combined = {"bench": "input_pipeline", "quick": quick, "backends": {}}
    if merged.exists():
        try:
            old = json.loads(merged.read_text())
            if isinstance(old, dict) and isinstance(old.get("backends"), dict):
                combined["backends"] = old["backends"]
        except (OSError, json.JSONDecodeError):
            pass
    combined["backends"][backend] = record
    from clara_keras.io_utils import atomic_write_json

    atomic_write_json(merged, combined)
    table = common.markdown_table(
        ["pipeline", "steps/s", "epoch s", "spread", "DataGenerator / this"],
        [
            [r["pipeline"], r["steps_per_s"], r["epoch_s"], r["spread"], r.get("DataGenerator_vs_this", "")]
            for r in rows
        ],
    )
    common.print_report(f"Input pipeline ({backend}, {'quick' if quick else 'full'})", table, targets, notes)
    print(f"\nwrote {path} and {merged}")
    tmp.cleanup()
    return 0


if __name__ == "__main__":
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    sys.exit(main())
