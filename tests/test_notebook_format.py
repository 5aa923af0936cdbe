"""Static checks of every notebook: no outputs, valid nbgrader metadata, independent exercises."""

from __future__ import annotations

import re

import nbformat
import pytest
from nbutils import (CHAPTERS, MARKERS, exercises, is_solution, is_test, loaded_names, assigned_names,
                     nbgrader_meta, read, released, source_notebooks)

SOURCES = source_notebooks()
IDS = [p.parent.name for p in SOURCES]


def test_there_are_chapters():
    assert SOURCES, "no notebooks in solutions/"
    assert sorted(p.parent.name for p in CHAPTERS.glob("*/*.ipynb")) == IDS, \
        "chapters/ and solutions/ do not hold the same chapters; run `make release`"


@pytest.mark.parametrize("path", SOURCES + [released(p) for p in SOURCES],
                         ids=[f"solutions/{i}" for i in IDS] + [f"chapters/{i}" for i in IDS])
def test_committed_without_outputs(path):
    nb = read(path)
    nbformat.validate(nb)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name} cell {i} has outputs; strip them before committing"
            assert cell.execution_count is None, f"{path.name} cell {i} has an execution count"
    assert nb.metadata["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("path", SOURCES, ids=IDS)
def test_nbgrader_metadata(path):
    nb = read(path)
    ids = [nbgrader_meta(c)["grade_id"] for c in nb.cells if nbgrader_meta(c)]
    assert len(ids) == len(set(ids)), f"duplicate grade_id in {path.name}: {sorted(ids)}"
    for cell in nb.cells:
        meta = nbgrader_meta(cell)
        if not meta:
            continue
        assert meta["schema_version"] == 3 and re.fullmatch(r"[a-z0-9-]+", meta["grade_id"])
        if is_solution(cell):
            assert cell.cell_type == "code" and not meta["locked"]
            assert "### BEGIN SOLUTION" in cell.source and "### END SOLUTION" in cell.source
            assert "raise NotImplementedError" not in cell.source
            # A stub keeps its signature and docstring: the solution is inside the body.
            head = cell.source.split("### BEGIN SOLUTION")[0]
            assert re.search(r"^def \w+\(.*\):", head, re.M) and '"""' in head, \
                f"{meta['grade_id']}: put the signature and docstring above BEGIN SOLUTION"
        if is_test(cell):
            assert meta["locked"] and meta["points"] > 0
            assert "### BEGIN HIDDEN TESTS" in cell.source, f"{meta['grade_id']} has no hidden tests"
            visible = cell.source.split("### BEGIN HIDDEN TESTS")[0]
            assert "assert" in visible, f"{meta['grade_id']} has no visible test"
            # Unsolved exercises must not show tracebacks on the website.
            assert {"raises-exception", "remove-output"} <= set(cell.metadata.get("tags", []))
        if not (is_solution(cell) or is_test(cell)):
            assert meta["locked"], f"{meta['grade_id']}: a non-graded nbgrader cell should be read-only"


@pytest.mark.parametrize("path", SOURCES, ids=IDS)
def test_every_exercise_is_graded_and_announced(path):
    nb = read(path)
    found = exercises(nb)
    assert len(found) >= 4, f"{path.name} has {len(found)} exercises, at least 4 expected"
    tests = [nbgrader_meta(c)["grade_id"] for c in nb.cells if is_test(c)]
    assert sorted(tests) == sorted(e.test_id for e in found), "every test cell belongs to exactly one exercise"
    headings = [c.source for c in nb.cells if c.cell_type == "markdown" and "✏️ Exercise" in c.source]
    announced = [int(m) for h in headings for m in re.findall(r"✏️ Exercise \d+ \((\d+) points?\)", h)]
    assert announced == [e.points for e in found], "exercise headings must state the points the tests award"
    total = sum(e.points for e in found)
    intro = nb.cells[0].source
    assert f"{len(found)} exercises" in intro.replace("Five", "5") or f"({total} points" in intro


@pytest.mark.parametrize("path", SOURCES, ids=IDS)
def test_narrative_never_reads_names_set_by_tests_or_answers(path):
    """Rule: no later cell depends on a student's answer or on what a test cell left behind.

    Walk the cells in order, remember which cell last bound each name, and fail if a
    narrative cell reads a name that a solution or test cell bound last.
    """
    nb = read(path)
    last_binder: dict[str, str] = {}
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        graded = is_solution(cell) or is_test(cell)
        if not graded:
            # Names the cell binds itself are its own (an approximation: it ignores order).
            for name in loaded_names(cell.source) - assigned_names(cell.source):
                binder = last_binder.get(name)
                assert binder is None or not binder.startswith("graded"), \
                    f"cell {i} reads {name!r}, last set by {binder}; define it in a narrative cell"
        for name in assigned_names(cell.source):
            last_binder[name] = f"graded cell {nbgrader_meta(cell).get('grade_id')}" if graded else f"cell {i}"


def test_released_notebooks_have_no_markers():
    for path in CHAPTERS.glob("*/*.ipynb"):
        text = path.read_text(encoding="utf-8")
        for marker in MARKERS:
            assert marker not in text, f"{path} contains {marker!r}"
