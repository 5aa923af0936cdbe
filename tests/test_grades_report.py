"""course_grading.report on a small gradebook built with nbgrader's API, with known scores.

Assignment ``hw1`` has two exercises in one notebook: ``ex1-embed`` (test cells worth 2 and
3 points) and ``ex2-rnn`` (one test cell worth 5). ``ann`` solves both, ``ben`` only the
first part of ex1 and is flagged by the autograde report, ``cy`` submits nothing. ``hw2``
(one test cell worth 4) has a submission from ann only.
"""

from __future__ import annotations

import base64
import csv
import re
import subprocess
import sys

import pytest
from nbgrader.api import Gradebook

from course_grading.report import TEST_INFIX, exercise_of, main, write_report

# nbgrader's own Gradebook.add_submission trips this SQLAlchemy warning; it changes nothing.
pytestmark = pytest.mark.filterwarnings("ignore:Object of type:sqlalchemy.exc.SAWarning")

CELLS = {"hw1": {"ex1-embed-test-shapes": 2.0, "ex1-embed-test-values": 3.0, "ex2-rnn-test-values": 5.0},
         "hw2": {"ex1-count-test-values": 4.0}}
ANSWERS = {"hw1": ["ex1-embed", "ex2-rnn"], "hw2": ["ex1-count"]}
SCORES = {("hw1", "ann"): {"ex1-embed-test-shapes": 2.0, "ex1-embed-test-values": 3.0, "ex2-rnn-test-values": 5.0},
          ("hw1", "ben"): {"ex1-embed-test-shapes": 2.0, "ex1-embed-test-values": 0.0, "ex2-rnn-test-values": 0.0},
          ("hw2", "ann"): {"ex1-count-test-values": 3.0}}


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A course folder with gradebook.db and an autograde report for hw1."""
    course = tmp_path_factory.mktemp("course")
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        for student in ["ann", "ben", "cy"]:
            gradebook.add_student(student)
        for assignment, cells in CELLS.items():
            gradebook.add_assignment(assignment)
            gradebook.add_notebook("nb", assignment)
            for answer in ANSWERS[assignment]:
                gradebook.add_solution_cell(answer, "nb", assignment)
            for cell, points in cells.items():
                gradebook.add_grade_cell(cell, "nb", assignment, max_score=points, cell_type="code")
        for (assignment, student), scores in SCORES.items():
            gradebook.add_submission(assignment, student)
            for cell, score in scores.items():
                gradebook.find_grade(cell, "nb", assignment, student).auto_score = score
        gradebook.db.commit()
    (course / "grades").mkdir()
    (course / "grades" / "autograde-hw1.csv").write_text(
        "student_id,status,score,max_score,reason,edited_cells,seconds\n"
        "ann,graded,10,10,,,12.5\n"
        'ben,needs review,0,10,"rebinds assert_close, the test helper",,3.1\n'
        "cy,no submission,0,10,nothing in submitted/cy/hw1,,0\n", encoding="utf-8")
    return course


@pytest.fixture(scope="module")
def report(course):
    """Run the report once; returns the output folder."""
    write_report(course, course / "grades")
    return course / "grades"


def test_exercise_of():
    assert TEST_INFIX == "-test-"
    answers = {"ex2-rnn", "ex2-rnn-forward"}
    assert exercise_of("ex2-rnn-forward-test-shapes", answers) == "ex2-rnn-forward"
    assert exercise_of("ex2-rnn-test-values", answers) == "ex2-rnn"
    assert exercise_of("ex9-lost-test-a", answers) == "ex9-lost"
    assert exercise_of("ex2-rnn", answers) == "ex2-rnn"
    assert exercise_of("quiz", answers) == "quiz"


def test_csv(report):
    with open(report / "grades.csv", newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == ["student_id", "assignment", "score", "max_score", "status", "reason"]
        rows = {(r["assignment"], r["student_id"]): r for r in reader}
    assert sorted(rows) == [(a, s) for a in ["hw1", "hw2"] for s in ["ann", "ben", "cy"]]
    want = {("hw1", "ann"): (10, 10, "graded", ""),
            ("hw1", "ben"): (2, 10, "needs review", "rebinds assert_close, the test helper"),
            ("hw1", "cy"): (0, 10, "no submission", "nothing in submitted/cy/hw1"),
            ("hw2", "ann"): (3, 4, "graded", ""),  # no autograde report for hw2: status from the gradebook
            ("hw2", "ben"): (0, 4, "no submission", ""),
            ("hw2", "cy"): (0, 4, "no submission", "")}
    for key, (score, max_score, status, reason) in want.items():
        row = rows[key]
        assert (float(row["score"]), float(row["max_score"]), row["status"], row["reason"]) == \
            (pytest.approx(score), pytest.approx(max_score), status, reason), key


def _exercise_rows(markdown: str, assignment: str) -> list[list[str]]:
    section = markdown.split(f"## {assignment}\n", 1)[1].split("\n## ", 1)[0]
    table = section.split("| exercise |", 1)[1].split("\n\n", 1)[0].splitlines()[2:]
    return [[c.strip() for c in line.strip("|").split("|")] for line in table]


def test_exercise_means(report):
    markdown = (report / "report.md").read_text(encoding="utf-8")
    # hw1 over ann and ben: ex2-rnn 5 and 0 (mean 2.5 of 5, 50%), ex1-embed 5 and 2 (3.5 of 5, 70%).
    assert _exercise_rows(markdown, "hw1") == [["ex2-rnn", "2.5", "5", "50%", "50%"],
                                               ["ex1-embed", "3.5", "5", "70%", "50%"]]
    assert _exercise_rows(markdown, "hw2") == [["ex1-count", "3", "4", "75%", "0%"]]
    assert "2 of 3 students on the roster submitted; mean score 6 of 10. Hardest exercise: ex2-rnn." in markdown
    assert "![Scores in hw1](hw1-scores.png)" in markdown
    for assignment in ["hw1", "hw2"]:
        assert (report / f"{assignment}-scores.png").read_bytes().startswith(b"\x89PNG")


def test_html_is_self_contained(report):
    page = (report / "report.html").read_text(encoding="utf-8")
    images = re.findall(r'<img [^>]*src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
    assert len(images) == 2
    assert all(base64.b64decode(image).startswith(b"\x89PNG") for image in images)
    assert not re.search(r"https?:", page, re.I)
    assert not re.search(r'(src|href)="(?!data:|#)', page), "everything must be embedded"
    assert "needs review" in page and "rebinds assert_close" in page
    assert "Hardest exercise: ex2-rnn" in page


def test_command_line(course, tmp_path):
    out = tmp_path / "elsewhere"
    command = [sys.executable, "-m", "course_grading.report", "--course-dir", str(course), "--out", str(out)]
    proc = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in out.iterdir()) == ["grades.csv", "hw1-scores.png", "hw2-scores.png",
                                                     "report.html", "report.md"]
    # The autograde report is still found in the course's grades/ folder.
    assert "needs review" in (out / "grades.csv").read_text(encoding="utf-8")


def test_no_gradebook(tmp_path, capsys):
    assert main(["--course-dir", str(tmp_path)]) == 1
    assert "no gradebook" in capsys.readouterr().err
    assert not (tmp_path / "grades").exists()
