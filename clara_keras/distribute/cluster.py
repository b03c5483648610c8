"""The cluster a process belongs to: `TF_CONFIG`, worker flags, chief election, free ports.

Nothing here imports TensorFlow, JAX or torch: these helpers run before the
backend is chosen (the CLI sets `TF_CONFIG` from `--workers` before Keras is
imported).
"""

from __future__ import annotations

import dataclasses
import json
import os
import socket
from collections.abc import Mapping
from collections.abc import Sequence

from clara_keras.errors import ConfigError
from clara_keras.errors import DistributeError

__all__ = [
    "ClusterInfo",
    "cluster_info",
    "tf_config",
    "parse_workers",
    "apply_worker_flags",
    "free_ports",
    "keras_distribution_env",
]

_TASK_TYPES = ("chief", "worker")


@dataclasses.dataclass(frozen=True)
class ClusterInfo:
    """Where this process sits in a multi-worker job.

    Attributes:
        workers: Tuple of ``"host:port"`` addresses, chief first when the
            cluster has a ``chief`` task.
        task_type: ``"chief"`` or ``"worker"``.
        task_index: Index of this process within its task type.
        rank: Global index of this process in `workers` (0 is the chief).
    """

    workers: tuple[str, ...]
    task_type: str
    task_index: int
    rank: int

    @property
    def num_workers(self) -> int:
        return len(self.workers)

    @property
    def is_chief(self) -> bool:
        """Whether this process writes the shared files (best checkpoint, history)."""
        return self.rank == 0


def _check_address(address: str) -> str:
    address = str(address).strip()
    host, sep, port = address.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ConfigError(
            f"Received an invalid worker address, expected 'HOST:PORT' with a port in 1..65535. Received: {address!r}"
        )
    return address


def parse_workers(workers: str | Sequence[str]) -> list[str]:
    """Parse ``"host:port,host:port"`` (or a list of addresses) into a checked list.

    Raises:
        ConfigError: an empty list, a malformed address or a duplicate.
    """
    items = workers.split(",") if isinstance(workers, str) else list(workers)
    items = [_check_address(w) for w in items if str(w).strip()]
    if not items:
        raise ConfigError(f"Received an empty worker list, expected 'HOST:PORT,HOST:PORT'. Received: {workers!r}")
    dupes = sorted({w for w in items if items.count(w) > 1})
    if dupes:
        raise ConfigError(f"Each worker address must appear once. Received duplicates: {', '.join(dupes)}")
    return items


def tf_config(workers: str | Sequence[str], task_index: int) -> dict:
    """The `TF_CONFIG` dict for worker ``task_index`` of ``workers``.

    Worker 0 is the chief (it writes the best checkpoint and the history).

    Args:
        workers: ``"host:port,host:port"`` or a list of addresses; the same
            list, in the same order, on every worker.
        task_index: Integer, this worker's position in ``workers``.

    Returns:
        ``{"cluster": {"worker": [...]}, "task": {"type": "worker", "index": i}}``.

    Example:

    ```python
    import json, os
    cfg = clara_keras.distribute.tf_config("10.0.0.1:12345,10.0.0.2:12345", 1)
    os.environ["TF_CONFIG"] = json.dumps(cfg)
    ```
    """
    items = parse_workers(workers)
    if isinstance(task_index, bool) or not isinstance(task_index, int) or not 0 <= task_index < len(items):
        raise ConfigError(
            f"Received an invalid value for `task_index`, expected an integer in 0..{len(items) - 1} "
            f"(one per worker address). Received: task_index={task_index!r}"
        )
    return {"cluster": {"worker": items}, "task": {"type": "worker", "index": task_index}}


def apply_worker_flags(
    workers: str | Sequence[str] | None, task_index: int | None, environ: dict | None = None
) -> ClusterInfo | None:
    """Set `TF_CONFIG` from ``--workers HOST:PORT,... --task-index I``.

    Call it before Keras (or at least before any TensorFlow op) runs. On the
    JAX backend the same flags also set ``KERAS_DISTRIBUTION_JOB_ADDRESSES``,
    ``KERAS_DISTRIBUTION_NUM_PROCESSES`` and ``KERAS_DISTRIBUTION_PROCESS_ID``
    (read by `keras.distribution.initialize`), so one command line serves both.

    Args:
        workers: The worker list, or `None` (no flags: nothing is changed).
        task_index: This process's index in ``workers``.
        environ: Mapping to update. Defaults to `os.environ`.

    Returns:
        The resulting `ClusterInfo`, or `None` when ``workers`` is `None`.

    Raises:
        ConfigError: ``--task-index`` without ``--workers`` or the reverse,
            or bad values.
    """
    env = os.environ if environ is None else environ
    if workers is None and task_index is None:
        return None
    if workers is None or task_index is None:
        missing = "--task-index" if task_index is None else "--workers"
        raise ConfigError(
            f"`--workers` and `--task-index` go together: {missing} is missing. "
            f"Received: workers={workers!r}, task_index={task_index!r}"
        )
    config = tf_config(workers, task_index)
    env["TF_CONFIG"] = json.dumps(config)
    env.update(keras_distribution_env(config["cluster"]["worker"], task_index))
    return cluster_info(env)


def keras_distribution_env(workers: Sequence[str], process_id: int) -> dict[str, str]:
    """The variables `keras.distribution.initialize` reads (JAX multi-process)."""
    return {
        "KERAS_DISTRIBUTION_JOB_ADDRESSES": ",".join(workers),
        "KERAS_DISTRIBUTION_NUM_PROCESSES": str(len(workers)),
        "KERAS_DISTRIBUTION_PROCESS_ID": str(int(process_id)),
    }


def cluster_info(environ: Mapping[str, str] | None = None) -> ClusterInfo | None:
    """Read `TF_CONFIG` into a `ClusterInfo` (`None` when it is unset or names no cluster).

    Raises:
        DistributeError: `TF_CONFIG` is not valid JSON or its task is not in its cluster.
    """
    env = os.environ if environ is None else environ
    raw = env.get("TF_CONFIG", "").strip()
    if not raw:
        return None
    try:
        config = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise DistributeError(f"TF_CONFIG is not valid JSON ({exc.msg}). Received: TF_CONFIG={raw[:200]!r}") from None
    if not isinstance(config, dict):
        raise DistributeError(f"TF_CONFIG must be a JSON object. Received: {raw[:200]!r}")
    cluster = config.get("cluster") or {}
    task = config.get("task") or {}
    unknown = sorted(set(cluster) - set(_TASK_TYPES))
    if unknown:
        raise DistributeError(
            f"TF_CONFIG cluster has task types {unknown}; clara_keras multi-worker training uses only "
            f"{list(_TASK_TYPES)} (parameter servers and evaluators are not supported)."
        )
    ordered = [*cluster.get("chief", []), *cluster.get("worker", [])]
    if not ordered:
        return None
    task_type = task.get("type", "worker")
    task_index = task.get("index", 0)
    if task_type not in _TASK_TYPES or not isinstance(task_index, int):
        raise DistributeError(
            f"TF_CONFIG task must be {{'type': 'chief'|'worker', 'index': int}}. Received: task={task!r}"
        )
    members = cluster.get(task_type, [])
    if not 0 <= task_index < len(members):
        raise DistributeError(
            f"TF_CONFIG task {task_type}:{task_index} is not in the cluster, which has "
            f"{len(members)} {task_type} address(es): {members}"
        )
    rank = task_index if task_type == "chief" else len(cluster.get("chief", [])) + task_index
    return ClusterInfo(workers=tuple(ordered), task_type=task_type, task_index=task_index, rank=rank)


def free_ports(n: int, host: str = "127.0.0.1") -> list[int]:
    """``n`` distinct TCP ports that are free on ``host`` right now.

    The sockets are bound together (so the ports differ) and closed before
    returning; a port can in principle be taken by another program before it
    is used, as with any "find a free port" helper.
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ConfigError(f"Received an invalid value for `n`, expected a positive integer. Received: n={n!r}")
    sockets = []
    try:
        for _ in range(n):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((host, 0))
            sockets.append(s)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()
