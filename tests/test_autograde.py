"""Autograde round trip with the real nbgrader commands, for every chapter.

A temporary course directory gets the instructor notebooks and nbgrader_config.py.
Then, per chapter: `nbgrader generate_assignment` (records the tests in a gradebook),
submissions are placed in submitted/<student>/, `nbgrader autograde` runs them, and the
scores are read back from the gradebook:

* the released notebook, unchanged, scores 0;
* the instructor notebook scores full marks;
* a release with exactly one exercise solved scores exactly that exercise's points;
* a broken submission (a syntax error in one answer, an edited read-only cell) loses only
  that exercise, and a corrupt notebook file does not stop the others from being graded.
"""

from __future__ import annotations

import datetime
import json
import shutil
import subprocess

import nbformat
import pytest
from nbgrader.api import Gradebook
from nbutils import BIN, ROOT, exercises, is_solution, nbgrader_meta, quiet_env, read, run, source_notebooks

pytestmark = pytest.mark.slow


def _submit(course, student, chapter, name, nb_or_text):
    folder = course / "submitted" / student / chapter
    folder.mkdir(parents=True)
    if isinstance(nb_or_text, str):
        (folder / name).write_text(nb_or_text, encoding="utf-8")
    else:
        nbformat.write(nb_or_text, folder / name)
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f %Z")
    (folder / "timestamp.txt").write_text(stamp)


def _with_answers(release_nb, source_nb, grade_ids):
    """The released notebook with the instructor's answer pasted into the given cells."""
    answers = {nbgrader_meta(c)["grade_id"]: c.source for c in source_nb.cells if is_solution(c)}
    nb = nbformat.from_dict(json.loads(json.dumps(release_nb)))
    for cell in nb.cells:
        if nbgrader_meta(cell).get("grade_id") in grade_ids:
            cell.source = answers[nbgrader_meta(cell)["grade_id"]]
    return nb


@pytest.mark.parametrize("source", source_notebooks(), ids=lambda p: p.parent.name)
def test_autograde_round_trip(source, tmp_path):
    chapter, name = source.parent.name, source.name
    course = tmp_path / "course"
    shutil.copytree(ROOT / "solutions" / chapter, course / "solutions" / chapter)
    shutil.copy(ROOT / "nbgrader_config.py", course)
    env = quiet_env(tmp_path)
    nbgrader = str(BIN / "nbgrader")
    run([nbgrader, "generate_assignment", chapter, "--force"], course, env)

    source_nb, release_nb = read(source), read(course / "chapters" / chapter / name)
    found = exercises(source_nb)
    total = sum(e.points for e in found)
    expected = {"unchanged": 0.0, "solution": total}
    _submit(course, "unchanged", chapter, name, release_nb)
    _submit(course, "solution", chapter, name, source_nb)
    for ex in found:
        student = f"only-{ex.solution_id}"
        _submit(course, student, chapter, name, _with_answers(release_nb, source_nb, {ex.solution_id}))
        expected[student] = ex.points

    # Broken: the first answer does not even parse, and the read-only set-up cell was edited
    # (autograde restores it). Everything else is solved.
    broken = _with_answers(release_nb, source_nb, {e.solution_id for e in found})
    first = found[0]
    for cell in broken.cells:
        meta = nbgrader_meta(cell)
        if meta.get("grade_id") == first.solution_id:
            cell.source = "def oops(:\n    pass"
        elif meta.get("locked") and not meta.get("grade") and cell.cell_type == "code":
            cell.source = "raise SystemExit('edited read-only cell')\n" + cell.source
    _submit(course, "broken", chapter, name, broken)
    expected["broken"] = total - first.points
    _submit(course, "corrupt", chapter, name, '{"cells": [ this is not json')

    for student in [*expected, "corrupt"]:
        run([nbgrader, "db", "student", "add", student], course, env)
    proc = subprocess.run([nbgrader, "autograde", chapter], cwd=course, env=env, capture_output=True,
                          text=True, timeout=1200)
    # nbgrader reports the corrupt submission and exits non-zero, after grading the rest.
    assert "corrupt" in proc.stdout + proc.stderr

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        for student, want in expected.items():
            submission = gradebook.find_submission(chapter, student)
            assert submission.score == pytest.approx(want), \
                f"{student} scored {submission.score} of {submission.max_score}, expected {want}"
            assert submission.max_score == pytest.approx(total)
            grades = {g.name: g.score for g in gradebook.find_submission_notebook(name.removesuffix(".ipynb"), chapter,
                                                                                    student).grades}
            if student.startswith("only-"):
                solved = student.removeprefix("only-") + "-tests"
                assert {k for k, v in grades.items() if v > 0} == {solved}, f"{student}: {grades}"
        # The corrupt file could not be graded at all: it scores nothing, and nothing else failed.
        assert gradebook.find_submission(chapter, "corrupt").score == 0
