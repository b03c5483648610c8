"""Regenerate the pictures of the tutorial site (`tutorials/img/*.png`) from real runs.

Run from the repository root (TensorFlow backend, about a minute on two CPU cores):

    .venv/bin/python tutorials/make_images.py

- `learning_curves.png`: the learning curves that `clara-keras train` writes to its run folder.
- `confusion_matrix.png`: the confusion matrix of that run's best model on the test split.
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


def plot_confusion_matrix(matrix, classes, path: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5.2, 4.6))
    image = ax.imshow(matrix, cmap="Blues")
    ax.set_xticks(range(len(classes)), classes)
    ax.set_yticks(range(len(classes)), classes)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    ax.set_title(title)
    high = matrix.max() / 2
    for i in range(len(classes)):
        for j in range(len(classes)):
            if matrix[i, j]:
                ax.text(
                    j,
                    i,
                    int(matrix[i, j]),
                    ha="center",
                    va="center",
                    color="white" if matrix[i, j] > high else "black",
                    fontsize=8,
                )
    fig.colorbar(image, ax=ax, fraction=0.046)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main() -> int:
    import clara_keras as clara
    from clara_keras.cli import main as cli_main

    IMG.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        run_dir = Path(tmp) / "run"
        status = cli_main(["train", "--epochs", "30", "--out", str(run_dir), "--verbose", "0", "--seed", "0"])
        if status:
            return status
        shutil.copyfile(run_dir / "learning_curves.png", IMG / "learning_curves.png")

        model = clara.load_model(str(run_dir / "best.keras")) if hasattr(clara.training, "load_model") else None
        if model is None:
            import keras

            model = keras.saving.load_model(str(run_dir / "best.keras"))
        _, _, test = clara.datasets.load_digits_splits(seed=0)
        metric = clara.metrics.ConfusionMatrix(num_classes=10)
        metric.update_state(test["y"], model.predict(test["X"], verbose=0))
        matrix = clara.backend_utils.to_numpy(metric.result())
        accuracy = matrix.trace() / matrix.sum()
        plot_confusion_matrix(
            matrix, test["classes"], IMG / "confusion_matrix.png", f"digits test split, accuracy {accuracy:.3f}"
        )
    print(f"wrote {sorted(p.name for p in IMG.glob('*.png'))} (test accuracy {accuracy:.4f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
