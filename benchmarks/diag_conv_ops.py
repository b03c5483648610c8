"""Diagnostic: the mid-size CNN's convolutions, op by op, in XLA:CPU (JAX) vs TensorFlow (oneDNN), one process.

Not a bench (``run_all.py`` does not run it): it is the evidence behind the JAX
finding in ``benchmarks/README.md``. For each convolution of the mid-size CNN
(batch 128) it times the forward pass, the gradient w.r.t. the input and the
gradient w.r.t. the kernel, with ``jax.jit`` and with ``tf.function`` (no XLA),
interleaved, and prints the best time of each and the JAX/TF time ratio.

Run: ``python benchmarks/diag_conv_ops.py`` (add
``XLA_FLAGS=--xla_cpu_experimental_ynn_fusion_type=`` to see XLA without YNNPACK).
"""

from __future__ import annotations

import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

BATCH = 128
# (spatial size, input channels, output channels) of the four 3x3 convolutions.
SHAPES = [(32, 3, 32), (32, 32, 32), (16, 32, 64), (16, 64, 64)]


def build():
    import jax
    import jax.numpy as jnp
    import numpy as np
    import tensorflow as tf
    from jax import lax

    rng = np.random.default_rng(0)
    dn = ("NHWC", "HWIO", "NHWC")

    def conv(x, w):
        return lax.conv_general_dilated(x, w, (1, 1), "SAME", dimension_numbers=dn)

    fns, flops = {}, {}
    for h, c, f in SHAPES:
        x = rng.random((BATCH, h, h, c), dtype=np.float32)
        w = rng.random((3, 3, c, f), dtype=np.float32)
        dy = rng.random((BATCH, h, h, f), dtype=np.float32)
        jx, jw, jdy = (jnp.asarray(a) for a in (x, w, dy))
        tx, tw, tdy = (tf.constant(a) for a in (x, w, dy))
        j_fwd = jax.jit(conv)
        j_gx = jax.jit(lambda w, dy, x=jx: jax.vjp(lambda x: conv(x, w), x)[1](dy)[0])
        j_gw = jax.jit(lambda x, dy, w=jw: jax.vjp(lambda w: conv(x, w), w)[1](dy)[0])
        t_fwd = tf.function(lambda x, w: tf.nn.conv2d(x, w, 1, "SAME"))
        t_gx = tf.function(
            lambda w, dy, s=(BATCH, h, h, c): tf.compat.v1.nn.conv2d_backprop_input(
                list(s), w, dy, [1, 1, 1, 1], "SAME"
            )
        )
        t_gw = tf.function(
            lambda x, dy, s=(3, 3, c, f): tf.compat.v1.nn.conv2d_backprop_filter(x, list(s), dy, [1, 1, 1, 1], "SAME")
        )
        key = f"{h}x{h}x{c}->{f}"
        flops[key] = 2 * BATCH * h * h * c * f * 9
        fns[(key, "forward", "jax")] = lambda g=j_fwd, a=jx, b=jw: g(a, b).block_until_ready()
        fns[(key, "grad input", "jax")] = lambda g=j_gx, a=jw, b=jdy: g(a, b).block_until_ready()
        fns[(key, "grad kernel", "jax")] = lambda g=j_gw, a=jx, b=jdy: g(a, b).block_until_ready()
        fns[(key, "forward", "tf")] = lambda g=t_fwd, a=tx, b=tw: g(a, b).numpy()
        fns[(key, "grad input", "tf")] = lambda g=t_gx, a=tw, b=tdy: g(a, b).numpy()
        fns[(key, "grad kernel", "tf")] = lambda g=t_gw, a=tx, b=tdy: g(a, b).numpy()
    return fns, flops


def main(reps: int = 7) -> None:
    fns, flops = build()
    for fn in fns.values():
        fn()
    times = {k: [] for k in fns}
    for _ in range(reps):
        for k, fn in fns.items():
            t0 = time.perf_counter()
            fn()
            times[k].append(time.perf_counter() - t0)
    print(f"XLA_FLAGS={os.environ.get('XLA_FLAGS', '')!r}\n")
    print("| conv | op | JAX ms | JAX GFLOP/s | TF ms | TF GFLOP/s | JAX/TF time |")
    print("|---|---|---|---|---|---|---|")
    total = {"jax": 0.0, "tf": 0.0}
    for (key, op, lib), t in times.items():
        if lib != "jax":
            continue
        tj, tt = min(t), min(times[(key, op, "tf")])
        if not (key.endswith("3->32") and op == "grad input"):  # never needed: the input needs no gradient
            total["jax"] += tj
            total["tf"] += tt
        print(
            f"| {key} | {op} | {tj * 1e3:.1f} | {flops[key] / tj / 1e9:.1f} | {tt * 1e3:.1f} | "
            f"{flops[key] / tt / 1e9:.1f} | {tj / tt:.2f} |"
        )
    print(
        f"\nconvolution time per training step: JAX {total['jax'] * 1e3:.0f} ms, TF {total['tf'] * 1e3:.0f} ms "
        f"({total['jax'] / total['tf']:.2f}x)"
    )


if __name__ == "__main__":
    main()
