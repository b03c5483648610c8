"""Read the Python code of the tutorial pages (``tutorials/**/*.md``) so the test suite can run it.

The rules, also written down for page authors in ``tutorials/contributing.md``:

- Every fenced block whose language is ``python`` (or ``py``, ``pycon`` is never run) is executed,
  in page order, in one fresh namespace per page. Blocks inside tabs or admonitions (indented) count
  too; their indentation is removed.
- A block meant only for display carries the HTML comment ``<!-- no-run -->`` on the line before
  its fence (blank lines between are allowed). The comment is invisible on the site and the block
  still highlights as Python.
- A hidden check is an HTML comment that starts with ``<!-- check`` and ends with ``-->``; the lines
  in between are Python, run at that point of the page like a visible block (use them for
  ``assert`` statements that would distract a reader).
- A Python block with a file name as its title, `` ```python title="train.py" `` (Material shows
  the name above the block), is not run in the page: its code is written to that file in the
  working directory, so that later blocks can run it as a script (for example in subprocesses).
- A page says on which backends it runs with ``<!-- backends: tensorflow jax torch -->`` anywhere
  in it; without it a page runs on TensorFlow only.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

__all__ = ["Block", "Page", "parse_page", "parse_text", "ALL_BACKENDS", "DEFAULT_BACKENDS"]

ALL_BACKENDS = ("tensorflow", "jax", "torch")
DEFAULT_BACKENDS = ("tensorflow",)
RUN_LANGUAGES = {"python", "py", "python3"}

_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^`]*)$")
_NO_RUN = re.compile(r"^[ \t]*<!--[ \t]*no-run[ \t]*-->[ \t]*$")
_CHECK_OPEN = re.compile(r"^(?P<indent>[ \t]*)<!--[ \t]*check[ \t]*$")
_CHECK_CLOSE = re.compile(r"^[ \t]*-->[ \t]*$")
_TITLE = re.compile(r"""title=(?P<q>["'])(?P<title>[^"']*)(?P=q)""")
_FILENAME = re.compile(r"^[\w.-]+\.py$")
_BACKENDS = re.compile(r"<!--[ \t]*backends:(?P<names>[^>]*)-->")


@dataclasses.dataclass(frozen=True)
class Block:
    """One piece of Python to run.

    Attributes:
        code: The source, dedented.
        lineno: 1-based line of the first code line in the Markdown file.
        kind: ``"code"`` (a visible block), ``"check"`` (a hidden check) or ``"file"`` (a block
            titled with a file name, written to that file instead of being run).
        filename: For ``"file"`` blocks, the file name.
    """

    code: str
    lineno: int
    kind: str = "code"
    filename: str | None = None


@dataclasses.dataclass(frozen=True)
class Page:
    """The runnable content of one page."""

    path: Path | None
    blocks: tuple[Block, ...]
    skipped: tuple[int, ...]  # first lines of Python blocks marked no-run
    backends: tuple[str, ...]


def _language(info: str) -> str:
    info = info.strip()
    if info.startswith("{"):  # ``` {.python .title} attribute form
        classes = re.findall(r"\.([\w+-]+)", info)
        return classes[0].lower() if classes else ""
    return info.split()[0].lower() if info else ""


def _dedent(lines: list[str], indent: str) -> str:
    out = []
    for line in lines:
        if line.startswith(indent):
            out.append(line[len(indent) :])
        elif line.strip() == "":
            out.append("")
        else:
            raise ValueError(f"Code line {line!r} is indented less than its fence ({indent!r}).")
    return "\n".join(out) + "\n"


def parse_text(text: str, path: Path | None = None) -> Page:
    """Parse Markdown text into a `Page` (see the module docstring for the rules)."""
    lines = text.splitlines()
    blocks: list[Block] = []
    skipped: list[int] = []
    no_run_pending = False
    where = f"{path}" if path else "<text>"
    i = 0
    while i < len(lines):
        line = lines[i]
        if _NO_RUN.match(line):
            no_run_pending = True
            i += 1
            continue
        check = _CHECK_OPEN.match(line)
        if check:
            start = i + 1
            j = start
            while j < len(lines) and not _CHECK_CLOSE.match(lines[j]):
                j += 1
            if j == len(lines):
                raise ValueError(f"{where}:{i + 1}: `<!-- check` is never closed with `-->`.")
            blocks.append(Block(_dedent(lines[start:j], check.group("indent")), start + 1, "check"))
            no_run_pending = False
            i = j + 1
            continue
        fence = _FENCE.match(line)
        if fence:
            indent, mark = fence.group("indent"), fence.group("fence")
            closing = re.compile(rf"^[ \t]*{re.escape(mark[0])}{{{len(mark)},}}[ \t]*$")
            start = i + 1
            j = start
            while j < len(lines) and not closing.match(lines[j]):
                j += 1
            if j == len(lines):
                raise ValueError(f"{where}:{i + 1}: code fence {mark!r} is never closed.")
            info = fence.group("info")
            if _language(info) in RUN_LANGUAGES:
                title = _TITLE.search(info)
                code = _dedent(lines[start:j], indent)
                if no_run_pending:
                    skipped.append(start + 1)
                elif title and _FILENAME.match(title.group("title")):
                    blocks.append(Block(code, start + 1, "file", title.group("title")))
                else:
                    blocks.append(Block(code, start + 1, "code"))
            no_run_pending = False
            i = j + 1
            continue
        if line.strip():
            no_run_pending = False
        i += 1
    backends = DEFAULT_BACKENDS
    found = _BACKENDS.search(text)
    if found:
        backends = tuple(found.group("names").split())
        unknown = set(backends) - set(ALL_BACKENDS)
        if unknown or not backends:
            raise ValueError(f"{where}: unknown backend(s) {sorted(unknown)} in `<!-- backends: ... -->`.")
    return Page(path=path, blocks=tuple(blocks), skipped=tuple(skipped), backends=backends)


def parse_page(path: str | Path) -> Page:
    """Parse a Markdown file into a `Page`."""
    path = Path(path)
    return parse_text(path.read_text(encoding="utf-8"), path)


def run_block(block: Block, path: str | Path, namespace: dict) -> None:
    """Run one block in ``namespace`` (or write it to its file, for ``"file"`` blocks)."""
    if block.kind == "file":
        Path(block.filename).write_text(block.code, encoding="utf-8")
        return
    exec(compile_block(block, path), namespace)


def compile_block(block: Block, path: str | Path):
    """Compile a block so that tracebacks show the Markdown file and its real line numbers."""
    return compile("\n" * (block.lineno - 1) + block.code, str(path), "exec")
