"""The instructor's whole nbgrader cycle, with the real commands, on the first chapter.

The cycle's commands and folders are the same for every chapter, and each chapter's grading
(every exercise scored on its own, hostile submissions, feedback without hidden tests) is
checked by the round trip in test_autograde.py; so the cycle runs once, on Chapter 1, which
keeps ``make test`` within its time budget as chapters are added.

A temporary course directory gets the chapter's folders from solutions/ and chapters/, and
nbgrader_config.py plus ``c.Exchange.root`` pointing at a temporary exchange folder. Two
students each have their own home folder (HOME, Jupyter config and data folders, so their
own nbgrader cache) with an nbgrader_config.py that names the same exchange, and work in
their own folder there:

1. the instructor runs ``generate_assignment --force`` (records the assignment in the
   gradebook) and ``release_assignment``;
2. each student runs ``fetch_assignment`` and "works": ``alice`` pastes every instructor
   answer into the fetched notebook (solved), ``bob`` only the first exercise's (partly);
   then ``submit``;
3. the instructor runs ``collect``, the course's autograde command
   (``python -m course_grading autograde``), ``generate_feedback``, ``release_feedback``;
4. each student runs ``fetch_feedback``;
5. the instructor runs ``nbgrader export --to grades.csv`` and the course's grade report
   (``python -m course_grading.report``, what ``make grades`` runs).

The two students run their commands at the same time, as real students would; each nbgrader
command spends about 4 s starting up, so this saves a few seconds per phase.

The student id: nbgrader's default exchange takes it from the operating-system account
(``nbgrader.utils.get_username``, ``pwd``; ``$USER`` plays no part), so two students under
one account are told apart with ``--student <id>`` on ``submit`` and ``fetch_feedback``.
docs/instructor/workflow.md shows these commands; keep the two in step.

Checked: alice scores the gradebook's maximum, bob exactly the points of the first
exercise's test cells; the CSV has one row per student with those values; each student's
feedback folder holds exactly one HTML file, the one generated for them, with their score
and not the other's, and a table with every exercise's total, the gradebook's; the grade report agrees with the export and lists every exercise,
bob's missing ones below full marks. The wall time of every phase is printed (``pytest -s``
shows it).
"""

from __future__ import annotations

import contextlib
import csv
import re
import shutil
import stat
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
from hostile import with_answers
from nbgrader.api import Gradebook
from nbutils import (BIN, ROOT, exercises, feedback_totals, grade_id, is_test, nbgrader_meta, quiet_env, read, run,
                     source_notebooks)

pytestmark = pytest.mark.slow

COURSE_ID = "rnns-for-nlp"
NBGRADER = str(BIN / "nbgrader")


def together(jobs: list[tuple[list[str], Path, dict[str, str]]]) -> None:
    """Run (command, folder, environment) jobs at the same time, as independent students would."""
    with ThreadPoolExecutor() as pool:
        for _ in pool.map(lambda job: run(*job), jobs):
            pass  # a failed job raises here, with its output


def autograde(course: Path, assignment: str, env: dict[str, str]) -> None:
    """Grade every collected submission with the course's grading command (sandboxed kernels)."""
    run([sys.executable, "-m", "course_grading", "autograde", assignment], course, env)


@contextlib.contextmanager
def phase(times: dict[str, float], name: str):
    """Record the wall time of the block under ``name``."""
    start = time.perf_counter()
    try:
        yield
    finally:
        times[name] = times.get(name, 0.0) + time.perf_counter() - start


def student_home(tmp: Path, student: str, exchange: Path) -> tuple[Path, dict[str, str]]:
    """A student's working folder and environment: own HOME, Jupyter folders and cache."""
    home = tmp / "home" / student
    config = home / ".jupyter"
    config.mkdir(parents=True)
    (config / "nbgrader_config.py").write_text(f"c = get_config()\nc.Exchange.root = {str(exchange)!r}\n")
    work = home / "work"
    work.mkdir()
    env = quiet_env(tmp)
    env.update(HOME=str(home), JUPYTER_CONFIG_DIR=str(config),
               JUPYTER_DATA_DIR=str(home / ".local" / "share" / "jupyter"))
    return work, env


def score_text(score: float) -> str:
    """A score as the feedback page prints it (Jinja's ``float | round(2)``)."""
    return str(round(float(score), 2))


@pytest.mark.parametrize("source", source_notebooks()[:1], ids=lambda p: p.parent.name)
def test_nbgrader_flow(source, tmp_path):
    chapter, name = source.parent.name, source.name
    notebook_id = name.removesuffix(".ipynb")
    exchange, course = tmp_path / "exchange", tmp_path / "course"
    exchange.mkdir()
    for tree in ["solutions", "chapters"]:  # as in the repository: the release is already there
        shutil.copytree(ROOT / tree / chapter, course / tree / chapter)
    config = (ROOT / "nbgrader_config.py").read_text(encoding="utf-8")
    (course / "nbgrader_config.py").write_text(config + f"\nc.Exchange.root = {str(exchange)!r}\n", encoding="utf-8")
    env = quiet_env(tmp_path)

    source_nb = read(source)
    found = exercises(source_nb)
    assert found and all(e.test_ids for e in found), "test_notebook_format explains what is missing"
    solves = {"alice": found, "bob": found[:1]}
    homes = {student: student_home(tmp_path, student, exchange) for student in solves}
    times: dict[str, float] = {}
    try:
        with phase(times, "generate_assignment"):
            # --force: without it nbgrader skips an assignment whose release exists, gradebook and all.
            run([NBGRADER, "generate_assignment", chapter, "--force"], course, env)
        with phase(times, "release_assignment"):
            run([NBGRADER, "release_assignment", chapter], course, env)

        with phase(times, "fetch_assignment"):
            together([([NBGRADER, "fetch_assignment", chapter, "--course", COURSE_ID], *homes[s]) for s in solves])
        for student, exs in solves.items():  # the students' work
            fetched = homes[student][0] / chapter / name
            nbformat.write(with_answers(read(fetched), source_nb, {e.solution_id for e in exs}), fetched)
        with phase(times, "submit"):
            together([([NBGRADER, "submit", chapter, "--course", COURSE_ID, "--student", s], *homes[s])
                      for s in solves])

        with phase(times, "collect"):
            run([NBGRADER, "collect", chapter], course, env)
        assert sorted(p.name for p in (course / "submitted").iterdir()) == sorted(solves)
        with phase(times, "autograde"):
            autograde(course, chapter, env)
        with phase(times, "generate_feedback"):
            run([NBGRADER, "generate_feedback", chapter], course, env)
        with phase(times, "release_feedback"):
            run([NBGRADER, "release_feedback", chapter], course, env)
        outbound = exchange / COURSE_ID / "feedback"
        assert len(list(outbound.glob("*.html"))) == len(solves)
        # Students may open a feedback file whose (secret) name they know, but not list the folder.
        assert not outbound.stat().st_mode & (stat.S_IRGRP | stat.S_IROTH)
        with phase(times, "fetch_feedback"):
            together([([NBGRADER, "fetch_feedback", chapter, "--course", COURSE_ID, "--student", s], *homes[s])
                      for s in solves])
        with phase(times, "export"):
            run([NBGRADER, "export", "--to", "grades.csv"], course, env)
        with phase(times, "report"):  # what `make grades` runs
            run([sys.executable, "-m", "course_grading.report"], course, env)
    finally:
        print(f"\n{chapter}: wall time per phase (s): "
              + ", ".join(f"{key} {value:.1f}" for key, value in times.items())
              + f"; total {sum(times.values()):.1f}")

    # Scores: alice has full marks, bob exactly the first exercise's test cells.
    points = {grade_id(c): nbgrader_meta(c)["points"] for c in source_nb.cells if is_test(c)}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        max_score = gradebook.find_assignment(chapter).max_score
        assert max_score == pytest.approx(sum(points.values()))
        want = {"alice": max_score, "bob": found[0].points}
        assert 0 < want["bob"] < want["alice"], "the first exercise must be worth part of the marks"
        for student, score in want.items():
            assert gradebook.find_submission(chapter, student).score == pytest.approx(score), student
        cells = {g.name: g.score for g in gradebook.find_submission_notebook(notebook_id, chapter, "bob").grades}
        assert cells == pytest.approx({t: (points[t] if t in found[0].test_ids else 0.0) for t in points})
        # Each exercise's total on the feedback page (course_grading.feedback), from the gradebook's cells.
        per_exercise = {}
        for student in want:
            grades = {g.name: g for g in gradebook.find_submission_notebook(notebook_id, chapter, student).grades}
            per_exercise[student] = {e.solution_id: (sum(grades[t].score for t in e.test_ids),
                                                     sum(grades[t].max_score for t in e.test_ids)) for e in found}

    # The CSV export: one row per student, with the gradebook's numbers.
    with open(course / "grades.csv", newline="", encoding="utf-8") as fh:
        rows = {row["student_id"]: row for row in csv.DictReader(fh)}
    assert sorted(rows) == sorted(want)
    for student, score in want.items():
        row = rows[student]
        assert row["assignment"] == chapter
        assert float(row["raw_score"]) == pytest.approx(score)
        assert float(row["score"]) == pytest.approx(score)
        assert float(row["max_score"]) == pytest.approx(max_score)
        assert float(row["late_submission_penalty"]) == 0
        assert row["timestamp"]

    # Feedback: each student holds exactly their own feedback page, and nothing of the other.
    for student, score in want.items():
        (other,) = set(want) - {student}
        work = homes[student][0]
        pages = sorted((work / chapter / "feedback").rglob("*.html"))
        assert [p.name for p in pages] == [f"{notebook_id}.html"], pages
        page = pages[0].read_text(encoding="utf-8")
        mine = course / "feedback" / student / chapter / f"{notebook_id}.html"
        theirs = course / "feedback" / other / chapter / f"{notebook_id}.html"
        assert page == mine.read_text(encoding="utf-8")
        assert page != theirs.read_text(encoding="utf-8")
        assert f"{notebook_id} (Score: {score_text(score)} / {score_text(max_score)})" in page
        assert f"{notebook_id} (Score: {score_text(want[other])} / {score_text(max_score)})" not in page
        totals = feedback_totals(page)
        assert list(totals) == [e.solution_id for e in found], "one row per exercise, in notebook order"
        assert totals == per_exercise[student], student
        for path in homes[student][0].parent.rglob("*"):
            assert not re.search(rf"\b{other}\b", str(path.relative_to(tmp_path / "home"))), path
            if path.is_file() and path.suffix in {".html", ".ipynb", ".txt", ".py"}:
                assert not re.search(rf"\b{other}\b", path.read_text(encoding="utf-8", errors="replace")), path

    # The course's grade report: the same scores, and every exercise in its table.
    with open(course / "grades" / "grades.csv", newline="", encoding="utf-8") as fh:
        report_rows = {row["student_id"]: row for row in csv.DictReader(fh)}
    assert {s: float(r["score"]) for s, r in report_rows.items()} == pytest.approx(want)
    assert {s: r["status"] for s, r in report_rows.items()} == {s: "graded" for s in want}
    assert {r["assignment"] for r in report_rows.values()} == {chapter}
    markdown = (course / "grades" / "report.md").read_text(encoding="utf-8")
    table = {line.split("|")[1].strip(): line for line in markdown.splitlines()
             if line.startswith("| ex") and not line.startswith("| exercise |")}
    assert sorted(table) == sorted(e.solution_id for e in found)
    for exercise in found[1:]:  # solved by alice only: half the submissions have full marks
        assert table[exercise.solution_id].rstrip(" |").endswith("50%"), table[exercise.solution_id]
    assert table[found[0].solution_id].rstrip(" |").endswith("100%")
    assert (course / "grades" / "report.html").is_file()
