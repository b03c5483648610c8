"""Regenerate the pictures of the tutorial site (`tutorials/img/*.png`) from real runs.

Run from the repository root (TensorFlow backend, about a minute on two CPU cores):

    .venv/bin/python tutorials/make_images.py

- `learning_curves.png` and `confusion_matrix.png`: the run report that `clara.train` writes for
  the package's digits CNN (`clara.models.digits_cnn()`, 30 epochs, seed 0), copied unchanged.
- `search_progress.png`: the best validation accuracy after each trial of a random, a
  simulated-annealing and a Bayesian search of the same space on the digits, read from each
  search's `results()` table.

`make_images.py report` or `make_images.py search` regenerates only one of them.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

IMG = Path(__file__).resolve().parent / "img"


def run_report(tmp: Path) -> dict:
    import clara_keras as clara

    model = clara.models.digits_cnn()
    model.set_params({"lr": 2e-3, "batch_size": 64})
    result = clara.train(model, clara.datasets.load_digits(), epochs=30, run_dir=str(tmp / "run"), seed=0, verbose=0)
    for name in ("learning_curves.png", "confusion_matrix.png"):
        shutil.copyfile(tmp / "run" / name, IMG / name)
    return dict(result)


def search_progress(tmp: Path, num_trials: int = 12) -> dict:
    """Best validation accuracy after each trial, per algorithm, from the searches' `results()`."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt
    import numpy as np

    import clara_keras as clara
    from clara_keras import layers as cl
    from clara_keras import optimizers

    train, val, _ = clara.datasets.load_digits_splits(seed=0)
    model = clara.Model(type="classification", input_shape=(8, 8, 1))
    model.add(cl.Conv2DLayer(filters=16, kernel_size=(3, 3), activation="relu"))
    model.add(cl.Flatten())
    model.add(cl.DenseLayer(units=10))
    space = {"lr": (1e-5, 1e-1, "log"), "batch_size": [16, 32, 64, 128, 256], "optimizer": ["adam", "sgd", "rmsprop"]}
    curves = {}
    for name, cls in (
        ("random search", optimizers.RandomSearchOptimizer),
        ("simulated annealing", optimizers.SimulatedAnnealingOptimizer),
        ("Bayesian", optimizers.BayesianOptimizer),
    ):
        search = cls(
            model=model,
            dataset=(train["X"], train["y"]),
            validation_data=(val["X"], val["y"]),
            search_space=space,
            num_trials=num_trials,
            epochs=3,
            seed=0,
            directory=str(tmp / "search"),
            verbose=0,
        )
        search.fit()
        scores = [row["score"] if row["score"] is not None else np.nan for row in search.results()]
        curves[name] = np.fmax.accumulate(np.nan_to_num(scores, nan=0.0))
    fig, ax = plt.subplots(figsize=(6.4, 3.8))
    for name, best in curves.items():
        ax.plot(range(1, len(best) + 1), best, marker="o", ms=4, label=name)
    ax.set_xlabel("trial")
    ax.set_ylabel("best validation accuracy so far")
    ax.set_title(f"Search of a small CNN on the digits ({num_trials} trials of 3 epochs, seed 0)")
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(IMG / "search_progress.png", dpi=100)
    plt.close(fig)
    return {name: float(best[-1]) for name, best in curves.items()}


def main() -> int:
    IMG.mkdir(exist_ok=True)
    only = set(sys.argv[1:]) or {"report", "search"}
    with tempfile.TemporaryDirectory() as tmp:
        if "report" in only:
            result = run_report(Path(tmp))
            print(f"run report: test accuracy {result['test_accuracy']:.4f}, best epoch {result['best_epoch']}")
        if "search" in only:
            print("search progress, best validation accuracy:", search_progress(Path(tmp)))
    print(f"wrote {sorted(p.name for p in IMG.glob('*.png'))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
