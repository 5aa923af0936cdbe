"""Grade a whole class with nbgrader, one student per process, each in the sandbox.

``python -m course_grading autograde ASSIGNMENT`` (run in the course folder, where
``nbgrader_config.py`` is) does, for every student on the roster (the gradebook's students
and every folder under ``submitted/``):

1. :func:`course_grading.submission.precheck`: nothing submitted, a wrongly named file or a
   file that is not a notebook gets 0 and a reason without running anything;
2. :mod:`course_grading.tamper`: answers that rebind the test helpers, patch NumPy or
   PyTorch, or reach for the file system are flagged "needs review";
3. ``nbgrader autograde ASSIGNMENT --student S``, its kernel in the sandbox of
   :mod:`course_grading.sandbox`; a crash or a hang of one student's run is that student's
   "grading failed", and the batch goes on;
4. a flagged submission gets a manual score of 0 on every grade cell with the reasons as a
   comment, which nbgrader's export, feedback and formgrader all show.

It writes ``grades/autograde-ASSIGNMENT.csv`` (one row per student: status, score, reason,
the read-only cells the student edited or deleted, seconds) and nbgrader's log of each run
to ``grades/logs/ASSIGNMENT/STUDENT.log``.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook, MissingEntry

from course_grading import sandbox, tamper
from course_grading.submission import (FAILED, GRADED, NEEDS_REVIEW, Precheck, edited_cells, precheck,
                                       released_notebooks)

#: nbgrader's log lines that say nothing here (see course_grading.submission).
NOISE = ("Checksum for grade cell", "checksum has changed", "Checksum for")
#: How long one student's whole run may take, whatever the per-cell timeout.
STUDENT_TIMEOUT = 900
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


def nbgrader_argv(assignment: str, student: str, socket_dir: Path | None, extra: list[str]) -> list[str]:
    """The ``nbgrader autograde`` command for one student (sandboxed unless ``socket_dir`` is None)."""
    argv = [str(Path(sys.executable).parent / "nbgrader"), "autograde", assignment, "--student", student,
            "--force", "--Autograde.create_student=True"]
    if socket_dir is not None:
        argv += [f"--Execute.kernel_name={sandbox.KERNEL_NAME}", "--KernelManager.transport=ipc",
                 f"--KernelManager.ip={socket_dir / 'kernel'}",
                 f"--KernelManager.connection_file={socket_dir / 'kernel.json'}"]
    return argv + extra


def run_nbgrader(course: Path, assignment: str, student: str, use_sandbox: bool, log: Path,
                 extra: list[str]) -> tuple[int, str]:
    """Run nbgrader for one student; return its exit code and its log without the noise."""
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"  # nbgrader runs `alembic`
    with tempfile.TemporaryDirectory(prefix="grade-") as tmp:
        socket_dir = None
        if use_sandbox:
            socket_dir = Path(tmp) / "sock"
            socket_dir.mkdir()
            notebook_dir = (course / "autograded" / student / assignment).resolve()
            sandbox.write_kernelspec(Path(tmp) / "share", notebook_dir, socket_dir)
            env["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(Path(tmp) / "share"), env.get("JUPYTER_PATH")]))
            env["JUPYTER_RUNTIME_DIR"] = str(socket_dir)
        argv = nbgrader_argv(assignment, student, socket_dir, extra)
        for attempt in range(3):  # parallel runs share gradebook.db: SQLite may be busy for a moment
            try:
                proc = subprocess.run(argv, cwd=course, env=env, capture_output=True, text=True,
                                      timeout=STUDENT_TIMEOUT)
                code, text = proc.returncode, proc.stdout + proc.stderr
            except subprocess.TimeoutExpired:
                code, text = -1, f"nbgrader did not finish in {STUDENT_TIMEOUT} s"
            if "database is locked" not in text:
                break
            time.sleep(1 + attempt)
    kept = "\n".join(line for line in text.splitlines() if not any(n in line for n in NOISE))
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text(kept + "\n", encoding="utf-8")
    return code, kept


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
              use_sandbox: bool, extra: list[str]) -> Result:
    """Precheck, scan, grade and, if needed, flag one student's submission; never raises."""
    start = time.perf_counter()
    try:
        return _grade_one(course, assignment, student, release, db_url, use_sandbox, extra, start)
    except Exception as err:  # one broken submission must not stop the class
        return Result(student, FAILED, reason=f"{type(err).__name__}: {err}"[:300],
                      seconds=time.perf_counter() - start)


def _grade_one(course: Path, assignment: str, student: str, release: dict, db_url: str,
               use_sandbox: bool, extra: list[str], start: float) -> Result:
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
    code, text = run_nbgrader(course, assignment, student, use_sandbox, log, extra)
    try:
        with Gradebook(db_url) as gb:
            submission = gb.find_submission(assignment, student)
            score, max_score = submission.score, submission.max_score
    except MissingEntry:
        tail = " | ".join(text.strip().splitlines()[-3:])
        return Result(student, FAILED, reason=f"nbgrader exited {code}: {tail[-300:]}", edited=edited,
                      seconds=time.perf_counter() - start)
    notes = list(check.notes)
    if code != 0:  # failing tests do not make nbgrader fail: a kernel that died or hung does
        tail = " | ".join(text.strip().splitlines()[-2:])[-200:]
        notes.append(f"nbgrader exited {code} ({tail}); see {log.relative_to(course)}")
    if flags:
        _flag(db_url, assignment, student, flags)
        return Result(student, NEEDS_REVIEW, 0.0, max_score, "; ".join(flags + notes), edited,
                      time.perf_counter() - start)
    if code != 0:
        return Result(student, FAILED, score, max_score, "; ".join(notes), edited, time.perf_counter() - start)
    return Result(student, GRADED, score, max_score, "; ".join(notes), edited, time.perf_counter() - start)


def autograde(course: Path, assignment: str, students: list[str] | None = None, jobs: int = 1,
              use_sandbox: bool = True, extra: list[str] | None = None) -> list[Result]:
    """Grade ``students`` (default: the whole roster); write and return the report rows."""
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
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        results = list(pool.map(lambda s: grade_one(course, assignment, s, release, db_url, use_sandbox,
                                                    extra or []), names))
    out = course / "grades" / f"autograde-{assignment}.csv"
    out.parent.mkdir(exist_ok=True)
    with open(out, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(r.row() for r in results)
    return results
