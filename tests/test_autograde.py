"""Autograde round trip through the course's grading command, for every chapter.

A temporary course directory gets the instructor notebooks and nbgrader_config.py.
Then, per chapter: `nbgrader generate_assignment` (records the tests in a gradebook),
submissions are placed in submitted/<student>/, one `python -m course_grading autograde`
grades them all, each kernel in the sandbox, and the score of every grade cell is read
back from the gradebook:

* ``unchanged``: the released notebook scores 0;
* ``solution``: the instructor notebook scores full marks;
* ``odd`` solves exercises 1, 3, 5, ... and ``broken`` solves 2, 4, 6, ...: each test cell of
  a solved exercise scores its points, every other test cell 0 (so the exercises are
  graded independently, and each test cell for itself); ``broken``'s first answer also does
  not parse and its read-only set-up cell was edited (autograde restores it): it still
  scores exactly its even exercises, and the report names the edited cell;
* ``corrupt``: not JSON; it scores 0 with a reason and does not stop the others.

Then the hostile submissions of the instructor guide's table that depend on the chapter's
own tests (docs/instructor/grading.md; builders in tests/hostile.py). The tests run in the
grader's process, not beside the student's code, so tampering earns nothing; the tamper scan
only marks the submission for review:

* ``wrong``: the grading bank's first wrong answer of every exercise: what it scores is what
  wrong answers earn;
* ``tampered``: the same wrong answers, with the test helpers redefined as no-ops and
  ``numpy.allclose``, ``numpy.testing.assert_allclose`` and ``torch.allclose`` replaced: no
  test cell scores more than for ``wrong`` (the tricks only reach the student's own
  functions, whose shape checks stop raising), "needs review" with both tricks named;
  either trick, were it to lift a score, lifts this one (one grading instead of two);
* ``probe``: everything solved, plus a cell that searches the disk for notebooks, appends to
  the gradebook, the instructor notebook, the configuration, another student's submission
  and the installed course_utils package, and connects to a port on the host: it finds no
  course file at all, changes nothing, reaches nothing, keeps full marks, and is marked for
  review for importing what no exercise needs;
* the feedback of ``solution`` (nbgrader generate_feedback) holds no line of a hidden test.
"""

from __future__ import annotations

import ast
import csv
import hashlib
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import course_utils
import hostile
import pytest
from nbgrader.api import Gradebook, MissingEntry
from nbutils import (BIN, ROOT, exercises, grade_id, hidden_test_lines, html_lines, is_setup, is_solution, is_test,
                     nbgrader_meta, quiet_env, read, run, source_notebooks)

pytestmark = pytest.mark.slow


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def probe_output(notebook) -> dict:
    """What the probe cell printed (see tests/hostile.py)."""
    for cell in notebook.cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream" and "PROBE " in out.get("text", ""):
                return ast.literal_eval(out["text"].split("PROBE ", 1)[1].splitlines()[0])
    raise AssertionError("the probe cell printed nothing")


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

    # For every graded submission, the exercises it solves; each test cell must score accordingly.
    # Each grading costs seconds, so one submission checks two things where they do not interfere.
    solved = {"unchanged": [], "solution": found, "odd": found[0::2], "broken": found[1::2]}
    hostile.submit(course, "unchanged", chapter, name, release_nb)
    hostile.submit(course, "solution", chapter, name, source_nb)
    odd = hostile.with_answers(release_nb, source_nb, {e.solution_id for e in solved["odd"]})
    hostile.submit(course, "odd", chapter, name, odd)
    broken = hostile.with_answers(release_nb, source_nb, {e.solution_id for e in solved["broken"]})
    for cell in broken.cells:
        if grade_id(cell) == found[0].solution_id:
            cell.source = "def oops(:\n    pass"
        elif is_setup(cell):
            cell.source = "raise SystemExit('edited read-only cell')\n" + cell.source
    hostile.submit(course, "broken", chapter, name, broken)
    hostile.submit(course, "corrupt", chapter, name, hostile.bad_json())
    hostile.submit(course, "wrong", chapter, name, hostile.wrong_answers(release_nb, source_nb, chapter))
    hostile.submit(course, "tampered", chapter, name, hostile.noop_and_patched(release_nb, source_nb, chapter))

    # The probe looks for notebooks everywhere, writes to the files that matter, and calls a
    # port on the host where a server listens.
    guarded = [course / "gradebook.db", course / "nbgrader_config.py", course / "solutions" / chapter / name,
               course / "submitted" / "solution" / chapter / name, Path(course_utils.__file__)]
    package_source = guarded[-1].read_bytes()  # put back below, should the sandbox ever fail
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        hostile.submit(course, "probe", chapter, name,
                       hostile.probe(release_nb, source_nb, [str(tmp_path), str(ROOT)], guarded, port))
        before = {p: digest(p) for p in guarded[1:]}
        proc = subprocess.run([sys.executable, "-m", "course_grading", "autograde", chapter], cwd=course, env=env,
                              capture_output=True, text=True, timeout=1800)
    log = proc.stdout[-4000:] + proc.stderr[-4000:]
    assert proc.returncode == 0, log
    assert "SAWarning" not in proc.stderr, proc.stderr  # nbgrader's, silenced by the grading workers
    print(proc.stdout)

    with open(course / "grades" / f"autograde-{chapter}.csv", newline="", encoding="utf-8") as handle:
        report = {row["student_id"]: row for row in csv.DictReader(handle)}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        for student, exs in solved.items():
            want = {test_id: (points[test_id] if ex in exs else 0.0) for ex in found for test_id in ex.test_ids}
            try:
                submission = gradebook.find_submission(chapter, student)
            except MissingEntry:
                pytest.fail(f"{student} was not graded:\n{log}")
            assert submission.max_score == pytest.approx(total)
            notebook = gradebook.find_submission_notebook(name.removesuffix(".ipynb"), chapter, student)
            got = {g.name: g.score for g in notebook.grades}
            assert got == pytest.approx(want), \
                f"{student} solved {[e.solution_id for e in exs]}; test cell scores {got}, expected {want}\n{log}"
            assert submission.score == pytest.approx(sum(want.values()))
            assert report[student]["status"] == "graded", report[student]
            assert float(report[student]["score"]) == pytest.approx(sum(want.values()))
        earned = {student: gradebook.find_submission(chapter, student).score for student in ["wrong", "tampered"]}
        assert earned["wrong"] < total / 2, f"the bank's wrong answers earn {earned['wrong']} of {total}"
        # The tricks change the student's own functions at most (their shape checks become no-ops): never
        # a test's verdict in their favour.
        assert earned["tampered"] <= earned["wrong"], earned
        assert gradebook.find_submission(chapter, "probe").score == pytest.approx(total)
    assert report["wrong"]["status"] == "graded", report["wrong"]
    for student in ["tampered", "probe"]:
        assert report[student]["status"] == "needs review", report[student]
        assert float(report[student]["score"]) == pytest.approx(earned.get(student, total)), report[student]
    assert report["corrupt"]["status"] == "not a notebook" and report["corrupt"]["reason"], report["corrupt"]
    assert "rebinds `assert_close`" in report["tampered"]["review"], report["tampered"]
    assert "changes `np.allclose`" in report["tampered"]["review"], report["tampered"]
    assert report["broken"]["edited_cells"] == "setup edited", report["broken"]
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:  # cell by cell, no more than wrong
        cells = {s: {g.name: g.score for g in gradebook.find_submission_notebook(
            name.removesuffix(".ipynb"), chapter, s).grades} for s in ["wrong", "tampered"]}
    assert all(cells["tampered"][k] <= cells["wrong"][k] for k in cells["wrong"]), cells
    assert all(report[s]["edited_cells"] == "" for s in ["unchanged", "odd", "tampered"]), report

    # The grading run (NBGRADER_EXECUTION: no training, no timing) of the whole solution is
    # clean: no cell raised, narrative cells included.
    graded = read(course / "autograded" / "solution" / chapter / name)
    raised = [(i, o.get("ename"), o.get("evalue")) for i, c in enumerate(graded.cells) if c.cell_type == "code"
              for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not raised, f"cells of the solution raised when graded: {raised}"

    # The sandbox: the probe saw no course file at all, changed nothing, and reached nothing.
    seen = probe_output(read(course / "autograded" / "probe" / chapter / name))
    assert [f for f in seen["found"] if str(course) in f] == [], seen["found"]
    assert not any(str(ROOT / "solutions") in f for f in seen["found"]), seen["found"]
    assert seen["written"] == [] and seen["net"] != "connected", seen
    changed = [p for p in guarded[1:] if digest(p) != before[p]]
    if guarded[-1] in changed:
        guarded[-1].write_bytes(package_source)
    assert not changed, f"the probe changed files outside its folder: {changed}"
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:  # still a readable gradebook
        assert len(gradebook.students) == len(report)

    # Feedback: no hidden test, not even in a traceback.
    for student in ["solution", "unchanged"]:
        feedback = run([nbgrader, "generate_feedback", chapter, "--student", student], course, env)
        assert "WARNING" not in feedback.stdout + feedback.stderr, feedback.stderr  # e.g. an unknown config option
    secret = hidden_test_lines(source_nb, release_nb)
    assert secret, "every chapter has hidden tests"
    for student in ["solution", "unchanged"]:
        page = course / "feedback" / student / chapter / name.replace(".ipynb", ".html")
        leaked = secret & html_lines(page)
        assert not leaked, f"{student}'s feedback shows hidden tests: {sorted(leaked)[:5]}"
        assert "BEGIN HIDDEN TESTS" not in page.read_text(encoding="utf-8")
