"""A multi-worker training worker for the distribute tests (run as a subprocess, one per worker).

Usage: python mw_worker.py OUT_DIR EPOCHS [--pause-epoch E]

Trains the digits CNN (no dropout, plain SGD, so runs are comparable) with
`clara_keras.distribute.fit_multi_worker` and saves this worker's final
weights to OUT_DIR/weights-<rank>.npz. With ``--pause-epoch E`` worker 1
prints a marker in epoch E and sleeps, so a test can kill it there.
"""

import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def main(argv):
    out, epochs = argv[0], int(argv[1])
    pause_epoch = int(argv[argv.index("--pause-epoch") + 1]) if "--pause-epoch" in argv else None
    import clara_keras.distribute as dist

    strategy = dist.strategy("auto")  # before any model or tensor
    import keras
    import numpy as np

    from clara_keras.datasets import load_digits_splits
    from clara_keras.models import digits_cnn

    info = dist.cluster_info()
    rank = 0 if info is None else info.rank
    if os.environ.get("CLARA_TEST_FLOAT64"):
        keras.config.set_floatx("float64")  # float noise cannot then grow into visible drift
    keras.utils.set_random_seed(0)
    train, val, _ = load_digits_splits(seed=0)
    model = digits_cnn(dropout_prob=0.0)
    model.set_params({"learning_rate": 0.01, "optimizer": "sgd"})
    model.compile()

    class Marker(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            print(f"EPOCH_END {epoch + 1} {sorted(logs)} loss={logs['loss']:.6f}", flush=True)

        def on_train_batch_end(self, batch, logs=None):
            if pause_epoch is not None and rank == 1 and self._epoch + 1 == pause_epoch and batch == 2:
                print(f"PAUSED epoch {pause_epoch}", flush=True)
                time.sleep(120)

        def on_epoch_begin(self, epoch, logs=None):
            self._epoch = epoch

    history = dist.fit_multi_worker(
        model,
        train,
        validation=val,
        epochs=epochs,
        batch_size=64,
        callbacks=[Marker()],
        run_dir=os.path.join(out, "run"),
        strategy=strategy,
        monitor="val_accuracy",
        shuffle=False,
    )
    np.savez(os.path.join(out, f"weights-{rank}.npz"), *model.get_weights())
    print(f"DONE rank={rank} epochs={len(history['loss'])} val_accuracy={history['val_accuracy'][-1]:.4f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
