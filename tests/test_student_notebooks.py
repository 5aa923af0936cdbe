"""Every student notebook runs to the end; the only errors are the unsolved exercises.

The notebooks are not executed here: the book build (the session fixture ``book`` in
conftest.py, shared with test_book) runs every page of chapters/ top to bottom in a fresh
kernel, stopping at any error outside a cell tagged ``raises-exception``, and keeps each
executed notebook, outputs included, in ``_build/jupyter_execute/``.
"""

from __future__ import annotations

import pytest
from nbutils import CHAPTERS, executed, figure_cells, is_test, nbgrader_meta, read

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("book")]

CHAPTER_NOTEBOOKS = sorted(CHAPTERS.glob("*/*.ipynb"))


@pytest.mark.parametrize("path", CHAPTER_NOTEBOOKS, ids=lambda p: p.parent.name)
def test_student_notebook_runs_to_the_end(path, book):
    build, log = book
    copy = executed(build, path)
    assert copy.is_file(), f"the book build did not execute {path.name}:\n{log[-3000:]}"
    nb = read(copy)
    # The executed copy is the page itself: a stale or foreign copy would prove nothing.
    assert [c.source for c in nb.cells] == [c.source for c in read(path).cells]

    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count is not None for c in code_cells), \
        f"execution stopped before the last cell; the book build says:\n{log[-3000:]}"
    failing_tests = set()
    for i, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.output_type != "error":
                continue
            assert output.ename == "NotImplementedError", \
                f"cell {i} raised {output.ename}: {output.evalue}\n{cell.source[:300]}"
            assert is_test(cell), f"cell {i} raised NotImplementedError but is not an exercise's test cell"
            failing_tests.add(nbgrader_meta(cell)["grade_id"])
    all_tests = {nbgrader_meta(c)["grade_id"] for c in nb.cells if is_test(c)}
    assert failing_tests == all_tests, f"unsolved exercises whose tests passed anyway: {sorted(all_tests - failing_tests)}"
    # Figures are produced even though no exercise is solved.
    images = [o for c in code_cells for o in c.outputs if "image/png" in o.get("data", {})]
    expected = figure_cells(read(path))
    assert expected >= 1 and len(images) >= expected, \
        f"expected the chapter's {expected} figures, found {len(images)}"
