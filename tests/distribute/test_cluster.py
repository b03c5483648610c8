"""TF_CONFIG, worker flags, ports, search variables and the local launcher (no backend work: all backends)."""

import io
import json
import sys

import pytest

from clara_keras import distribute
from clara_keras.distribute import launcher
from clara_keras.errors import ConfigError
from clara_keras.errors import DistributeError


def test_tf_config_names_every_worker_and_this_task():
    cfg = distribute.tf_config("10.0.0.1:2222, 10.0.0.2:2222", 1)
    assert cfg == {
        "cluster": {"worker": ["10.0.0.1:2222", "10.0.0.2:2222"]},
        "task": {"type": "worker", "index": 1},
    }


@pytest.mark.parametrize(
    ("workers", "index", "phrase"),
    [
        ("10.0.0.1", 0, "expected 'HOST:PORT'"),
        ("10.0.0.1:99999", 0, "port in 1..65535"),
        ("a:1,a:1", 0, "duplicates: a:1"),
        ("", 0, "empty worker list"),
        ("a:1,b:2", 2, "task_index=2"),
        ("a:1,b:2", -1, "integer in 0..1"),
    ],
)
def test_tf_config_rejects_bad_input(workers, index, phrase):
    with pytest.raises(ConfigError, match=phrase):
        distribute.tf_config(workers, index)


def test_apply_worker_flags_sets_tf_config_and_keras_distribution_vars():
    env = {}
    info = distribute.apply_worker_flags("127.0.0.1:7001,127.0.0.1:7002", 1, environ=env)
    assert json.loads(env["TF_CONFIG"])["task"] == {"type": "worker", "index": 1}
    assert env["KERAS_DISTRIBUTION_JOB_ADDRESSES"] == "127.0.0.1:7001,127.0.0.1:7002"
    assert (env["KERAS_DISTRIBUTION_NUM_PROCESSES"], env["KERAS_DISTRIBUTION_PROCESS_ID"]) == ("2", "1")
    assert (info.num_workers, info.rank, info.is_chief) == (2, 1, False)


def test_apply_worker_flags_without_flags_changes_nothing_and_half_flags_fail():
    env = {}
    assert distribute.apply_worker_flags(None, None, environ=env) is None
    assert env == {}
    with pytest.raises(ConfigError, match="--task-index is missing"):
        distribute.apply_worker_flags("a:1,b:2", None, environ=env)
    with pytest.raises(ConfigError, match="--workers is missing"):
        distribute.apply_worker_flags(None, 0, environ=env)


def test_cluster_info_reads_chief_first():
    cfg = {"cluster": {"chief": ["c:1"], "worker": ["w:1", "w:2"]}, "task": {"type": "worker", "index": 1}}
    info = distribute.cluster_info({"TF_CONFIG": json.dumps(cfg)})
    assert info.workers == ("c:1", "w:1", "w:2")
    assert (info.rank, info.is_chief, info.num_workers) == (2, False, 3)
    chief = distribute.cluster_info({"TF_CONFIG": json.dumps({**cfg, "task": {"type": "chief", "index": 0}})})
    assert chief.is_chief and chief.rank == 0
    assert distribute.cluster_info({}) is None


@pytest.mark.parametrize(
    ("raw", "phrase"),
    [
        ("{not json", "not valid JSON"),
        (json.dumps({"cluster": {"ps": ["a:1"]}, "task": {"type": "ps", "index": 0}}), "parameter servers"),
        (json.dumps({"cluster": {"worker": ["a:1"]}, "task": {"type": "worker", "index": 3}}), "worker:3 is not in"),
    ],
)
def test_cluster_info_rejects_bad_tf_config(raw, phrase):
    with pytest.raises(DistributeError, match=phrase):
        distribute.cluster_info({"TF_CONFIG": raw})


def test_free_ports_are_distinct_and_bindable():
    import socket

    ports = distribute.free_ports(3)
    assert len(set(ports)) == 3
    for port in ports:
        with socket.socket() as s:
            s.bind(("127.0.0.1", port))
    with pytest.raises(ConfigError, match="positive integer"):
        distribute.free_ports(0)


def test_search_env_and_flags():
    assert distribute.search_env("chief", "127.0.0.1:8000") == {
        "KERASTUNER_TUNER_ID": "chief",
        "KERASTUNER_ORACLE_IP": "127.0.0.1",
        "KERASTUNER_ORACLE_PORT": "8000",
    }
    env = {}
    assert distribute.apply_search_flags(worker="10.0.0.1:8000", tuner_id="w7", environ=env) == "worker"
    assert env["KERASTUNER_TUNER_ID"] == "w7" and env["KERASTUNER_ORACLE_PORT"] == "8000"
    assert distribute.apply_search_flags(environ={}) is None
    with pytest.raises(ConfigError, match="not both"):
        distribute.apply_search_flags(chief="a:1", worker="a:1", environ={})
    with pytest.raises(ConfigError, match="must not contain 'chief'"):
        distribute.search_env("worker", "a:1", tuner_id="chief2")
    with pytest.raises(ConfigError, match="'chief' or 'worker'"):
        distribute.search_env("boss", "a:1")


def test_worker_environments_give_each_worker_its_own_task():
    envs = launcher.worker_environments(3, base_env={"TF_CONFIG": "stale", "PATH": "/bin"})
    configs = [json.loads(e["TF_CONFIG"]) for e in envs]
    workers = configs[0]["cluster"]["worker"]
    assert len(set(workers)) == 3 and all(w.startswith("127.0.0.1:") for w in workers)
    assert [c["task"]["index"] for c in configs] == [0, 1, 2]
    assert all(c["cluster"]["worker"] == workers for c in configs)
    search = launcher.worker_environments(2, search=True, base_env={})
    assert [e["KERASTUNER_TUNER_ID"] for e in search] == ["chief", "worker0", "worker1"]
    assert len({e["KERASTUNER_ORACLE_PORT"] for e in search}) == 1


def test_worker_command_forms(tmp_path):
    script = tmp_path / "job.py"
    script.write_text("")
    assert launcher.worker_command([str(script), "--x"], python="py") == ["py", str(script), "--x"]
    assert launcher.worker_command(["train", "--epochs", "2"], python="py") == [
        "py",
        "-m",
        "clara_keras",
        "train",
        "--epochs",
        "2",
    ]
    with pytest.raises(ConfigError, match="does not exist"):
        launcher.worker_command([str(tmp_path / "missing.py")])
    with pytest.raises(ConfigError, match="Nothing to launch"):
        launcher.worker_command([])


def _script(tmp_path, body):
    path = tmp_path / "w.py"
    path.write_text("import json, os, sys, time\nrank = json.loads(os.environ['TF_CONFIG'])['task']['index']\n" + body)
    return str(path)


def test_launch_local_streams_prefixed_output_and_succeeds(tmp_path):
    script = _script(tmp_path, "print('hello from', rank, os.environ['KERAS_DISTRIBUTION_NUM_PROCESSES'])\n")
    out = io.StringIO()
    assert distribute.launch_local(2, [script], out=out, timeout=60) == 0
    lines = sorted(out.getvalue().splitlines())
    assert lines == ["[worker 0] hello from 0 2", "[worker 1] hello from 1 2"]


def test_launch_local_fails_fast_and_stops_the_other_workers(tmp_path):
    script = _script(tmp_path, "if rank == 1:\n    sys.exit(3)\ntime.sleep(60)\n")
    out = io.StringIO()
    import time

    start = time.monotonic()
    assert distribute.launch_local(2, [script], out=out, timeout=60) == 3
    assert time.monotonic() - start < 20
    assert "failed (worker 1), exit status 3" in out.getvalue()


def test_launch_local_timeout_returns_124(tmp_path):
    script = _script(tmp_path, "time.sleep(60)\n")
    out = io.StringIO()
    assert distribute.launch_local(1, [script], out=out, timeout=1) == 124
    assert "timeout after 1 s" in out.getvalue()


def test_cli_launch_exit_status_and_bad_options(tmp_path, capsys):
    from clara_keras.cli import main

    script = _script(tmp_path, "sys.exit(0 if rank == 0 else 5)\n")
    assert main(["launch", "--local", "2", "--timeout", "60", script]) == 5
    assert main(["launch", "--local", "0", script]) == 2
    assert "expected a positive integer" in capsys.readouterr().err
    assert main(["launch", "--local", "1", str(tmp_path / "nope.py")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert sys.executable
