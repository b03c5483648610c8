"""Multi-worker training on TensorFlow that works on Keras 3 (keras-team/keras#20585).

`model.fit` under `tf.distribute.MultiWorkerMirroredStrategy` fails on Keras 3
(``ValueError: Attempt to convert a value (PerReplica:{...})``). This trainer
runs its own step under the same strategy instead: `strategy.run` of the
model's forward pass and a `tf.GradientTape` gradient, the model's Keras
optimizer `apply_gradients` (which all-reduces the gradients), the loss scaled
with `tf.nn.compute_average_loss(global_batch_size=...)`. Around the step it
does what the Trainer needs: per-worker data shards of one global batch,
metrics reduced over all workers, Keras callbacks, the best checkpoint and the
history written by the chief only (atomically), early stopping, and a backup
at the end of every epoch from which a restarted job resumes.
"""

from __future__ import annotations

import glob
import io
import json
import math
import os
import re
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from clara_keras import io_utils
from clara_keras.distribute._data import as_batch_source
from clara_keras.distribute._data import is_tf_dataset
from clara_keras.distribute._data import split_batch
from clara_keras.distribute.cluster import cluster_info
from clara_keras.errors import CheckpointError
from clara_keras.errors import ConfigError
from clara_keras.errors import DataError
from clara_keras.errors import DistributeError

__all__ = ["MultiWorkerTrainer", "BACKUP_DIR", "BEST_MODEL", "HISTORY_FILE"]

BEST_MODEL = "best.keras"
HISTORY_FILE = "history.json"
BACKUP_DIR = "backup"
_BACKUP_RE = re.compile(r"^epoch-(\d{5})\.npz$")


def _monitor_mode(monitor: str, mode: str) -> str:
    if mode not in ("auto", "min", "max"):
        raise ConfigError(f"Received an invalid value for `mode`, expected 'auto', 'min' or 'max'. Received: {mode!r}")
    if mode != "auto":
        return mode
    name = monitor.removeprefix("val_")
    return "max" if any(k in name for k in ("acc", "auc", "f1", "precision", "recall", "r2")) else "min"


def _accuracy_for(y_true, y_pred, name: str):
    """The accuracy a Keras user means by ``metrics=["accuracy"]``, read from the label and output shapes."""
    import keras

    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_pred.shape[-1:] == (1,) or y_pred.ndim == 1:
        return keras.metrics.BinaryAccuracy(name=name)
    if y_true.ndim == y_pred.ndim and y_true.shape[-1] == y_pred.shape[-1]:
        return keras.metrics.CategoricalAccuracy(name=name)
    return keras.metrics.SparseCategoricalAccuracy(name=name)


class _GlobalMoments:
    """While active, batch normalization layers compute their training statistics over the global batch.

    Keras's own ``synchronized=True`` computes the variance as E[x^2] - E[x]^2
    from all-reduced sums, which loses precision in float32 when the mean is
    large next to the spread (cancellation). This uses two all-reduced passes instead, mean first and then the mean squared
    deviation, which is what `tf.nn.moments` computes in one process. Layers
    keep ``synchronized=False`` in their config, so saved models load on
    every backend. Outside a replica context (or with a mask) the layer's
    own computation is used.
    """

    def __init__(self, layers, tf):
        self.layers, self.tf = layers, tf

    def __enter__(self):
        for layer in self.layers:
            layer._moments = self._make(layer, type(layer)._moments.__get__(layer))

    def __exit__(self, *exc):
        for layer in self.layers:
            layer.__dict__.pop("_moments", None)

    def _make(self, layer, original):
        tf = self.tf

        def moments(inputs, mask):
            ctx = tf.distribute.get_replica_context()
            if mask is not None or ctx is None:
                return original(inputs, mask)
            rank = len(inputs.shape)
            feature_axes = {a % rank for a in (layer.axis if isinstance(layer.axis, (list, tuple)) else [layer.axis])}
            axes = [i for i in range(rank) if i not in feature_axes]
            count = tf.cast(tf.reduce_prod(tf.gather(tf.shape(inputs), axes)), inputs.dtype)
            total, count = ctx.all_reduce(
                tf.distribute.ReduceOp.SUM, [tf.reduce_sum(inputs, axis=axes, keepdims=True), count]
            )
            mean = tf.math.divide_no_nan(total, count)
            squares = tf.reduce_sum(
                tf.math.squared_difference(inputs, tf.stop_gradient(mean)), axis=axes, keepdims=True
            )
            variance = tf.math.divide_no_nan(ctx.all_reduce(tf.distribute.ReduceOp.SUM, squares), count)
            return tf.squeeze(mean, axes), tf.squeeze(variance, axes)

        return moments


class MultiWorkerTrainer:
    """Train a compiled Keras model under a `tf.distribute` strategy with a custom step.

    Works with `MultiWorkerMirroredStrategy` (the reason it exists),
    `MirroredStrategy` and the default (single-device) strategy, so one code
    path serves one and many workers.

    Args:
        model: A compiled `keras.Model` (e.g. a `clara_keras.Model` after
            `compile()`). It is not trained in place: a copy is built under
            the strategy's scope, trained, and its final weights are copied
            back into ``model``.
        strategy: A `tf.distribute.Strategy`. Defaults to
            `clara_keras.distribute.strategy("auto")`, or the default strategy.
        run_dir: Folder for `best.keras`, `history.json` and `backup/`
            (written by the chief only). `None`: nothing is written, no resume.
        monitor: Logged value that selects the best epoch and drives early
            stopping. Defaults to `"val_loss"` (`"loss"` without validation).
        mode: `"min"`, `"max"` or `"auto"` (max for accuracy-like names).
        patience: Integer epochs without improvement before stopping, or
            `None` (no early stopping).
        min_delta: Float, smallest change that counts as an improvement.
        sync_batch_norm: Bool. If `True` (default) batch-normalization layers
            use the statistics of the global batch during training (as one
            process would); if `False`, each replica uses its own slice.
        seed: Integer seed of the per-epoch shuffle (the same on every worker).
        verbose: 0, 1 or 2: Keras progress output, on the chief only.

    Example:

    ```python
    import clara_keras

    strategy = clara_keras.distribute.strategy()  # first, before any model
    train, val, _ = clara_keras.datasets.load_digits_splits()
    model = clara_keras.models.digits_cnn()
    model.compile()
    trainer = clara_keras.distribute.MultiWorkerTrainer(model, strategy, run_dir="runs/mw")
    history = trainer.fit(train, validation=val, epochs=5, batch_size=64)
    ```
    """

    def __init__(
        self,
        model,
        strategy=None,
        run_dir: str | os.PathLike | None = None,
        monitor: str | None = None,
        mode: str = "auto",
        patience: int | None = None,
        min_delta: float = 0.0,
        sync_batch_norm: bool = True,
        seed: int | None = 0,
        verbose: int = 0,
    ):
        import tensorflow as tf

        if not getattr(model, "compiled", False) or getattr(model, "optimizer", None) is None:
            raise ConfigError(
                f"The model {getattr(model, 'name', model)!r} is not compiled: call model.compile() before "
                "multi-worker training (the optimizer, loss and metrics are read from it)."
            )
        if patience is not None and (isinstance(patience, bool) or not isinstance(patience, int) or patience < 0):
            raise ConfigError(
                f"Received an invalid value for `patience`, expected a non-negative integer or None. Received: {patience!r}"
            )
        if strategy is None:
            from clara_keras.distribute.strategy import strategy as pick

            strategy = pick("auto") or tf.distribute.get_strategy()
        if not isinstance(strategy, tf.distribute.Strategy):
            raise DistributeError(
                f"MultiWorkerTrainer needs a tf.distribute.Strategy. Received: {type(strategy).__name__}"
            )
        self.model = model
        self.strategy = strategy
        self.run_dir = None if run_dir is None else os.fspath(run_dir)
        self.monitor = monitor
        self.mode = mode
        self.patience = patience
        self.min_delta = float(min_delta)
        self.sync_batch_norm = bool(sync_batch_norm)
        self.seed = seed
        self.verbose = int(verbose)
        self.history: dict[str, list[float]] = {}
        self.best_epoch: int | None = None
        self.best_score: float | None = None
        self.stopped_epoch: int | None = None
        self.resumed_from_epoch: int | None = None
        info = cluster_info() if isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy) else None
        self.num_workers = 1 if info is None else info.num_workers
        self.is_chief = info is None or info.is_chief

    # -- building the distributed copy --------------------------------------------------------
    def _build(self, sample_x):
        import keras
        import tensorflow as tf

        model = self.model
        if not model.built:
            model(sample_x[:1], training=False)
        config = model.get_compile_config()
        if not config:
            raise ConfigError(f"The model {model.name!r} has no compile configuration: call model.compile() first.")
        y_pred = np.asarray(model(sample_x[:1], training=False))
        with self.strategy.scope():
            dist = keras.models.clone_model(model) if not hasattr(model, "clone") else model.clone()
            if not dist.built:
                dist(sample_x[:1], training=False)
            dist.set_weights(model.get_weights())
            dist.compile_from_config(config)
            optimizer = dist.optimizer
            optimizer.build(dist.trainable_variables)
            loss_fn = self._per_example_loss(dist.loss)
            metrics = self._metrics(config.get("metrics"), self._sample_y, y_pred)
            loss_tracker = keras.metrics.Mean(name="loss")
        self._bn_layers = []
        if self.sync_batch_norm:
            for layer in dist._flatten_layers(include_self=False):
                if isinstance(layer, keras.layers.BatchNormalization) and not layer.synchronized:
                    self._bn_layers.append(layer)
        self.dist_model, self.optimizer, self.loss_fn = dist, optimizer, loss_fn
        self.metrics, self.loss_tracker = metrics, loss_tracker
        self._tf = tf

    @staticmethod
    def _per_example_loss(loss):
        import keras

        if isinstance(loss, (list, tuple, dict)):
            raise ConfigError("Multi-worker training supports one loss (single-output models).")
        if loss is None:
            raise ConfigError("The model was compiled without a loss.")
        if isinstance(loss, str):
            loss = keras.losses.get(loss)
        if isinstance(loss, keras.losses.Loss):
            config = loss.get_config()
            config["reduction"] = None
            return type(loss).from_config(config)
        if callable(loss):
            return loss
        raise ConfigError(f"Unsupported loss for multi-worker training: {loss!r}")

    @staticmethod
    def _metrics(serialized, y_true, y_pred) -> list:
        """Fresh metric objects (created under the strategy scope, so their variables sum over workers)."""
        import keras

        if serialized is not None and not isinstance(serialized, (list, tuple)):
            serialized = [serialized]
        out = []
        for item in serialized or []:
            if isinstance(item, (list, dict)) and not (isinstance(item, dict) and "class_name" in item):
                raise ConfigError("Multi-worker training supports a flat list of metrics (single-output models).")
            if isinstance(item, str):
                name = item
                if name in ("accuracy", "acc"):
                    out.append(_accuracy_for(y_true, y_pred, name))
                    continue
                out.append(keras.metrics.get(name))
                if not isinstance(out[-1], keras.metrics.Metric):
                    out[-1] = keras.metrics.MeanMetricWrapper(out[-1], name=name)
                continue
            metric = keras.saving.deserialize_keras_object(item)
            if not isinstance(metric, keras.metrics.Metric):
                metric = keras.metrics.MeanMetricWrapper(metric, name=getattr(metric, "__name__", "metric"))
            out.append(metric)
        return out

    # -- steps ----------------------------------------------------------------------------------
    def _make_steps(self):
        tf = self._tf
        model, optimizer, loss_fn = self.dist_model, self.optimizer, self.loss_fn
        metrics, tracker = self.metrics, self.loss_tracker
        strategy = self.strategy

        def per_example(y, y_pred):
            values = loss_fn(y, y_pred)
            values = tf.convert_to_tensor(values)
            if values.shape.rank == 0:
                values = tf.reshape(values, [1])
            elif values.shape.rank > 1:
                values = tf.reduce_mean(values, axis=list(range(1, values.shape.rank)))
            return values

        def train_replica(x, y):
            ctx = tf.distribute.get_replica_context()
            global_n = ctx.all_reduce(tf.distribute.ReduceOp.SUM, tf.shape(y)[0])
            with tf.GradientTape() as tape:
                y_pred = model(x, training=True)
                values = per_example(y, y_pred)
                loss = tf.nn.compute_average_loss(values, global_batch_size=global_n)
                reg = tf.add_n(model.losses) if model.losses else tf.constant(0.0, values.dtype)
                loss += tf.nn.scale_regularization_loss(tf.cast(reg, values.dtype))
            grads = tape.gradient(loss, model.trainable_variables)
            optimizer.apply_gradients(zip(grads, model.trainable_variables))
            tracker.update_state(values + tf.cast(reg, values.dtype))
            for metric in metrics:
                metric.update_state(y, y_pred)
            return loss

        def eval_replica(x, y):
            y_pred = model(x, training=False)
            values = per_example(y, y_pred)
            reg = tf.add_n(model.losses) if model.losses else tf.constant(0.0, values.dtype)
            tracker.update_state(values + tf.cast(reg, values.dtype))
            for metric in metrics:
                metric.update_state(y, y_pred)
            return tf.constant(0.0)

        @tf.function(reduce_retracing=True)
        def train_step(x, y):
            per_replica = strategy.run(train_replica, args=(x, y))
            return strategy.reduce(tf.distribute.ReduceOp.SUM, per_replica, axis=None)

        @tf.function(reduce_retracing=True)
        def eval_step(x, y):
            strategy.run(eval_replica, args=(x, y))

        self._train_step, self._eval_step = train_step, eval_step

    def _distribute(self, xb, yb):
        """Per-replica slices of one global batch (each worker builds only its own replicas' slices)."""
        n = self.strategy.num_replicas_in_sync
        xs, ys = split_batch(xb, n), split_batch(yb, n)

        def value_fn(ctx, parts):
            return parts[ctx.replica_id_in_sync_group]

        dx = self.strategy.experimental_distribute_values_from_function(lambda ctx: value_fn(ctx, xs))
        dy = self.strategy.experimental_distribute_values_from_function(lambda ctx: value_fn(ctx, ys))
        return dx, dy

    # -- collectives on host values -------------------------------------------------------------
    def _all_sum(self, arrays: Sequence[np.ndarray], chief_only: bool = False) -> list[np.ndarray]:
        """Sum arrays over the workers (each worker counted once), or broadcast the chief's with ``chief_only``."""
        tf = self._tf
        arrays = [np.asarray(a) for a in arrays]
        if self.strategy.num_replicas_in_sync == 1:
            return arrays
        local_replicas = max(1, self.strategy.num_replicas_in_sync // self.num_workers)
        strategy = self.strategy

        def replica_fn(tensors):
            ctx = tf.distribute.get_replica_context()
            rid = ctx.replica_id_in_sync_group
            keep = tf.equal(rid, 0) if chief_only else tf.equal(rid % local_replicas, 0)
            masked = [tf.where(keep, t, tf.zeros_like(t)) for t in tensors]
            out = [None] * len(masked)
            # One batched collective per dtype (a batch must share its dtype).
            for dtype in sorted({t.dtype.name for t in masked}):
                idx = [i for i, t in enumerate(masked) if t.dtype.name == dtype]
                reduced = ctx.all_reduce(tf.distribute.ReduceOp.SUM, [masked[i] for i in idx])
                for i, r in zip(idx, reduced):
                    out[i] = r
            return out

        @tf.function
        def run(tensors):
            return strategy.run(replica_fn, args=(tensors,))

        result = run([tf.constant(a) for a in arrays])
        local = strategy.experimental_local_results(result)[0]
        return [np.asarray(v) for v in local]

    def _broadcast_weights(self):
        values = self.dist_model.get_weights() + [np.asarray(v) for v in self.optimizer.variables]
        values = self._all_sum(values, chief_only=True)
        k = len(self.dist_model.get_weights())
        self.dist_model.set_weights(values[:k])
        for variable, value in zip(self.optimizer.variables, values[k:]):
            variable.assign(value)

    def _broadcast_json(self, obj) -> Any:
        data = np.frombuffer(json.dumps(obj).encode(), dtype=np.uint8).astype(np.int32)
        (size,) = self._all_sum([np.array([len(data)], np.int32)], chief_only=True)
        padded = np.zeros(int(size[0]), np.int32)
        padded[: min(len(data), len(padded))] = data[: len(padded)]
        (out,) = self._all_sum([padded], chief_only=True)
        return json.loads(out.astype(np.uint8).tobytes().decode())

    def _any(self, flag: bool) -> bool:
        (total,) = self._all_sum([np.array([1 if flag else 0], np.int32)])
        return int(total[0]) > 0

    # -- metrics --------------------------------------------------------------------------------
    def _reset_metrics(self):
        self.loss_tracker.reset_state()
        for metric in self.metrics:
            metric.reset_state()

    def _results(self, prefix: str = "") -> dict[str, float]:
        logs = {prefix + "loss": float(self.loss_tracker.result())}
        for metric in self.metrics:
            value = metric.result()
            if isinstance(value, dict):
                logs.update({prefix + k: float(v) for k, v in value.items()})
            else:
                logs[prefix + metric.name] = float(np.asarray(value))
        return logs

    # -- files ----------------------------------------------------------------------------------
    def _backup_dir(self) -> str | None:
        return None if self.run_dir is None else os.path.join(self.run_dir, BACKUP_DIR)

    def _latest_backup(self) -> tuple[int, str] | None:
        folder = self._backup_dir()
        if folder is None or not os.path.isdir(folder):
            return None
        found = []
        for path in glob.glob(os.path.join(folder, "epoch-*.npz")):
            m = _BACKUP_RE.match(os.path.basename(path))
            if m:
                found.append((int(m.group(1)), path))
        return max(found) if found else None

    def _write_backup(self, epoch: int, state: dict):
        folder = self._backup_dir()
        if folder is None or not self.is_chief:
            return
        arrays = {f"w{i:04d}": w for i, w in enumerate(self.dist_model.get_weights())}
        arrays.update({f"o{i:04d}": np.asarray(v) for i, v in enumerate(self.optimizer.variables)})
        arrays["state"] = np.frombuffer(json.dumps(state).encode(), dtype=np.uint8)
        buffer = io.BytesIO()
        np.savez(buffer, **arrays)
        with io_utils.atomic_write(os.path.join(folder, f"epoch-{epoch:05d}.npz"), "wb") as f:
            f.write(buffer.getvalue())
        for old in sorted(glob.glob(os.path.join(folder, "epoch-*.npz")))[:-2]:
            try:
                os.unlink(old)
            except OSError:
                pass

    def _read_backup(self, path: str) -> dict:
        try:
            with np.load(path, allow_pickle=False) as data:
                weights = [data[k] for k in sorted(k for k in data.files if k.startswith("w"))]
                opt = [data[k] for k in sorted(k for k in data.files if k.startswith("o"))]
                state = json.loads(data["state"].tobytes().decode())
        except Exception as exc:
            raise CheckpointError(f"The backup {path!r} cannot be read ({exc}); delete it to start afresh.") from None
        current = self.dist_model.get_weights()
        if len(weights) != len(current) or any(a.shape != b.shape for a, b in zip(weights, current)):
            raise CheckpointError(
                f"The backup {path!r} was written by a different model (weights do not match); "
                "use another run folder or delete the backup."
            )
        if len(opt) != len(self.optimizer.variables):
            raise CheckpointError(f"The backup {path!r} was written with a different optimizer.")
        self.dist_model.set_weights(weights)
        for variable, value in zip(self.optimizer.variables, opt):
            variable.assign(value)
        return state

    def _save_best(self):
        if self.run_dir is None or not self.is_chief:
            return
        self.model.set_weights(self.dist_model.get_weights())
        io_utils.atomic_save_model(self.model, os.path.join(self.run_dir, BEST_MODEL))

    def _write_history(self):
        if self.run_dir is None or not self.is_chief:
            return
        io_utils.atomic_write_json(os.path.join(self.run_dir, HISTORY_FILE), self.history)

    def _global_batch_norm(self):
        """Make batch normalization use global-batch statistics while training (see `_two_pass_moments`)."""
        return _GlobalMoments(self._bn_layers, self._tf)

    # -- the loop -------------------------------------------------------------------------------
    def fit(
        self,
        x,
        y=None,
        validation=None,
        epochs: int = 1,
        batch_size: int | None = None,
        callbacks: Sequence | None = None,
        shuffle: bool = True,
    ) -> dict[str, list[float]]:
        """Train for ``epochs`` epochs (or until early stopping); returns the history dict.

        Args:
            x: Training data: NumPy arrays with ``y``; a `Dataset` mapping
                (``{'X', 'y'}``); a `keras.utils.PyDataset` (item ``i`` is the
                global batch ``(x, y)``, e.g. a clara `DataGenerator`); or a
                `tf.data.Dataset` of ``(x, y)`` global batches (sharded with
                `experimental_distribute_dataset`).
            y: Labels when ``x`` is an array.
            validation: Same forms as ``x`` (a tuple ``(x_val, y_val)`` for
                arrays). Evaluated on all workers, each on its slice.
            epochs: Integer, total epochs (a resumed run continues up to it).
            batch_size: Integer, the global batch size (arrays and mappings).
            callbacks: Keras callbacks; `on_epoch_end` receives the logs
                (the same on every worker).
            shuffle: Bool, reshuffle arrays each epoch with ``(seed, epoch)``.

        Returns:
            ``{"loss": [...], "accuracy": [...], "val_loss": [...], ...}``, one
            value per epoch, including the epochs of a run that was resumed.
        """
        import keras

        if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
            raise ConfigError(
                f"Received an invalid value for `epochs`, expected a positive integer. Received: {epochs!r}"
            )
        train = self._source(x, y, batch_size, "training data")
        val = None if validation is None else self._source(validation, None, batch_size, "validation data")
        sample_x = self._sample(train)
        self._build(sample_x)
        self._make_steps()
        monitor = self.monitor or ("val_loss" if val is not None else "loss")
        mode = _monitor_mode(monitor, self.mode)
        seed = self.seed
        if seed is None:
            local = np.array([np.random.SeedSequence().entropy % (2**31 - 1)], np.int64)
            seed = int(self._all_sum([local], chief_only=True)[0][0])

        state = {"epoch": 0, "history": {}, "best": None, "best_epoch": None, "wait": 0}
        latest = self._latest_backup() if self.is_chief else None
        if latest is not None:
            state = self._read_backup(latest[1])
            self.resumed_from_epoch = int(state["epoch"])
        state = self._broadcast_json(state)
        self._broadcast_weights()
        if state["epoch"]:
            self.resumed_from_epoch = int(state["epoch"])
            print(
                f"clara_keras: resuming from the backup of epoch {self.resumed_from_epoch} "
                f"({os.path.join(self.run_dir or '', BACKUP_DIR)})",
                flush=True,
            )
        self.history = {k: list(v) for k, v in state["history"].items()}
        self.best_score, self.best_epoch = state["best"], state["best_epoch"]
        wait = int(state["wait"])

        steps = len(train) if not isinstance(train, tuple) else None
        callback_list = keras.callbacks.CallbackList(
            list(callbacks or []),
            add_history=False,
            add_progbar=bool(self.verbose) and self.is_chief,
            model=self.dist_model,
            verbose=self.verbose if self.is_chief else 0,
            epochs=epochs,
            steps=steps,
        )
        self.dist_model.stop_training = False
        self.stopped_epoch = None
        logs: dict[str, float] = {}
        with self._global_batch_norm():
            callback_list.on_train_begin()
            for epoch in range(int(state["epoch"]), epochs):
                callback_list.on_epoch_begin(epoch)
                self._reset_metrics()
                for step, (dx, dy) in enumerate(self._batches(train, epoch, shuffle, seed)):
                    callback_list.on_train_batch_begin(step)
                    loss = self._train_step(dx, dy)
                    callback_list.on_train_batch_end(step, {"loss": float(loss)})
                logs = self._results()
                if val is not None:
                    self._reset_metrics()
                    for dx, dy in self._batches(val, epoch, False, seed, training=False):
                        self._eval_step(dx, dy)
                    logs.update(self._results("val_"))
                if monitor not in logs:
                    raise ConfigError(
                        f"The monitored value {monitor!r} is not logged; available: {sorted(logs)}. "
                        "Pass `monitor=` one of them (validation values need `validation=`)."
                    )
                for key, value in logs.items():
                    self.history.setdefault(key, []).append(float(value))
                score = float(logs[monitor])
                better = self.best_score is None or (
                    score < self.best_score - self.min_delta
                    if mode == "min"
                    else score > self.best_score + self.min_delta
                )
                if better and math.isfinite(score):
                    self.best_score, self.best_epoch, wait = score, epoch + 1, 0
                    self._save_best()
                else:
                    wait += 1
                self._write_history()
                callback_list.on_epoch_end(epoch, dict(logs))
                stop = bool(self.dist_model.stop_training) or (self.patience is not None and wait > self.patience)
                stop = self._any(stop)
                done = epoch + 1
                if self.run_dir is not None:
                    self._write_backup(
                        done,
                        {
                            "epoch": done if not stop else epochs,
                            "history": self.history,
                            "best": self.best_score,
                            "best_epoch": self.best_epoch,
                            "wait": wait,
                        },
                    )
                if stop:
                    self.stopped_epoch = done
                    break
            callback_list.on_train_end(dict(logs))
        self.model.set_weights(self.dist_model.get_weights())
        return {k: list(v) for k, v in self.history.items()}

    # -- data -----------------------------------------------------------------------------------
    def _source(self, data, y, batch_size, what):
        if is_tf_dataset(data):
            if y is not None:
                raise DataError(f"The {what} is a tf.data.Dataset of (x, y) batches: do not pass `y` too.")
            return ("tfdata", data)
        return as_batch_source(data, y, batch_size=batch_size, what=what)

    def _sample(self, source):
        if isinstance(source, tuple):
            spec = source[1].element_spec
            if not isinstance(spec, tuple) or len(spec) != 2:
                raise DataError(f"A tf.data.Dataset for training must yield (x, y) pairs. Received element_spec={spec}")
            for xb, yb in source[1].take(1):
                self._sample_y = np.asarray(yb)[:1]
                return np.asarray(xb)
            raise DataError("The training tf.data.Dataset is empty.")
        if source.kind == "pydataset":
            xb, yb = source.dataset[0][:2]
            self._sample_y = np.asarray(yb)[:1]
            return np.asarray(xb)
        self._sample_y = source.y[:1]
        return source.x[:1]

    def _batches(self, source, epoch, shuffle, seed, training=True):
        tf = self._tf
        if isinstance(source, tuple):
            dataset = source[1]
            options = tf.data.Options()
            options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
            dataset = dataset.with_options(options)
            yield from self.strategy.experimental_distribute_dataset(dataset)
            return
        n = self.strategy.num_replicas_in_sync
        for xb, yb in source.batches(epoch, shuffle=shuffle, seed=seed):
            if training and len(xb) < n:
                # Evaluation copes with empty replica slices; a training step would feed
                # an empty batch to layers that need statistics, so the tail is skipped.
                warnings.warn(
                    f"Skipping a final batch of {len(xb)} sample(s): fewer than the {n} replicas.", stacklevel=2
                )
                continue
            yield self._distribute(xb, yb)
