"""`clara_keras.distribute.strategy()`: the distribution picked from the environment.

| backend    | environment                              | result                                      |
|------------|------------------------------------------|---------------------------------------------|
| tensorflow | `TF_CONFIG` names a cluster              | `tf.distribute.MultiWorkerMirroredStrategy` |
| tensorflow | several local GPUs                       | `tf.distribute.MirroredStrategy`            |
| jax        | several processes (`TF_CONFIG` or        | `keras.distribution.DataParallel` after     |
|            | `KERAS_DISTRIBUTION_*`)                  | `keras.distribution.initialize`             |
| jax        | several local devices                    | `keras.distribution.DataParallel`           |
| torch      | any cluster variable, or an explicit ask | `DistributeError` (see below)               |
| any        | nothing of the above                     | `None`: one process, one device             |

The strategy is created once per process and cached: TensorFlow requires
`MultiWorkerMirroredStrategy` to exist before any other TensorFlow op runs,
and JAX requires `jax.distributed.initialize` before any computation. Call
`strategy()` at program start, before building the model.
"""

from __future__ import annotations

import os

from clara_keras.distribute.cluster import cluster_info
from clara_keras.distribute.cluster import keras_distribution_env
from clara_keras.errors import ConfigError
from clara_keras.errors import DistributeError
from clara_keras.errors import suggest

__all__ = ["strategy", "KINDS", "TORCH_SUPPORT"]

KINDS = ("auto", "multi_worker", "mirrored")

TORCH_SUPPORT = (
    "On the torch backend clara_keras trains in one process on one device: multi-worker and "
    "multi-device training are supported on the tensorflow backend (MultiWorkerMirroredStrategy, "
    "MirroredStrategy) and the jax backend (keras.distribution.DataParallel). Run with "
    "KERAS_BACKEND=tensorflow or KERAS_BACKEND=jax, or pass distribute=None to train on one device."
)

_CACHE: dict = {}


def _backend() -> str:
    import keras

    return keras.config.backend()


def _torch_cluster_vars(env) -> list[str]:
    names = []
    if env.get("TF_CONFIG", "").strip():
        names.append("TF_CONFIG")
    for name in ("WORLD_SIZE", "KERAS_DISTRIBUTION_NUM_PROCESSES"):
        try:
            if int(env.get(name, "1")) > 1:
                names.append(name)
        except ValueError:
            names.append(name)
    return names


def strategy(kind: str | None = "auto"):
    """The distribution for this process, chosen from the backend and the environment.

    Args:
        kind: `"auto"` (from the environment, see the module table),
            `"multi_worker"` (a cluster is required: `TF_CONFIG`, set by
            `--workers`/`--task-index` or `clara-keras launch`), `"mirrored"`
            (all local devices of this process) or `None` (no distribution).

    Returns:
        On TensorFlow a `tf.distribute.Strategy`; on JAX a
        `keras.distribution.DataParallel`; `None` for a single device. Both
        kinds of object have a `scope()` context manager.

    Raises:
        ConfigError: an unknown ``kind``.
        DistributeError: the environment cannot give what was asked (no
            cluster for `"multi_worker"`, torch with a cluster, or a strategy
            created too late).

    Example:

    ```python
    import clara_keras

    strategy = clara_keras.distribute.strategy()  # before building the model
    ```
    """
    if kind is None:
        return None
    if kind not in KINDS:
        raise ConfigError(
            f"Received an invalid value for `distribute`, expected one of {KINDS} or None. "
            f"Received: distribute={kind!r}.{suggest(str(kind), KINDS)}"
        )
    backend = _backend()
    key = (backend, kind, os.environ.get("TF_CONFIG", ""))
    if key in _CACHE:
        return _CACHE[key]
    if backend == "tensorflow":
        result = _tensorflow_strategy(kind)
    elif backend == "jax":
        result = _jax_distribution(kind)
    else:
        result = _torch_strategy(kind)
    _CACHE[key] = result
    return result


def _tensorflow_strategy(kind: str):
    import tensorflow as tf

    info = cluster_info()
    if kind == "mirrored" and info is not None:
        raise DistributeError(
            f"distribute='mirrored' uses the devices of this process only, but TF_CONFIG names a cluster of "
            f"{info.num_workers} worker(s): use distribute='multi_worker' (or 'auto') to train on all of them."
        )
    if kind == "multi_worker" and info is None:
        raise DistributeError(
            "distribute='multi_worker' needs a cluster, and TF_CONFIG is not set: pass "
            "`--workers HOST:PORT,HOST:PORT --task-index I` (or set TF_CONFIG), or try "
            "`clara-keras launch --local 2 train` on one machine."
        )
    if info is not None:
        existing = tf.distribute.get_strategy()
        if isinstance(existing, tf.distribute.MultiWorkerMirroredStrategy):
            return existing
        try:
            return tf.distribute.MultiWorkerMirroredStrategy()
        except RuntimeError as exc:
            raise DistributeError(
                "MultiWorkerMirroredStrategy must be created before any other TensorFlow operation: call "
                "clara_keras.distribute.strategy() at the start of the program, before building the model "
                f"({exc})."
            ) from None
    gpus = tf.config.list_logical_devices("GPU")
    if kind == "mirrored" or len(gpus) > 1:
        return tf.distribute.MirroredStrategy()
    return None


def _jax_distribution(kind: str):
    import keras

    info = cluster_info()
    env = dict(os.environ)
    if info is not None and "KERAS_DISTRIBUTION_NUM_PROCESSES" not in env:
        env.update(keras_distribution_env(info.workers, info.rank))
        os.environ.update(keras_distribution_env(info.workers, info.rank))
    num_processes = int(env.get("KERAS_DISTRIBUTION_NUM_PROCESSES", "1") or 1)
    if kind == "mirrored" and num_processes > 1:
        raise DistributeError(
            f"distribute='mirrored' uses the devices of this process only, but the environment names "
            f"{num_processes} processes: use distribute='multi_worker' (or 'auto')."
        )
    if kind == "multi_worker" and num_processes <= 1 and info is None:
        raise DistributeError(
            "distribute='multi_worker' needs several processes: set TF_CONFIG (or pass `--workers ... "
            "--task-index I`), or KERAS_DISTRIBUTION_JOB_ADDRESSES/NUM_PROCESSES/PROCESS_ID, or use "
            "`clara-keras launch --local 2 train`."
        )
    if num_processes > 1:
        import jax

        if not jax.distributed.is_initialized():
            try:
                jax.config.update("jax_cpu_collectives_implementation", "gloo")
            except Exception:  # pragma: no cover - option missing in this jax
                pass
            try:
                keras.distribution.initialize()
            except RuntimeError as exc:
                raise DistributeError(
                    "JAX multi-process initialisation must happen before any JAX computation: call "
                    f"clara_keras.distribute.strategy() at the start of the program ({exc})."
                ) from None
    devices = keras.distribution.list_devices()
    if kind == "auto" and len(devices) <= 1:
        return None
    return keras.distribution.DataParallel(devices=devices)


def _torch_strategy(kind: str):
    found = _torch_cluster_vars(os.environ)
    if kind == "auto" and not found:
        return None
    asked = f"distribute={kind!r}" if kind != "auto" else "the environment (" + ", ".join(found) + ")"
    raise DistributeError(f"{asked} asks for distributed training. {TORCH_SUPPORT}")
