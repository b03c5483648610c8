"""Checkpoint cost: epoch time with a crash-safe checkpoint every epoch vs none.

The checkpoint is ``clara_keras.io_utils.atomic_save_model`` (write a
temporary ``.keras`` beside the target, fsync, rename, fsync the folder),
called from ``on_epoch_end``, which is what a resumable run pays. As
references, a plain ``model.save`` (not atomic, no fsync) and an atomic
weights-only save (``model.save_weights``, same protocol) are timed as well.

Two workloads, side by side and interleaved: the digits CNN of the main job
(packaged digits, batch 32) and the mid-size CNN (generated 32x32x3, batch 128).

Run: ``KERAS_BACKEND=jax python benchmarks/bench_checkpoint.py [--quick]``.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402

BENCH = "checkpoint"
TARGET = 1.05


def atomic_save_weights(model, path: Path) -> None:
    """Weights only (``.weights.h5``), with the same temp-file, fsync, rename protocol as ``atomic_save_model``."""
    import os

    from clara_keras.io_utils import fsync_dir

    path = Path(path)
    tmp = path.with_name(f".{path.stem}.tmp.weights.h5")
    model.save_weights(tmp, overwrite=True)
    with open(tmp, "rb+") as f:
        os.fsync(f.fileno())
    os.replace(tmp, path)
    fsync_dir(path.parent)


def _saving_callback(keras, save, path: Path, timings: list[float]):
    class EpochSave(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            t0 = time.perf_counter()
            save(self.model, path)
            timings.append(time.perf_counter() - t0)

    return EpochSave()


def main(argv=None) -> int:
    args = common.parse_args(__doc__.splitlines()[0], argv)
    keras = common.import_keras()
    import numpy as np

    from clara_keras.datasets import load_digits
    from clara_keras.io_utils import atomic_save_model
    from clara_keras.models import digits_cnn

    backend = keras.config.backend()
    reps = args.reps or (1 if args.quick else 5)
    digits = load_digits()
    xd, yd = np.asarray(digits["X"], dtype="float32"), np.asarray(digits["y"])
    xm, ym = common.synthetic_images(128 if args.quick else 512)
    if args.quick:
        xd, yd = xd[:128], yd[:128]
    work = {
        "digits": (xd, yd, 32, "adam", 1e-3, digits_cnn),
        "mid_cnn": (xm, ym, 128, "sgd", 0.01, lambda: common.build_mid_cnn("clara")),
    }

    def plain_save(model, path):
        model.save(path, overwrite=True)

    candidates = ("none", "atomic_save_model", "model.save", "atomic_save_weights")
    if args.quick:  # smoke: one workload, the checkpoint that matters
        del work["mid_cnn"]
        candidates = candidates[:2]
    rows, targets, settings = [], [], {"reps": reps, "warmup_epochs": 1, "workloads": {}}
    with tempfile.TemporaryDirectory(prefix="clara_bench_ckpt_") as tmp:
        for name, (x, y, batch, opt, lr, build) in work.items():
            save_times = {c: [] for c in candidates[1:]}
            runs = {}
            models = {}
            for cand in candidates:
                keras.utils.set_random_seed(0)
                model = build()
                model.set_params({"optimizer": opt, "learning_rate": lr, "batch_size": batch})
                model.compile()
                models[cand] = model
                callbacks = []
                if cand != "none":
                    save = {"atomic_save_model": atomic_save_model, "model.save": plain_save}.get(
                        cand, atomic_save_weights
                    )
                    suffix = ".weights.h5" if cand == "atomic_save_weights" else ".keras"
                    callbacks = [_saving_callback(keras, save, Path(tmp) / f"{name}_{cand}{suffix}", save_times[cand])]

                def run(model=model, callbacks=callbacks, x=x, y=y, batch=batch):
                    model.fit(x, y, batch_size=batch, epochs=1, shuffle=True, verbose=0, callbacks=callbacks)

                runs[cand] = run
            times = common.interleaved(runs, reps=reps, warmup=1)
            size = (Path(tmp) / f"{name}_atomic_save_model.keras").stat().st_size
            settings["workloads"][name] = {
                "samples": len(x),
                "batch_size": batch,
                "optimizer": f"{opt}(lr={lr})",
                "params": int(models["none"].count_params()),
                "checkpoint_bytes": size,
            }
            for cand, t in times.items():
                s = common.summarize(t)
                saves = save_times.get(cand) or []
                rows.append(
                    {
                        "workload": name,
                        "candidate": cand,
                        "s_per_epoch": s["median_s"],
                        "time_vs_none": common.paired_ratio(t, times["none"]),
                        "save_s_median": common.median(saves[1:] or saves) if saves else 0.0,
                        "spread": s["spread"],
                        "times_s": t,
                    }
                )
            ratio = common.paired_ratio(times["atomic_save_model"], times["none"])
            targets.append(
                common.target(f"{name}: epoch time with atomic checkpoint / without ({backend})", ratio, TARGET, False)
            )
    notes = [
        "time vs none = epoch time ratio (lower is better), median of interleaved pairs.",
        "save s = median time of one save inside on_epoch_end (the first save, which warms the code path, excluded).",
    ]
    record = common.result(BENCH, args.quick, settings, rows, targets, notes)
    path = common.write_result(record, args.out)
    table = common.markdown_table(
        ["workload", "checkpoint", "s/epoch", "time vs none", "save s", "spread"],
        [
            [r["workload"], r["candidate"], r["s_per_epoch"], r["time_vs_none"], r["save_s_median"], r["spread"]]
            for r in rows
        ],
    )
    common.print_report(f"Checkpoint cost ({backend})", table, targets, notes + [f"written: {path}"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
