"""`fit_multi_worker`: the one entry point the Trainer calls for distributed training."""

from __future__ import annotations

import os
from collections.abc import Sequence

from clara_keras.errors import DistributeError

__all__ = ["fit_multi_worker"]


def fit_multi_worker(
    model,
    x,
    y=None,
    validation=None,
    epochs: int = 1,
    batch_size: int | None = None,
    callbacks: Sequence | None = None,
    run_dir: str | os.PathLike | None = None,
    strategy=None,
    monitor: str | None = None,
    mode: str = "auto",
    patience: int | None = None,
    shuffle: bool = True,
    seed: int | None = 0,
    sync_batch_norm: bool = True,
    verbose: int = 0,
) -> dict[str, list[float]]:
    """Train a compiled model on every worker of the job; returns the history dict.

    On TensorFlow it runs `MultiWorkerTrainer` (a custom step under the
    strategy, since `model.fit` fails under `MultiWorkerMirroredStrategy` on
    Keras 3); on JAX it runs `model.fit` under `keras.distribution.DataParallel`
    with the same files and resume; on torch it raises `DistributeError`.

    Files (chief only, atomic): ``run_dir/best.keras`` (best epoch by
    ``monitor``), ``run_dir/history.json`` (rewritten each epoch), and
    ``run_dir/backup/`` (state at the end of each epoch; a job restarted with
    the same `TF_CONFIG` and ``run_dir`` resumes from it).

    Args:
        model: A compiled `keras.Model`; its weights are the final weights on return.
        x, y: Training data: arrays, a `Dataset` mapping, a
            `keras.utils.PyDataset` (items are global batches) or a
            `tf.data.Dataset` of global batches (TensorFlow).
        validation: Validation data in the same forms (``(x_val, y_val)`` for arrays).
        epochs: Integer, number of epochs.
        batch_size: Integer, the *global* batch size (arrays and mappings).
        callbacks: Keras callbacks, driven on every worker with the same logs.
        run_dir: Folder for the files above (`None`: no files, no resume).
        strategy: Defaults to `clara_keras.distribute.strategy("auto")`.
        monitor, mode, patience: Best-epoch selection and early stopping.
        shuffle: Reshuffle each epoch, seeded by ``(seed, epoch)``.
        seed: Integer seed (the same on every worker).
        sync_batch_norm: TensorFlow: global-batch statistics in batch normalization.
        verbose: Keras progress output on the chief.

    Example:

    ```python
    import clara_keras

    strategy = clara_keras.distribute.strategy()  # first thing in the program
    train, val, _ = clara_keras.datasets.load_digits_splits()
    model = clara_keras.models.digits_cnn()
    model.compile()
    history = clara_keras.distribute.fit_multi_worker(
        model, train, validation=val, epochs=5, batch_size=64, run_dir="runs/mw", strategy=strategy
    )
    ```
    """
    import keras

    backend = keras.config.backend()
    if backend == "tensorflow":
        from clara_keras.distribute.multi_worker_trainer import MultiWorkerTrainer

        trainer = MultiWorkerTrainer(
            model,
            strategy=strategy,
            run_dir=run_dir,
            monitor=monitor,
            mode=mode,
            patience=patience,
            sync_batch_norm=sync_batch_norm,
            seed=seed,
            verbose=verbose,
        )
        return trainer.fit(
            x, y, validation=validation, epochs=epochs, batch_size=batch_size, callbacks=callbacks, shuffle=shuffle
        )
    if backend == "jax":
        from clara_keras.distribute.jax_data_parallel import fit_data_parallel

        return fit_data_parallel(
            model,
            x,
            y,
            validation=validation,
            epochs=epochs,
            batch_size=batch_size,
            callbacks=callbacks,
            run_dir=run_dir,
            distribution=strategy,
            monitor=monitor,
            mode=mode,
            patience=patience,
            shuffle=shuffle,
            seed=seed,
            verbose=verbose,
        )
    from clara_keras.distribute.strategy import TORCH_SUPPORT

    raise DistributeError(f"fit_multi_worker is not available on the {backend} backend. {TORCH_SUPPORT}")
