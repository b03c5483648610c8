"""Run every ``benchmarks/bench_*.py``, one subprocess per backend, and write ``results/RESULTS.md``.

``make bench`` runs ``python benchmarks/run_all.py`` (the full, measured run for
the docs); ``make bench-quick`` adds ``--quick`` (a smoke run for CI: tiny
sizes, one repetition; its files end in ``_quick`` so they never replace the
measured results).

A bench runs on every backend unless it declares, at module level, a literal
``BACKENDS = ("tensorflow", "torch")`` (read without importing the file); a
literal ``VARIANTS = {"name": {"backend": "jax", "env": {"XLA_FLAGS": ...}}}``
adds full-mode runs with process-wide settings (passed ``--variant name``). Each
run is a fresh process with ``KERAS_BACKEND`` set, so the backends do not share
thread pools or compiled caches. Each bench writes
``results/<bench>_<backend>[_quick].json``; this script collects them into one
Markdown page (``RESULTS.md``, or ``RESULTS_quick.md`` in quick mode).

Examples:

```
python benchmarks/run_all.py --quick
python benchmarks/run_all.py --only backends roofline --backends jax
python benchmarks/run_all.py --report-only      # rebuild RESULTS.md from the JSON
```
"""

from __future__ import annotations

import argparse
import ast
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import common  # noqa: E402

ALL_BACKENDS = ("tensorflow", "jax", "torch")
# Column order and labels for the known benches; unknown benches get a generic table.
TITLES = {
    "overhead": "Wrapper overhead: clara_keras.Model (+ DataGenerator) vs plain keras.Sequential",
    "input_pipeline": "Input pipeline: DataGenerator vs tf.data / torch DataLoader",
    "backends": "Backends vs native PyTorch (mid-size CNN, batch 128, SGD)",
    "roofline": "Roofline: training GFLOP/s vs the float32 matmul peak",
    "search": "Search efficiency",
    "checkpoint": "Checkpoint cost: atomic .keras save every epoch vs none",
}
ORDER = ["overhead", "input_pipeline", "backends", "roofline", "search", "checkpoint"]
HIDDEN_COLUMNS = {"times_s"}


def discover(only: list[str] | None = None) -> list[Path]:
    """The bench scripts, in the documented order, optionally filtered by name (``overhead`` or ``bench_overhead``)."""
    scripts = sorted(HERE.glob("bench_*.py"))
    if only:
        wanted = {name.removeprefix("bench_").removesuffix(".py") for name in only}
        scripts = [s for s in scripts if s.stem.removeprefix("bench_") in wanted]
    rank = {name: i for i, name in enumerate(ORDER)}
    return sorted(scripts, key=lambda s: (rank.get(s.stem.removeprefix("bench_"), len(ORDER)), s.stem))


def _module_literal(script: Path, name: str):
    """The value of a literal module-level assignment ``name = ...`` in ``script`` (not imported), or None."""
    try:
        tree = ast.parse(script.read_text())
    except (OSError, SyntaxError):
        return None
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            try:
                return ast.literal_eval(node.value)
            except ValueError:
                return None
    return None


def declared_backends(script: Path) -> tuple[str, ...]:
    """The literal module-level ``BACKENDS`` tuple of a bench script, or all backends."""
    value = _module_literal(script, "BACKENDS")
    if not isinstance(value, (tuple, list)):
        return ALL_BACKENDS
    return tuple(b for b in value if b in ALL_BACKENDS)


def declared_variants(script: Path) -> dict[str, dict]:
    """The literal ``VARIANTS = {name: {"backend": ..., "env": {...}}}`` of a bench script (extra runs)."""
    value = _module_literal(script, "VARIANTS")
    if not isinstance(value, dict):
        return {}
    return {
        str(k): v
        for k, v in value.items()
        if isinstance(v, dict) and v.get("backend") in ALL_BACKENDS and isinstance(v.get("env", {}), dict)
    }


def run_one(
    script: Path,
    backend: str,
    quick: bool,
    out: Path,
    timeout: float,
    log,
    variant: str = "",
    env_extra=None,
    reps: int | None = None,
) -> dict:
    """Run one bench on one backend (optionally a named variant with extra env) in a fresh process."""
    env = dict(os.environ, KERAS_BACKEND=backend, TF_CPP_MIN_LOG_LEVEL="3", PYTHONUNBUFFERED="1")
    env.update({str(k): str(v) for k, v in (env_extra or {}).items()})
    cmd = [sys.executable, str(script), "--out", str(out)] + (["--quick"] if quick else [])
    if variant:
        cmd += ["--variant", variant]
    if reps:
        cmd += ["--reps", str(reps)]
    label = f"{backend}, {variant}" if variant else backend
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)
        status = "ok" if proc.returncode == 0 else f"exit {proc.returncode}"
        stdout, stderr = proc.stdout, proc.stderr
    except subprocess.TimeoutExpired as exc:
        status = f"timeout after {timeout:.0f} s"
        stdout = exc.stdout.decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        stderr = exc.stderr.decode() if isinstance(exc.stderr, bytes) else (exc.stderr or "")
    elapsed = time.perf_counter() - t0
    log.write(f"\n===== {script.name} [{label}] {status} in {elapsed:.1f} s =====\n{stdout}\n{stderr}\n")
    log.flush()
    if status == "ok":
        print(stdout.rstrip())
    else:
        print(f"{script.name} [{label}]: {status}\n{stderr[-3000:]}", file=sys.stderr)
    print(f"[{script.name} {label}: {status}, {elapsed:.1f} s]", flush=True)
    return {"bench": script.stem.removeprefix("bench_"), "backend": label, "status": status, "seconds": elapsed}


# -- report ------------------------------------------------------------------------------------
def _columns(rows: list[dict]) -> list[str]:
    cols: list[str] = []
    for row in rows:
        for key, value in row.items():
            if key in HIDDEN_COLUMNS or isinstance(value, (list, dict)) or key in cols:
                continue
            cols.append(key)
    return cols


def render_record(record: dict) -> str:
    rows = [r for r in record.get("rows", []) if isinstance(r, dict)]
    parts = []
    if rows:
        cols = _columns(rows)
        parts.append(common.markdown_table(cols, [[row.get(c, "") for c in cols] for row in rows]))
    for note in record.get("notes", []):
        parts.append(f"- {note}")
    return "\n\n".join(parts) if parts else "_(no rows)_"


# Targets set for the best backend: bench -> (row key of each clara candidate, what it is, wanted).
BEST_BACKEND_TARGETS = {
    "backends": ("vs_native_torch", "best clara backend vs native PyTorch", 1.4),
    "roofline": ("fraction_of_peak", "best clara backend's fraction of the matmul peak", 0.65),
}


def cross_backend_targets(records: list[dict]) -> list[tuple[str, str, dict]]:
    """Targets over all backends (each backend's run measures its own figure; the target is for the best one).

    A backend whose run failed its own sanity target (a roofline fraction above 1: the peak was measured
    too low) does not compete.
    """
    out = []
    for bench, (key, what, wanted) in BEST_BACKEND_TARGETS.items():
        best = {}
        for r in records:
            if r.get("bench") != bench or r.get("variant"):
                continue
            targets = r.get("targets", [])
            if any(str(t.get("name", "")).startswith("sanity") and t.get("status") != "met" for t in targets):
                continue
            clara_rows = [row for row in r.get("rows", []) if str(row.get("candidate", "")).startswith("clara")]
            if clara_rows:
                best[r.get("backend", "?")] = max(float(row[key]) for row in clara_rows)
        if best:
            winner = max(best, key=best.get)
            name = f"{what} ({winner}; " + ", ".join(f"{b} {v:.2f}" for b, v in sorted(best.items())) + ")"
            out.append((bench, "all", common.target(name, best[winner], wanted)))
    return out


def build_report(records: list[dict], runs: list[dict], quick: bool) -> str:
    """The Markdown page: a summary of all targets, then one section per bench with one table per backend."""
    lines = [
        "# Benchmark results" + (" (quick smoke run: sizes too small to mean anything)" if quick else ""),
        "",
        "Generated by `python benchmarks/run_all.py" + (" --quick" if quick else "") + "`. "
        "Every ratio compares candidates measured side by side, interleaved, in one process; "
        "absolute times depend on the machine and its load and are reported, never asserted.",
        "",
    ]
    if records:
        first = records[0]
        m, v = first.get("machine", {}), first.get("versions", {})
        created = sorted(r.get("created_utc", "") for r in records)
        lines += [
            f"Machine: {m.get('cpu_model', m.get('processor', '?'))}, {m.get('affinity_cores', m.get('cpu_count'))} cores, "
            f"{m.get('memory_gb', '?')} GB; Python {m.get('python', '?')}, Keras {v.get('keras', '?')}, "
            f"numpy {v.get('numpy', '?')}. Run {created[0]} .. {created[-1]}.",
            "",
        ]
        loads = [r["machine"]["load_average"][0] for r in records if r.get("machine", {}).get("load_average")]
        if loads:
            lines += [
                f"1-minute load average at the start of the benches: {min(loads):.1f} .. {max(loads):.1f} "
                f"(on {m.get('affinity_cores', m.get('cpu_count'))} cores; above the core count, the machine was shared "
                "and the spreads show it).",
                "",
            ]
        backend_versions = {}
        for r in records:
            ver = r.get("versions", {})
            lib = r.get("backend")
            if lib and lib in ver:
                backend_versions[lib] = ver[lib]
        if backend_versions:
            lines += ["Backends: " + ", ".join(f"{k} {val}" for k, val in sorted(backend_versions.items())) + ".", ""]
    targets = [
        (r["bench"], r.get("backend", ""), t) for r in records for t in r.get("targets", []) if isinstance(t, dict)
    ]
    targets += cross_backend_targets(records)
    if targets:
        lines += ["## Targets", ""]
        lines.append(
            common.markdown_table(
                ["bench", "backend", "target", "measured", "wanted", "status"],
                [
                    [b, be, t.get("name", ""), t.get("value", ""), t.get("target", ""), t.get("status", "")]
                    for b, be, t in targets
                ],
            )
        )
        lines.append("")
    if runs and all("seconds" in r for r in runs):
        lines += [
            f"This run: {len(runs)} bench processes in {sum(r['seconds'] for r in runs) / 60:.1f} minutes.",
            "",
        ]
    failed = [r for r in runs if r["status"] != "ok"]
    if failed:
        lines += ["## Runs that did not finish", ""]
        lines.append(
            common.markdown_table(
                ["bench", "backend", "status"], [[r["bench"], r["backend"], r["status"]] for r in failed]
            )
        )
        lines.append("")
    benches = sorted({r["bench"] for r in records}, key=lambda b: (ORDER.index(b) if b in ORDER else len(ORDER), b))
    for bench in benches:
        lines += [f"## {TITLES.get(bench, bench)}", ""]
        for record in [r for r in records if r["bench"] == bench]:
            title = record.get("backend", "?") + (f" ({record['variant']})" if record.get("variant") else "")
            lines += [f"### {title}", "", render_record(record), ""]
    return "\n".join(lines).rstrip() + "\n"


def write_report(out: Path, quick: bool, runs: list[dict]) -> Path:
    from clara_keras.io_utils import atomic_write_text

    records = common.load_results(out, quick=quick)
    path = out / ("RESULTS_quick.md" if quick else "RESULTS.md")
    atomic_write_text(path, build_report(records, runs, quick))
    return path


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke run (CI): tiny sizes, one repetition")
    parser.add_argument("--backends", nargs="+", default=None, choices=ALL_BACKENDS, help="default: all three")
    parser.add_argument("--only", nargs="+", default=None, help="bench names, e.g. overhead backends")
    parser.add_argument("--out", default=str(common.RESULTS_DIR))
    parser.add_argument("--timeout", type=float, default=None, help="seconds per bench and backend")
    parser.add_argument("--report-only", action="store_true", help="only rebuild the Markdown from the JSON files")
    parser.add_argument("--no-variants", action="store_true", help="skip the benches' extra VARIANTS runs")
    parser.add_argument("--reps", type=int, default=None, help="repetitions passed to every bench (default: theirs)")
    parser.add_argument(
        "--omp-passive",
        action="store_true",
        help="set OMP_WAIT_POLICY=PASSIVE in every bench (a shared, oversubscribed CPU: see benchmarks/README.md)",
    )
    args = parser.parse_args(argv)
    env_all = {"OMP_WAIT_POLICY": "PASSIVE"} if args.omp_passive else {}
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    backends = tuple(args.backends or ALL_BACKENDS)
    # Each bench bounds its own timed rounds (BUDGET_S); the timeout only catches a run gone wrong.
    timeout = args.timeout or (300.0 if args.quick else 900.0)
    runs: list[dict] = []
    if not args.report_only:
        t0 = time.perf_counter()
        with open(out / ("run_all_quick.log" if args.quick else "run_all.log"), "w") as log:
            for script in discover(args.only):
                # A bench whose full run is long by design (the search: 5 seeds x 6 searches) declares
                # a literal `TIMEOUT_S = ...`; --timeout overrides every bench's.
                declared = _module_literal(script, "TIMEOUT_S")
                limit = args.timeout or (declared if isinstance(declared, (int, float)) and not args.quick else timeout)
                for backend in declared_backends(script):
                    if backend in backends:
                        runs.append(
                            run_one(script, backend, args.quick, out, limit, log, env_extra=env_all, reps=args.reps)
                        )
                if args.quick or args.no_variants:
                    continue
                for name, spec in declared_variants(script).items():
                    if spec["backend"] in backends:
                        env = {**env_all, **(spec.get("env") or {})}
                        runs.append(run_one(script, spec["backend"], False, out, timeout, log, name, env))
        total = time.perf_counter() - t0
        print(f"\n{len(runs)} runs in {total:.0f} s")
        for r in sorted(runs, key=lambda r: -r["seconds"]):
            print(f"  {r['seconds']:7.1f} s  {r['bench']} [{r['backend']}] {r['status']}")
    path = write_report(out, args.quick, runs)
    print(f"report: {path}")
    return 0 if all(r["status"] == "ok" for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
