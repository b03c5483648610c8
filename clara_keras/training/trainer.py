"""The training controller: train each epoch, validate, keep the best, test the best; crash-safe and resumable."""

from __future__ import annotations

import math
import numbers
import os
from typing import Any

import keras
import numpy as np

from clara_keras import io_utils
from clara_keras.backend_utils import backend
from clara_keras.backend_utils import set_seed
from clara_keras.backend_utils import versions
from clara_keras.callbacks._monitor import loss_is_finite
from clara_keras.callbacks._monitor import resolve_mode
from clara_keras.callbacks._monitor import scalar_logs
from clara_keras.callbacks.best_model_checkpoint import BestModelCheckpoint
from clara_keras.errors import CheckpointError
from clara_keras.errors import ConfigError
from clara_keras.errors import DataError
from clara_keras.errors import ParamTypeError
from clara_keras.training import _data
from clara_keras.training import resume_state
from clara_keras.training.run_dir import RunDir
from clara_keras.training.run_dir import default_run_dir

__all__ = ["Trainer"]


def _positive_int(name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or int(value) <= 0:
        raise ConfigError(
            f"Received an invalid value for `{name}`, expected a positive integer. Received: {name}={value!r}"
        )
    return int(value)


def _checkpoint_every(value) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or int(value) <= 0:
        raise ConfigError(
            "Received an invalid value for `checkpoint_every`, expected a positive integer (a number of training "
            f"batches) or None (a resume state after each epoch only). Received: checkpoint_every={value!r}"
        )
    return int(value)


def _model_param(model, key, fallback):
    if hasattr(model, "get_params"):
        value = model.get_params().get(key)
        if value is not None:
            return value
    return fallback


class _EpochSetter(keras.callbacks.Callback):
    """First callback: restores the RNG (and metric) states of a resumed run and tells the data the epoch.

    A state saved at the end of an epoch is restored at the start of the first
    resumed epoch, not before `fit`: Keras draws from the global generators
    while setting up (torch `DataLoader` seeds, PyDataset batch shuffling), and
    from here on the resumed run makes exactly the draws the uninterrupted one
    made after the state was captured (at the end of the previous epoch).

    A state saved inside an epoch (``mid_epoch=True``) is restored in two
    steps: the metric trackers at the start of the epoch, right after Keras
    has reset them, and the RNGs just before the first remaining batch trains
    (after the epoch's data iterator is created, as in the uninterrupted run
    where the state was captured between two batches).
    """

    def __init__(self, *datasets, rng=None, metrics=None, mid_epoch=False):
        super().__init__()
        self.datasets = [d for d in datasets if _data.follows_epochs(d)]
        self.rng = rng
        self.metrics = metrics
        self.mid_epoch = mid_epoch

    def on_epoch_begin(self, epoch, logs=None):
        if self.metrics is not None:
            resume_state.restore_metrics(self.model, *self.metrics)
            self.metrics = None
        if self.rng is not None and not self.mid_epoch:
            resume_state.restore_rng(*self.rng)
            self.rng = None
        for d in self.datasets:
            _data.set_epoch(d, epoch)

    def on_train_batch_begin(self, batch, logs=None):
        if self.rng is not None:
            resume_state.restore_rng(*self.rng)
            self.rng = None


class _Offset(keras.callbacks.Callback):
    """Shows a callback the remainder of an interrupted epoch as that epoch: batch numbers and steps unchanged.

    The rest of an epoch is trained by a `fit` over its remaining batches
    (`_data.EpochTail`); through this wrapper a callback sees batch
    ``start + i`` for the tail's batch ``i``, and the ``params`` (``steps``
    per epoch, ``epochs``) of the whole run, as in the uninterrupted run.
    """

    def __init__(self, inner: keras.callbacks.Callback, start: int, steps: int, epochs: int):
        super().__init__()
        self.inner, self.start, self.steps, self.epochs = inner, int(start), int(steps), int(epochs)

    def set_params(self, params):
        super().set_params(params)
        self.inner.set_params({**(params or {}), "steps": self.steps, "epochs": self.epochs})

    def set_model(self, model):
        super().set_model(model)
        self.inner.set_model(model)

    def on_train_begin(self, logs=None):
        self.inner.on_train_begin(logs)

    def on_train_end(self, logs=None):
        self.inner.on_train_end(logs)

    def on_epoch_begin(self, epoch, logs=None):
        self.inner.on_epoch_begin(epoch, logs)

    def on_epoch_end(self, epoch, logs=None):
        self.inner.on_epoch_end(epoch, logs)

    def on_train_batch_begin(self, batch, logs=None):
        self.inner.on_train_batch_begin(batch + self.start, logs)

    def on_train_batch_end(self, batch, logs=None):
        self.inner.on_train_batch_end(batch + self.start, logs)

    def on_test_begin(self, logs=None):
        self.inner.on_test_begin(logs)

    def on_test_end(self, logs=None):
        self.inner.on_test_end(logs)

    def on_test_batch_begin(self, batch, logs=None):
        self.inner.on_test_batch_begin(batch, logs)

    def on_test_batch_end(self, batch, logs=None):
        self.inner.on_test_batch_end(batch, logs)


def _build_metrics(model: keras.Model, batch) -> None:
    """Create the compiled metrics' variables now (Keras builds them lazily, at the first train step).

    Their saved values are assigned when the resumed epoch begins, before any
    step. The values computed here are discarded: `fit` resets the metrics
    before the epoch. Inference mode, so no RNG is drawn and no statistic moves.
    """
    x, y, sample_weight = keras.utils.unpack_x_y_sample_weight(tuple(batch) if isinstance(batch, list) else batch)
    y_pred = model(x, training=False)
    model.compute_loss(x, y, y_pred, sample_weight)
    model.compute_metrics(x, y, y_pred, sample_weight)
    model.reset_metrics()


def _callback_states(callbacks) -> list[dict]:
    return [{"class": type(cb).__name__, "state": cb.get_state()} for cb in callbacks if hasattr(cb, "get_state")]


class _RunRecorder(keras.callbacks.Callback):
    """Last callback: restores callback states on resume, records history, writes history files and the resume state.

    The resume state is written after every completed epoch and, with
    ``every`` set, after every ``every`` training batches inside an epoch
    (batch numbers counted from the epoch's first batch, ``start`` of them
    already trained when the epoch is the remainder of an interrupted one).
    """

    def __init__(self, trainer: Trainer, callbacks, restore: dict | None, every=None, start=0, steps=None):
        super().__init__()
        self.trainer = trainer
        self.callbacks = callbacks
        self.restore = restore
        self.every = every
        self.start = int(start)
        self.steps = steps
        self._last_saved = self.start
        self._epoch = 0
        self.carry = None  # what the next `fit` of the same run restores: callback states at the last epoch end

    def on_train_begin(self, logs=None):
        if self.restore:
            states = self.restore.get("callbacks", [])
            stateful = [cb for cb in self.callbacks if hasattr(cb, "get_state")]
            for cb, saved in zip(stateful, states):
                if saved.get("class") == type(cb).__name__:
                    cb.set_state(saved["state"])
            for cb, weights in zip(self.callbacks, self.restore.get("best_weights") or []):
                if weights is not None:
                    cb.best_weights = weights
            self.restore = None

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def _meta(self, epoch: int, batch: int) -> dict:
        t = self.trainer
        return {
            "epoch": epoch,
            "batch": batch,
            "steps": self.steps,
            "epochs": t.epochs,
            "rows": t._rows,
            "backend": backend(),
            "seed": t.seed,
            "monitor": t.monitor,
            "checkpoint_every": self.every,
            "callbacks": _callback_states(self.callbacks),
        }

    def on_epoch_end(self, epoch, logs=None):
        t = self.trainer
        self._last_saved = self.start = 0
        row = {"epoch": epoch + 1, **scalar_logs(logs)}
        t._rows = [r for r in t._rows if r["epoch"] < epoch + 1] + [row]
        self.carry = {
            "callbacks": _callback_states(self.callbacks),
            "best_weights": [getattr(cb, "best_weights", None) for cb in self.callbacks],
            "rng_now": resume_state.capture_rng(),
        }
        if not loss_is_finite(logs):
            return  # a NaN epoch never becomes the resume point
        t._write_history()
        saved_epoch, values = t._best.saved_values
        # The best-model checkpoint ran just before (no callback in between): its copies of the values are current.
        values = values if saved_epoch == epoch else None
        t._best.saved_values = (None, {})
        resume_state.save_state(t.run.state, self.model, self._meta(epoch + 1, 0), values=values)


class _BatchRunRecorder(_RunRecorder):
    """`_RunRecorder` that also writes the resume state every ``every`` training batches.

    A separate class because overriding ``on_train_batch_end`` at all makes
    Keras dispatch every batch's callbacks synchronously (the step's logs are
    fetched from the device after each batch); without ``checkpoint_every`` no
    batch hook exists and training keeps Keras's asynchronous dispatch.
    """

    def on_train_batch_end(self, batch, logs=None):
        done = self.start + batch + 1
        if done - self._last_saved >= self.every and (self.steps is None or done < self.steps):
            resume_state.save_state(self.trainer.run.state, self.model, self._meta(self._epoch, done), metrics=True)
            self._last_saved = done


def _recorder(trainer, callbacks, restore, every, start, steps) -> _RunRecorder:
    cls = _RunRecorder if every is None else _BatchRunRecorder
    return cls(trainer, callbacks, restore, every, start, steps)


class Trainer:
    """Train each epoch, validate, keep the best weights, test the best; resumable after a crash.

    It drives `model.fit`, so every Keras callback and all three backends
    work. Around it, the Trainer adds: deterministic per-epoch shuffling of
    array data (the order is a function of `seed` and the epoch), the best
    model kept in `run_dir/best.keras` (atomic), the history written each
    epoch, and after each completed epoch one atomic resume state (weights,
    optimizer, epoch counter, RNG states, best score, history, callback
    states). `Trainer(..., resume=True)` continues from it: the result is the
    same as an uninterrupted run. The file layout is `RunDir`'s.

    With `checkpoint_every=N` the resume state is also written every `N`
    training batches, with the running loss/metric totals and the position in
    the epoch: a run killed mid-epoch resumes at the batch after the last
    state, trains the rest of that epoch (none of its batches skipped or
    repeated; the epoch's logged loss and metrics equal the uninterrupted
    run's), then continues. This needs training data whose batch order is a
    function of the epoch: arrays, a `Dataset`, or a seeded `DataGenerator`.

    Args:
        model: A compiled `keras.Model`, or a `clara_keras.Model` (compiled
            from its parameters if not compiled yet).
        train: Training data: `(X, y)` arrays, a `clara_keras.data.Dataset`
            (or any mapping with `'X'` and `'y'`), a `keras.utils.PyDataset`
            such as `clara_keras.data.DataGenerator`, or a `tf.data.Dataset`.
        validation: Optional validation data, same forms.
        test: Optional test data for `test()`, same forms.
        epochs: Integer >= 1. Defaults to the model's `epochs` parameter (10).
        monitor: Logged metric that selects the best epoch. Defaults to
            `"val_loss"` with validation data, `"loss"` without.
        mode: `"auto"`, `"min"` or `"max"`. Defaults to `"auto"`.
        validation_freq: Integer >= 1, validate every N epochs. Defaults to `1`.
        callbacks: List of Keras/Clara callbacks. Those with
            `get_state`/`set_state` are resumed too.
        run_dir: Run folder. Defaults to `runs/<timestamp>`.
        resume: Bool, continue from `run_dir`'s resume state (it must exist).
            Defaults to `False`.
        seed: Integer seed for data order and global RNGs (`None`: no
            seeding, array data still shuffled from seed 0). Defaults to `0`.
        batch_size: Integer, for array data. Defaults to the model's
            `batch_size` parameter (32).
        shuffle: Bool, shuffle array training data each epoch. Defaults to `True`.
        verbose: Keras `fit` verbosity. Defaults to `"auto"`.
        distribute: `None` (one process), `"auto"`, `"multi_worker"` or
            `"mirrored"`: train through `clara_keras.distribute.fit_multi_worker`
            with the strategy `clara_keras.distribute.strategy(distribute)`
            picks (`TF_CONFIG` -> MultiWorkerMirroredStrategy on TensorFlow,
            `DataParallel` on JAX; torch raises `DistributeError`). Only the
            chief writes the run folder. `"auto"` without a cluster or several
            devices trains in one process as usual. Defaults to `None`.
        checkpoint_every: Integer >= 1, also write the resume state every this
            many training batches (batch-granular resume). `None`: after each
            epoch only. Not with `tf.data` input, a `PyDataset` other than
            `DataGenerator`, or `distribute`. Defaults to `None`.

    Example:

    ```python
    import clara_keras as clara

    trainer = clara.Trainer(model, train, validation=val, test=test, epochs=20,
                            monitor="val_accuracy", run_dir="runs/digits")
    trainer.fit()
    scores = trainer.test()   # loads best.keras first
    trainer.best_epoch, trainer.best_score, scores["test_accuracy"]
    ```
    """

    def __init__(
        self,
        model: keras.Model,
        train=None,
        validation=None,
        test=None,
        epochs: int | None = None,
        monitor: str | None = None,
        mode: str = "auto",
        validation_freq: int = 1,
        callbacks: list | None = None,
        run_dir: str | os.PathLike | None = None,
        resume: bool = False,
        seed: int | None = 0,
        batch_size: int | None = None,
        shuffle: bool = True,
        verbose: Any = "auto",
        distribute: str | None = None,
        checkpoint_every: int | None = None,
    ):
        if not isinstance(model, keras.Model):
            raise ParamTypeError(
                f"`model` must be a keras.Model (e.g. clara_keras.Model). Received: {type(model).__name__}"
            )
        self.model = model
        self.epochs = _positive_int("epochs", epochs if epochs is not None else _model_param(model, "epochs", 10))
        self.batch_size = _positive_int(
            "batch_size", batch_size if batch_size is not None else _model_param(model, "batch_size", 32)
        )
        self.validation_freq = _positive_int("validation_freq", validation_freq)
        if monitor is None:
            monitor = "val_loss" if validation is not None else "loss"
        if not isinstance(monitor, str) or not monitor:
            raise ConfigError(f"`monitor` must be the name of a logged metric. Received: monitor={monitor!r}")
        if monitor.startswith("val_") and validation is None:
            raise ConfigError(
                f"`monitor={monitor!r}` is a validation metric, but no validation data was given. "
                f"Pass `validation=...` or monitor a training metric such as {monitor[4:]!r}."
            )
        self.monitor = monitor
        self.mode = resolve_mode(monitor, mode)
        callbacks = list(callbacks or [])
        for cb in callbacks:
            if not isinstance(cb, keras.callbacks.Callback):
                raise ParamTypeError(f"Every callback must be a keras.callbacks.Callback. Received: {cb!r}")
        self.callbacks = callbacks
        self.run = RunDir(run_dir if run_dir is not None else default_run_dir())
        self.resume = bool(resume)
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, numbers.Integral)):
            raise ConfigError(f"`seed` must be an integer or None. Received: seed={seed!r}")
        self.seed = seed
        self.shuffle = bool(shuffle)
        self.verbose = verbose
        self.train_data, self.validation_data, self.test_data = train, validation, test
        self._rows: list[dict] = []
        self._best = BestModelCheckpoint(self.run.best_model, monitor=self.monitor, mode=self.mode)
        self.feature_shape = None
        self.data_info: dict = {}
        self.stopped_early = False
        self.distribute = distribute
        self.is_chief = True
        self.checkpoint_every = _checkpoint_every(checkpoint_every)

    # -- results ---------------------------------------------------------------------------------
    @property
    def history(self) -> dict[str, list[float]]:
        """Per-epoch logs of the whole run (resumed epochs included); NaN where a value was not logged."""
        keys: list[str] = []
        for row in self._rows:
            keys += [k for k in row if k != "epoch" and k not in keys]
        return {k: [float(r.get(k, math.nan)) for r in self._rows] for k in keys}

    @property
    def epochs_completed(self) -> int:
        return self._rows[-1]["epoch"] if self._rows else 0

    @property
    def best_epoch(self) -> int | None:
        """1-based epoch of the best monitored value (``None`` before any)."""
        return self._best.best_epoch

    @property
    def best_score(self) -> float | None:
        """Best value of `monitor`."""
        return self._best.best

    # -- training --------------------------------------------------------------------------------
    def _ensure_ready(self, feature_shape) -> None:
        model = self.model
        if not model.built:
            if feature_shape is None:
                raise DataError("The model is not built and the feature shape of the training data is unknown.")
            model.build((None, *feature_shape))
        if getattr(model, "optimizer", None) is None or not getattr(model, "compiled", True):
            if hasattr(model, "set_params") and hasattr(model, "get_params"):
                model.compile()
            else:
                raise ConfigError("The model is not compiled. Call `model.compile(...)` before training.")
        expected = tuple(model.input_shape[1:]) if hasattr(model, "input_shape") else None
        _data.check_feature_shape("train", feature_shape, expected)

    def _prepare(self, role, data, shuffle, seed):
        fit_input, shape, n = _data.prepare(role, data, self.batch_size, shuffle=shuffle, seed=seed)
        self.data_info[role] = {"feature_shape": list(shape) if shape is not None else None, "num_samples": n}
        return fit_input, shape

    def fit(self) -> Trainer:
        """Train to `epochs` (from the resume state when `resume=True`); returns the Trainer."""
        if self.train_data is None:
            raise DataError("`Trainer.fit` needs training data: pass `train=...`.")
        if self.distribute is not None:
            from clara_keras import distribute as D

            strategy = D.strategy(self.distribute)
            if strategy is not None:
                if self.checkpoint_every is not None:
                    raise ConfigError(
                        f"`checkpoint_every={self.checkpoint_every}` is not supported with "
                        f"`distribute={self.distribute!r}`: distributed runs resume at epoch boundaries."
                    )
                return self._fit_distributed(D, strategy)
        restore = None
        if self.resume:
            if not self.run.has_state():
                raise CheckpointError(f"Cannot resume: {self.run.path} has no resume state ({RunDir.STATE}).")
            restore, arrays = resume_state.load_state(self.run.state)
            if restore.get("backend") != backend():
                raise CheckpointError(
                    f"The run in {self.run.path} was made on the {restore.get('backend')!r} backend; this process "
                    f"runs {backend()!r}. Resume on the same backend (KERAS_BACKEND={restore.get('backend')})."
                )
        elif self.seed is not None:
            set_seed(self.seed)
        data_seed = self.seed if self.seed is not None else 0
        train_input, shape = self._prepare("train", self.train_data, self.shuffle, data_seed)
        self.feature_shape = shape
        start_batch = int(restore.get("batch") or 0) if restore is not None else 0
        if self.checkpoint_every is not None or start_batch:
            reason = _data.order_unknown_reason(train_input)
            if reason is not None:
                what = (
                    f"`checkpoint_every={self.checkpoint_every}`"
                    if self.checkpoint_every is not None
                    else f"resuming the state in {self.run.state} (saved inside epoch {int(restore['epoch']) + 1})"
                )
                raise ConfigError(
                    f"{what} needs training data whose batch order is known for every epoch, but {reason}. "
                    "Pass arrays, a clara_keras.data.Dataset or a seeded DataGenerator, or use checkpoint_every=None."
                )
        val_input = None
        if self.validation_data is not None:
            val_input, val_shape = self._prepare("validation", self.validation_data, False, data_seed)
            _data.check_feature_shape("validation", val_shape, shape)
        self._ensure_ready(shape)
        self.run.create()
        initial_epoch = 0
        if restore is not None:
            resume_state.restore_variables(self.model, restore, arrays, path=self.run.state)
            self._rows = list(restore.get("rows", []))
            initial_epoch = int(restore["epoch"])
        else:
            self._rows = []
        self._write_config()
        user_and_best = [*self.callbacks, self._best]
        steps = len(train_input) if _data.follows_epochs(train_input) else None
        fit_kwargs = dict(
            validation_data=val_input,
            validation_freq=self.validation_freq,
            # Array data (ArrayBatches) and DataGenerators order each epoch from (seed, epoch); Keras's own
            # PyDataset shuffling (batch order from NumPy's global RNG) is kept for other PyDatasets only.
            shuffle=self.shuffle and not _data.follows_epochs(train_input),
            verbose=self.verbose,
        )
        if start_batch and initial_epoch < self.epochs:
            if restore.get("steps") != steps:
                raise CheckpointError(
                    f"The run state {self.run.state} was saved after batch {start_batch} of an epoch of "
                    f"{restore.get('steps')} batches, but the training data now has {steps} batches per epoch. "
                    "Resume with the same data and batch_size."
                )
            # The rest of the interrupted epoch: one `fit` over its remaining batches, callbacks shown the
            # whole epoch; the metric trackers continue from the saved totals, the RNGs from the saved position.
            tail = _data.EpochTail(train_input, initial_epoch, start_batch)
            _build_metrics(self.model, tail[0])
            recorder = _recorder(self, user_and_best, restore, self.checkpoint_every, start_batch, steps)
            setter = _EpochSetter(
                val_input, rng=(restore["rng"], arrays), metrics=(restore, arrays, self.run.state), mid_epoch=True
            )
            wrapped = [_Offset(cb, start_batch, steps, self.epochs) for cb in user_and_best]
            self.model.fit(
                tail,
                epochs=initial_epoch + 1,
                initial_epoch=initial_epoch,
                callbacks=[setter, *wrapped, recorder],
                **fit_kwargs,
            )
            initial_epoch += 1
            if self.model.stop_training or initial_epoch >= self.epochs:
                self.stopped_early = self.epochs_completed < self.epochs
                return self
            restore, arrays = recorder.carry, None
        recorder = _recorder(self, user_and_best, restore, self.checkpoint_every, 0, steps)
        rng = None
        if restore is not None:
            rng = restore["rng_now"] if "rng_now" in restore else (restore["rng"], arrays)
        callbacks = [_EpochSetter(train_input, val_input, rng=rng), *user_and_best, recorder]
        if initial_epoch < self.epochs:
            self.model.fit(
                train_input, epochs=self.epochs, initial_epoch=initial_epoch, callbacks=callbacks, **fit_kwargs
            )
        elif restore is not None:
            recorder.on_train_begin()  # nothing left to train: still restore the best score
        self.stopped_early = self.epochs_completed < self.epochs
        return self

    def _fit_distributed(self, D, strategy) -> Trainer:
        """Multi-worker / data-parallel training (resume comes from the run folder's backups)."""
        info = D.cluster_info()
        self.is_chief = info is None or info.is_chief
        x, y = self.train_data if isinstance(self.train_data, tuple) else (self.train_data, None)
        self.run.create()
        history = D.fit_multi_worker(
            self.model,
            x,
            y,
            validation=self.validation_data,
            epochs=self.epochs,
            batch_size=self.batch_size,
            callbacks=self.callbacks,
            run_dir=str(self.run.path),
            strategy=strategy,
            monitor=self.monitor,
            mode=self.mode,
            shuffle=self.shuffle,
            seed=self.seed if self.seed is not None else 0,
            verbose=self.verbose if isinstance(self.verbose, int) else 1,
        )
        n = len(next(iter(history.values()))) if history else 0
        self._rows = [{"epoch": i + 1, **{k: float(v[i]) for k, v in history.items()}} for i in range(n)]
        values = history.get(self.monitor) or []
        finite = [(v, i) for i, v in enumerate(values) if math.isfinite(v)]
        if finite:
            value, index = (min if self.mode == "min" else max)(finite)
            self._best.set_state({"best": value, "best_epoch": index + 1})
        if self.is_chief:
            self._write_config()
            self._write_history()
        self.stopped_early = n < self.epochs
        return self

    # -- testing ---------------------------------------------------------------------------------
    def load_best(self) -> keras.Model:
        """Load the weights of `run_dir/best.keras` into the model (`CheckpointError` if absent)."""
        path = self.run.best_model
        if not path.is_file():
            raise CheckpointError(
                f"No best model at {path}: no epoch produced a finite {self.monitor!r} yet (train first)."
            )
        if not self.model.built:
            from clara_keras.training.loading import load_model

            self.model.set_weights(load_model(path).get_weights())
            return self.model
        try:
            self.model.load_weights(path)
        except Exception as exc:
            raise CheckpointError(f"Cannot load the best weights from {path}: {exc}") from None
        return self.model

    def test(self, data=None, load_best: bool = True) -> dict[str, float]:
        """Evaluate on `data` (default: the `test` data) after loading the best weights.

        Returns:
            A dict `{"test_loss": ..., "test_<metric>": ...}`.
        """
        data = self.test_data if data is None else data
        if data is None:
            raise DataError("`Trainer.test` needs test data: pass `test=...` to the Trainer or to `test()`.")
        test_input, shape = self._prepare("test", data, False, 0)
        expected = self.feature_shape
        if expected is None and self.model.built:
            expected = tuple(self.model.input_shape[1:])
        _data.check_feature_shape("test", shape, expected)
        if load_best:
            self.load_best()
        scores = self.model.evaluate(test_input, verbose=0, return_dict=True)
        return {f"test_{k}": float(np.asarray(v)) for k, v in scalar_logs(scores).items()}

    # -- files -----------------------------------------------------------------------------------
    def config(self) -> dict:
        """What `config.json` records: parameters, model, data shapes, trainer settings, backend, versions, seed."""
        from clara_keras import params as P

        model = self.model
        params = P.serialize_params(model.get_params()) if hasattr(model, "get_params") else {}
        optimizer = getattr(model, "optimizer", None)
        return {
            "params": params,
            "model": {
                "class": type(model).__name__,
                "name": model.name,
                "type": getattr(model, "type", None),
                "num_params": int(model.count_params()) if model.built else None,
                "layers": [type(layer).__name__ for layer in model.layers],
                "optimizer": keras.saving.serialize_keras_object(optimizer) if optimizer is not None else None,
            },
            "data": self.data_info,
            "trainer": {
                "epochs": self.epochs,
                "batch_size": self.batch_size,
                "monitor": self.monitor,
                "mode": self.mode,
                "validation_freq": self.validation_freq,
                "shuffle": self.shuffle,
                "checkpoint_every": self.checkpoint_every,
                "callbacks": [type(cb).__name__ for cb in self.callbacks],
            },
            "seed": self.seed,
            "backend": backend(),
            "versions": versions(),
        }

    def _write_config(self) -> None:
        io_utils.atomic_write_json(self.run.config, self.config())

    def _write_history(self) -> None:
        hist = self.history
        io_utils.atomic_write_json(
            self.run.history_json, {k: [None if math.isnan(v) else v for v in vals] for k, vals in hist.items()}
        )
        keys = list(hist)
        lines = ["epoch," + ",".join(keys)]
        for i, row in enumerate(self._rows):
            cells = ["" if math.isnan(hist[k][i]) else f"{hist[k][i]:.8g}" for k in keys]
            lines.append(f"{row['epoch']}," + ",".join(cells))
        io_utils.atomic_write_text(self.run.history_csv, "\n".join(lines) + "\n")
