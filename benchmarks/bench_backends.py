"""Backends vs native PyTorch: the mid-size CNN trained by clara_keras, plain Keras and a hand-written torch loop.

One process per backend (``KERAS_BACKEND``). In each process, side by side and
interleaved, the same 4-conv 32x32x3 CNN (batch 128, SGD lr 0.01, one epoch
over the same generated images) is trained by:

- ``clara``: ``clara_keras.Model`` with its default settings (``compile()``);
- ``clara[...]``: the same with a candidate setting (``jit_compile``,
  ``steps_per_execution``, ``channels_first`` layout) to find the fastest default;
- ``keras``: plain ``keras.Sequential`` with Keras's defaults;
- ``native_torch``: a hand-written PyTorch loop (``nn.Conv2d``... ``SGD``), the
  same layers, the same initial weights (copied from the Keras model), batch
  size, optimizer and shuffling.

Because the native loop runs in every backend's process, ``clara / native`` is
a same-run ratio on every backend, and backends are compared through it.

Run: ``KERAS_BACKEND=jax python benchmarks/bench_backends.py [--quick]``.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402

BENCH = "backends"
BATCH = 128
LR = 0.01
REPS = 7
BUDGET_S = 100.0  # no new round after this many seconds of timed rounds (at least 3 rounds)

# Process-wide settings measured in extra runs (run_all.py reads this literal): name -> backend, env.
# The YNNPACK convolutions XLA:CPU uses by default are what closes most of JAX's gap; the
# "jax-no-ynn" run turns them off (XLA's older Eigen/loop convolutions) to show it.
VARIANTS = {
    "no-ynn": {"backend": "jax", "env": {"XLA_FLAGS": "--xla_cpu_experimental_ynn_fusion_type="}},
}

# Candidate settings tried on each backend (name -> compile/layout options).
CANDIDATES = {
    "tensorflow": {
        "jit_compile=True": {"jit_compile": True},
        "steps_per_execution=8": {"steps_per_execution": 8},
    },
    "jax": {
        "steps_per_execution=8": {"steps_per_execution": 8},
        "channels_first": {"data_format": "channels_first"},
    },
    "torch": {
        "channels_first": {"data_format": "channels_first"},
    },
}


def make_keras_fit(kind: str, x, y, options: dict):
    """A zero-argument callable training one epoch of the mid CNN built by ``kind`` ('clara' or 'keras')."""
    import numpy as np

    keras = common.import_keras()
    data_format = options.get("data_format")
    keras.utils.set_random_seed(0)
    model = common.build_mid_cnn(kind, data_format=data_format)
    compile_kwargs = {k: v for k, v in options.items() if k in ("jit_compile", "steps_per_execution")}
    if kind == "clara":
        model.set_params({"optimizer": "sgd", "learning_rate": LR, "batch_size": BATCH})
        model.compile(**compile_kwargs)
    else:
        model.compile(
            optimizer=keras.optimizers.SGD(learning_rate=LR),
            loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
            metrics=["accuracy"],
            **compile_kwargs,
        )
    if data_format == "channels_first":
        x = np.ascontiguousarray(x.transpose(0, 3, 1, 2))

    # Timed from the epoch's start to the end of training: steps and epoch-end callbacks, not the once-per-`fit`
    # set-up and teardown (on TensorFlow, with array input, `fit` returned 0.2-0.4 s after `on_train_end` in
    # about half of the calls, tearing down its tf.data iterator: a per-call constant a multi-epoch fit pays
    # once; its median is reported as `fit_overhead_s`).
    clock = common.epoch_clock(keras)
    walls: list[float] = []

    def run():
        t0 = time.perf_counter()
        model.fit(x, y, batch_size=BATCH, epochs=1, shuffle=True, verbose=0, callbacks=[clock])
        walls.append(time.perf_counter() - t0)
        return common.Measured(clock.runs[-1])

    run.overhead = lambda: [w - c for w, c in zip(walls, clock.runs)]
    return model, run


def native_torch_loop(keras_model, x, y):
    """A hand-written PyTorch training loop with the Keras model's layers and initial weights."""
    import numpy as np
    import torch
    from torch import nn

    keras = common.import_keras()

    class ToChannelsLast(nn.Module):
        """Keras flattens NHWC: permute before flattening so the dense weights line up."""

        def forward(self, t):
            return t.permute(0, 2, 3, 1)

    layers: list[nn.Module] = []
    in_ch = common.MID_INPUT_SHAPE[2]
    h = common.MID_INPUT_SHAPE[0]
    for kind, options in common.mid_cnn_spec():
        if kind == "conv":
            layers += [nn.Conv2d(in_ch, options["filters"], 3, padding=1), nn.ReLU()]
            in_ch = options["filters"]
        elif kind == "pool":
            layers.append(nn.MaxPool2d(2))
            h //= 2
        elif kind == "flatten":
            layers += [ToChannelsLast(), nn.Flatten()]
            in_ch = h * h * in_ch
        elif kind == "dense":
            layers.append(nn.Linear(in_ch, options["units"]))
            if options.get("activation") == "relu":
                layers.append(nn.ReLU())
            in_ch = options["units"]
    net = nn.Sequential(*layers)
    # Same initial weights: copy from the Keras model (HWIO -> OIHW, (in,out) -> (out,in)).
    torch_params = [m for m in net if isinstance(m, (nn.Conv2d, nn.Linear))]
    keras_weighted = [layer for layer in keras_model.layers if layer.weights]
    with torch.no_grad():
        for tm, km in zip(torch_params, keras_weighted):
            kernel, bias = (np.asarray(w) for w in km.get_weights())
            if isinstance(tm, nn.Conv2d):
                tm.weight.copy_(torch.from_numpy(kernel.transpose(3, 2, 0, 1).copy()))
            else:
                tm.weight.copy_(torch.from_numpy(kernel.T.copy()))
            tm.bias.copy_(torch.from_numpy(bias))
    # Check the copy: both nets give the same logits on a few images before training.
    with torch.no_grad():
        torch_logits = net(torch.from_numpy(np.ascontiguousarray(x[:8].transpose(0, 3, 1, 2)))).numpy()
    keras_logits = np.asarray(keras.ops.convert_to_numpy(keras_model(x[:8], training=False)))
    init_diff = float(np.max(np.abs(torch_logits - keras_logits)))
    opt = torch.optim.SGD(net.parameters(), lr=LR)
    loss_fn = nn.CrossEntropyLoss()
    xt = torch.from_numpy(np.ascontiguousarray(x.transpose(0, 3, 1, 2)))
    yt = torch.from_numpy(y)
    gen = torch.Generator().manual_seed(0)

    def run():
        net.train()
        perm = torch.randperm(xt.shape[0], generator=gen)
        correct = 0
        for i in range(0, xt.shape[0], BATCH):
            idx = perm[i : i + BATCH]
            xb, yb = xt[idx], yt[idx]
            opt.zero_grad(set_to_none=True)
            logits = net(xb)
            loss = loss_fn(logits, yb)
            loss.backward()
            opt.step()
            correct += int((logits.detach().argmax(1) == yb).sum())
        return correct

    return init_diff, run


def overhead(run) -> list[float]:
    """A Keras candidate's per-call `fit` set-up + teardown (seconds per repetition); none for the native loop."""
    return run.overhead() if hasattr(run, "overhead") else [0.0]


def main(argv=None) -> int:
    args = common.parse_args(__doc__.splitlines()[0], argv)
    keras = common.import_keras()
    import bench_roofline
    import torch

    backend = keras.config.backend()
    n = 128 if args.quick else 1024
    reps = args.reps or (1 if args.quick else REPS)
    budget = args.budget or (None if args.quick else BUDGET_S)
    x, y = common.synthetic_images(n)
    steps = n // BATCH

    candidates = {}
    clara_model, candidates["clara"] = make_keras_fit("clara", x, y, {})
    _, candidates["keras"] = make_keras_fit("keras", x, y, {})
    tried = {} if args.quick or args.variant else CANDIDATES.get(backend, {})
    for name, options in tried.items():
        _, candidates[f"clara[{name}]"] = make_keras_fit("clara", x, y, options)
    init_diff, candidates["native_torch"] = native_torch_loop(clara_model, x, y)
    # The roofline's peak, interleaved with the same rounds (bench_roofline.py).
    mm_n = 512 if args.quick else bench_roofline.MATMUL_N
    mm_per_round = 2 if args.quick else bench_roofline.MATMULS_PER_ROUND
    candidates["numpy_matmul"], bursts = bench_roofline.matmul_runner(mm_n, mm_per_round)

    times = common.interleaved(candidates, reps=reps, warmup=1, budget_s=budget)
    bench_roofline.drop_warmup(bursts, mm_per_round)
    matmul_times = times.pop("numpy_matmul")
    native = times["native_torch"]
    plain = times["keras"]
    rows = []
    for name, t in times.items():
        s = common.summarize(t)
        rows.append(
            {
                "candidate": name,
                "s_per_epoch": s["median_s"],
                "samples_per_s": n / s["median_s"],
                "vs_native_torch": common.paired_ratio(native, t),
                "vs_plain_keras": common.paired_ratio(plain, t),
                "best_vs_native_torch": common.best_ratio(native, t),
                "spread": s["spread"],
                "reps": s["n"],
                "fit_overhead_s": common.median(overhead(candidates[name])),
                "times_s": t,
            }
        )
    by_name = {r["candidate"]: r for r in rows}
    best = max((r for r in rows if r["candidate"].startswith("clara")), key=lambda r: r["vs_native_torch"])
    targets = [
        common.target(f"clara ({backend}) vs plain Keras, same backend", by_name["clara"]["vs_plain_keras"], 0.97),
        # The 1.4x target is for the best backend (run_all.py compares them); per backend it is information.
        common.target(f"best clara setting on {backend} vs native PyTorch", best["vs_native_torch"], 1.4, info=True),
    ]
    if args.variant:  # a diagnostic run (e.g. other XLA flags): no targets
        targets = []
    notes = [
        f"Best clara setting on {backend}: {best['candidate']} ({best['vs_native_torch']:.2f}x native PyTorch).",
        "Ratios are speed ratios (higher = faster), medians of per-repetition pairs.",
        "A Keras candidate's repetition is one fit(epochs=1), timed from its epoch's start to the end of training "
        "(fit_overhead_s: the median per-call set-up and teardown around it, not in the ratios).",
        f"torch threads: {torch.get_num_threads()}",
    ]
    settings = {
        "model": "conv32-conv32-pool-conv64-conv64-pool-dense128-dense10 (ReLU, same padding)",
        "input_shape": list(common.MID_INPUT_SHAPE),
        "samples_per_epoch": n,
        "steps_per_epoch": steps,
        "batch_size": BATCH,
        "optimizer": f"SGD(lr={LR})",
        "reps": reps,
        "budget_s": budget,
        "reps_done": len(native),
        "warmup_epochs": 1,
        "candidates": {"clara": {}, **{f"clara[{k}]": v for k, v in tried.items()}},
        "xla_flags": os.environ.get("XLA_FLAGS", ""),
        "native_torch_init_max_abs_logit_diff": init_diff,
    }
    record = common.result(
        BENCH, args.quick, settings, rows, targets, notes, best_clara=best["candidate"], variant=args.variant
    )
    path = common.write_result(record, args.out)
    table = common.markdown_table(
        ["candidate", "s/epoch", "samples/s", "x native torch", "x plain keras", "spread"],
        [
            [
                r["candidate"],
                r["s_per_epoch"],
                r["samples_per_s"],
                r["vs_native_torch"],
                r["vs_plain_keras"],
                r["spread"],
            ]
            for r in rows
        ],
    )
    label = f"{backend}, {args.variant}" if args.variant else backend
    common.print_report(f"Backends vs native PyTorch ({label})", table, targets, notes + [f"written: {path}"])

    # Roofline from the same rounds: every candidate's GFLOP/s against the matmul peak.
    if not args.variant:
        flops = bench_roofline.flop_counts()
        roof_rows, roof_targets, roof_notes = bench_roofline.roofline_rows(times, flops["train"] * n, bursts, backend)
        roof_notes.append(
            f"Measured by bench_backends.py in the same interleaved rounds ({len(native)} rounds, "
            f"{mm_per_round} all-core and {mm_per_round} one-core matmuls of {mm_n}x{mm_n} and {mm_n // 2}x{mm_n // 2} per round; numpy_matmul s per round median "
            f"{common.median(matmul_times):.3f})."
        )
        roof = bench_roofline.roofline_record(
            args, roof_rows, roof_targets, roof_notes, n, reps, mm_n, flops, {"candidates": list(times)}, backend
        )
        roof_path = common.write_result(roof, args.out)
        bench_roofline.print_roofline(backend, roof_rows, roof_targets, roof["notes"] + [f"written: {roof_path}"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
