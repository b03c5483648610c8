"""Run every Python block of every tutorial page, and build the site with `mkdocs build --strict`.

Each page runs in order in one fresh namespace, in a temporary working directory, on the
backends the page declares (``<!-- backends: ... -->``; TensorFlow when it declares none). The
marker rules are in ``tests/helpers/tutorial_blocks.py`` and ``tutorials/contributing.md``.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import keras
import pytest
import yaml

from tests.helpers import tutorial_blocks as tb

ROOT = Path(__file__).resolve().parents[1]
TUTORIALS = ROOT / "tutorials"
PAGES = sorted(p for p in TUTORIALS.rglob("*.md"))
# API pages hold only mkdocstrings directives, no Python to run.
CODE_PAGES = [p for p in PAGES if "api" not in p.relative_to(TUTORIALS).parts]


def _page_id(path: Path) -> str:
    return str(path.relative_to(TUTORIALS))


# -- the collector itself -------------------------------------------------------------------------


def test_parser_runs_python_blocks_and_skips_marked_ones():
    text = "\n".join(
        [
            "<!-- backends: tensorflow torch -->",
            "# Title",
            "```python",
            "a = 1",
            "```",
            "<!-- no-run -->",
            "",
            "```python",
            "raise SystemExit('display only')",
            "```",
            "```bash",
            "echo not python",
            "```",
            "<!-- check",
            "assert a == 1",
            "-->",
            '=== "Tab"',
            "",
            "    ```python",
            "    b = a + 1",
            "",
            "    c = b",
            "    ```",
            "<!-- no-run -->",
            "Some words in between cancel the marker.",
            "``` {.python .annotate}",
            "d = 4",
            "```",
            '```python title="job.py"',
            "print('in a file')",
            "```",
        ]
    )
    page = tb.parse_text(text)
    assert [(b.kind, b.lineno, b.code) for b in page.blocks] == [
        ("code", 4, "a = 1\n"),
        ("check", 15, "assert a == 1\n"),
        ("code", 20, "b = a + 1\n\nc = b\n"),
        ("code", 27, "d = 4\n"),
        ("file", 30, "print('in a file')\n"),
    ]
    assert page.blocks[-1].filename == "job.py"
    assert page.skipped == (9,)
    assert page.backends == ("tensorflow", "torch")


def test_parser_rejects_unclosed_fence_and_unknown_backend():
    with pytest.raises(ValueError, match="never closed"):
        tb.parse_text("```python\nx = 1\n")
    with pytest.raises(ValueError, match="never closed"):
        tb.parse_text("<!-- check\nassert True\n")
    with pytest.raises(ValueError, match="unknown backend"):
        tb.parse_text("<!-- backends: tensorflow theano -->")


def test_file_blocks_are_written_not_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    page = tb.parse_text('```python title="job.py"\nraise SystemExit(3)\n```\n```python\nimport runpy\n```\n')
    namespace = {}
    for block in page.blocks:
        tb.run_block(block, "page.md", namespace)
    assert (tmp_path / "job.py").read_text() == "raise SystemExit(3)\n"
    assert "runpy" in namespace


def test_tracebacks_point_at_the_markdown_line(tmp_path):
    page = tb.parse_text("# t\n\n```python\nx = 1\ny = 1 / 0\n```\n", tmp_path / "page.md")
    code = tb.compile_block(page.blocks[0], tmp_path / "page.md")
    with pytest.raises(ZeroDivisionError) as info:
        exec(code, {})
    assert info.traceback[-1].lineno + 1 == 5  # pytest's lineno is 0-based


def test_every_page_is_in_the_navigation():
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)

    def walk(node):
        if isinstance(node, str):
            yield node
        elif isinstance(node, list):
            for item in node:
                yield from walk(item)
        elif isinstance(node, dict):
            for value in node.values():
                yield from walk(value)

    in_nav = set(walk(config["nav"]))
    on_disk = {str(p.relative_to(TUTORIALS)) for p in PAGES}
    assert on_disk - in_nav == set(), "pages missing from mkdocs.yml nav"
    assert in_nav - on_disk == set(), "nav entries without a page"


def test_every_code_page_has_runnable_python():
    # contributing.md only shows examples; the benchmark pages are included from benchmarks/ (bash only).
    display_only = {"contributing.md", "benchmarks.md", "benchmark_results.md"}
    empty = [_page_id(p) for p in CODE_PAGES if _page_id(p) not in display_only and not tb.parse_page(p).blocks]
    assert empty == []


# -- the pages ------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [p for p in CODE_PAGES if tb.parse_page(p).blocks], ids=_page_id)
def test_tutorial_page_runs(path, tmp_path, monkeypatch):
    page = tb.parse_page(path)
    if keras.config.backend() not in page.backends:
        pytest.skip(f"page runs on {', '.join(page.backends)}")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    keras.backend.clear_session()
    namespace = {"__name__": "__main__", "__file__": str(path)}
    for block in page.blocks:
        tb.run_block(block, path, namespace)


# -- the site -------------------------------------------------------------------------------------


@pytest.mark.skipif(keras.config.backend() != "tensorflow", reason="the site is built once, in the TensorFlow run")
def test_mkdocs_build_strict(tmp_path):
    site = tmp_path / "site"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "md-clipboard" in index or "content.code.copy" in index  # code copy buttons are enabled
    assert 'data-md-color-scheme="slate"' in index  # the dark half of the palette toggle
    quickstart = (site / "quickstart" / "index.html").read_text(encoding="utf-8")
    assert 'class="language-python highlight"' in quickstart
    assert 'cl</span><span class="o">.</span><span class="n">Conv2DLayer' in quickstart
    # The API reference is generated from the docstrings.
    layers = (site / "api" / "layers" / "index.html").read_text(encoding="utf-8")
    assert 'id="clara_keras.layers.Conv2DLayer"' in layers
    models = (site / "api" / "models" / "index.html").read_text(encoding="utf-8")
    assert 'id="clara_keras.models.Model.set_params"' in models
    # Hidden checks stay hidden: no `assert` reaches the visible text of a tutorial page.
    for page in CODE_PAGES:
        if _page_id(page) == "contributing.md":  # it shows a check as an example
            continue
        html_path = site / page.relative_to(TUTORIALS).with_suffix("") / "index.html"
        if page.name == "index.md":
            html_path = site / page.relative_to(TUTORIALS).with_name("index.html")
        visible = re.sub(r"<[^>]+>", "", re.sub(r"<!--.*?-->", "", html_path.read_text(encoding="utf-8"), flags=re.S))
        assert "assert " not in visible, f"a hidden check of {_page_id(page)} is visible"
    # Included files (pymdownx.snippets) were expanded.
    if (site / "benchmarks" / "index.html").exists():
        benchmarks = (site / "benchmarks" / "index.html").read_text(encoding="utf-8")
        assert "--8&lt;--" not in benchmarks and "Reproduce" in benchmarks
        results = (site / "benchmark_results" / "index.html").read_text(encoding="utf-8")
        assert "--8&lt;--" not in results and "<table>" in results
    # Every image a page shows was copied into the site.
    for html in site.rglob("*.html"):
        for src in re.findall(r'<img[^>]+src="([^"]+)"', html.read_text(encoding="utf-8")):
            if src.startswith(("http:", "https:", "data:")):
                continue
            target = (html.parent / src).resolve()
            assert target.is_file(), f"{html.relative_to(site)} shows a missing image {src}"
