"""Every student notebook runs to the end; the only errors are the unsolved exercises."""

from __future__ import annotations

import nbclient
import pytest
from nbutils import CHAPTERS, is_test, nbgrader_meta, quiet_env, read

pytestmark = pytest.mark.slow

CHAPTER_NOTEBOOKS = sorted(CHAPTERS.glob("*/*.ipynb"))


@pytest.mark.parametrize("path", CHAPTER_NOTEBOOKS, ids=lambda p: p.parent.name)
def test_student_notebook_runs_to_the_end(path, tmp_path, monkeypatch):
    env = quiet_env(tmp_path)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("MPLBACKEND", raising=False)
    nb = read(path)
    client = nbclient.NotebookClient(nb, timeout=300, kernel_name="python3", allow_errors=True,
                                     resources={"metadata": {"path": str(path.parent)}})
    client.execute()

    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count is not None for c in code_cells), "execution stopped before the last cell"
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
    assert len(images) >= 4, f"expected the chapter's figures, found {len(images)}"
