"""The class-grading command when a run fails, and what a submission folder may hold.

On a tiny assignment (a set-up cell without frameworks, two one-line exercises), through
``python -m course_grading autograde`` and nbgrader's own commands:

* a set-up cell that times out on a loaded machine is not a score: the student is graded
  again, alone, with the longer ``retry_setup_timeout``, and keeps every point, with a
  reason that says so;
* when the second run fails too, the student is "grading failed": no score in the report,
  every grade cell left for manual grading in the gradebook, and the command's last line
  names the student; the other students are graded as usual;
* a symbolic link in a submission folder (to the instructor's notebook, to the gradebook)
  is left out of what is graded and returned: it is named in the report, and neither the
  autograded folder nor the feedback holds it or what it points to;
* a student's HTML (a markdown cell, a displayed ``HTML`` object) runs no script in the
  feedback page; a cell pasted from another notebook (with a grade id this one does not have)
  is graded as an ordinary cell, and an answer deleted with its test cell is put back, instead
  of stopping nbgrader.
"""

from __future__ import annotations

import csv
import datetime
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook
from nbgrader.api import Gradebook
from nbutils import BIN, ROOT, quiet_env, run

pytestmark = pytest.mark.slow

ASSIGNMENT, NAME = "tiny", "tiny.ipynb"
SETUP = ("import os\nimport time\nimport numpy as np\nfrom course_utils import assert_equal\n"
         "if os.getuid() == 65534:  # 3 s in the sandbox only (the grader runs this cell too), as under load\n"
         "    time.sleep(3)")


def _cell(source: str, **meta) -> nbformat.NotebookNode:
    return new_code_cell(source, metadata={"nbgrader": {"schema_version": 3, "grade": False, "solution": False,
                                                        "locked": False, **meta}})


def source_notebook() -> nbformat.NotebookNode:
    return new_notebook(cells=[
        _cell(SETUP, grade_id="setup", locked=True),
        _cell("def double(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION",
              grade_id="ex1", solution=True),
        _cell("assert_equal(double(3), 6, 'double(3)')\n### BEGIN HIDDEN TESTS\n"
              "assert_equal(double(-4), -8, 'double(-4)')  # the secret case\n### END HIDDEN TESTS",
              grade_id="ex1-test", grade=True, locked=True, points=1),
        _cell("def triple(x):\n    ### BEGIN SOLUTION\n    return 3 * x\n    ### END SOLUTION",
              grade_id="ex2", solution=True),
        _cell("assert_equal(triple(2), 6, 'triple(2)')", grade_id="ex2-test", grade=True, locked=True, points=1),
    ], metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})


def make_course(tmp_path: Path, config: str = "") -> tuple[Path, dict]:
    course = tmp_path / "course"
    (course / "solutions" / ASSIGNMENT).mkdir(parents=True)
    nbformat.write(source_notebook(), course / "solutions" / ASSIGNMENT / NAME)
    (course / "nbgrader_config.py").write_text((ROOT / "nbgrader_config.py").read_text() + "\n" + config)
    env = quiet_env(tmp_path)
    run([str(BIN / "nbgrader"), "generate_assignment", ASSIGNMENT, "--force"], course, env)
    return course, env


def submit(course: Path, student: str, nb=None) -> Path:
    folder = course / "submitted" / student / ASSIGNMENT
    folder.mkdir(parents=True)
    nbformat.write(nb or nbformat.read(course / "solutions" / ASSIGNMENT / NAME, as_version=4), folder / NAME)
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f %Z")
    (folder / "timestamp.txt").write_text(stamp)
    return folder


def autograde(course: Path, env: dict) -> tuple[dict, str]:
    proc = subprocess.run([sys.executable, "-m", "course_grading", "autograde", ASSIGNMENT], cwd=course, env=env,
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    with open(course / "grades" / f"autograde-{ASSIGNMENT}.csv", newline="", encoding="utf-8") as handle:
        return {row["student_id"]: row for row in csv.DictReader(handle)}, proc.stdout


def test_a_set_up_timeout_is_graded_again_alone(tmp_path):
    course, env = make_course(tmp_path, "c.TrustedExecute.setup_timeout = 1\n"
                                        "c.TrustedExecute.retry_setup_timeout = 300\n")
    submit(course, "ada")
    report, out = autograde(course, env)
    row = report["ada"]
    assert row["status"] == "graded" and float(row["score"]) == 2.0, row
    assert "graded again after: the set-up cell took longer than 1 s" in row["reason"], row


def test_a_second_failure_is_grading_failed_not_zero(tmp_path):
    course, env = make_course(tmp_path, "c.TrustedExecute.setup_timeout = 1\n"
                                        "c.TrustedExecute.retry_setup_timeout = 1\n")
    submit(course, "bo")
    submit(course, "cy")
    (course / "submitted" / "cy" / ASSIGNMENT / NAME).write_text("not a notebook")
    report, out = autograde(course, env)
    row = report["bo"]
    assert row["status"] == "grading failed" and row["score"] == "", row
    assert "longer than 1 s" in row["reason"], row
    assert report["cy"]["status"] == "not a notebook", report["cy"]
    assert "GRADING FAILED for 1 student(s), no score recorded: bo" in out, out
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        grades = gradebook.find_submission_notebook("tiny", ASSIGNMENT, "bo").grades
        assert grades and all(g.needs_manual_grade and g.auto_score is None for g in grades), \
            [(g.name, g.auto_score, g.needs_manual_grade) for g in grades]


def test_links_in_a_submission_are_left_out(tmp_path):
    course, env = make_course(tmp_path)
    folder = submit(course, "dee")
    os.symlink(course / "solutions" / ASSIGNMENT / NAME, folder / "notes.html")
    os.symlink(course / "gradebook.db", folder / "grades.db")
    os.symlink(course / "solutions", folder / "more")
    report, _ = autograde(course, env)
    row = report["dee"]
    assert row["status"] == "graded" and float(row["score"]) == 2.0, row
    for name in ["notes.html", "grades.db", "more"]:
        assert name in row["reason"], row
    run([str(BIN / "nbgrader"), "generate_feedback", ASSIGNMENT, "--student", "dee"], course, env)
    for top in ["autograded", "feedback"]:
        found = sorted(str(p.relative_to(course / top)) for p in (course / top).rglob("*"))
        assert found and not any(n in f for f in found for n in ["notes.html", "grades.db", "more"]), found
        assert not any(p.is_symlink() for p in (course / top).rglob("*"))
    page = (course / "feedback" / "dee" / ASSIGNMENT / "tiny.html").read_text(encoding="utf-8")
    assert "the secret case" not in page and "double(-4)" not in page


def test_a_students_markup_and_foreign_cells(tmp_path):
    course, env = make_course(tmp_path)
    nb = nbformat.read(course / "solutions" / ASSIGNMENT / NAME, as_version=4)
    nb.cells.insert(2, nbformat.v4.new_markdown_cell("Notes <script>alert('from-markdown')</script>"))
    nb.cells.insert(3, new_code_cell("from IPython.display import HTML, display\n"
                                     "display(HTML(\"<script>alert('from-output')</script>\"))"))
    nb.cells.insert(4, _cell("x = 1", grade_id="ex9-from-another-notebook", solution=True))
    submit(course, "eve", nb)
    deleted = nbformat.read(course / "solutions" / ASSIGNMENT / NAME, as_version=4)
    del deleted.cells[1:3]  # the first answer and its test cell, both: nbgrader alone stops on it
    submit(course, "fay", deleted)
    report, _ = autograde(course, env)
    row = report["eve"]
    assert row["status"] == "graded" and float(row["score"]) == 2.0 and row["review"] == "", row
    assert "ex9-from-another-notebook" in row["reason"], row
    row = report["fay"]
    assert row["status"] == "graded" and float(row["score"]) == 1.0, row
    assert "ex1, ex1-test were deleted: put back" in row["reason"] and "ex1-test deleted" in row["edited_cells"], row
    run([str(BIN / "nbgrader"), "generate_feedback", ASSIGNMENT, "--student", "eve"], course, env)
    page = (course / "feedback" / "eve" / ASSIGNMENT / "tiny.html").read_text(encoding="utf-8")
    assert "Notes" in page and "<script>alert(" not in page  # the code that displays it is shown escaped only
