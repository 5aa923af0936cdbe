"""Autograde round trip with the real nbgrader commands, for every chapter.

A temporary course directory gets the instructor notebooks and nbgrader_config.py.
Then, per chapter: `nbgrader generate_assignment` (records the tests in a gradebook),
submissions are placed in submitted/<student>/, one `nbgrader autograde` call grades them
all (it adds the students itself), and the score of every grade cell is read back from
the gradebook:

* ``unchanged``: the released notebook scores 0;
* ``solution``: the instructor notebook scores full marks;
* ``odd`` solves exercises 1, 3, 5, ... and ``even`` solves 2, 4, 6, ...: each test cell of
  a solved exercise scores its points, every other test cell 0 (so the exercises are
  graded independently, and each test cell for itself);
* ``broken``: everything solved, but the first answer does not parse and the read-only
  set-up cell was edited (autograde restores it): it loses exactly the first exercise;
* ``corrupt``: not JSON; it scores 0 and does not stop the others from being graded.
"""

from __future__ import annotations

import datetime
import json
import shutil
import subprocess

import nbformat
import pytest
from nbgrader.api import Gradebook, MissingEntry
from nbutils import BIN, ROOT, exercises, grade_id, is_solution, is_test, nbgrader_meta, quiet_env, read, run, \
    source_notebooks

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


def _with_answers(release_nb, source_nb, solution_ids):
    """The released notebook with the instructor's answer pasted into the given answer cells."""
    answers = {grade_id(c): c.source for c in source_nb.cells if is_solution(c)}
    nb = nbformat.from_dict(json.loads(json.dumps(release_nb)))
    for cell in nb.cells:
        if grade_id(cell) in solution_ids:
            cell.source = answers[grade_id(cell)]
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
    assert found and all(e.test_ids for e in found), "test_notebook_format explains what is missing"
    points = {grade_id(c): nbgrader_meta(c)["points"] for c in source_nb.cells if is_test(c)}
    total = sum(points.values())

    # For every submission, the exercises it solves; each test cell must score accordingly.
    solved = {
        "unchanged": [],
        "solution": found,
        "odd": found[0::2],
        "even": found[1::2],
        "broken": found[1:],
    }
    _submit(course, "unchanged", chapter, name, release_nb)
    _submit(course, "solution", chapter, name, source_nb)
    for student in ["odd", "even"]:
        _submit(course, student, chapter, name,
                _with_answers(release_nb, source_nb, {e.solution_id for e in solved[student]}))
    # Broken: the first answer does not even parse, and the read-only set-up cell was edited
    # (autograde restores it). Everything else is solved.
    broken = _with_answers(release_nb, source_nb, {e.solution_id for e in found})
    for cell in broken.cells:
        meta = nbgrader_meta(cell)
        if meta.get("grade_id") == found[0].solution_id:
            cell.source = "def oops(:\n    pass"
        elif meta.get("locked") and not meta.get("grade") and cell.cell_type == "code":
            cell.source = "raise SystemExit('edited read-only cell')\n" + cell.source
    _submit(course, "broken", chapter, name, broken)
    _submit(course, "corrupt", chapter, name, '{"cells": [ this is not json')

    proc = subprocess.run([nbgrader, "autograde", chapter], cwd=course, env=env, capture_output=True,
                          text=True, timeout=1200)
    log = proc.stdout[-4000:] + proc.stderr[-4000:]
    # nbgrader reports the corrupt submission and exits non-zero, after grading the rest.
    assert "corrupt" in proc.stdout + proc.stderr, log

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        for student, exs in solved.items():
            want = {test_id: (points[test_id] if ex in exs else 0.0) for ex in found for test_id in ex.test_ids}
            try:
                submission = gradebook.find_submission(chapter, student)
            except MissingEntry:
                pytest.fail(f"nbgrader autograde did not grade {student}:\n{log}")
            assert submission.max_score == pytest.approx(total)
            notebook = gradebook.find_submission_notebook(name.removesuffix(".ipynb"), chapter, student)
            got = {g.name: g.score for g in notebook.grades}
            assert got == pytest.approx(want), \
                f"{student} solved {[e.solution_id for e in exs]}; test cell scores {got}, expected {want}\n{log}"
            assert submission.score == pytest.approx(sum(want.values()))
        # The corrupt file could not be graded at all: it scores nothing, and nothing else failed.
        assert gradebook.find_submission(chapter, "corrupt").score == 0
