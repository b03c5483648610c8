"""PNG plots for run reports (matplotlib, headless)."""

from __future__ import annotations

import io
from collections.abc import Mapping
from collections.abc import Sequence

from clara_keras import io_utils

__all__ = ["plot_history", "plot_confusion_matrix", "write_report"]


def _pyplot():
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


def plot_history(history: Mapping[str, Sequence[float]], path: str) -> str:
    """Plot loss and metric curves (train vs validation) to a PNG at ``path``; returns ``path``."""
    plt = _pyplot()
    names = [k for k in history if not k.startswith("val_") and k not in ("lr", "learning_rate")]
    names += [k for k in history if k.startswith("val_") and k[4:] not in history]
    fig, axes = plt.subplots(1, max(1, len(names)), figsize=(5 * max(1, len(names)), 3.6), squeeze=False)
    for ax, name in zip(axes[0], names):
        epochs = range(1, len(history[name]) + 1)
        label = name if name.startswith("val_") else f"train {name}"
        ax.plot(epochs, history[name], marker="o", ms=3, label=label)
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
    return _save(fig, plt, path)


def _save(fig, plt, path: str) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    plt.close(fig)
    with io_utils.atomic_write(path, "wb") as f:
        f.write(buf.getvalue())
    return path


def plot_confusion_matrix(
    matrix, classes: Sequence[str] | None, path: str, title: str = "Test confusion matrix"
) -> str:
    """Plot a confusion matrix (rows: true, columns: predicted) with counts to a PNG at ``path``."""
    import numpy as np

    plt = _pyplot()
    m = np.asarray(matrix)
    n = m.shape[0]
    classes = list(classes) if classes else [str(i) for i in range(n)]
    size = max(4.0, 0.45 * n + 2.5)
    fig, ax = plt.subplots(figsize=(size, size * 0.9))
    im = ax.imshow(m, cmap="Blues")
    fig.colorbar(im, ax=ax, fraction=0.046, pad=0.04)
    ax.set_xticks(range(n), classes, rotation=45 if n > 10 else 0)
    ax.set_yticks(range(n), classes)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title(title)
    threshold = m.max() / 2.0 if m.size else 0
    for i in range(n):
        for j in range(n):
            ax.text(
                j,
                i,
                f"{int(round(m[i, j]))}",
                ha="center",
                va="center",
                fontsize=8,
                color="white" if m[i, j] > threshold else "black",
            )
    fig.tight_layout()
    return _save(fig, plt, path)


def write_report(run, result: Mapping, history: Mapping, config: Mapping, confusion=None, classes=None) -> str:
    """Write ``report.md`` in the run folder ``run`` (a `RunDir`) with the learning curves and confusion matrix."""
    import math

    plot_history(history, str(run.curves))
    lines = [
        f"# Run report: {config.get('model', {}).get('name', 'model')}",
        "",
        f"- backend: {config.get('backend')}, seed: {config.get('seed')}",
        f"- epochs run: {result.get('epochs_run')} of {config.get('trainer', {}).get('epochs')}"
        f" (monitor `{result.get('monitor')}`, best epoch {result.get('best_epoch')}, best {result.get('best_score')})",
        "",
        "## Test scores (best weights)",
        "",
        "| metric | value |",
        "|---|---|",
    ]
    for key, value in result.items():
        if key.startswith("test_"):
            lines.append(f"| {key} | {value:.4f} |")
    lines += ["", "## Learning curves", "", f"![learning curves]({run.CURVES})", ""]
    if confusion is not None:
        plot_confusion_matrix(confusion, classes, str(run.confusion))
        lines += ["## Confusion matrix (test set)", "", f"![confusion matrix]({run.CONFUSION})", ""]
    keys = list(history)
    lines += ["## History", "", "| epoch | " + " | ".join(keys) + " |", "|---" * (len(keys) + 1) + "|"]
    n = len(history[keys[0]]) if keys else 0
    for i in range(n):
        cells = ["" if math.isnan(history[k][i]) else f"{history[k][i]:.4f}" for k in keys]
        lines.append(f"| {i + 1} | " + " | ".join(cells) + " |")
    params = config.get("params") or {}
    if params:
        lines += ["", "## Parameters", ""] + [f"- `{k}`: {v}" for k, v in params.items() if not isinstance(v, dict)]
    io_utils.atomic_write_text(run.report, "\n".join(lines) + "\n")
    return str(run.report)
