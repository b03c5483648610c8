"""The main job as a function (used by `clara-keras train` and its tests)."""

from __future__ import annotations

import os
from typing import Any

import numpy as np


def run_main_job(
    epochs: int = 30, batch_size: int = 64, lr: float = 2e-3, seed: int = 0, out: str = "runs/latest", verbose: int = 1
) -> dict[str, Any]:
    """Train the digits CNN, keep the best weights by validation accuracy, test them; write the run folder."""
    import keras

    from clara_keras import io_utils
    from clara_keras.backend_utils import backend
    from clara_keras.backend_utils import set_seed
    from clara_keras.backend_utils import versions
    from clara_keras.datasets import load_digits_splits
    from clara_keras.models import digits_cnn
    from clara_keras.training.report import plot_history

    set_seed(seed)
    train, val, test = load_digits_splits(seed=seed)
    model = digits_cnn(num_classes=10, input_shape=train["X"].shape[1:])
    model.set_params({"learning_rate": lr, "optimizer": "adam", "batch_size": batch_size, "epochs": epochs})
    model.compile()

    best = {"score": -np.inf, "epoch": 0, "weights": None}

    class _KeepBest(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            score = (logs or {}).get("val_accuracy", -np.inf)
            if score > best["score"]:
                best.update(score=score, epoch=epoch + 1, weights=self.model.get_weights())

    history = model.fit(
        train["X"],
        train["y"],
        validation_data=(val["X"], val["y"]),
        epochs=epochs,
        batch_size=batch_size,
        callbacks=[_KeepBest()],
        verbose=verbose,
    )
    model.set_weights(best["weights"])
    test_loss, test_acc = model.evaluate(test["X"], test["y"], batch_size=batch_size, verbose=0)
    os.makedirs(out, exist_ok=True)
    io_utils.atomic_save_model(model, os.path.join(out, "best.keras"))
    hist = {k: [float(v) for v in vals] for k, vals in history.history.items()}
    io_utils.atomic_write_json(os.path.join(out, "history.json"), hist)
    keys = list(hist)
    rows = ["epoch," + ",".join(keys)] + [
        f"{i + 1}," + ",".join(f"{hist[k][i]:.6g}" for k in keys) for i in range(len(hist[keys[0]]))
    ]
    io_utils.atomic_write_text(os.path.join(out, "history.csv"), "\n".join(rows) + "\n")
    plot_history(hist, os.path.join(out, "learning_curves.png"))
    result = {
        "best_epoch": best["epoch"],
        "best_val_accuracy": float(best["score"]),
        "test_accuracy": float(test_acc),
        "test_loss": float(test_loss),
        "backend": backend(),
        "run_dir": out,
        "versions": versions(),
        "params": {"epochs": epochs, "batch_size": batch_size, "lr": lr, "seed": seed},
    }
    io_utils.atomic_write_json(os.path.join(out, "result.json"), result)
    return result
