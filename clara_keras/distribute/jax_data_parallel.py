"""Data-parallel training on JAX: `model.fit` under `keras.distribution.DataParallel`.

On JAX, Keras's own `fit` handles data parallelism (the batch is sharded over
the devices, the variables are replicated, XLA inserts the reductions), in one
process over several devices or in several processes after
`keras.distribution.initialize` (see `clara_keras.distribute.strategy`). What
this module adds is what the Trainer needs around it: each process feeds its
own slice of every global batch, the best checkpoint and the history are
written by process 0 only (atomically), early stopping, and a per-process
backup (`keras.callbacks.BackupAndRestore`) from which a restarted job resumes.
"""

from __future__ import annotations

import json
import os
import warnings
from collections.abc import Sequence

import numpy as np

from clara_keras import io_utils
from clara_keras.distribute._data import as_batch_source
from clara_keras.errors import ConfigError
from clara_keras.errors import DataError

__all__ = ["fit_data_parallel"]

BEST_MODEL = "best.keras"
HISTORY_FILE = "history.json"
BACKUP_DIR = "backup"


def _process() -> tuple[int, int]:
    import jax

    return jax.process_index(), jax.process_count()


def _make_shard_dataset(source, rank: int, num_processes: int, num_devices: int, shuffle: bool, seed: int):
    import keras

    class _ProcessShard(keras.utils.PyDataset):
        """This process's slice of every global batch (the same global batches in every process)."""

        def __init__(self):
            super().__init__()
            self.epoch = 0
            self._batches = None
            self._load()

        def _load(self):
            batches = []
            for xb, yb in source.batches(self.epoch, shuffle=shuffle, seed=seed):
                if len(xb) % num_devices:
                    usable = len(xb) - len(xb) % num_devices
                    if usable == 0:
                        warnings.warn(
                            f"Skipping a final batch of {len(xb)} sample(s): fewer than the {num_devices} devices.",
                            stacklevel=2,
                        )
                        continue
                    xb, yb = xb[:usable], yb[:usable]
                per = len(xb) // num_processes
                batches.append((xb[rank * per : (rank + 1) * per], yb[rank * per : (rank + 1) * per]))
            self._batches = batches

        def __len__(self):
            return len(self._batches)

        def __getitem__(self, index):
            return self._batches[index]

        def on_epoch_end(self):
            self.epoch += 1
            self._load()

    return _ProcessShard()


def _monitor_mode(monitor: str, mode: str) -> str:
    from clara_keras.distribute.multi_worker_trainer import _monitor_mode as tf_mode

    return tf_mode(monitor, mode)


def fit_data_parallel(
    model,
    x,
    y=None,
    validation=None,
    epochs: int = 1,
    batch_size: int | None = None,
    callbacks: Sequence | None = None,
    run_dir: str | os.PathLike | None = None,
    distribution=None,
    monitor: str | None = None,
    mode: str = "auto",
    patience: int | None = None,
    shuffle: bool = True,
    seed: int | None = 0,
    verbose: int = 0,
) -> dict[str, list[float]]:
    """Train ``model`` with `keras.distribution.DataParallel` on JAX; returns the history dict.

    Arguments are those of `clara_keras.distribute.fit_multi_worker`;
    ``distribution`` defaults to `clara_keras.distribute.strategy("auto")`
    (`None` on one device: plain `fit`). Arrays and `Dataset` mappings are
    cut into global batches of ``batch_size``, and each process feeds its
    slice; a final batch that does not divide over the devices is trimmed.
    """
    import keras

    from clara_keras.distribute.strategy import strategy as pick

    if keras.config.backend() != "jax":
        raise ConfigError(f"fit_data_parallel runs on the jax backend. Received backend: {keras.config.backend()!r}")
    if not getattr(model, "compiled", False):
        raise ConfigError(f"The model {model.name!r} is not compiled: call model.compile() first.")
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
        raise ConfigError(f"Received an invalid value for `epochs`, expected a positive integer. Received: {epochs!r}")
    distribution = pick("auto") if distribution is None else distribution
    rank, num_processes = _process()
    num_devices = len(distribution.device_mesh.devices.flatten()) if distribution is not None else 1
    if num_devices % num_processes:
        raise ConfigError(f"{num_devices} devices cannot be split evenly over {num_processes} processes.")
    seed = 0 if seed is None else int(seed)
    train = as_batch_source(x, y, batch_size=batch_size, what="training data")
    val_data = None
    if validation is not None:
        val = as_batch_source(validation, None, batch_size=batch_size, what="validation data")
        val_data = _make_shard_dataset(val, rank, num_processes, num_devices, False, seed)
    train_data = _make_shard_dataset(train, rank, num_processes, num_devices, shuffle, seed)
    if len(train_data) == 0:
        raise DataError("The training data has no batch large enough for the devices.")
    monitor = monitor or ("val_loss" if validation is not None else "loss")
    mode = _monitor_mode(monitor, mode)
    is_chief = rank == 0

    class _ChiefFiles(keras.callbacks.Callback):
        """Best checkpoint and history, written by process 0 only; reloads the history on resume."""

        def __init__(self):
            super().__init__()
            self.history: dict[str, list[float]] = {}
            self.best = None
            if run_dir is not None and os.path.exists(os.path.join(run_dir, HISTORY_FILE)):
                with open(os.path.join(run_dir, HISTORY_FILE)) as f:
                    self.history = json.load(f)
                past = self.history.get(monitor, [])
                if past:
                    self.best = min(past) if mode == "min" else max(past)

        def on_epoch_end(self, epoch, logs=None):
            logs = dict(logs or {})
            if monitor not in logs:
                raise ConfigError(f"The monitored value {monitor!r} is not logged; available: {sorted(logs)}.")
            for key, value in logs.items():
                values = self.history.setdefault(key, [])
                del values[epoch:]
                values.append(float(value))
            score = float(logs[monitor])
            better = self.best is None or (score < self.best if mode == "min" else score > self.best)
            if better:
                self.best = score
                if run_dir is not None and is_chief:
                    model.set_weights(self.model.get_weights())
                    io_utils.atomic_save_model(model, os.path.join(run_dir, BEST_MODEL))
            if run_dir is not None and is_chief:
                io_utils.atomic_write_json(os.path.join(run_dir, HISTORY_FILE), self.history)

    files = _ChiefFiles()
    extra = [files]
    if patience is not None:
        extra.append(keras.callbacks.EarlyStopping(monitor=monitor, mode=mode, patience=patience))
    if run_dir is not None:
        backup = os.path.join(run_dir, BACKUP_DIR, f"process-{rank}")
        extra.append(keras.callbacks.BackupAndRestore(backup, delete_checkpoint=False))
    if distribution is not None and num_processes > 1:
        distribution.auto_shard_dataset = False  # each process already feeds its own slice
    config = model.get_compile_config()
    scope = distribution.scope() if distribution is not None else _null()
    with scope:
        dist = model.clone() if hasattr(model, "clone") else keras.models.clone_model(model)
        if not dist.built:
            dist.build((None, *np.asarray(train_data[0][0]).shape[1:]))
        dist.set_weights(model.get_weights())
        dist.compile_from_config(config)
        dist.fit(
            train_data,
            validation_data=val_data,
            epochs=epochs,
            callbacks=[*list(callbacks or []), *extra],
            verbose=verbose if is_chief else 0,
            shuffle=False,
        )
    model.set_weights(dist.get_weights())
    return {k: list(v) for k, v in files.history.items()}


class _null:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False
