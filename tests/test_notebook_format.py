"""Static checks of every notebook: no outputs, valid nbgrader metadata, independent exercises.

The exercise convention: an exercise is one answer cell (nbgrader ``solution``) with a
grade_id like ``ex2-rnn-forward``, followed by one or more test cells, one per requirement,
named ``<answer id>-test-<part>`` (``ex2-rnn-forward-test-shapes``, ...), each worth its own
points. The heading above it, ``### ✏️ Exercise 2 (3 points): ...``, announces the sum.
"""

from __future__ import annotations

import ast
import re

import nbformat
import pytest
from nbutils import (CHAPTERS, HIDDEN_REGION, KERNEL_NAMES, MARKERS, TEST_INFIX, exercises, grade_id, is_setup,
                     is_solution, is_test, nbgrader_meta, owners_of, read, released, source_notebooks,
                     top_level_names, unbound_reads)

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


def _is_code(line: str) -> bool:
    return bool(line.strip()) and not line.strip().startswith("#")


def _asserts(code: str) -> bool:
    """True if ``code`` checks something: an assert statement, a call to an ``assert*``
    helper (course_utils.assert_close, ...) or ``raise AssertionError``."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return "assert" in code
    for node in ast.walk(tree):
        if isinstance(node, ast.Assert):
            return True
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            if name.startswith("assert"):
                return True
        if isinstance(node, ast.Raise) and node.exc is not None and "AssertionError" in ast.unparse(node.exc):
            return True
    return False


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
            # A stub keeps its signature and docstring: the solution is inside the body (of a
            # function, or of a method of a class the answer cell defines).
            head = cell.source.split("### BEGIN SOLUTION")[0]
            assert re.search(r"^(    )?def \w+\(.*\):", head, re.M) and '"""' in head, \
                f"{meta['grade_id']}: put the signature and docstring above BEGIN SOLUTION"
        if is_test(cell):
            assert meta["locked"] and meta["points"] > 0
            # A visible part the student can run, and a hidden part added at grading time.
            hidden = HIDDEN_REGION.findall(cell.source)
            assert hidden and any(_is_code(line) for h in hidden for line in h.splitlines()), \
                f"{meta['grade_id']} has no hidden tests"
            visible = cell.source.split("### BEGIN HIDDEN TESTS")[0]
            assert _asserts(visible), f"{meta['grade_id']} has no visible test (assert, assert_*(...))"
            # Unsolved exercises must not show tracebacks on the website.
            assert {"raises-exception", "remove-output"} <= set(cell.metadata.get("tags", []))
        if not (is_solution(cell) or is_test(cell)):
            assert meta["locked"], f"{meta['grade_id']}: a non-graded nbgrader cell should be read-only"


NUMBER_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
                "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"]
HEADING = re.compile(r"✏️ Exercise (\d+) \((\d+(?:\.\d+)?) (points?)\)")


def _number(points: float) -> str:
    return f"{points:g}"


def _points(points: float) -> str:
    return f"{points:g} point" + ("" if points == 1 else "s")


@pytest.mark.parametrize("path", SOURCES, ids=IDS)
def test_every_test_cell_belongs_to_one_exercise_and_follows_it(path):
    nb = read(path)
    answers = [grade_id(c) for c in nb.cells if is_solution(c)]
    positions = {grade_id(c): i for i, c in enumerate(nb.cells) if is_solution(c) or is_test(c)}
    for i, cell in enumerate(nb.cells):
        if not is_test(cell):
            continue
        owners = owners_of(grade_id(cell), answers)
        assert len(owners) == 1, (f"test cell {grade_id(cell)} belongs to {owners or 'no exercise'}: name it "
                                  f"'<answer id>{TEST_INFIX}<part>' after exactly one answer cell {answers}")
        # It comes after its own answer cell and before the next exercise's.
        k = answers.index(owners[0])
        end = positions[answers[k + 1]] if k + 1 < len(answers) else len(nb.cells)
        assert positions[owners[0]] < i < end, \
            f"test cell {grade_id(cell)} must follow its answer cell {owners[0]}, before the next exercise"
    found = exercises(nb)
    assert [e.solution_id for e in found] == answers
    for ex in found:
        assert ex.test_ids, f"exercise {ex.solution_id} has no test cell ({ex.solution_id}{TEST_INFIX}<part>)"


@pytest.mark.parametrize("path", SOURCES, ids=IDS)
def test_every_exercise_is_graded_and_announced(path):
    nb = read(path)
    found = exercises(nb)
    assert len(found) >= 4, f"{path.name} has {len(found)} exercises, at least 4 expected"
    # One heading per exercise, above its answer cell and below the previous exercise's,
    # numbered 1, 2, ... and stating the sum of the points of the exercise's test cells.
    answer_at = {grade_id(c): i for i, c in enumerate(nb.cells) if is_solution(c)}
    lines = [(i, line) for i, c in enumerate(nb.cells) if c.cell_type == "markdown"
             for line in c.source.splitlines() if line.startswith("#") and "✏️ Exercise" in line]
    headings = [(i, HEADING.search(line)) for i, line in lines]
    malformed = [line for (_, line), (_, m) in zip(lines, headings) if m is None]
    assert not malformed, f"write every heading as '### ✏️ Exercise N (P points): title', not {malformed}"
    assert len(headings) == len(found), f"{len(headings)} exercise headings for {len(found)} exercises"
    for k, (ex, (at, match)) in enumerate(zip(found, headings), start=1):
        previous = answer_at[found[k - 2].solution_id] if k > 1 else -1
        assert previous < at < answer_at[ex.solution_id], f"the heading of Exercise {k} is not above {ex.solution_id}"
        number, points, word = match.groups()
        assert int(number) == k, f"exercise headings must be numbered in order: found {match.group(0)!r} as #{k}"
        assert float(points) == ex.points, \
            f"{match.group(0)!r}: the test cells of {ex.solution_id} award {_points(ex.points)}"
        assert word == ("point" if ex.points == 1 else "points"), f"{match.group(0)!r}: write '1 point', 'N points'"
    # The introduction announces how many exercises there are and the total.
    total = sum(e.points for e in found)
    intro = next(c.source for c in nb.cells if c.cell_type == "markdown")
    count = len(found)
    words = [f"{count} exercises"] + ([f"{NUMBER_WORDS[count]} exercises"] if count < len(NUMBER_WORDS) else [])
    assert any(w in intro.lower() for w in words), f"the introduction should say '{words[-1].capitalize()}'"
    assert re.search(rf"\b{re.escape(_number(total))} points\b", intro), \
        f"the introduction should state the total, '({_number(total)} points'"


@pytest.mark.parametrize("path", SOURCES, ids=IDS)
def test_test_cells_need_only_setup_and_their_answer(path):
    """A test cell reads only names bound by the set-up cell, its own exercise's answer cell,
    itself, builtins or course_utils, so that it can run right after the set-up cell."""
    nb = read(path)
    setup = [c for c in nb.cells if is_setup(c)]
    assert len(setup) == 1 and setup[0].cell_type == "code", "one code cell must have grade_id 'setup'"
    first_graded = min(i for i, c in enumerate(nb.cells) if is_solution(c) or is_test(c))
    assert nb.cells.index(setup[0]) < first_graded, "the set-up cell comes before every exercise"
    allowed = top_level_names(setup[0].source) | KERNEL_NAMES | {"course_utils"}
    answers = {grade_id(c): top_level_names(c.source) for c in nb.cells if is_solution(c)}
    cells = {grade_id(c): c for c in nb.cells if is_test(c)}
    for ex in exercises(nb):
        for test_id in ex.test_ids:
            missing = unbound_reads(cells[test_id].source) - allowed - answers[ex.solution_id]
            assert not missing, (f"{test_id} reads {sorted(missing)}, bound neither by the set-up cell nor by "
                                 f"{ex.solution_id} nor by the test cell itself; define them in the test cell")


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
            for name in unbound_reads(cell.source):
                binder = last_binder.get(name)
                assert binder is None or not binder.startswith("graded"), \
                    f"cell {i} reads {name!r}, last set by {binder}; define it in a narrative cell"
        for name in top_level_names(cell.source):
            last_binder[name] = f"graded cell {nbgrader_meta(cell).get('grade_id')}" if graded else f"cell {i}"


def test_released_notebooks_have_no_markers():
    for path in CHAPTERS.glob("*/*.ipynb"):
        text = path.read_text(encoding="utf-8")
        for marker in MARKERS:
            assert marker not in text, f"{path} contains {marker!r}"
