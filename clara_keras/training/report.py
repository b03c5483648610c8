"""PNG plots for run reports (matplotlib, headless)."""

from __future__ import annotations

import io
from collections.abc import Mapping
from collections.abc import Sequence

from clara_keras import io_utils

__all__ = ["plot_history"]


def _pyplot():
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


def plot_history(history: Mapping[str, Sequence[float]], path: str) -> str:
    """Plot loss and metric curves (train vs validation) to a PNG at ``path``; returns ``path``."""
    plt = _pyplot()
    names = [k for k in history if not k.startswith("val_") and k not in ("lr", "learning_rate")]
    fig, axes = plt.subplots(1, max(1, len(names)), figsize=(5 * max(1, len(names)), 3.6), squeeze=False)
    for ax, name in zip(axes[0], names):
        epochs = range(1, len(history[name]) + 1)
        ax.plot(epochs, history[name], marker="o", ms=3, label=f"train {name}")
        if f"val_{name}" in history:
            ax.plot(
                range(1, len(history[f"val_{name}"]) + 1),
                history[f"val_{name}"],
                marker="o",
                ms=3,
                label=f"validation {name}",
            )
        ax.set_xlabel("epoch")
        ax.set_title(name)
        ax.grid(alpha=0.3)
        ax.legend()
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    plt.close(fig)
    with io_utils.atomic_write(path, "wb") as f:
        f.write(buf.getvalue())
    return path
