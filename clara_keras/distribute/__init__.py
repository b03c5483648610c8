"""clara_keras.distribute: training on several devices, processes and servers.

- `strategy(kind)`: the distribution picked from the backend and the environment
  (`TF_CONFIG` -> `MultiWorkerMirroredStrategy`, several local devices ->
  `MirroredStrategy`, JAX -> `keras.distribution.DataParallel`).
- `fit_multi_worker(model, x, y, ...)`: train on every worker; best checkpoint
  and history written by the chief, early stopping, resume from the last backup.
- `MultiWorkerTrainer`: the TensorFlow custom-step trainer behind it
  (works around keras-team/keras#20585).
- `tf_config`, `apply_worker_flags`, `cluster_info`, `free_ports`: the cluster.
- `launch_local`: start N local workers (`clara-keras launch --local N ...`).
- `search_env`, `apply_search_flags`: keras-tuner chief/worker search.

Nothing here imports a backend library at import time.
"""

import importlib

from clara_keras.distribute.cluster import ClusterInfo
from clara_keras.distribute.cluster import apply_worker_flags
from clara_keras.distribute.cluster import cluster_info
from clara_keras.distribute.cluster import free_ports
from clara_keras.distribute.cluster import tf_config
from clara_keras.distribute.fit import fit_multi_worker
from clara_keras.distribute.launcher import launch_local
from clara_keras.distribute.search import apply_search_flags
from clara_keras.distribute.search import search_env
from clara_keras.distribute.strategy import strategy

__all__ = [
    "ClusterInfo",
    "MultiWorkerTrainer",
    "apply_search_flags",
    "apply_worker_flags",
    "cluster_info",
    "fit_multi_worker",
    "free_ports",
    "launch_local",
    "search_env",
    "strategy",
    "tf_config",
]


def __getattr__(name):
    if name == "MultiWorkerTrainer":  # imports TensorFlow-facing code only when asked for
        return importlib.import_module("clara_keras.distribute.multi_worker_trainer").MultiWorkerTrainer
    raise AttributeError(f"module 'clara_keras.distribute' has no attribute {name!r}")
