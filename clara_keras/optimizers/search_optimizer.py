"""`SearchOptimizer`: the shared base of the hyper-parameter search optimizers."""

from __future__ import annotations

import csv
import gc
import hashlib
import io
import json
import os
import shutil
import warnings
from collections.abc import Callable
from typing import Any

import keras
import keras_tuner

from clara_keras.errors import ConfigError
from clara_keras.errors import ParamTypeError
from clara_keras.errors import SearchError
from clara_keras.io_utils import atomic_write_json
from clara_keras.io_utils import atomic_write_text
from clara_keras.optimizers import _tuner as T
from clara_keras.optimizers._data import SearchData
from clara_keras.optimizers.median_stopping_pruner import MedianStoppingPruner
from clara_keras.optimizers.search_space import SearchSpace
from clara_keras.optimizers.search_space import grid_size
from clara_keras.optimizers.search_space import grid_values

__all__ = ["SearchOptimizer"]

FINGERPRINT = "clara_search.json"
RESULTS_CSV = "results.csv"
_MAX_DIRECTIONS = ("acc", "auc", "precision", "recall", "f1", "iou")


class SearchOptimizer:
    """Base class of the search optimizers: one keras-tuner search over a Clara model.

    Subclasses choose the keras-tuner oracle (`RandomSearchOptimizer`, `GridSearchOptimizer`,
    `BayesianOptimizer`, `HyperbandOptimizer`, `SimulatedAnnealingOptimizer`). Each trial trains
    a clone of `model` (the model passed in is never changed) with the trial's values applied
    through `set_params`, then `compile()`.

    Args:
        model: A `clara_keras.Model`, a `keras.Model` (cloned with `keras.models.clone_model`),
            or a function taking a `keras_tuner.HyperParameters` and returning a model (or a
            `keras_tuner.HyperModel`): full keras-tuner power for custom models.
        dataset: Training data: a `keras.utils.PyDataset` (e.g. `clara_keras.data.DataGenerator`),
            an `(X, y)` tuple or a `clara_keras.data.Dataset`.
        loss: Optional loss. `'categorical_crossentropy'` and `'sparse_categorical_crossentropy'`
            become `clara_keras.losses.ClassificationCrossentropy` with `from_logits` read from the
            model's last activation (so a final `Dense` without activation is handled), and accept
            one-hot or integer labels. Defaults to the model type's loss.
        optimizer: Optimizer name, a list of names to search, or a `keras.optimizers.Optimizer`.
        metrics: Optional list of metrics. Defaults to the model type's metrics.
        num_trials: Integer > 0, the number of trials.
        epochs: Integer, epochs per trial. Defaults to the model's `epochs` parameter or `10`.
        batch_size: Integer or list of integers (searched). Only for array data.
        search_space: Optional dict of search keywords, e.g. `{'lr': [0.01, 0.001]}` or
            `{'lr': (1e-4, 1e-1, 'log')}`.
        validation_data: Optional validation data (same forms as `dataset`).
        validation_split: Optional fraction held out from `dataset` (stratified for labels;
            whole batches for a `PyDataset`, whose own per-epoch shuffle is then not triggered).
            Defaults to `0.2` when `validation_data` is not given.
        objective: Metric to optimise (a name or `keras_tuner.Objective`). Defaults to
            `'val_accuracy'` for classification, else `'val_loss'`.
        seed: Optional integer; the same seed gives the same trials and initial weights.
        directory: Folder of searches. Defaults to `'clara_search'`.
        project_name: Sub-folder of this search. Defaults to the algorithm name and a digest of
            the search, e.g. `random_search_1a2b3c4d`: the same search resumes, another one does
            not collide with it.
        overwrite: Boolean. If `False` (default) an interrupted search in the same folder is
            resumed: finished trials are kept and only the rest run.
        pruner: `None` (default: no pruning), `True` or a `MedianStoppingPruner`.
        verbose: `0` silent, `1` one line per trial (default), `2` also Keras progress.
        **keywords: Search keywords: `lr`/`learning_rate`, `momentum`, `decay`, `batch_size`,
            `optimizer`, `clipnorm`, and `lmbda` with `regularization` ('l1', 'l2', 'l1_l2').
            Lists and arrays are searched, `(low, high[, 'log'])` is a range, a single value is fixed.
            With no searched keyword (and a model, not a hypermodel function), the learning rate is
            searched: `(1e-4, 1e-1, 'log')` (grid search: `[0.1, 0.01, 0.001, 0.0001]`).

    Raises:
        ConfigError: an unknown keyword (with the nearest spelling), an empty list, a value the
            parameter schema rejects, `num_trials` <= 0, `lmbda` without `regularization`, ...
            All before any trial runs.
    """

    algorithm = "base"
    #: Default when nothing is searched: the learning rate.
    default_space: dict[str, Any] = {"learning_rate": (1e-4, 1e-1, "log")}

    def __init__(
        self,
        model=None,
        dataset=None,
        loss=None,
        optimizer=None,
        metrics=None,
        num_trials: int | None = 10,
        epochs: int | None = None,
        batch_size=None,
        search_space: dict | None = None,
        validation_data=None,
        validation_split: float | None = None,
        objective=None,
        seed: int | None = None,
        directory: str | os.PathLike | None = None,
        project_name: str | None = None,
        overwrite: bool = False,
        pruner: MedianStoppingPruner | bool | None = None,
        verbose: int = 1,
        **keywords: Any,
    ):
        self.model = self._check_model(model)
        self.num_trials = self._check_num_trials(num_trials)
        self.epochs = self._check_epochs(epochs, model)
        self.seed = self._check_seed(seed)
        if verbose not in (0, 1, 2):
            raise ConfigError(
                f"Received an invalid value for `verbose`, expected 0, 1 or 2. Received: verbose={verbose!r}"
            )
        self.verbose = verbose
        self.pruner = self._check_pruner(pruner)
        self.loss = loss
        self.metrics = [metrics] if isinstance(metrics, (str, keras.metrics.Metric)) else metrics
        self.optimizer_instance = optimizer if isinstance(optimizer, keras.optimizers.Optimizer) else None
        if optimizer is not None and self.optimizer_instance is None:
            keywords["optimizer"] = optimizer
        if batch_size is not None:
            keywords["batch_size"] = batch_size
        self.space = SearchSpace(keywords, search_space)
        if not self.space.searched and not self._is_hypermodel_fn:
            if {"lr", "learning_rate"} & set(self.space.fixed):
                raise ConfigError(
                    "Nothing to search: every keyword is a single value. Give a list, e.g. lr=[0.01, 0.001]."
                )
            self.space = SearchSpace({**keywords, **self.default_space}, search_space)
        if self.optimizer_instance is not None:
            T.check_optimizer_instance(self.optimizer_instance, self.space)
        self.data = SearchData(dataset, validation_data, validation_split, seed=self.seed)
        if self.data.is_generator and "batch_size" in (*self.space.searched, *self.space.fixed):
            raise ConfigError(
                "`batch_size` cannot be set for a PyDataset: its batches are fixed by the generator. "
                "Search it with array data ((X, y) or a Dataset), or build generators per batch size."
            )
        if (
            isinstance(self.model, keras.Model)
            and not T.is_clara_model(self.model)
            and loss is None
            and not getattr(self.model, "compiled", False)
        ):
            raise ConfigError(
                "The keras.Model is not compiled and no `loss=` was given; pass e.g. loss='categorical_crossentropy'."
            )
        self.objective = self._resolve_objective(objective)
        self.directory = os.fspath(directory) if directory is not None else "clara_search"
        self._project_name = project_name
        self.overwrite = bool(overwrite)
        self.hypermodel = T.ClaraHyperModel(
            self.model,
            self.space,
            self.data,
            self.objective.name,
            loss=loss,
            metrics=self.metrics,
            optimizer=self.optimizer_instance,
        )
        self.hyperparameters = self._discover_space()
        self._check_space(self.hyperparameters)
        self._tuner: T.ClaraTuner | None = None
        #: Trials that finished during the last `fit()` call (0: the search was already complete).
        self.trials_run = 0

    # -- checks ---------------------------------------------------------------------------------
    @property
    def algorithm_name(self) -> str:
        return f"{self.algorithm}_search"

    @property
    def _is_hypermodel_fn(self) -> bool:
        return not isinstance(self.model, keras.Model)

    @staticmethod
    def _check_model(model):
        if model is None:
            raise ConfigError("A search needs `model=`: a clara_keras.Model, a keras.Model or a hypermodel function.")
        if isinstance(model, (keras.Model, keras_tuner.HyperModel)) or callable(model):
            return model
        raise ParamTypeError(
            "`model` must be a clara_keras.Model, a keras.Model, a keras_tuner.HyperModel or a function "
            f"hp -> model. Received: {type(model).__name__}"
        )

    def _check_num_trials(self, num_trials):
        if isinstance(num_trials, bool) or not isinstance(num_trials, int) or num_trials <= 0:
            raise ConfigError(
                f"Received an invalid value for `num_trials`, expected a positive integer. Received: num_trials={num_trials!r}"
            )
        return num_trials

    @staticmethod
    def _check_epochs(epochs, model):
        if epochs is None:
            epochs = model.get_params()["epochs"] if T.is_clara_model(model) else 10
        if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs <= 0:
            raise ConfigError(
                f"Received an invalid value for `epochs`, expected a positive integer. Received: epochs={epochs!r}"
            )
        return epochs

    @staticmethod
    def _check_seed(seed):
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 0):
            raise ConfigError(
                f"Received an invalid value for `seed`, expected a non-negative integer. Received: seed={seed!r}"
            )
        return seed

    @staticmethod
    def _check_pruner(pruner):
        if pruner is None or pruner is False:
            return None
        if pruner is True:
            return MedianStoppingPruner()
        if not hasattr(pruner, "should_prune"):
            raise ParamTypeError(f"`pruner` must be None, True or a MedianStoppingPruner. Received: {pruner!r}")
        return pruner

    def _is_classification(self) -> bool:
        if T.is_clara_model(self.model):
            return self.model.type in ("classification", "binary", "multilabel")
        loss = self.loss
        name = loss if isinstance(loss, str) else type(loss).__name__ if loss is not None else ""
        return "crossentropy" in name.lower()

    def _resolve_objective(self, objective) -> keras_tuner.Objective:
        if objective is None:
            objective = "val_accuracy" if self._is_classification() else "val_loss"
        if isinstance(objective, keras_tuner.Objective):
            return objective
        if not isinstance(objective, str) or not objective:
            raise ParamTypeError(
                f"`objective` must be a metric name or a keras_tuner.Objective. Received: {objective!r}"
            )
        direction = "max" if any(k in objective.lower() for k in _MAX_DIRECTIONS) else "min"
        return keras_tuner.Objective(objective, direction)

    def _discover_space(self) -> keras_tuner.HyperParameters:
        """The full space: the keywords, plus what a hypermodel function declares when it is called once."""
        hp = keras_tuner.HyperParameters()
        self.space.declare(hp)
        if self._is_hypermodel_fn:
            build = self.model.build if isinstance(self.model, keras_tuner.HyperModel) else self.model
            try:
                build(hp)
            except Exception as exc:
                raise ConfigError(
                    "The hypermodel function failed when called with the default hyper-parameter values "
                    f"(keras-tuner builds it once before the search): {type(exc).__name__}: {exc}"
                ) from exc
        return hp

    def _check_space(self, hp: keras_tuner.HyperParameters) -> None:
        """Hook for subclasses (grid: finite and within `num_trials`)."""

    # -- keras-tuner -------------------------------------------------------------------------
    def _make_oracle(self, hp: keras_tuner.HyperParameters) -> keras_tuner.Oracle:
        raise NotImplementedError(f"{type(self).__name__} must implement _make_oracle")

    @property
    def _oracle_seed(self) -> int | None:
        # keras-tuner treats seed 0 as "no seed"; shift so that seed=0 is reproducible too.
        return None if self.seed is None else self.seed + 1

    @property
    def project_name(self) -> str:
        """The search's folder name. By default the algorithm and a digest of the search (space,
        objective, epochs), so that running the same script again resumes it and a different
        search in the same `directory` gets its own folder."""
        if self._project_name:
            return self._project_name
        text = json.dumps(self._fingerprint(), sort_keys=True, default=str)
        return f"{self.algorithm_name}_{hashlib.sha256(text.encode()).hexdigest()[:8]}"

    @property
    def project_dir(self) -> str:
        """The folder holding this search's trials, state and `results.csv`."""
        return os.path.join(self.directory, self.project_name)

    def _fingerprint(self) -> dict[str, Any]:
        return {
            "algorithm": self.algorithm,
            "objective": self.objective.name,
            "direction": self.objective.direction,
            "epochs": self.epochs,
            "space": self.space.describe(),
            "hyperparameters": sorted(h.name for h in self.hyperparameters.space),
        }

    def _get_tuner(self, create: bool = True) -> T.ClaraTuner | None:
        if self._tuner is not None:
            return self._tuner
        exists = os.path.exists(os.path.join(self.project_dir, FINGERPRINT))
        if not create and not exists:
            return None
        if self.overwrite and os.path.exists(self.project_dir):
            shutil.rmtree(self.project_dir)
        path = os.path.join(self.project_dir, FINGERPRINT)
        expected = json.loads(json.dumps(self._fingerprint(), default=str))
        if os.path.exists(path):
            try:
                with open(path, encoding="utf-8") as f:
                    found = json.load(f)
            except (OSError, ValueError) as exc:
                raise SearchError(
                    f"The search fingerprint {path} is unreadable ({type(exc).__name__}: {exc}). Move the folder "
                    "away (or pass overwrite=True) to start again."
                ) from None
            if not isinstance(found, dict):
                found = {"algorithm": found}
            if found != expected:
                diff = sorted(k for k in expected if found.get(k) != expected.get(k))
                raise SearchError(
                    f"{self.project_dir} holds a different search (differs in {diff}). Pass overwrite=True to "
                    "start again, or another project_name."
                )
        else:
            atomic_write_json(path, expected)
        hp = keras_tuner.HyperParameters()
        self.space.declare(hp)
        oracle = self._make_oracle(hp)
        self._tuner = T.ClaraTuner(
            oracle,
            self.hypermodel,
            pruner=self.pruner,
            seed=self.seed,
            on_trial_done=self._on_trial_done,
            directory=self.directory,
            project_name=self.project_name,
            overwrite=False,
        )
        self.overwrite = False
        return self._tuner

    # -- public API ---------------------------------------------------------------------------
    def fit(self) -> SearchOptimizer:
        """Run (or resume) the search; returns the optimizer.

        Raises:
            SearchError: three trials failed in a row, or the objective is missing from the logs.
        """
        tuner = self._get_tuner()
        before = self._finished_ids()
        # keras-tuner and Keras run gc.collect() before every trial; with the frameworks' large
        # heaps each full collection costs up to a second. Objects that exist before the search are
        # moved out of the collector's scans for its duration (gc.freeze), then put back.
        gc.collect()
        gc.freeze()
        try:
            with warnings.catch_warnings():
                # Per-epoch results reach the oracle through `update_trial`; keras-tuner calls that
                # way of reporting deprecated, but it is the only one that lets a pruner see them.
                warnings.filterwarnings("ignore", message=".*update_trial.*", category=DeprecationWarning)
                tuner.search(epochs=self.epochs, verbose=1 if self.verbose == 2 else 0)
        except keras_tuner.errors.FatalError as exc:
            raise SearchError(f"The search stopped: {exc}") from exc
        finally:
            gc.unfreeze()
            self._write_results()
        self.trials_run = len(self._finished_ids() - before)
        if self.verbose and self.trials_run == 0:
            print(f"[{self.algorithm}] {self.done_message()}")
        return self

    def _finished_ids(self) -> set:
        return {t.trial_id for t in self._trials().values() if t.status in ("COMPLETED", "FAILED")}

    def done_message(self) -> str:
        """What is left of the search, in words (e.g. after a `fit()` that trained nothing)."""
        finished = len(self._finished_ids())
        planned = self.plan()["num_trials"]
        if self.algorithm == "grid":
            if finished >= planned:
                return f"the grid is exhausted: all {planned} combinations have run, nothing left to train."
            return f"{finished} of the {planned} grid combinations have run."
        return f"{finished} of {planned} trials have run."

    def _trials(self) -> dict:
        tuner = self._get_tuner(create=False)
        return {} if tuner is None else tuner.oracle.trials

    def _require_tuner(self) -> T.ClaraTuner:
        tuner = self._get_tuner(create=False)
        if tuner is None:
            raise SearchError(f"No search found in {self.project_dir}: call .fit() first.")
        return tuner

    def _best_trial(self):
        tuner = self._require_tuner()
        done = [t for t in tuner.oracle.get_best_trials(len(tuner.oracle.trials) or 1) if t.status == "COMPLETED"]
        if not done:
            raise SearchError(f"No trial of the search in {self.project_dir} has completed.")
        return done[0]

    def get_best_params(self) -> dict[str, Any]:
        """The best trial: `{'hp': {...}, 'score': float, 'trial_id': str, 'params': {...}}`.

        `hp` holds the searched values under the keyword names given; `params` is ready for
        `model.set_params` (canonical names, `lmbda` + `regularization` as `regularizer`).
        """
        best = self._best_trial()
        hp = {k: v for k, v in best.hyperparameters.values.items() if not k.startswith("tuner/")}
        return {"hp": hp, "score": float(best.score), "trial_id": best.trial_id, "params": self.space.params_for(hp)}

    def get_best_model(self) -> keras.Model:
        """The best trial's model, compiled, with the weights of its best epoch."""
        tuner = self._require_tuner()
        return tuner.load_model(self._best_trial())

    def results(self) -> list[dict[str, Any]]:
        """One row per trial (in trial order): id, status (`COMPLETED`, `PRUNED`, `FAILED`, `RUNNING`),
        the hyper-parameters, score, best epoch, epochs run, seconds and error. Also in `results.csv`."""
        trials = self._trials()
        names = [h.name for h in self.hyperparameters.space]
        for trial in trials.values():
            for name in trial.hyperparameters.values:
                if name not in names and not name.startswith("tuner/"):
                    names.append(name)
        rows = []
        for trial_id in sorted(trials):
            trial = trials[trial_id]
            info = _read_trial_info(os.path.join(self.project_dir, f"trial_{trial_id}", T.TRIAL_INFO))
            status = trial.status
            if status == "COMPLETED" and info.get("pruned_at"):
                status = "PRUNED"
            history = T.objective_history(trial, self.objective.name)
            message = (trial.message or "").strip().splitlines()
            values = trial.hyperparameters.values
            row = {"trial_id": trial_id, "status": status}
            row.update({name: values.get(name) for name in names})
            if "tuner/epochs" in values:
                row["budget"] = values["tuner/epochs"]
            row.update(
                {
                    "score": None if trial.score is None else float(trial.score),
                    "best_epoch": None if trial.score is None else int(trial.best_step) + 1,
                    "epochs_run": len(history),
                    "seconds": None if info.get("seconds") is None else round(float(info["seconds"]), 3),
                    "error": message[-1] if status == "FAILED" and message else "",
                }
            )
            rows.append(row)
        return rows

    @property
    def results_path(self) -> str:
        """Path of the CSV table of trials."""
        return os.path.join(self.project_dir, RESULTS_CSV)

    def _write_results(self) -> None:
        rows = self.results()
        if not rows:
            return
        columns = list(dict.fromkeys(k for row in rows for k in row))
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=columns)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: "" if row.get(k) is None else row.get(k) for k in columns})
        atomic_write_text(self.results_path, buffer.getvalue())

    def _on_trial_done(self, trial) -> None:
        self._write_results()
        if self.verbose:
            row = next((r for r in self.results() if r["trial_id"] == trial.trial_id), None)
            if row is not None:
                hp = ", ".join(f"{k}={_fmt(row[k])}" for k in self._hp_columns(row))
                score = _fmt(row["score"]) if row["score"] is not None else row["error"]
                print(
                    f"[{self.algorithm}] trial {row['trial_id']} {row['status']}: {self.objective.name}={score} ({hp})"
                )

    def _hp_columns(self, row) -> list[str]:
        fixed = {"trial_id", "status", "budget", "score", "best_epoch", "epochs_run", "seconds", "error"}
        return [k for k in row if k not in fixed]

    def format_results(self) -> str:
        """The results table as aligned text."""
        rows = self.results()
        if not rows:
            return "(no trials yet)"
        columns = list(dict.fromkeys(k for row in rows for k in row))
        cells = [[_fmt(row.get(c)) for c in columns] for row in rows]
        widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]
        lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths))]
        lines.append("  ".join("-" * w for w in widths))
        lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths)) for r in cells]
        return "\n".join(lines)

    def summary(self, print_fn: Callable[[str], Any] | None = None) -> None:
        """Print the search: algorithm, folder, objective, trials and the best result."""
        print_fn = print_fn or print
        rows = self.results()
        counts = {s: sum(r["status"] == s for r in rows) for s in ("COMPLETED", "PRUNED", "FAILED", "RUNNING")}
        lines = [
            f"{type(self).__name__} ({self.algorithm}) in {self.project_dir}",
            f"objective: {self.objective.name} ({self.objective.direction}) | epochs per trial: {self.epochs}",
            f"trials: {len(rows)} of {self.plan()['num_trials']} | "
            + ", ".join(f"{k.lower()} {v}" for k, v in counts.items() if v),
            self.format_results(),
        ]
        try:
            best = self.get_best_params()
            lines.append(f"best: trial {best['trial_id']} {self.objective.name}={_fmt(best['score'])} hp={best['hp']}")
        except SearchError:
            lines.append("best: none yet")
        print_fn("\n".join(lines))

    def plan(self) -> dict[str, Any]:
        """What `fit()` will run, without training: algorithm, trial count, grid size, space, data."""
        size = grid_size(self.hyperparameters)
        space = {}
        for item in self.hyperparameters.space:
            config = item.get_config()
            config.pop("name", None)
            config.pop("conditions", None)
            space[item.name] = {"type": type(item).__name__, **config}
        return {
            "algorithm": self.algorithm,
            "objective": self.objective.name,
            "direction": self.objective.direction,
            "num_trials": self._planned_trials(size),
            "grid_size": size,
            "grid": grid_values(self.hyperparameters) if self.algorithm == "grid" else None,
            "space": space,
            "fixed": dict(self.space.fixed),
            "epochs": self.epochs,
            "pruner": None if self.pruner is None else repr(self.pruner),
            "directory": self.project_dir,
        }

    def _planned_trials(self, size: int | None) -> int:
        return self.num_trials if size is None else min(self.num_trials, size)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(project_dir={self.project_dir!r}, num_trials={self.num_trials})"


def _read_trial_info(path: str) -> dict:
    """A trial's time and pruning record; an unreadable or tampered one counts as absent."""
    try:
        with open(path, encoding="utf-8") as f:
            info = json.load(f)
    except (OSError, ValueError):
        return {}
    if not isinstance(info, dict):
        return {}
    seconds, pruned_at = info.get("seconds"), info.get("pruned_at")
    ok_seconds = seconds is None or (not isinstance(seconds, bool) and isinstance(seconds, (int, float)))
    ok_pruned = pruned_at is None or (not isinstance(pruned_at, bool) and isinstance(pruned_at, int))
    return info if ok_seconds and ok_pruned else {}


def _fmt(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.5g}"
    return str(value)
