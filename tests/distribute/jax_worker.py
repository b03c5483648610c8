"""JAX data-parallel check for the distribute tests (run as a subprocess).

Usage: XLA_FLAGS=--xla_force_host_platform_device_count=2 python jax_worker.py OUT_DIR

Trains the digits CNN twice from the same initial weights: once with plain
`model.fit` on one device, once with `clara_keras.distribute.fit_multi_worker`
under `keras.distribution.DataParallel` over the two CPU devices; saves both
final weights to OUT_DIR/reference.npz and OUT_DIR/data_parallel.npz.
"""

import os
import sys

os.environ.setdefault("KERAS_BACKEND", "jax")


def main(argv):
    out = argv[0]
    import keras
    import numpy as np

    import clara_keras.distribute as dist
    from clara_keras.datasets import load_digits_splits
    from clara_keras.models import digits_cnn

    distribution = dist.strategy("auto")
    if os.environ.get("CLARA_TEST_FLOAT64"):
        keras.config.set_floatx("float64")
    train, _, _ = load_digits_splits(seed=0)
    train = train.subset(np.arange(640))  # 10 global batches of 64

    def build():
        keras.utils.set_random_seed(0)
        model = digits_cnn(dropout_prob=0.0)
        model.set_params({"learning_rate": 0.01, "optimizer": "sgd"})
        model.compile()
        return model

    reference = build()
    initial = reference.get_weights()
    reference.fit(train["X"], train["y"], batch_size=64, epochs=2, shuffle=False, verbose=0)
    model = build()
    model.set_weights(initial)
    history = dist.fit_multi_worker(
        model,
        train,
        epochs=2,
        batch_size=64,
        run_dir=os.path.join(out, "run"),
        strategy=distribution,
        shuffle=False,
    )
    np.savez(os.path.join(out, "initial.npz"), *initial)
    np.savez(os.path.join(out, "reference.npz"), *reference.get_weights())
    np.savez(os.path.join(out, "data_parallel.npz"), *model.get_weights())
    kind = type(distribution).__name__
    devices = len(distribution.device_mesh.devices.flatten()) if distribution is not None else 1
    print(f"DONE distribution={kind} devices={devices} epochs={len(history['loss'])}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
