"""`clara_keras.train`: split, train, validate, keep the best, test the best, write the report -- in one call."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import keras
import numpy as np

from clara_keras import io_utils
from clara_keras.backend_utils import backend
from clara_keras.errors import DataError
from clara_keras.training import _data
from clara_keras.training.report import write_report
from clara_keras.training.train_result import TrainResult
from clara_keras.training.trainer import Trainer

__all__ = ["train"]

_PART_NAMES = {"train": "train", "validation": "validation", "val": "validation", "test": "test"}


def _parts(data, validation, test, val_split, test_split, seed):
    """``(train, validation, test)`` from a whole data set, a mapping of parts or a tuple of parts."""
    from clara_keras.data import Dataset
    from clara_keras.data import split

    if isinstance(data, Mapping) and "X" not in data and set(data) & set(_PART_NAMES):
        unknown = set(data) - set(_PART_NAMES)
        if unknown:
            raise DataError(f"Unknown data part(s) {sorted(unknown)}; expected 'train', 'validation', 'test'.")
        parts = {_PART_NAMES[k]: v for k, v in data.items()}
        if "train" not in parts:
            raise DataError("The data mapping of parts has no 'train' entry.")
        return parts["train"], parts.get("validation", validation), parts.get("test", test)
    if isinstance(data, (tuple, list)) and len(data) == 3 and not isinstance(data[0], np.ndarray):
        return tuple(data)
    if validation is None and test is None and isinstance(data, Mapping) and "X" in data:
        dataset = (
            data if isinstance(data, Dataset) else Dataset(X=data["X"], y=data.get("y"), classes=data.get("classes"))
        )
        return split(dataset, val=val_split, test=test_split, stratify=True, seed=seed if seed is not None else 0)
    return data, validation, test


def _labels_and_predictions(model, test_input):
    """``(y_true, y_pred)`` over every batch of a prepared test input (arrays or PyDataset)."""
    ys, ps = [], []
    if isinstance(test_input, keras.utils.PyDataset):
        batches = (test_input[i] for i in range(len(test_input)))
    elif hasattr(test_input, "as_numpy_iterator"):
        batches = test_input.as_numpy_iterator()
    else:
        return None
    for batch in batches:
        if not isinstance(batch, (tuple, list)) or len(batch) < 2:
            return None
        ys.append(np.asarray(batch[1]))
        ps.append(keras.ops.convert_to_numpy(model.predict_on_batch(batch[0])))
    return np.concatenate(ys), np.concatenate(ps)


def _confusion(model, test_data, batch_size):
    if getattr(model, "type", "classification") not in ("classification", "binary"):
        return None
    prepared, _, _ = _data.prepare("test", test_data, batch_size, shuffle=False, seed=0)
    pairs = _labels_and_predictions(model, prepared)
    if pairs is None:
        return None
    y, p = pairs
    if p.ndim != 2:
        return None
    from clara_keras.metrics import ConfusionMatrix

    n = max(2, p.shape[-1])
    cm = ConfusionMatrix(num_classes=n, threshold=0.5 if p.shape[-1] == 1 else 0.5)
    cm.update_state(y, p)
    return keras.ops.convert_to_numpy(cm.result())


def train(
    model: keras.Model,
    data,
    epochs: int | None = None,
    *,
    validation=None,
    test=None,
    val_split: float = 0.15,
    test_split: float = 0.15,
    monitor: str | None = None,
    mode: str = "auto",
    validation_freq: int = 1,
    callbacks: list | None = None,
    run_dir: str | os.PathLike | None = None,
    resume: bool = False,
    seed: int | None = 0,
    batch_size: int | None = None,
    verbose: Any = "auto",
    report: bool = True,
    distribute: str | None = None,
    checkpoint_every: int | None = None,
) -> TrainResult:
    """Train, validate, keep the best weights, test them and write the run folder, in one call.

    `validation`, `test`, `mode`, `validation_freq`, `callbacks`, `run_dir`, `resume`, `seed`,
    `batch_size`, `verbose`, `distribute` and `checkpoint_every` are as for `Trainer`.

    Args:
        model: A `clara_keras.Model` (compiled from its parameters if needed) or a compiled `keras.Model`.
        data: A whole labelled data set (`clara_keras.data.Dataset` or a
            mapping with `'X'`, `'y'`): split into train/validation/test with
            `val_split`/`test_split` (stratified, by `seed`); or the parts as
            `{"train": ..., "validation": ..., "test": ...}` or a
            `(train, validation, test)` tuple; or the training part only,
            with `validation=` and `test=`. Parts may be arrays, `Dataset`s,
            `PyDataset`s (e.g. `clara_keras.data.DataGenerator`) or `tf.data`.
        epochs: Integer >= 1. Defaults to the model's `epochs` parameter.
        monitor: Metric that picks the best epoch. Defaults to `"val_accuracy"`
            for classification models with validation data, else as `Trainer`.
        report: Bool, write `report.md` with PNG curves and the confusion
            matrix. Defaults to `True`.

    Returns:
        A `TrainResult`: `result["test_accuracy"]`, `result["test_loss"]`,
        `result["best_epoch"]`, `result["best_score"]`, `result["run_dir"]`,
        ...; `result.history`, `result.model`, `result.trainer`.

    Example:

    ```python
    import clara_keras as clara

    data = clara.datasets.load_digits()
    model = clara.models.digits_cnn()
    result = clara.train(model, data, epochs=15)
    result["test_accuracy"], result["best_epoch"]
    ```
    """
    train_part, val_part, test_part = _parts(data, validation, test, val_split, test_split, seed)
    if monitor is None and val_part is not None:
        monitor = "val_accuracy" if getattr(model, "type", None) in ("classification", "binary") else "val_loss"
    trainer = Trainer(
        model,
        train_part,
        validation=val_part,
        test=test_part,
        epochs=epochs,
        monitor=monitor,
        mode=mode,
        validation_freq=validation_freq,
        callbacks=callbacks,
        run_dir=run_dir,
        resume=resume,
        seed=seed,
        batch_size=batch_size,
        verbose=verbose,
        distribute=distribute,
        checkpoint_every=checkpoint_every,
    )
    trainer.fit()
    scores: dict[str, Any] = {}
    confusion = None
    if test_part is not None:
        scores.update(trainer.test())
        confusion = _confusion(model, test_part, trainer.batch_size)
    else:
        trainer.load_best()
    history = trainer.history
    scores.update(
        {
            "best_epoch": trainer.best_epoch,
            "best_score": trainer.best_score,
            "monitor": trainer.monitor,
            "epochs_run": trainer.epochs_completed,
            "stopped_early": trainer.stopped_early,
            "run_dir": str(trainer.run.path),
            "backend": backend(),
        }
    )
    if confusion is not None:
        scores["confusion_matrix"] = confusion.astype(int).tolist()
    if not trainer.is_chief:  # multi-worker: only the chief writes the run folder
        return TrainResult(scores, history, model=model, trainer=trainer)
    io_utils.atomic_write_json(trainer.run.result, scores)
    if report:
        classes = None
        for part in (test_part, train_part):
            if isinstance(part, Mapping) and part.get("classes"):
                classes = part["classes"]
                break
        write_report(trainer.run, scores, history, trainer.config(), confusion=confusion, classes=classes)
    return TrainResult(scores, history, model=model, trainer=trainer)
