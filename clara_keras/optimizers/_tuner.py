"""The keras-tuner pieces under every search optimizer: crash-safe oracles, the hypermodel, the tuner."""

from __future__ import annotations

import json
import math
import os
import time
import zlib
from typing import Any

import keras
import keras_tuner
from keras_tuner.engine import trial as trial_module

from clara_keras import params as P
from clara_keras.errors import ConfigError
from clara_keras.errors import SearchError
from clara_keras.io_utils import atomic_write_json
from clara_keras.optimizers.simulated_annealing_oracle import SimulatedAnnealingOracle

_DONE = (trial_module.TrialStatus.COMPLETED, trial_module.TrialStatus.FAILED)
CLASSIFICATION_LOSSES = ("categorical_crossentropy", "sparse_categorical_crossentropy", "binary_crossentropy")
TRIAL_INFO = "clara_trial.json"


# -- oracles ------------------------------------------------------------------------------------
class _CrashSafeOracle:
    """Mixin: every oracle/trial file is written atomically, and a resume re-runs only unfinished trials.

    keras-tuner writes ``oracle.json`` and ``trial.json`` in place; a SIGKILL during a write
    would leave a truncated file that cannot be reloaded. Here both go through
    `clara_keras.io_utils.atomic_write_json`. On reload, keras-tuner re-queues the trials that
    were running; a trial whose own file already says finished (the process died between the two
    writes) is not re-run, and one whose file was written at creation but never recorded as
    running is re-queued.
    """

    def save(self):
        atomic_write_json(self._get_oracle_fname(), self.get_state())

    def _save_trial(self, trial):
        atomic_write_json(os.path.join(self._get_trial_dir(trial.trial_id), "trial.json"), trial.get_state())

    def reload(self):
        super().reload()
        queue = []
        for trial_id in self._retry_queue:
            trial = self.trials.get(trial_id)
            if trial is not None and trial.status in _DONE:
                if trial_id not in self.end_order:
                    self.end_order.append(trial_id)
            elif trial_id not in queue:
                queue.append(trial_id)
        for trial_id, trial in self.trials.items():
            if trial.status not in _DONE and trial_id not in self.end_order and trial_id not in queue:
                queue.append(trial_id)
        # keras-tuner pops from the end: keep the oldest unfinished trial last so it runs first.
        self._retry_queue = sorted(queue, reverse=True)

    def end_trial(self, trial):
        try:
            super().end_trial(trial)
        except RuntimeError as exc:  # keras-tuner: max_consecutive_failed_trials reached
            if isinstance(exc, SearchError):
                raise
            record = self.trials[trial.trial_id]
            self._save_trial(record)
            for tuner_id, ongoing in list(self.ongoing_trials.items()):
                if ongoing.trial_id == trial.trial_id:
                    self.ongoing_trials.pop(tuner_id)
            self.save()
            last = (record.message or "").strip().splitlines()
            raise SearchError(
                f"{self.max_consecutive_failed_trials} trials failed in a row; the search stops. Last error: "
                f"{last[-1] if last else 'no message'}. Failed trials are recorded in {self._project_dir}; "
                "fix the cause and run the same search again to continue."
            ) from exc


class _RandomOracle(_CrashSafeOracle, keras_tuner.oracles.RandomSearchOracle):
    pass


class _GridOracle(_CrashSafeOracle, keras_tuner.oracles.GridSearchOracle):
    pass


class _BayesianOracle(_CrashSafeOracle, keras_tuner.oracles.BayesianOptimizationOracle):
    """keras-tuner's Bayesian oracle proposes the maximiser of its acquisition function even when
    that point has already run (it often does on discrete spaces); a repeat is replaced here by an
    untried random point, and the search stops when none is left."""

    def populate_space(self, trial_id):
        response = super().populate_space(trial_id)
        values = response.get("values")
        if response.get("status") == trial_module.TrialStatus.RUNNING and values and self._duplicate(values):
            values = self._random_values()
            if values is None:
                return {"status": trial_module.TrialStatus.STOPPED, "values": None}
            response = {"status": trial_module.TrialStatus.RUNNING, "values": values}
        return response


class _HyperbandOracle(_CrashSafeOracle, keras_tuner.oracles.HyperbandOracle):
    pass


class _AnnealingOracle(_CrashSafeOracle, SimulatedAnnealingOracle):
    pass


# -- models ---------------------------------------------------------------------------------------
def is_clara_model(model) -> bool:
    from clara_keras.models.model import Model

    return isinstance(model, Model)


def from_logits(model: keras.Model) -> bool:
    """Whether ``model`` outputs logits (read from its last activation, as `clara_keras.Model.compile` does)."""
    from clara_keras.models.model import default_compile_args

    return bool(default_compile_args(model, "classification")["loss"].from_logits)


def resolve_loss(loss, model: keras.Model):
    """A Keras loss for ``model``; cross-entropy names get the right ``from_logits``.

    `'categorical_crossentropy'` and `'sparse_categorical_crossentropy'` become
    `clara_keras.losses.ClassificationCrossentropy`, which accepts one-hot or integer labels.
    """
    if not isinstance(loss, str):
        return loss
    key = loss.lower()
    if key in ("categorical_crossentropy", "sparse_categorical_crossentropy"):
        from clara_keras.losses import ClassificationCrossentropy

        return ClassificationCrossentropy(from_logits=from_logits(model))
    if key == "binary_crossentropy":
        return keras.losses.BinaryCrossentropy(from_logits=from_logits(model))
    return loss


def copy_metrics(metrics):
    """Fresh metric objects for one trial (a Metric instance must not be shared by two models)."""
    if metrics is None:
        return None
    return [m if isinstance(m, str) else keras.metrics.deserialize(keras.metrics.serialize(m)) for m in metrics]


def default_metrics(loss) -> list | None:
    name = loss if isinstance(loss, str) else type(loss).__name__
    if "crossentropy" in str(name).lower():
        from clara_keras.metrics import Accuracy

        return [Accuracy()]
    return None


class ClaraHyperModel(keras_tuner.HyperModel):
    """Builds one trial's model: a clone of the user's model (or the user's hypermodel's output)
    with the searched values applied through the parameter schema, then compiled."""

    def __init__(
        self, source, space, data, objective_name: str, loss=None, metrics=None, optimizer=None, batch_size=None
    ):
        super().__init__(name="clara_hypermodel")
        self.source = source
        self.space = space
        self.data = data
        self.objective_name = objective_name
        self.loss = loss
        self.metrics = metrics
        self.optimizer = optimizer  # a keras Optimizer instance (names live in the space)
        self.batch_size = batch_size

    def declare_hyperparameters(self, hp):
        self.space.declare(hp)

    def trial_params(self, hp) -> dict[str, Any]:
        self.space.declare(hp)  # registers, or returns the trial's values of, the keyword hps
        return self.space.params_for(hp.values)

    def build(self, hp):
        params = self.trial_params(hp)
        source = self.source
        if is_clara_model(source):
            model, compiled_by = source.clone(), source
        elif isinstance(source, keras.Model):
            model, compiled_by = keras.models.clone_model(source), source
        else:
            model = source.build(hp) if isinstance(source, keras_tuner.HyperModel) else source(hp)
            compiled_by = model
        if not isinstance(model, keras.Model):
            raise keras_tuner.errors.FatalTypeError(
                f"The hypermodel function must return a keras.Model. Received: {type(model).__name__}"
            )
        self._compile(model, params, compiled_by)
        return model

    def _optimizer(self, params):
        if self.optimizer is not None:
            return keras.optimizers.deserialize(keras.optimizers.serialize(self.optimizer))
        return P.build_optimizer(params)

    def _compile(self, model: keras.Model, params: dict, compiled_by: keras.Model) -> None:
        """Apply the trial's parameters and compile (a user's compiled hypermodel is kept if nothing applies)."""
        if is_clara_model(model):
            model.set_params(params)
            loss = resolve_loss(self.loss, model) if self.loss is not None else None
            optimizer = self._optimizer(params) if self.optimizer is not None else None
            model.compile(optimizer=optimizer, loss=loss, metrics=copy_metrics(self.metrics))
            return
        compiled = bool(getattr(compiled_by, "compiled", False))
        nothing_to_apply = not params and self.loss is None and self.optimizer is None and self.metrics is None
        if compiled_by is model and compiled and nothing_to_apply:
            return  # the user's hypermodel compiled its model and no keyword applies
        config = None
        if compiled and (self.loss is None or self.metrics is None or not params):
            config = keras.saving.deserialize_keras_object(compiled_by.get_compile_config())
        if params.get("regularizer") is not None:
            from clara_keras.models.model import apply_regularizer

            apply_regularizer(model, params["regularizer"])
        loss = resolve_loss(self.loss, model) if self.loss is not None else (config or {}).get("loss")
        if loss is None:
            raise keras_tuner.errors.FatalValueError(
                "The model is not compiled and no `loss=` was given to the optimizer; pass e.g. "
                "loss='categorical_crossentropy'."
            )
        metrics = (
            copy_metrics(self.metrics)
            if self.metrics is not None
            else (config or {}).get("metrics") or default_metrics(loss)
        )
        if config is not None and not params and self.optimizer is None:
            optimizer = config.get("optimizer")
        else:
            optimizer = self._optimizer(params)
        model.compile(optimizer=optimizer, loss=loss, metrics=metrics)

    def fit(
        self,
        hp,
        model,
        *args,
        callbacks=None,
        epochs=1,
        initial_epoch=0,
        verbose=0,
        initial_weights=None,
        build_config=None,
        **kwargs,
    ):
        values = hp.values
        batch_size = values.get("batch_size", self.space.fixed.get("batch_size", self.batch_size))
        if batch_size is None and is_clara_model(model):
            batch_size = model.get_params()["batch_size"]
        if initial_weights is not None:  # Hyperband: continue the trial it promotes
            if not model.built and build_config is not None and os.path.exists(build_config):
                with open(build_config) as f:
                    model.build_from_config(json.load(f))
            build_optimizer_variables(model)
            model.load_weights(initial_weights)
        history = model.fit(
            **self.data.fit_args(batch_size or 32),
            epochs=epochs,
            initial_epoch=initial_epoch,
            callbacks=[*(callbacks or []), keras.callbacks.TerminateOnNaN()],
            verbose=verbose,
        )
        logs = dict(history.history)
        del history
        losses = logs.get("loss", [])
        bad = [i for i, v in enumerate(losses) if not math.isfinite(v)]
        if bad:
            raise keras_tuner.errors.FailedTrialError(
                f"The training loss became {losses[bad[0]]} at epoch {initial_epoch + bad[0] + 1}: the trial "
                "diverged (learning rate too high?)."
            )
        if self.objective_name not in logs:
            raise keras_tuner.errors.FatalValueError(
                f"The objective {self.objective_name!r} is not among the logged metrics {sorted(logs)}; "
                "pass `objective=` naming one of them (validation metrics start with 'val_')."
            )
        scores = logs[self.objective_name]
        if not any(math.isfinite(v) for v in scores):
            raise keras_tuner.errors.FailedTrialError(
                f"The objective {self.objective_name!r} is never finite: {scores}"
            )
        return {k: float(v[-1]) for k, v in logs.items()}


# -- tuner ------------------------------------------------------------------------------------------
class ClaraTuner(keras_tuner.Tuner):
    """keras-tuner `Tuner` that reports every epoch to the oracle, prunes, and writes crash-safe state."""

    def __init__(self, oracle, hypermodel, pruner=None, seed=None, on_trial_done=None, **kwargs):
        self.pruner = pruner
        self.trial_seed = seed
        self.on_trial_done = on_trial_done
        self._started = {}
        self._pruned_at = {}
        self._initial_epoch = 0
        super().__init__(oracle=oracle, hypermodel=hypermodel, **kwargs)

    def save(self):
        if not self._is_worker():
            self.oracle.save()
        atomic_write_json(self._get_tuner_fname(), self.get_state())

    def run_trial(self, trial, *args, **kwargs):
        # A trial re-run after a crash starts clean: drop what the killed run had reported.
        trial.metrics = type(trial.metrics)()
        values = trial.hyperparameters.values
        if "tuner/epochs" in values:  # the Hyperband protocol (see keras_tuner.oracles.HyperbandOracle)
            kwargs["epochs"] = values["tuner/epochs"]
            kwargs["initial_epoch"] = values["tuner/initial_epoch"]
        self._initial_epoch = kwargs.get("initial_epoch", 0)
        if values.get("tuner/trial_id") is not None:
            previous = values["tuner/trial_id"]
            kwargs["initial_weights"] = self._get_checkpoint_fname(previous)
            kwargs["build_config"] = self._get_build_config_fname(previous)
        if self.trial_seed is not None:
            keras.utils.set_random_seed(int(self.trial_seed) + _trial_number(trial.trial_id))
        return super().run_trial(trial, *args, **kwargs)

    def on_epoch_end(self, trial, model, epoch, logs=None):
        logs = logs or {}
        name = self.oracle.objective.name
        if name not in logs:
            return
        metrics = {k: float(v) for k, v in logs.items() if isinstance(v, (int, float)) or hasattr(v, "__float__")}
        self.oracle.update_trial(trial.trial_id, metrics, step=epoch)
        if self.pruner is None or self._initial_epoch:
            return
        own = objective_history(trial, name)
        finished = [
            objective_history(t, name)
            for t in self.oracle.trials.values()
            if t.trial_id != trial.trial_id
            and t.status == trial_module.TrialStatus.COMPLETED
            and not t.hyperparameters.values.get("tuner/initial_epoch")
        ]
        if self.pruner.should_prune(own, finished, self.oracle.objective.direction):
            model.stop_training = True
            self._pruned_at[trial.trial_id] = epoch + 1

    def load_model(self, trial):
        """The trial's model with the weights of its best epoch (optimizer state included)."""
        model = self._try_build(trial.hyperparameters)
        if not model.built:
            with open(self._get_build_config_fname(trial.trial_id)) as f:
                model.build_from_config(json.load(f))
        build_optimizer_variables(model)
        model.load_weights(self._get_checkpoint_fname(trial.trial_id))
        return model

    def on_trial_begin(self, trial):
        self._started[trial.trial_id] = time.perf_counter()
        self._pruned_at.pop(trial.trial_id, None)

    def on_trial_end(self, trial):
        seconds = time.perf_counter() - self._started.pop(trial.trial_id, time.perf_counter())
        info = {"seconds": seconds, "pruned_at": self._pruned_at.get(trial.trial_id)}
        atomic_write_json(os.path.join(self.get_trial_dir(trial.trial_id), TRIAL_INFO), info)
        try:
            super().on_trial_end(trial)
        finally:
            if self.on_trial_done is not None:
                self.on_trial_done(trial)


def build_optimizer_variables(model: keras.Model) -> None:
    """Create the optimizer's variables so that a checkpoint's optimizer state can be loaded."""
    optimizer = getattr(model, "optimizer", None)
    if optimizer is not None and not optimizer.built:
        optimizer.build(model.trainable_variables)


def objective_history(trial, name: str) -> list[float]:
    """The trial's objective per epoch, in epoch order."""
    if not trial.metrics.exists(name):
        return []
    return [float(obs.mean()) for obs in sorted(trial.metrics.get_history(name), key=lambda o: o.step)]


def _trial_number(trial_id: str) -> int:
    try:
        return int(trial_id)
    except ValueError:
        return zlib.crc32(str(trial_id).encode()) % (1 << 20)


def check_optimizer_instance(optimizer, space) -> None:
    optimizer_keys = {"learning_rate", "momentum", "decay", "optimizer", "clipnorm"}
    searched = {space._canonical(k) for k in (*space.searched, *space.fixed)} & optimizer_keys
    if searched:
        raise ConfigError(
            f"`optimizer` is a keras Optimizer instance, so {sorted(searched)} cannot be set per trial. "
            "Pass the optimizer by name (e.g. optimizer='sgd') to search its parameters."
        )
