"""The keras-tuner pieces under every search optimizer: crash-safe oracles, the hypermodel, the tuner."""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import re
import tempfile
import time
import warnings
import zlib
from typing import Any

import keras
import keras_tuner
from keras_tuner.engine import trial as trial_module

from clara_keras import params as P
from clara_keras.backend_utils import backend as backend_name
from clara_keras.errors import CheckpointError
from clara_keras.errors import ConfigError
from clara_keras.errors import SearchError
from clara_keras.errors import SearchStateRecoveredWarning
from clara_keras.io_utils import atomic_write_json
from clara_keras.io_utils import fsync_dir
from clara_keras.optimizers.simulated_annealing_oracle import SimulatedAnnealingOracle
from clara_keras.training import resume_state
from clara_keras.training._data import ArrayBatches

_DONE = (trial_module.TrialStatus.COMPLETED, trial_module.TrialStatus.FAILED)
CLASSIFICATION_LOSSES = ("categorical_crossentropy", "sparse_categorical_crossentropy", "binary_crossentropy")
TRIAL_INFO = "clara_trial.json"


# -- oracles ------------------------------------------------------------------------------------
STATE_FORMAT = "clara_keras.search/1"
ORACLE_BACKUP_SUFFIX = ".bak"
_SAFE_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_MAX_INT = 2**63 - 1


def _write_with_backup(path: str, state: dict) -> None:
    """Write ``state`` atomically to ``path.bak`` and then to ``path``: two complete copies, so a file
    damaged later (truncated, edited, a disk error) is recovered from the other one."""
    atomic_write_json(path + ORACLE_BACKUP_SUFFIX, state)
    atomic_write_json(path, state)


def _read_json(path: str):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def _load_checked(path: str, check, what: str):
    """``check(json of path)`` or, if the file is unreadable or invalid, of its backup (with a warning).

    Raises:
        SearchError: neither the file nor its backup is a valid search state (naming both).
    """
    errors = []
    for candidate in (path, path + ORACLE_BACKUP_SUFFIX):
        if not os.path.exists(candidate):
            errors.append(f"{candidate}: missing")
            continue
        try:
            result = check(_read_json(candidate))
        except (OSError, ValueError, TypeError, KeyError, AttributeError, IndexError, RecursionError) as exc:
            errors.append(f"{candidate}: {type(exc).__name__}: {exc}")
            continue
        if candidate != path and os.path.exists(path):  # (a missing file with a backup: killed between the writes)
            warnings.warn(
                f"The search state {path} is unreadable ({errors[0].split(': ', 1)[1]}); recovered it from its "
                f"backup {candidate}.",
                SearchStateRecoveredWarning,
                stacklevel=3,
            )
        return result
    raise SearchError(
        f"The {what} {path} is corrupt or tampered and has no valid backup ({'; '.join(errors)}). Move the "
        "search folder away (or pass overwrite=True) to start again."
    )


def _check_int(value, name: str, low: int = 0, high: int = _MAX_INT) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"{name} must be an integer in [{low}, {high}], found {value!r}")
    return value


def _check_id(value, name: str) -> str:
    if not isinstance(value, str) or not _SAFE_ID.match(value):
        raise ValueError(f"{name} must be a short id of letters, digits, '_' or '-', found {value!r}")
    return value


def _check_str_list(value, name: str) -> list:
    if not isinstance(value, list):
        raise TypeError(f"{name} must be a list, found {type(value).__name__}")
    return value


def check_trial_state(state, folder_id: str | None = None) -> trial_module.Trial:
    """A `Trial` from a ``trial.json`` document, refusing wrong types, foreign ids and non-finite scores."""
    if not isinstance(state, dict):
        raise TypeError(f"a trial state must be a JSON object, found {type(state).__name__}")
    trial_id = _check_id(state["trial_id"], "trial_id")
    if folder_id is not None and trial_id != folder_id:
        raise ValueError(f"trial_id {trial_id!r} does not match its folder trial_{folder_id}")
    if state["status"] not in _STATUSES:
        raise ValueError(f"status must be one of {sorted(_STATUSES)}, found {state['status']!r}")
    score = state["score"]
    if score is not None and (
        isinstance(score, bool) or not isinstance(score, (int, float)) or not math.isfinite(score)
    ):
        raise ValueError(f"score must be a finite number or null, found {score!r}")
    if state["best_step"] is not None:
        _check_int(state["best_step"], "best_step")
    if state["message"] is not None and not isinstance(state["message"], str):
        raise TypeError("message must be a string or null")
    if not isinstance(state["hyperparameters"], dict) or not isinstance(state["metrics"], dict):
        raise TypeError("hyperparameters and metrics must be JSON objects")
    trial = trial_module.Trial.from_state(state)
    for name, value in trial.hyperparameters.values.items():
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"hyper-parameter {name!r} is {value!r}")
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > _MAX_INT:
            raise ValueError(f"hyper-parameter {name!r} is out of range: {value!r}")
    return trial


def _check_oracle_state(state) -> dict:
    if not isinstance(state, dict):
        raise TypeError(f"the oracle state must be a JSON object, found {type(state).__name__}")
    if state.get("clara_format") != STATE_FORMAT:
        raise ValueError(f"format {state.get('clara_format')!r}, expected {STATE_FORMAT!r}")
    for key in ("start_order", "end_order", "retry_queue"):
        for trial_id in _check_str_list(state[key], key):
            _check_id(trial_id, f"{key} entry")
    if not isinstance(state["ongoing_trials"], dict):
        raise TypeError("ongoing_trials must be a JSON object")
    for tuner_id, trial_id in state["ongoing_trials"].items():
        _check_id(tuner_id, "tuner id")
        _check_id(trial_id, "ongoing trial id")
    if state["seed"] is not None:
        _check_int(state["seed"], "seed")
    _check_int(state["seed_state"], "seed_state")
    if not isinstance(state["run_times"], dict) or not isinstance(state["id_to_hash"], dict):
        raise TypeError("run_times and id_to_hash must be JSON objects")
    for trial_id, count in state["run_times"].items():
        _check_id(trial_id, "run_times key")
        _check_int(count, "run_times value", high=10**6)
    for value in _check_str_list(state["tried_so_far"], "tried_so_far"):
        if not isinstance(value, str):
            raise TypeError("tried_so_far must hold strings")
    if not isinstance(state["hyperparameters"], dict) or not isinstance(state["display"], dict):
        raise TypeError("hyperparameters and display must be JSON objects")
    started = state.get("clara_started", {})
    if not isinstance(started, dict):
        raise TypeError("clara_started must be a JSON object")
    for trial_id, trial_state in started.items():
        check_trial_state(trial_state, _check_id(trial_id, "clara_started key"))
    keras_tuner.HyperParameters.from_config(state["hyperparameters"])
    return state


_STATUSES = {
    trial_module.TrialStatus.RUNNING,
    trial_module.TrialStatus.IDLE,
    trial_module.TrialStatus.INVALID,
    trial_module.TrialStatus.STOPPED,
    trial_module.TrialStatus.COMPLETED,
    trial_module.TrialStatus.FAILED,
}


class _CrashSafeOracle:
    """Mixin: crash-safe, validated oracle/trial files; a resume re-runs only unfinished trials.

    keras-tuner writes ``oracle.json`` and ``trial.json`` in place; a SIGKILL during a write
    would leave a truncated file that cannot be reloaded. Here:

    - both go through `clara_keras.io_utils.atomic_write_json`, each with a second complete
      copy (``oracle.json.bak``, ``trial.json.bak``) written just before it;
    - a new trial is committed to ``oracle.json`` (which embeds it) *before* its ``trial.json``
      exists, so a kill between the two writes loses nothing: the trial is rebuilt from the
      oracle state on reload and resumes with the same values (and the random oracles' seed
      position already past them, so no trial is proposed twice);
    - on reload every file is validated (types, ids that could escape the search folder, finite
      scores, the format tag); an invalid file is replaced by its backup with a
      `SearchStateRecoveredWarning`, and when no valid copy exists the reload raises
      `clara_keras.errors.SearchError` naming the file, before anything is written;
    - keras-tuner re-queues the trials that were running; a trial whose own file already says
      finished (the process died between the two writes) is not re-run.
    """

    def get_state(self):
        state = super().get_state()
        state["clara_format"] = STATE_FORMAT
        state["clara_started"] = {t.trial_id: t.get_state() for t in self.ongoing_trials.values()}
        return state

    def save(self):
        _write_with_backup(self._get_oracle_fname(), self.get_state())

    def _save_trial(self, trial):
        path = os.path.join(self._get_trial_dir(trial.trial_id), "trial.json")
        if not os.path.exists(path) and trial in self.ongoing_trials.values():
            self.save()  # commit the new trial to the oracle state first (see the class docstring)
        _write_with_backup(path, trial.get_state())

    def reload(self):
        fname = self._get_oracle_fname()
        if not os.path.exists(fname) and not os.path.exists(fname + ORACLE_BACKUP_SUFFIX):
            raise SearchError(
                f"{self._project_dir} holds a search without its oracle state ({fname} is missing). Move the "
                "folder away (or pass overwrite=True) to start again."
            )
        state = _load_checked(fname, _check_oracle_state, "search state")
        trials = {}
        for folder in sorted(os.listdir(self._project_dir)):
            path = os.path.join(self._project_dir, folder, "trial.json")
            if not folder.startswith("trial_") or not (os.path.exists(path) or os.path.exists(path + ".bak")):
                continue
            folder_id = folder[len("trial_") :]
            trial = _load_checked(path, lambda s, i=folder_id: check_trial_state(s, i), "trial state")
            trials[trial.trial_id] = trial
        # A trial committed to the oracle state whose trial.json was never written.
        for trial_id, trial_state in state.get("clara_started", {}).items():
            if trial_id not in trials:
                trials[trial_id] = check_trial_state(trial_state, trial_id)
        known = {*state["start_order"], *state["end_order"], *state["ongoing_trials"].values(), *state["retry_queue"]}
        missing = sorted(known - set(trials))
        if missing:
            raise SearchError(
                f"The search state {fname} names trials {missing} whose trial.json is missing from "
                f"{self._project_dir}. Move the folder away (or pass overwrite=True) to start again."
            )
        self.trials.update(trials)
        try:
            self.set_state(state)
        except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
            raise SearchError(f"The search state {fname} cannot be restored: {type(exc).__name__}: {exc}") from None
        for trial in self.ongoing_trials.values():
            self._retry_queue.append(trial.trial_id)
        self.ongoing_trials = {}
        queue = []
        for trial_id in self._retry_queue:
            trial = self.trials.get(trial_id)
            if trial is not None and trial.status in _DONE:
                if trial_id not in self.end_order:
                    self.end_order.append(trial_id)
                    self._recovered_end(trial_id)
            elif trial_id not in queue:
                queue.append(trial_id)
        # Trials found on disk that this state does not know (it is older: recovered from a backup).
        for trial_id, trial in sorted(self.trials.items()):
            if trial_id not in self.start_order:
                self.start_order.append(trial_id)
                self._record_values(trial)
            if trial.status not in _DONE and trial_id not in self.end_order and trial_id not in queue:
                queue.append(trial_id)
            elif trial.status in _DONE and trial_id not in self.end_order:
                self.end_order.append(trial_id)
                self._recovered_end(trial_id)
        # keras-tuner pops from the end: keep the oldest unfinished trial last so it runs first.
        self._retry_queue = sorted(queue, reverse=True)

    def _recovered_end(self, trial_id: str) -> None:
        """Hook: a trial found finished on disk whose end the oracle state had not recorded yet."""

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
    """keras-tuner's grid oracle keeps its walk (the trials in grid order, and the trials whose
    successor is still to be proposed) in memory only, so a reloaded grid search stopped early or
    failed; both are part of the saved state here, and rebuilt from the trials for an older state."""

    def get_state(self):
        state = super().get_state()
        state["clara_grid_order"] = _linked_list_items(self._ordered_ids)
        state["clara_grid_next"] = list(self._populate_next)
        return state

    def set_state(self, state):
        super().set_state(state)
        order = state.get("clara_grid_order", list(self.start_order))
        pending = state.get("clara_grid_next", list(self.end_order))
        for trial_id in (*_check_str_list(order, "clara_grid_order"), *_check_str_list(pending, "clara_grid_next")):
            if trial_id not in self.trials:
                raise KeyError(f"grid trial {trial_id!r} is not a trial of this search")
        self._ordered_ids = type(self._ordered_ids)()
        for trial_id in order:
            self._ordered_ids.insert(trial_id)
        self._populate_next = list(pending)

    def _recovered_end(self, trial_id):
        self._populate_next.append(trial_id)  # what keras-tuner's end_trial would have done


def _linked_list_items(linked) -> list:
    """The items of keras-tuner's grid `LinkedList`, in list order."""
    items, index = [], linked._next_index[None]
    while index is not None:
        items.append(linked._memory[index])
        index = linked._next_index[index]
    return items


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
        # `batch_size` and `epochs` are fit arguments (see `fit`): they must not replace the
        # optimizer the user's hypermodel compiled with (nor recompile it: +3 MB per trial on TF).
        params = {k: v for k, v in params.items() if k not in ("batch_size", "epochs")}
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
        shuffle_seed=None,
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
        fit_args = self.data.fit_args(batch_size or 32)
        callbacks = [*(callbacks or []), keras.callbacks.TerminateOnNaN()]
        if "y" in fit_args:
            # Array data: each epoch's order is a function of (seed, epoch) alone, so a trial resumed
            # at epoch k draws exactly the batches an uninterrupted trial draws (Keras's own shuffle on
            # TensorFlow comes from tf.data's random state, which cannot be restored).
            batches = ArrayBatches(
                fit_args.pop("x"), fit_args.pop("y"), fit_args.pop("batch_size"), shuffle=True, seed=shuffle_seed or 0
            )
            fit_args.update(x=batches, shuffle=False)
            callbacks.insert(0, _EpochOrder(batches))
        history = model.fit(
            **fit_args,
            epochs=epochs,
            initial_epoch=initial_epoch,
            callbacks=callbacks,
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
        """Train one trial, continuing from its last completed epoch when a killed run left one.

        After every completed epoch the trial's folder gets one atomic resume state
        (`TRIAL_STATE`: weights, optimizer variables, `SeedGenerator` states, the global RNG
        states, the per-epoch logs and the best value of the checkpoint callback). A trial that was
        running when the process died continues from it: the epochs already done are replayed to
        the oracle from the saved logs, not retrained.
        """
        values = trial.hyperparameters.values
        if "tuner/epochs" in values:  # the Hyperband protocol (see keras_tuner.oracles.HyperbandOracle)
            kwargs["epochs"] = values["tuner/epochs"]
            kwargs["initial_epoch"] = values["tuner/initial_epoch"]
        self._initial_epoch = kwargs.get("initial_epoch", 0)
        epochs = int(kwargs.get("epochs", 1))
        saved = self._load_trial_state(trial, epochs)
        # Drop what a killed run had reported, then replay the epochs the resume state holds.
        trial.metrics = type(trial.metrics)()
        rows = [] if saved is None else list(saved[0]["history"])
        for step, row in enumerate(rows):
            if self.oracle.objective.name in row:
                self.oracle.update_trial(trial.trial_id, row, step=step)
        if values.get("tuner/trial_id") is not None and saved is None:
            previous = values["tuner/trial_id"]
            kwargs["initial_weights"] = self._get_checkpoint_fname(previous)
            kwargs["build_config"] = self._get_build_config_fname(previous)
        number = _trial_number(trial.trial_id)
        if self.trial_seed is not None:
            keras.utils.set_random_seed(int(self.trial_seed) + number)
        hp = trial.hyperparameters
        model = self._try_build(hp)
        if saved is not None:
            model = self._restore_trial_state(trial, model, saved)
            if model is None:  # the state did not fit this model: start the trial again
                saved, rows = None, []
                trial.metrics = type(trial.metrics)()
                if self.trial_seed is not None:
                    keras.utils.set_random_seed(int(self.trial_seed) + number)
                model = self._try_build(hp)
        meta = saved[0] if saved is not None else {}
        checkpoint = _AtomicSaveBestEpoch(
            self.oracle.objective, self._get_checkpoint_fname(trial.trial_id), meta.get("best_value")
        )
        writer = _TrialStateWriter(
            self,
            trial,
            rows,
            epochs,
            checkpoint,
            rng=(meta["rng"], saved[1]) if saved is not None else None,
        )
        callbacks = [_TunerCallback(self, trial), checkpoint, writer]
        if saved is not None:
            kwargs["initial_epoch"] = int(meta["epoch"])
        if saved is not None and (meta.get("stopped") or int(meta["epoch"]) >= epochs):
            results = dict(rows[-1])  # the killed run had finished training (or the pruner had stopped it)
            if meta.get("stopped") and self.pruner is not None:
                self._pruned_at[trial.trial_id] = int(meta["epoch"])
        else:
            kwargs.setdefault("shuffle_seed", (int(self.trial_seed or 0) + number) % (1 << 31))
            results = self.hypermodel.fit(hp, model, *args, callbacks=callbacks, **kwargs)
        atomic_write_json(self._get_build_config_fname(trial.trial_id), model.get_build_config())
        return [results]

    def trial_state_path(self, trial_id: str) -> str:
        """The per-epoch resume state of a trial."""
        return os.path.join(self.get_trial_dir(trial_id), TRIAL_STATE)

    def _load_trial_state(self, trial, epochs: int):
        """``(meta, arrays)`` of the trial's resume state if it is valid for this trial, else ``None``."""
        path = self.trial_state_path(trial.trial_id)
        if not os.path.exists(path):
            return None
        try:
            meta, arrays = resume_state.load_state(path)
            problem = _trial_state_problem(meta, trial, epochs)
        except CheckpointError as exc:
            problem = str(exc)
        if problem is None:
            return meta, arrays
        warnings.warn(
            f"Trial {trial.trial_id}: the resume state {path} cannot be used ({problem}); the trial starts again "
            "from its first epoch.",
            SearchStateRecoveredWarning,
            stacklevel=2,
        )
        return None

    def _restore_trial_state(self, trial, model, saved):
        meta, arrays = saved
        try:
            if not model.built:
                model.build_from_config(meta["build_config"])
            build_optimizer_variables(model)
            resume_state.restore_variables(model, meta, arrays, path=self.trial_state_path(trial.trial_id))
        except (CheckpointError, KeyError, TypeError, ValueError) as exc:
            warnings.warn(
                f"Trial {trial.trial_id}: the resume state does not fit the trial's model ({exc}); the trial "
                "starts again from its first epoch.",
                SearchStateRecoveredWarning,
                stacklevel=2,
            )
            return None
        return model

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
            if self.oracle.get_trial(trial.trial_id).status in _DONE:  # recorded as finished: no longer needed
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(self.trial_state_path(trial.trial_id))
        finally:
            if self.on_trial_done is not None:
                self.on_trial_done(trial)


TRIAL_STATE = "epoch_state.npz"


def values_hash(values: dict) -> str:
    text = json.dumps({k: values[k] for k in sorted(values)}, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _trial_state_problem(meta: dict, trial, epochs: int) -> str | None:
    """Why a trial's resume state cannot continue ``trial`` (``None`` if it can)."""
    if meta.get("trial_id") != trial.trial_id:
        return f"it belongs to trial {meta.get('trial_id')!r}"
    if meta.get("values_hash") != values_hash(trial.hyperparameters.values):
        return "it was made with other hyper-parameter values"
    if meta.get("backend") != backend_name():
        return f"it was made on the {meta.get('backend')!r} backend"
    epoch, history = meta.get("epoch"), meta.get("history")
    if isinstance(epoch, bool) or not isinstance(epoch, int) or not 1 <= epoch <= epochs:
        return f"its epoch {epoch!r} is not in [1, {epochs}]"
    if not isinstance(history, list) or len(history) != epoch or not all(isinstance(r, dict) for r in history):
        return "its per-epoch logs do not match its epoch"
    for row in history:
        for name, value in row.items():
            if not isinstance(name, str) or isinstance(value, bool) or not isinstance(value, (int, float)):
                return f"its logs hold a non-numeric value {name!r}: {value!r}"
    best = meta.get("best_value")
    if best is not None and (isinstance(best, bool) or not isinstance(best, (int, float)) or not math.isfinite(best)):
        return f"its best value {best!r} is not a finite number"
    if not isinstance(meta.get("stopped", False), bool) or not isinstance(
        meta.get("build_config", {}), (dict, type(None))
    ):
        return "its 'stopped' or 'build_config' entry has the wrong type"
    return None


class _EpochOrder(keras.callbacks.Callback):
    """Tells the trial's `ArrayBatches` which epoch starts (its order is a function of the epoch)."""

    def __init__(self, batches: ArrayBatches):
        super().__init__()
        self.batches = batches

    def on_epoch_begin(self, epoch, logs=None):
        self.batches.set_epoch(epoch)


class _TunerCallback(keras.callbacks.Callback):
    """Forwards a trial's epoch and batch events to the tuner (as keras-tuner's own callback does)."""

    def __init__(self, tuner, trial):
        super().__init__()
        self.tuner = tuner
        self.trial = trial

    def on_epoch_begin(self, epoch, logs=None):
        self.tuner.on_epoch_begin(self.trial, self.model, epoch, logs=logs)

    def on_train_batch_begin(self, batch, logs=None):
        self.tuner.on_batch_begin(self.trial, self.model, batch, logs)

    def on_train_batch_end(self, batch, logs=None):
        self.tuner.on_batch_end(self.trial, self.model, batch, logs)

    def on_epoch_end(self, epoch, logs=None):
        self.tuner.on_epoch_end(self.trial, self.model, epoch, logs=logs)


class _AtomicSaveBestEpoch(keras.callbacks.Callback):
    """The weights of the trial's best epoch (by the objective), written atomically; the best value so
    far is restored on resume (keras-tuner's own callback writes in place and starts from infinity)."""

    def __init__(self, objective, filepath, best_value=None):
        super().__init__()
        self.objective = objective
        self.filepath = filepath
        self.best_value = float("-inf") if objective.direction == "max" else float("inf")
        if best_value is not None:
            self.best_value = float(best_value)

    def on_epoch_end(self, epoch, logs=None):
        if not self.objective.has_value(logs):
            self._save_model()
            return
        value = self.objective.get_value(logs)
        if self.objective.better_than(value, self.best_value):
            self.best_value = value
            self._save_model()

    def _save_model(self):
        folder, name = os.path.split(self.filepath)
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".weights.h5", dir=folder)
        os.close(fd)
        try:
            self.model.save_weights(tmp, overwrite=True)
            with open(tmp, "rb+") as f:
                os.fsync(f.fileno())
            os.replace(tmp, self.filepath)
            fsync_dir(folder)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise


class _TrialStateWriter(keras.callbacks.Callback):
    """Last callback of a trial: restores the RNG states of a resumed trial at its first epoch, and
    after each completed epoch writes the trial's resume state (one atomic file)."""

    def __init__(self, tuner, trial, rows, epochs, checkpoint, rng=None):
        super().__init__()
        self.tuner = tuner
        self.trial = trial
        self.rows = list(rows)
        self.epochs = epochs
        self.checkpoint = checkpoint
        self.rng = rng
        self.path = tuner.trial_state_path(trial.trial_id)
        self.values_hash = values_hash(trial.hyperparameters.values)

    def on_epoch_begin(self, epoch, logs=None):
        if self.rng is not None:  # after Keras's own set-up draws, as in the uninterrupted trial
            resume_state.restore_rng(*self.rng)
            self.rng = None

    def on_epoch_end(self, epoch, logs=None):
        row = {}
        for k, v in (logs or {}).items():
            with contextlib.suppress(TypeError, ValueError):
                row[k] = float(v)
        if not all(math.isfinite(v) for v in row.values()):
            return  # a diverged epoch never becomes the resume point (the trial fails)
        self.rows = self.rows[:epoch] + [row]
        best = self.checkpoint.best_value
        meta = {
            "trial_id": self.trial.trial_id,
            "values_hash": self.values_hash,
            "backend": backend_name(),
            "epoch": epoch + 1,
            "epochs": self.epochs,
            "history": self.rows,
            "best_value": float(best) if math.isfinite(best) else None,
            "stopped": bool(getattr(self.model, "stop_training", False)),
            "build_config": self.model.get_build_config(),
        }
        resume_state.save_state(self.path, self.model, meta)


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
