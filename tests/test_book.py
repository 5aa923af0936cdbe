"""The website builds from a clean state, renders every page, and leaks nothing."""

from __future__ import annotations

import ast
import html
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from nbutils import (MARKERS, ROOT, executed, figure_cells, inline_math, is_solution, is_test, read, released,
                     secret_lines, source_notebooks)

# The build is a session fixture shared with test_student_notebooks: keep them on one xdist worker.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("book")]


class _Text(HTMLParser):
    """Collect the visible text of an HTML page (code blocks keep their line breaks)."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data):
        self.parts.append(data)


def _text(page: Path) -> str:
    parser = _Text()
    parser.feed(page.read_text(encoding="utf-8"))
    return html.unescape("".join(parser.parts))


def _toc_files(node) -> list[str]:
    files = []
    if isinstance(node, dict):
        if "file" in node:
            files.append(node["file"])
        for value in node.values():
            files += _toc_files(value)
    elif isinstance(node, list):
        for item in node:
            files += _toc_files(item)
    return files


def _only_defines(source: str) -> bool:
    """True for a cell that only imports and defines functions or classes (nothing to show)."""
    body = ast.parse(source).body
    return bool(body) and all(isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.ClassDef))
                              for node in body)


@pytest.fixture
def site(book):
    """The book, built once per session by conftest.book: (build folder, log)."""
    return book


def test_build_has_no_warnings(site):
    _, log = site
    warnings = [line for line in log.splitlines() if re.search(r"WARNING|ERROR", line) and "TCP" not in line]
    assert not warnings, "the book build warned:\n" + "\n".join(warnings)
    assert "build succeeded" in log


def test_every_toc_entry_has_a_page(site):
    build, _ = site
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    entries = [toc["root"], *_toc_files(toc.get("parts", toc.get("chapters", [])))]
    assert "chapters/01-rnn-anatomy/rnn_anatomy" in entries
    for entry in entries:
        assert (build / "html" / f"{entry}.html").is_file(), f"no page for _toc.yml entry {entry}"
    assert (build / "html" / "index.html").is_file()
    for page in (build / "html").rglob("*.html"):
        for ref in re.findall(r'(?:href|src)="([^"#?:]+\.(?:html|png|svg))"', page.read_text(encoding="utf-8")):
            assert (page.parent / ref).resolve().is_file(), f"{page.name} links to missing {ref}"


def test_landing_page_lists_the_chapter(site):
    build, _ = site
    text = _text(build / "html" / "intro.html")
    assert "RNNs for NLP" in text and "RNN anatomy" in text


@pytest.mark.parametrize("source", source_notebooks(), ids=lambda p: p.parent.name)
def test_chapter_page_shows_equations_figures_and_exercises(site, source):
    build, _ = site
    rel = Path("chapters") / source.parent.name / source.stem
    page = build / "html" / f"{rel}.html"
    raw = page.read_text(encoding="utf-8")
    text = _text(page)
    formulas = inline_math(read(source))
    assert formulas, "the chapter has no inline formula to look for"
    missing = [f for f in formulas if f not in text]
    assert len(missing) < len(formulas) / 2, f"the equations are missing, e.g. {missing[:3]}"
    images = re.findall(r'<img[^>]+src="([^"]+\.png)"', raw)
    expected = figure_cells(read(source))
    assert expected >= 1 and len(images) >= expected, \
        f"expected the chapter's {expected} figures, found {len(images)}"
    assert text.count("raise NotImplementedError()") >= sum(1 for c in read(source).cells if is_solution(c)), \
        "every exercise should show its stub"
    assert "Traceback" not in text and "output traceback" not in raw, "a traceback is shown on the website"

    for i, cell in enumerate(read(executed(build, released(source))).cells):
        if cell.cell_type != "code":
            continue
        if not (is_solution(cell) or is_test(cell) or _only_defines(cell.source)):
            assert cell.outputs, f"cell {i} shows no output on the website:\n{cell.source[:200]}"
            assert all(o.output_type != "error" for o in cell.outputs), f"cell {i} failed in the book build"


def test_site_leaks_no_solution_or_hidden_test(site):
    build, _ = site
    notebooks = [read(p) for p in source_notebooks()]
    secrets = set().union(*(secret_lines(nb, *notebooks) for nb in notebooks))
    for path in (build / "html").rglob("*"):
        if not path.is_file() or path.suffix not in {".html", ".ipynb", ".txt", ".js", ".md", ".json"}:
            continue
        if path.suffix == ".html":
            text = _text(path)
        elif path.suffix == ".ipynb":
            text = "\n".join(cell.source for cell in read(path).cells)
        else:
            text = path.read_text(encoding="utf-8", errors="replace")
        for marker in MARKERS:
            assert marker not in text, f"{path.name} contains {marker!r}"
        leaked = secrets & {line.strip() for line in text.splitlines()}
        assert not leaked, f"{path.relative_to(build)} contains solution or hidden-test code: {sorted(leaked)[:3]}"
