"""The main job as a function (used by `clara-keras train` and its tests): the digits CNN through `clara.train`."""

from __future__ import annotations

from typing import Any

DEFAULTS = {"epochs": 30, "batch_size": 64, "lr": 2e-3, "seed": 0, "checkpoint_every": None}


def _recorded(path, name: str, value, kind: type, low, high):
    """``value`` from a run folder's config.json if it is a ``kind`` in ``[low, high]``, else `CheckpointError`."""
    from clara_keras.errors import CheckpointError

    ok_type = isinstance(value, kind) and not isinstance(value, bool)
    if kind is float:
        ok_type = isinstance(value, (int, float)) and not isinstance(value, bool)
    if not ok_type or not low <= value <= high:
        raise CheckpointError(
            f"{path} records {name}={value!r}; expected a {kind.__name__} in [{low}, {high}]. "
            "The file was edited or damaged: start a new run folder instead of resuming this one."
        )
    return value


def resume_settings(run_dir: str) -> dict[str, Any]:
    """``epochs``, ``batch_size``, ``lr``, ``seed``, ``checkpoint_every`` recorded in a main-job run folder's ``config.json``.

    Each value is checked (type and range): a tampered file is a `CheckpointError` naming it.
    """
    from clara_keras.errors import CheckpointError
    from clara_keras.training.run_dir import RunDir

    run = RunDir(run_dir)
    config = run.read_config()
    path = run.config
    if not isinstance(config, dict):
        raise CheckpointError(f"{path} must hold a JSON object; the file was edited or damaged.")
    trainer, params = config.get("trainer", {}), config.get("params", {})
    if not isinstance(trainer, dict) or not isinstance(params, dict):
        raise CheckpointError(f"{path}: 'trainer' and 'params' must be JSON objects; the file was edited or damaged.")
    return {
        "epochs": _recorded(path, "epochs", trainer.get("epochs", DEFAULTS["epochs"]), int, 1, 100_000),
        "batch_size": _recorded(path, "batch_size", trainer.get("batch_size", DEFAULTS["batch_size"]), int, 1, 2**20),
        "lr": _recorded(path, "learning_rate", params.get("learning_rate", DEFAULTS["lr"]), float, 1e-12, 10.0),
        "seed": _recorded(path, "seed", config.get("seed", DEFAULTS["seed"]), int, 0, 2**32 - 1),
        "checkpoint_every": None
        if trainer.get("checkpoint_every") is None
        else _recorded(path, "checkpoint_every", trainer["checkpoint_every"], int, 1, 2**31 - 1),
    }


def run_main_job(
    epochs: int = 30,
    batch_size: int = 64,
    lr: float = 2e-3,
    seed: int = 0,
    out: str = "runs/latest",
    verbose: int = 1,
    resume: bool = False,
    distribute: str | None = None,
    checkpoint_every: int | None = None,
) -> dict[str, Any]:
    """Train the digits CNN, keep the best weights by validation loss, test them; write the run folder.

    The learning rate follows a cosine from ``lr`` to ``lr / 50`` (`CosineSchedule`):
    the last epochs are calm, so the epoch picked on 269 validation images is
    not a lucky spike. Validation loss rather than accuracy picks it: many
    epochs tie on accuracy.

    With ``resume=True``, ``out`` is an existing run folder and training
    continues from its last resume state: the last completed epoch or, with
    ``checkpoint_every=N``, the last of the states saved every N batches.

    With ``TF_CONFIG`` set (``clara-keras train --workers ... --task-index I``
    or ``clara-keras launch --local N train``), ``distribute`` defaults to
    ``"auto"``: every worker trains the same model on its shard of each global
    batch and the chief writes the run folder.
    """
    import os

    if distribute is None and os.environ.get("TF_CONFIG"):
        distribute = "auto"
    if distribute is not None:
        from clara_keras.distribute import strategy

        strategy(distribute)  # MultiWorkerMirroredStrategy must exist before any TensorFlow op
    from clara_keras.backend_utils import set_seed
    from clara_keras.callbacks import CosineSchedule
    from clara_keras.datasets import load_digits_splits
    from clara_keras.models import digits_cnn
    from clara_keras.training.one_call import train

    set_seed(seed)
    train_part, val_part, test_part = load_digits_splits(seed=seed)
    model = digits_cnn(num_classes=10, input_shape=train_part["X"].shape[1:])
    model.set_params({"learning_rate": lr, "optimizer": "adam", "batch_size": batch_size, "epochs": epochs})
    model.compile()
    result = train(
        model,
        {"train": train_part, "validation": val_part, "test": test_part},
        epochs=epochs,
        monitor="val_loss",
        callbacks=[CosineSchedule(min_lr=lr / 50)],
        run_dir=out,
        resume=resume,
        seed=seed,
        batch_size=batch_size,
        verbose=verbose,
        distribute=distribute,
        checkpoint_every=checkpoint_every,
    )
    params = {"epochs": epochs, "batch_size": batch_size, "lr": lr, "seed": seed, "checkpoint_every": checkpoint_every}
    return {**result, "params": params}
