"""Smoke test of the benchmarks: each `--quick` run on the current backend writes a valid result JSON.

Timings are never asserted (the machines are shared and noisy); what is checked
is that each bench runs end to end in-process, that its record has the keys
`benchmarks/run_all.py` and the docs read, that its ratios are finite and
positive, and that `run_all.py` renders the records into Markdown.
"""

from __future__ import annotations

import importlib
import json
import math
import sys
from pathlib import Path

import keras
import pytest

BENCH_DIR = Path(__file__).resolve().parents[2] / "benchmarks"
sys.path.insert(0, str(BENCH_DIR))

common = importlib.import_module("common")

# bench module -> (row keys every row has, ratio keys that must be finite and > 0)
EXPECTED = {
    "bench_overhead": (
        {"workload", "candidate", "input", "s_per_epoch", "steps_per_s", "vs_plain_keras"},
        ("vs_plain_keras", "steps_per_s"),
    ),
    "bench_backends": (
        {"candidate", "s_per_epoch", "samples_per_s", "vs_native_torch", "vs_plain_keras"},
        ("vs_native_torch", "vs_plain_keras"),
    ),
    "bench_roofline": ({"candidate", "gflops", "fraction_of_peak"}, ("gflops", "fraction_of_peak")),
    "bench_checkpoint": ({"workload", "candidate", "s_per_epoch", "time_vs_none"}, ("time_vs_none",)),
    "bench_search": (
        {"candidate", "trials_to_target", "reached", "best_val_accuracy", "wall_time_vs_random"},
        ("trials_to_target", "wall_time_vs_random"),
    ),
}


def _run_quick(module_name: str, out: Path) -> dict:
    module = importlib.import_module(module_name)
    assert module.main(["--quick", "--out", str(out)]) == 0
    backend = keras.config.backend()
    path = out / f"{module.BENCH}_{backend}_quick.json"
    assert path.is_file(), sorted(p.name for p in out.iterdir())
    return json.loads(path.read_text())


@pytest.mark.slow
@pytest.mark.timeout(300)
@pytest.mark.parametrize("module_name", sorted(EXPECTED))
def test_quick_run_writes_valid_json(module_name, tmp_path):
    record = _run_quick(module_name, tmp_path)
    row_keys, ratio_keys = EXPECTED[module_name]
    assert set(common.RESULT_KEYS) <= set(record)
    assert record["backend"] == keras.config.backend()
    assert record["quick"] is True
    assert record["versions"]["keras"] == keras.__version__
    assert record["machine"]["cpu_count"] >= 1
    assert record["rows"], "a bench must report at least one row"
    for row in record["rows"]:
        assert row_keys <= set(row), (row_keys - set(row), row)
        for key in ratio_keys:
            assert math.isfinite(row[key]) and row[key] > 0, (key, row)
        assert all(t > 0 for t in row.get("times_s", [1.0]))
    for t in record["targets"]:
        assert t["status"] in ("met", "MISSED", "info (met)", "info (below)")
        assert math.isfinite(t["value"])
    # run_all renders it: one section titled after the bench, every row's candidate in the table.
    run_all = importlib.import_module("run_all")
    page = run_all.build_report([record], [], quick=True)
    assert run_all.TITLES[record["bench"]] in page
    for row in record["rows"]:
        assert str(row["candidate"]) in page


def test_flop_count_matches_hand_count():
    flops = common.mid_cnn_forward_flops()
    macs = 32 * 32 * 32 * 27 + 32 * 32 * 32 * 288 + 16 * 16 * 64 * 288 + 16 * 16 * 64 * 576 + 4096 * 128 + 128 * 10
    conv_dense = sum(v for k, v in flops.items() if k.startswith(("conv", "dense")))
    assert 2 * macs < conv_dense < 2 * macs * 1.01  # bias/ReLU add < 1 %


def test_interleaved_rotates_order_and_counts():
    calls = []
    times = common.interleaved({"a": lambda: calls.append("a"), "b": lambda: calls.append("b")}, reps=3, warmup=2)
    assert calls == ["a", "a", "b", "b", "a", "b", "b", "a", "a", "b"]
    assert {k: len(v) for k, v in times.items()} == {"a": 3, "b": 3}
    assert common.paired_ratio([2.0, 4.0, 6.0], [1.0, 1.0, 3.0]) == 2.0
    assert common.verdict(0.96, 0.97) == "MISSED" and common.verdict(1.04, 1.05, higher_is_better=False) == "met"


def test_report_lists_targets_and_failed_runs(tmp_path):
    run_all = importlib.import_module("run_all")
    record = common.result(
        "overhead",
        quick=False,
        settings={},
        rows=[{"candidate": "clara", "vs_plain_keras": 0.95, "times_s": [1.0]}],
        targets=[common.target("clara vs keras", 0.95, 0.97)],
        backend="jax",
    )
    common.write_result(record, tmp_path)
    assert [r["bench"] for r in common.load_results(tmp_path)] == ["overhead"]
    assert common.load_results(tmp_path, quick=True) == []
    page = run_all.build_report(
        common.load_results(tmp_path), [{"bench": "roofline", "backend": "torch", "status": "exit 1"}], False
    )
    assert "| overhead | jax | clara vs keras | 0.95 | >= 0.97x | MISSED |" in page
    assert "| roofline | torch | exit 1 |" in page
    assert "times_s" not in page
    script = tmp_path / "bench_x.py"
    script.write_text('BACKENDS = ("tensorflow", "torch")\n')
    assert run_all.declared_backends(script) == ("tensorflow", "torch")
    script.write_text("import os\n")
    assert run_all.declared_backends(script) == run_all.ALL_BACKENDS
    # the search's full run declares its own, longer limit (read without importing the file)
    assert run_all._module_literal(BENCH_DIR / "bench_search.py", "TIMEOUT_S") >= 1800


def test_best_backend_target_spans_backends_and_per_backend_rows_are_info():
    run_all = importlib.import_module("run_all")
    assert common.target("x", 0.5, 1.4, info=True)["status"] == "info (below)"
    assert common.target("x", 1.5, 1.4, info=True)["status"] == "info (met)"

    def record(backend, ratios, variant=None):
        rows = [{"candidate": name, "vs_native_torch": r} for name, r in ratios.items()]
        return {"bench": "backends", "backend": backend, "variant": variant, "rows": rows}

    records = [
        record("jax", {"clara": 1.1, "keras": 2.0}),
        record("tensorflow", {"clara": 1.3, "clara_jit": 1.45}),
        record("torch", {"clara": 0.8}),
        record("jax", {"clara": 9.0}, variant="diagnostic"),  # a variant never wins
        {"bench": "overhead", "backend": "jax", "rows": [{"candidate": "clara", "vs_native_torch": 5.0}]},
    ]
    [(bench, backend, t)] = run_all.cross_backend_targets(records)
    assert (bench, backend, t["value"], t["status"]) == ("backends", "all", 1.45, "met")
    assert "tensorflow; jax 1.10, tensorflow 1.45, torch 0.80" in t["name"]
    [(_, _, t)] = run_all.cross_backend_targets(records[:1] + records[2:])
    assert (t["value"], t["status"]) == (1.1, "MISSED")
    assert run_all.cross_backend_targets(records[-1:]) == []
    # the roofline: a backend whose own sanity check failed (fraction > 1: peak measured too low) is left out
    roof = [
        {"bench": "roofline", "backend": "jax", "rows": [{"candidate": "clara", "fraction_of_peak": 0.6}]},
        {
            "bench": "roofline",
            "backend": "torch",
            "rows": [{"candidate": "clara", "fraction_of_peak": 1.2}],
            "targets": [{"name": "sanity: every fraction of peak <= 1 (torch)", "status": "MISSED"}],
        },
    ]
    [(bench, _, t)] = run_all.cross_backend_targets(roof)
    assert (bench, t["value"], t["status"]) == ("roofline", 0.6, "MISSED") and "torch" not in t["name"]


def test_interleaved_budget_stops_after_min_reps():
    import time

    calls = []

    def slow():
        calls.append(1)
        time.sleep(0.02)

    times = common.interleaved({"a": slow, "b": slow}, reps=50, warmup=0, budget_s=0.01, min_reps=3)
    # the budget is spent in the first round, but min_reps rounds always run; every candidate gets as many
    assert {k: len(v) for k, v in times.items()} == {"a": 3, "b": 3}
    assert common.best_ratio([2.0, 1.0, 3.0], [0.5, 4.0, 1.0]) == 2.0


def test_roofline_peak_is_best_of_bursts_and_flags_fractions_above_one():
    roofline = importlib.import_module("bench_roofline")
    flops = roofline.flop_counts()
    assert flops["hand_count_macs_x2"] == roofline.hand_count_forward_flops()
    assert flops["train"] == 3 * flops["forward"]
    # peak: 100 GFLOP per matmul, fastest burst 1 s -> 100 GFLOP/s; a slow (disturbed) burst does not lower it;
    # the one-core matmuls (10 GFLOP, best 0.25 s -> 40 GFLOP/s x 2 cores = 80) are below it here
    bursts = {"all_cores": (100e9, [1.0, 3.0, 1.25]), "one_core": (10e9, [0.5, 0.25])}
    rows, targets, _ = roofline.roofline_rows(
        {"clara": [2.0, 4.0], "keras": [5.0, 5.0]}, 100e9, bursts, "jax", n_cores=2
    )
    by = {r["candidate"]: r for r in rows}
    assert by["numpy_matmul"]["gflops"] == 100.0
    assert by["numpy_matmul"]["one_core_x_cores_gflops"] == 80.0
    assert by["clara"]["fraction_of_peak"] == 0.5  # 50 GFLOP/s best epoch / 100 best matmul
    assert by["keras"]["fraction_of_peak"] == 0.2
    assert [t["status"] for t in targets] == ["info (below)", "met"]  # per backend: info (run_all judges the best)
    # an epoch faster than the "peak" means the peak was measured too low: the sanity target says so
    _, targets, _ = roofline.roofline_rows(
        {"clara": [0.5]}, 100e9, {"all_cores": (100e9, [1.0]), "one_core": (1e9, [1.0])}, "jax", 2
    )
    assert [t["status"] for t in targets] == ["MISSED", "MISSED"]  # 2.0 of "peak": the main figure is void
    assert "not valid" in targets[0]["name"]
    # when the all-core matmuls lost their cores, the one-core matmuls x cores set the peak
    peak = roofline.peak_flops({"all_cores": (100e9, [4.0]), "one_core": (10e9, [0.2])}, n_cores=2)
    assert peak["peak"] == 100e9 and peak["all_cores_best"] == 25e9
    run, bursts = roofline.matmul_runner(128, 2)
    run()
    assert [len(t) for _, t in bursts.values()] == [2, 2] and bursts["one_core"][0] == 2.0 * 64**3
    run_all = importlib.import_module("run_all")
    assert run_all.declared_backends(BENCH_DIR / "bench_roofline.py") == ()
    assert run_all.declared_backends(BENCH_DIR / "bench_overhead.py") == run_all.ALL_BACKENDS
