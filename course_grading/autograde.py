"""Grade a whole class with nbgrader, one student per process, each in the sandbox.

``python -m course_grading autograde ASSIGNMENT`` (run in the course folder, where
``nbgrader_config.py`` is) does, for every student on the roster (the gradebook's students
and every folder under ``submitted/``):

1. :func:`course_grading.submission.precheck`: nothing submitted, a wrongly named file or a
   file that is not a notebook gets 0 and a reason without running anything;
2. :mod:`course_grading.tamper`: answers that rebind the test helpers, patch NumPy or
   PyTorch, or reach for the file system are flagged "needs review";
3. ``nbgrader autograde ASSIGNMENT --student S --force`` through nbgrader's API, in one of
   ``--jobs`` worker processes, the kernel in the sandbox of :mod:`course_grading.sandbox`;
   an error of one student's run is that student's "grading failed", and the batch goes on;
4. a flagged submission gets a manual score of 0 on every grade cell with the reasons as a
   comment, which nbgrader's export, feedback and formgrader all show.

It writes ``grades/autograde-ASSIGNMENT.csv`` (one row per student: status, score, reason,
the read-only cells the student edited or deleted, seconds) and nbgrader's log of each run
to ``grades/logs/ASSIGNMENT/STUDENT.log``.
"""

from __future__ import annotations

import atexit
import csv
import multiprocessing
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook, MissingEntry

from course_grading import sandbox, tamper
from course_grading.submission import (FAILED, GRADED, NEEDS_REVIEW, Precheck, edited_cells, precheck,
                                       released_notebooks)

#: nbgrader's log lines that say nothing here (see course_grading.submission).
NOISE = ("Checksum for grade cell", "checksum has changed", "Checksum for")
COLUMNS = ["student_id", "status", "score", "max_score", "reason", "edited_cells", "seconds"]


@dataclass
class Result:
    """One student's row of the report."""

    student_id: str
    status: str
    score: float = 0.0
    max_score: float = 0.0
    reason: str = ""
    edited: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def row(self) -> dict:
        """The row as written to the CSV file."""
        return {"student_id": self.student_id, "status": self.status, "score": round(self.score, 3),
                "max_score": self.max_score, "reason": self.reason, "edited_cells": "; ".join(self.edited),
                "seconds": round(self.seconds, 1)}


def roster(course: Path, assignment: str, db_url: str) -> list[str]:
    """Students in the gradebook and students with a folder under ``submitted/``."""
    with Gradebook(db_url) as gb:
        names = {s.id for s in gb.students}
    submitted = course / "submitted"
    if submitted.is_dir():
        names |= {p.name for p in submitted.iterdir() if p.is_dir() and not p.name.startswith(".")}
    return sorted(names)


class _Worker:
    """nbgrader's API in one process, configured once: it grades one student per call."""

    api = None
    course: Path

    @classmethod
    def start(cls, course: str, use_sandbox: bool) -> None:
        """Load ``nbgrader_config.py`` and, with the sandbox, a private kernel spec and socket folder."""
        from nbgrader.apps import NbGrader, NbGraderAPI  # slow imports: once per worker

        cls.course = Path(course)
        os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"  # alembic
        app = NbGrader()
        app.config_file_paths.insert(0, course)
        app.load_config_file()
        config = app.config
        config.CourseDirectory.root = course
        if use_sandbox:
            tmp = Path(tempfile.mkdtemp(prefix="grade-"))
            atexit.register(shutil.rmtree, tmp, ignore_errors=True)
            sandbox.write_kernelspec(tmp / "share")
            os.environ["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(tmp / "share"),
                                                                       os.environ.get("JUPYTER_PATH")]))
            os.environ["JUPYTER_RUNTIME_DIR"] = str(tmp)
            os.environ["COURSE_SANDBOX_ROOT"] = str(cls.course / "autograded")
            config.Execute.kernel_name = sandbox.KERNEL_NAME
            config.KernelManager.transport = "ipc"
            config.KernelManager.ip = str(tmp / "kernel")
            config.KernelManager.connection_file = str(tmp / "kernel.json")
        cls.api = NbGraderAPI(config=config)

    @classmethod
    def grade(cls, assignment: str, student: str) -> tuple[bool, str]:
        """``nbgrader autograde ASSIGNMENT --student STUDENT --force``: success, and the log."""
        for attempt in range(3):  # parallel workers share gradebook.db: SQLite may be busy for a moment
            result = cls.api.autograde(assignment, student, force=True, create=True)
            text = result.get("log", "") + result.get("error", "")
            if "database is locked" not in text:
                break
            time.sleep(1 + attempt)
        kept = "\n".join(line for line in text.splitlines() if not any(n in line for n in NOISE))
        return bool(result.get("success")), kept


def _grade_in_worker(assignment: str, student: str) -> tuple[bool, str]:
    return _Worker.grade(assignment, student)


def _flag(db_url: str, assignment: str, student: str, reasons: list[str]) -> None:
    """Score every grade cell of the submission 0 by hand, with the reasons as a comment."""
    note = "Needs review: " + "; ".join(reasons) + ". Scored 0 until an instructor has looked at it."
    with Gradebook(db_url) as gb:
        submission = gb.find_submission(assignment, student)
        for notebook in submission.notebooks:
            for grade in notebook.grades:
                grade.manual_score = 0.0
                grade.needs_manual_grade = False
            for comment in notebook.comments:
                comment.manual_comment = note
        gb.db.commit()


def grade_one(course: Path, assignment: str, student: str, release: dict, db_url: str,
              grade: Callable[[str, str], tuple[bool, str]]) -> Result:
    """Precheck, scan, grade and, if needed, flag one student's submission; never raises."""
    start = time.perf_counter()
    try:
        return _grade_one(course, assignment, student, release, db_url, grade, start)
    except Exception as err:  # one broken submission must not stop the class
        return Result(student, FAILED, reason=f"{type(err).__name__}: {err}"[:300],
                      seconds=time.perf_counter() - start)


def _grade_one(course: Path, assignment: str, student: str, release: dict, db_url: str,
               grade: Callable[[str, str], tuple[bool, str]], start: float) -> Result:
    folder = course / "submitted" / student / assignment
    check: Precheck = precheck(folder, list(release))
    if check.status is not None:
        with Gradebook(db_url) as gb:
            gb.update_or_create_student(student)
        return Result(student, check.status, reason=check.reason, seconds=time.perf_counter() - start)
    edited, flags = [], []
    for name, release_nb in release.items():
        submitted = nbformat.read(folder / name, as_version=4)
        edited += edited_cells(submitted, release_nb)
        flags += tamper.scan(submitted, release_nb)
    log = course / "grades" / "logs" / assignment / f"{student}.log"
    ok, text = grade(assignment, student)
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text(text + "\n", encoding="utf-8")
    try:
        with Gradebook(db_url) as gb:
            submission = gb.find_submission(assignment, student)
            score, max_score = submission.score, submission.max_score
    except MissingEntry:
        tail = " | ".join(text.strip().splitlines()[-3:])
        return Result(student, FAILED, reason=f"nbgrader failed: {tail[-300:]}", edited=edited,
                      seconds=time.perf_counter() - start)
    notes = list(check.notes)
    if not ok:  # failing tests do not make nbgrader fail: a kernel that died or hung does
        tail = " | ".join(text.strip().splitlines()[-2:])[-200:]
        notes.append(f"nbgrader failed ({tail}); see {log.relative_to(course)}")
    if flags:
        _flag(db_url, assignment, student, flags)
        return Result(student, NEEDS_REVIEW, 0.0, max_score, "; ".join(flags + notes), edited,
                      time.perf_counter() - start)
    if not ok:
        return Result(student, FAILED, score, max_score, "; ".join(notes), edited, time.perf_counter() - start)
    return Result(student, GRADED, score, max_score, "; ".join(notes), edited, time.perf_counter() - start)


def autograde(course: Path, assignment: str, students: list[str] | None = None, jobs: int = 1,
              use_sandbox: bool = True) -> list[Result]:
    """Grade ``students`` (default: the whole roster), ``jobs`` at a time; write and return the report rows.

    Each of the ``jobs`` worker processes loads nbgrader once and grades one student after
    another through nbgrader's API; a failure is that student's, never the batch's.
    """
    from nbgrader.apps import NbGrader  # reads nbgrader_config.py as the nbgrader commands do

    app = NbGrader()
    app.config_file_paths.insert(0, str(course))
    app.load_config_file()
    coursedir = app.config.get("CourseDirectory", {})
    release_dir = coursedir.get("release_directory", "release")
    db_url = coursedir.get("db_url", f"sqlite:///{(course / 'gradebook.db').resolve()}")
    if use_sandbox:
        sandbox.check_sandbox()
    release = released_notebooks(course, release_dir, assignment)
    names = students or roster(course, assignment, db_url)
    shared = Path(tempfile.mkdtemp(prefix="grade-shared-"))
    try:
        if use_sandbox:  # one font cache for every kernel, instead of a font scan in each
            cache = sandbox.build_font_cache(shared / "matplotlib")
            if cache is not None:
                os.environ[sandbox.FONT_CACHE_ENV] = str(cache)
        results = _grade_all(course, assignment, names, release, db_url, jobs, use_sandbox)
    finally:
        os.environ.pop(sandbox.FONT_CACHE_ENV, None)
        shutil.rmtree(shared, ignore_errors=True)
    out = course / "grades" / f"autograde-{assignment}.csv"
    out.parent.mkdir(exist_ok=True)
    with open(out, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(r.row() for r in results)
    return results


def _grade_all(course: Path, assignment: str, names: list[str], release: dict, db_url: str, jobs: int,
               use_sandbox: bool) -> list[Result]:
    context = multiprocessing.get_context("fork")  # all workers start at the first task, with nbgrader loaded
    with ProcessPoolExecutor(max_workers=max(1, jobs), mp_context=context, initializer=_Worker.start,
                             initargs=(str(course), use_sandbox)) as workers, \
            ThreadPoolExecutor(max_workers=max(1, jobs)) as threads:
        workers.submit(int).result()  # fork every worker now, before this process starts threads

        def grade(assignment_id: str, student_id: str) -> tuple[bool, str]:
            return workers.submit(_grade_in_worker, assignment_id, student_id).result()

        return list(threads.map(lambda s: grade_one(course, assignment, s, release, db_url, grade), names))
