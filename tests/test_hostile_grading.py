"""The structural rows of the instructor guide's bad-submission table, checked once.

docs/instructor/grading.md lists what each bad submission scores and why. The rows that
depend on a chapter's own tests (helpers redefined, NumPy patched, the disk searched,
hidden tests in feedback, a file that is not JSON) run for every chapter in
tests/test_autograde.py; these do not, so they run on the first chapter only:

* a cell that prints 200 MB on one line: graded, and the autograded notebook stays small;
* an infinite loop: that cell is stopped after the per-cell timeout, the rest is graded;
* a deleted test cell: put back and graded, and the report names it;
* a duplicated grade cell (pasted twice): graded as if pasted once, with a note;
* a wrongly named notebook, and a student on the roster who submitted nothing: 0 with a
  reason, in the report and in `nbgrader export`;
* wrong answers that reach the notebook's globals without naming them (``g = globals``) or
  patch the helpers, NumPy and PyTorch through modules an answer may import
  (``collections._sys``, ``typing.sys``, ``random._os``, ``torch.os``): no test cell scores
  more than for the same wrong answers without the tricks;
* answers that return cunning objects (one that reads the caller's ``expected`` from the
  stack, an int that says it equals anything): those test cells score 0, the rest full marks;
* ``print(In[-1])`` in an answer and a cell that prints the whole history: full marks, and
  the feedback shows no line of a hidden test;
* honest code that imports ``os`` and ``json`` and aliases ``torch.nn.functional``: full
  marks, not marked for review.

The per-student limits (memory, processes, time, the sandbox's socket folder) are checked on
a tiny notebook in tests/test_trusted_execute.py, the runs that fail and links in a submission
folder in tests/test_grading_failures.py.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys

import hostile
import pytest
from nbgrader.api import Gradebook
from nbutils import (BIN, ROOT, exercises, grade_id, hidden_test_lines, html_lines, is_test, quiet_env, read, run,
                     source_notebooks)

pytestmark = pytest.mark.slow
SOURCE = source_notebooks()[0]


def test_structural_bad_submissions(tmp_path):
    chapter, name = SOURCE.parent.name, SOURCE.name
    course = tmp_path / "course"
    shutil.copytree(ROOT / "solutions" / chapter, course / "solutions" / chapter)
    shutil.copy(ROOT / "nbgrader_config.py", course)
    env = quiet_env(tmp_path)
    nbgrader = str(BIN / "nbgrader")
    run([nbgrader, "generate_assignment", chapter, "--force"], course, env)
    run([nbgrader, "db", "student", "add", "absent", "--last-name", "Absent"], course, env)
    source_nb, release_nb = read(SOURCE), read(course / "chapters" / chapter / name)
    total = sum(e.points for e in exercises(source_nb))

    hostile.submit(course, "huge", chapter, name, hostile.huge_output(release_nb, source_nb))
    hostile.submit(course, "loop", chapter, name, hostile.infinite_loop(release_nb, source_nb))
    deleted_nb, deleted_id = hostile.deleted_test(release_nb, source_nb)
    hostile.submit(course, "deleted", chapter, name, deleted_nb)
    hostile.submit(course, "pasted", chapter, name, hostile.duplicated_cell(release_nb, source_nb))
    hostile.submit(course, "renamed", chapter, name.replace(".ipynb", " (1).ipynb"),
                   hostile.with_answers(release_nb, source_nb))
    hostile.submit(course, "wrong", chapter, name, hostile.wrong_answers(release_nb, source_nb, chapter))
    hostile.submit(course, "globals", chapter, name, hostile.globals_trick(release_nb, source_nb, chapter))
    hostile.submit(course, "allowed", chapter, name, hostile.through_allowed_modules(release_nb, source_nb, chapter))
    hostile.submit(course, "cunning", chapter, name, hostile.cunning_objects(release_nb, source_nb))
    hostile.submit(course, "history", chapter, name, hostile.prints_history(release_nb, source_nb))
    hostile.submit(course, "imports", chapter, name, hostile.honest_imports(release_nb, source_nb))

    proc = subprocess.run([sys.executable, "-m", "course_grading", "autograde", chapter, "--jobs", "2"], cwd=course,
                          env=env, capture_output=True, text=True, timeout=1800)
    log = proc.stdout[-4000:] + proc.stderr[-4000:]
    assert proc.returncode == 0, log
    print(proc.stdout)
    with open(course / "grades" / f"autograde-{chapter}.csv", newline="", encoding="utf-8") as handle:
        report = {row["student_id"]: row for row in csv.DictReader(handle)}
    students = {"absent", "huge", "loop", "deleted", "pasted", "renamed", "wrong", "globals", "allowed", "cunning",
                "history", "imports"}
    assert set(report) == students, report

    for student in ["huge", "loop", "deleted", "pasted"]:
        assert report[student]["status"] == "graded", report[student]
        assert float(report[student]["score"]) == pytest.approx(total), report[student]
    graded = course / "autograded"
    assert (graded / "huge" / chapter / name).stat().st_size < 2 * (graded / "deleted" / chapter / name).stat().st_size
    assert "output truncated by the grader" in (graded / "huge" / chapter / name).read_text(encoding="utf-8")
    loop_nb = read(graded / "loop" / chapter / name)
    stopped = [c for c in loop_nb.cells if "while True" in c.source]
    assert stopped and any(o.get("ename") == "CellTimeoutError" for o in stopped[0].outputs), stopped
    assert float(report["loop"]["seconds"]) < float(report["deleted"]["seconds"]) + 60, report["loop"]
    assert report["deleted"]["edited_cells"] == f"{deleted_id} deleted", report["deleted"]
    assert "appeared more than once" in report["pasted"]["reason"], report["pasted"]
    assert report["renamed"]["status"] == "wrong file name" and name in report["renamed"]["reason"]
    assert report["absent"]["status"] == "no submission" and float(report["absent"]["score"]) == 0

    # Every student on the roster is in nbgrader's own export, with 0 where nothing was graded.
    run([nbgrader, "export", "--to", str(tmp_path / "grades.csv")], course, env)
    with open(tmp_path / "grades.csv", newline="", encoding="utf-8") as handle:
        exported = {row["student_id"]: row for row in csv.DictReader(handle)}
    assert set(exported) == set(report), exported.keys()
    _check_tricks(course, chapter, name, report, source_nb, release_nb, env, total)
    assert float(exported["absent"]["raw_score"] or 0) == 0 and float(exported["renamed"]["raw_score"] or 0) == 0
    assert float(exported["deleted"]["raw_score"]) == pytest.approx(total)
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        assert {s.id for s in gradebook.students} == set(report)


def _check_tricks(course, chapter, name, report, source_nb, release_nb, env, total):
    """The rows of the tricks above: scores cell by cell, review marks and feedback."""
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        cells = {s: {g.name: g.score for g in gradebook.find_submission_notebook(
            name.removesuffix(".ipynb"), chapter, s).grades} for s in ["wrong", "globals", "allowed", "cunning"]}
    assert sum(cells["wrong"].values()) < total / 2, cells["wrong"]
    for student in ["globals", "allowed"]:  # no test cell scores more than for the same wrong answers
        assert all(cells[student][k] <= cells["wrong"][k] for k in cells["wrong"]), (student, cells[student])
        assert report[student]["status"] == "needs review", report[student]
    points = {grade_id(c): c.metadata["nbgrader"]["points"] for c in source_nb.cells if is_test(c)}
    cheated = {"ex1-rnn-step-test-values", "ex4-num-params-test-counts"}  # the cells the cunning objects aim at
    assert cells["cunning"] == {k: (0.0 if k in cheated else v) for k, v in points.items()}, cells["cunning"]
    for student in ["history", "imports"]:
        assert report[student]["status"] == "graded" and report[student]["review"] == "", report[student]
        assert float(report[student]["score"]) == pytest.approx(total), report[student]
    run([str(BIN / "nbgrader"), "generate_feedback", chapter, "--student", "history"], course, env)
    page = course / "feedback" / "history" / chapter / name.replace(".ipynb", ".html")
    leaked = hidden_test_lines(source_nb, release_nb) & html_lines(page)
    assert not leaked, f"print(In) showed hidden tests in the feedback: {sorted(leaked)[:5]}"
