"""Wrapper overhead: the same CNN as a ``clara_keras.Model`` vs a plain ``keras.Sequential``, steps/s.

Two workloads, each trained one epoch per repetition, side by side and
interleaved in one process (one process per backend):

- ``digits``: the digits CNN of the main job (``clara_keras.models.digits_cnn``,
  conv-BN-conv-pool-conv-BN-pool-dense-dropout-dense) on the packaged 8x8
  digits, batch 32, Adam;
- ``mid_cnn``: the mid-size 4-conv CNN on generated 32x32x3 images, batch 128, SGD.

Candidates per workload:

- ``keras``: plain ``keras.Sequential`` with the same layers (``keras.layers.*``),
  ``SparseCategoricalCrossentropy`` and ``"accuracy"``, fed NumPy arrays;
- ``clara``: ``clara_keras.Model`` compiled with ``compile()`` from its params
  (Clara's loss and metric), fed by ``clara_keras.data.DataGenerator`` (arrays when
  the data package has no ``DataGenerator``);
- ``clara_arrays``: the Clara model fed the same arrays, which splits the overhead
  between the model wrapper and the input pipeline.

Run: ``KERAS_BACKEND=torch python benchmarks/bench_overhead.py [--quick]``.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402

BENCH = "overhead"
TARGET = 0.97
# Timed rounds per workload: at most REPS, and no new round after BUDGET_S seconds (at least 3 rounds).
REPS = {"digits": 15, "mid_cnn": 7}
BUDGET_S = {"digits": 45.0, "mid_cnn": 60.0}


def _plain_digits_cnn(keras, input_shape, num_classes=10, dropout_prob=0.3):
    """The digits CNN of ``clara_keras.models.digits_cnn`` with plain ``keras.layers``."""
    L = keras.layers
    return keras.Sequential(
        [
            keras.Input(shape=input_shape),
            L.Conv2D(32, (3, 3), padding="same", activation="relu"),
            L.BatchNormalization(),
            L.Conv2D(32, (3, 3), padding="same", activation="relu"),
            L.MaxPooling2D((2, 2)),
            L.Conv2D(64, (3, 3), padding="same", activation="relu"),
            L.BatchNormalization(),
            L.MaxPooling2D((2, 2)),
            L.Flatten(),
            L.Dense(128, activation="relu"),
            L.Dropout(dropout_prob),
            L.Dense(num_classes),
        ],
        name="digits_cnn",
    )


def workloads(quick: bool):
    """name -> (x, y, batch_size, optimizer name, lr, clara builder, keras builder)."""
    import numpy as np

    from clara_keras.datasets import load_digits
    from clara_keras.models import digits_cnn

    keras = common.import_keras()
    digits = load_digits()
    xd, yd = np.asarray(digits["X"], dtype="float32"), np.asarray(digits["y"])
    if quick:
        xd, yd = xd[:128], yd[:128]
    xm, ym = common.synthetic_images(128 if quick else 768)
    out = {
        "digits": (xd, yd, 32, "adam", 1e-3, lambda: digits_cnn(), lambda: _plain_digits_cnn(keras, (8, 8, 1))),
        "mid_cnn": (
            xm,
            ym,
            128,
            "sgd",
            0.01,
            lambda: common.build_mid_cnn("clara"),
            lambda: common.build_mid_cnn("keras"),
        ),
    }
    if quick:  # the smoke run exercises one workload; the mid CNN is covered by bench_backends
        del out["mid_cnn"]
    return out


def candidates_for(x, y, batch, opt_name, lr, build_clara, build_keras, quick=False):
    """The zero-argument epoch runners of one workload, and which input the Clara model got."""
    keras = common.import_keras()
    from clara_keras.data import Dataset

    generator_cls = common.data_generator_class()

    keras.utils.set_random_seed(0)
    plain = build_keras()
    opt = {"adam": keras.optimizers.Adam, "sgd": keras.optimizers.SGD}[opt_name](learning_rate=lr)
    plain.compile(
        optimizer=opt, loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"]
    )

    def make_clara():
        keras.utils.set_random_seed(0)
        model = build_clara()
        model.set_params({"optimizer": opt_name, "learning_rate": lr, "batch_size": batch})
        model.compile()
        return model

    clara_gen_model = make_clara()
    if generator_cls is not None:
        dataset = Dataset(X=x, y=y, classes=[str(i) for i in range(int(y.max()) + 1)])
        gen = generator_cls(dataset, batch_size=batch, shuffle=True, seed=0)
        clara_input = "DataGenerator"

        def clara_run():
            clara_gen_model.fit(gen, epochs=1, verbose=0)

    else:
        clara_input = "arrays (no clara_keras.data.DataGenerator)"

        def clara_run():
            clara_gen_model.fit(x, y, batch_size=batch, epochs=1, shuffle=True, verbose=0)

    runs = {
        "keras": lambda: plain.fit(x, y, batch_size=batch, epochs=1, shuffle=True, verbose=0),
        "clara": clara_run,
    }
    if generator_cls is not None and not quick:
        clara_arr_model = make_clara()
        runs["clara_arrays"] = lambda: clara_arr_model.fit(x, y, batch_size=batch, epochs=1, shuffle=True, verbose=0)
    runs_gen = gen if generator_cls is not None else None
    return runs, clara_input, runs_gen


def generator_epoch_s(gen, reps: int = 5) -> float:
    """Fastest of ``reps`` passes of ``gen[i]`` over one epoch, no model: DataGenerator's own cost per epoch."""
    import time

    best = float("inf")
    for _ in range(reps):
        t0 = time.perf_counter()
        for i in range(len(gen)):
            gen[i]
        best = min(best, time.perf_counter() - t0)
    return best


def main(argv=None) -> int:
    args = common.parse_args(__doc__.splitlines()[0], argv)
    keras = common.import_keras()
    backend = keras.config.backend()
    rows, targets, inputs = [], [], {}
    settings = {"warmup_epochs": 1, "workloads": {}}
    for name, (x, y, batch, opt_name, lr, build_clara, build_keras) in workloads(args.quick).items():
        reps = args.reps or (1 if args.quick else REPS[name])
        budget = args.budget or (None if args.quick else BUDGET_S[name])
        runs, clara_input, gen = candidates_for(x, y, batch, opt_name, lr, build_clara, build_keras, args.quick)
        inputs[name] = clara_input
        steps = -(-len(x) // batch)
        times = common.interleaved(runs, reps=reps, warmup=1, budget_s=budget)
        settings["workloads"][name] = {
            "samples": len(x),
            "input_shape": list(x.shape[1:]),
            "batch_size": batch,
            "steps_per_epoch": steps,
            "optimizer": f"{opt_name}(lr={lr})",
            "clara_input": clara_input,
            "max_reps": reps,
            "budget_s": budget,
            "reps_done": len(times["keras"]),
        }
        if gen is not None:
            own = generator_epoch_s(gen)
            share = own / min(times["clara"])
            settings["workloads"][name]["datagenerator_alone_s_per_epoch"] = own
            settings["workloads"][name]["datagenerator_share_of_clara_epoch"] = share
            inputs[name] += (
                f" (its batches alone: {own * 1e3:.2f} ms per epoch, {share:.2%} of the fastest clara epoch)"
            )
        for cand, t in times.items():
            s = common.summarize(t)
            rows.append(
                {
                    "workload": name,
                    "candidate": cand,
                    "input": clara_input if cand == "clara" else "arrays",
                    "s_per_epoch": s["median_s"],
                    "steps_per_s": steps / s["median_s"],
                    "vs_plain_keras": common.paired_ratio(times["keras"], t),
                    "best_vs_plain_keras": common.best_ratio(times["keras"], t),
                    "spread": s["spread"],
                    "reps": s["n"],
                    "times_s": t,
                }
            )
        ratio = common.paired_ratio(times["keras"], times["clara"])
        targets.append(common.target(f"{name}: clara vs plain keras ({backend})", ratio, TARGET))
    notes = [
        "x plain keras = speed ratio (plain time / clara time, median of interleaved pairs); 1.0 = no overhead. "
        "best x plain keras = fastest plain epoch / fastest clara epoch (the least disturbed repetitions).",
        "One repetition = one model.fit(epochs=1) call, so both sides include Keras's per-fit set-up "
        "(building the input pipeline, callbacks), as a short training would.",
        "clara = clara_keras.Model + " + ", ".join(f"{k}: {v}" for k, v in inputs.items()),
    ]
    record = common.result(BENCH, args.quick, settings, rows, targets, notes)
    path = common.write_result(record, args.out)
    table = common.markdown_table(
        ["workload", "candidate", "input", "s/epoch", "steps/s", "x plain keras", "best x plain keras", "spread"],
        [
            [
                r["workload"],
                r["candidate"],
                r["input"],
                r["s_per_epoch"],
                r["steps_per_s"],
                r["vs_plain_keras"],
                r["best_vs_plain_keras"],
                r["spread"],
            ]
            for r in rows
        ],
    )
    common.print_report(f"Wrapper overhead ({backend})", table, targets, notes + [f"written: {path}"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
