"""Grade a whole class with nbgrader, one student per process, each kernel in the sandbox.

``python -m course_grading autograde ASSIGNMENT`` (run in the course folder, where
``nbgrader_config.py`` is) does, for every student on the roster (the gradebook's students
and every folder under ``submitted/``):

1. copies the submission into a private staging folder, regular files only: a symbolic
   link, a device or a socket in ``submitted/`` is left out and named in the report, so
   nothing the grader copies, grades or returns can lead outside the submission;
2. :func:`course_grading.submission.precheck` on that copy: nothing submitted, a wrongly
   named file or a file that is not a notebook gets 0 and a reason without running anything;
3. :mod:`course_grading.tamper` reads the student's code and lists what an instructor may
   want to look at ("needs review"); that alone changes no score;
4. ``nbgrader autograde ASSIGNMENT --student S --force`` through nbgrader's API, in one of
   ``--jobs`` worker processes: the student's cells run in the sandboxed kernel, the tests in
   the worker (:class:`course_grading.execute.TrustedExecute`), and nbgrader records the
   scores in its gradebook;
5. a run that failed for a reason that is not the student's (the set-up cell timed out on a
   loaded machine, the kernel could not start or died in the set-up cell, nbgrader failed)
   is graded again once, alone, after the others; if it fails again the student is
   "grading failed": no score is recorded as earned, every grade cell is marked for manual
   grading, and the command's last line names them.

It writes ``grades/autograde-ASSIGNMENT.csv`` (one row per student: status, score, reason,
what needs review, the read-only cells the student edited or deleted, seconds) and
nbgrader's log of each run to ``grades/logs/ASSIGNMENT/STUDENT.log``.
"""

from __future__ import annotations

import csv
import multiprocessing
import os
import shutil
import stat
import sys
import tempfile
import threading
import time
import warnings
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook, MissingEntry

from course_grading import sandbox, tamper
from course_grading.submission import (FAILED, GRADED, NEEDS_REVIEW, Precheck, edited_cells, precheck,
                                       released_notebooks)

#: nbgrader's log lines that say nothing here (see course_grading.submission).
NOISE = ("Checksum for grade cell", "checksum has changed", "Checksum for")
COLUMNS = ["student_id", "status", "score", "max_score", "reason", "review", "edited_cells", "seconds", "peak_mib"]
#: Largest file copied from a submission folder (a notebook is at most nbgrader's max_file_size).
MAX_COPY_BYTES = 100 * 2**20


@dataclass
class Result:
    """One student's row of the report; ``retry`` is set when the run should be graded again."""

    student_id: str
    status: str
    score: float | None = 0.0
    max_score: float = 0.0
    reason: str = ""
    edited: list[str] = field(default_factory=list)
    seconds: float = 0.0
    review: list[str] = field(default_factory=list)
    retry: str = ""
    peak_mib: float = 0.0

    def row(self) -> dict:
        """The row as written to the CSV file (no score when grading failed)."""
        return {"student_id": self.student_id, "status": self.status,
                "score": "" if self.score is None else round(self.score, 3), "max_score": self.max_score,
                "reason": self.reason, "review": "; ".join(self.review), "edited_cells": "; ".join(self.edited),
                "seconds": round(self.seconds, 1), "peak_mib": round(self.peak_mib)}


def roster(course: Path, assignment: str, db_url: str) -> list[str]:
    """Students in the gradebook and students with a folder under ``submitted/``."""
    with Gradebook(db_url) as gb:
        names = {s.id for s in gb.students}
    submitted = course / "submitted"
    if submitted.is_dir():
        names |= {p.name for p in submitted.iterdir() if p.is_dir() and not p.is_symlink()
                  and not p.name.startswith(".")}
    return sorted(names)


def stage(source: Path, dest: Path) -> list[str]:
    """Copy the regular files of ``source`` (a submission folder) into ``dest``, following no link.

    Returns what was left out: links, devices, sockets, pipes and files over
    :data:`MAX_COPY_BYTES`, each as a short phrase. ``source`` itself must be a real folder.
    """
    skipped: list[str] = []
    dest.mkdir(parents=True, exist_ok=True)
    for root, dirs, files in os.walk(source, followlinks=False):
        rel = Path(root).relative_to(source)
        for name in list(dirs):
            if os.path.islink(os.path.join(root, name)):
                skipped.append(f"{rel / name} (a link)")
                dirs.remove(name)
            else:
                (dest / rel / name).mkdir(exist_ok=True)
        for name in files:
            path = os.path.join(root, name)
            info = os.lstat(path)
            if not stat.S_ISREG(info.st_mode):
                kind = "a link" if stat.S_ISLNK(info.st_mode) else "not a regular file"
                skipped.append(f"{rel / name} ({kind})")
                continue
            if info.st_size > MAX_COPY_BYTES:
                skipped.append(f"{rel / name} (larger than {MAX_COPY_BYTES // 2**20} MiB)")
                continue
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
            with os.fdopen(fd, "rb") as src, open(dest / rel / name, "wb") as out:
                shutil.copyfileobj(src, out)
    return skipped


def remove_links(folder: Path) -> list[str]:
    """Remove anything but regular files and folders below ``folder`` (what nbgrader wrote); return what went."""
    removed = []
    if not folder.is_dir() or folder.is_symlink():
        return removed
    for root, dirs, files in os.walk(folder, followlinks=False):
        for name in dirs + files:
            path = os.path.join(root, name)
            mode = os.lstat(path).st_mode
            if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
                os.unlink(path)
                removed.append(os.path.relpath(path, folder))
    return removed


def ignore_nbgrader_autoflush_warnings() -> None:
    """Silence the SQLAlchemy warnings that nbgrader's ``Gradebook.add_submission`` gives for every new submission.

    nbgrader builds the new submission's objects, linked to the student and the assignment, before
    it adds them to the session, and reads ``submission.assignment.notebooks`` in between; that read
    flushes the session, and SQLAlchemy 2 (which no longer adds objects along a backref) warns three
    times that the pending objects are not in it yet. nbgrader adds them right after, so nothing is
    lost. The cause is in nbgrader (nbgrader/api.py), so only these three warnings, from there, are ignored.
    """
    from sqlalchemy.exc import SAWarning

    warnings.filterwarnings("ignore", category=SAWarning, module=r"nbgrader\.api$",
                            message=r"Object of type <Submitted(Assignment|Notebook)> not in session, "
                                    r"add operation along '\w+\.submissions' will not proceed")


class _Worker:
    """nbgrader's API in one process, configured once: it grades one student per call."""

    api = None

    @classmethod
    def start(cls, course: str, use_sandbox: bool, staging: str, again: bool = False) -> None:
        """Load ``nbgrader_config.py``, read submissions from ``staging``, and sandbox the kernels.

        ``again``: the students are graded a second time, alone; the set-up cell gets
        ``TrustedExecute.retry_setup_timeout`` seconds.
        """
        from course_grading.execute import TrustedExecute

        from nbgrader.apps import NbGrader, NbGraderAPI  # slow imports: once per worker

        ignore_nbgrader_autoflush_warnings()
        os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"  # alembic
        os.environ["CUDA_VISIBLE_DEVICES"] = ""  # the tests' own computations: on the CPU, the same for everyone
        kernels = Path(staging).parent / "kernels"  # the kernels' socket folders: removed with the run's folder
        kernels.mkdir(exist_ok=True)
        tempfile.tempdir = str(kernels)
        app = NbGrader()
        app.config_file_paths.insert(0, course)
        app.load_config_file()
        config = app.config
        config.CourseDirectory.root = course
        config.CourseDirectory.submitted_directory = staging
        config.TrustedExecute.sandbox = use_sandbox
        if again:
            config.TrustedExecute.setup_timeout = config.TrustedExecute.get(
                "retry_setup_timeout", TrustedExecute.retry_setup_timeout.default_value)
        cls.api = NbGraderAPI(config=config)

    @classmethod
    def grade(cls, assignment: str, student: str) -> tuple[bool, str, list[dict]]:
        """``nbgrader autograde ASSIGNMENT --student STUDENT --force``: success, the log, the runs' reports."""
        from course_grading import execute

        for attempt in range(3):  # parallel workers share gradebook.db: SQLite may be busy for a moment
            execute.REPORTS.clear()
            result = cls.api.autograde(assignment, student, force=True, create=True)
            text = result.get("log", "") + result.get("error", "")
            if "database is locked" not in text:
                break
            time.sleep(1 + attempt)
        kept = "\n".join(line for line in text.splitlines() if not any(n in line for n in NOISE))
        return bool(result.get("success")), kept, list(execute.REPORTS)


def _grade_in_worker(assignment: str, student: str) -> tuple[bool, str, list[dict]]:
    return _Worker.grade(assignment, student)


def mark_failed(db_url: str, assignment: str, student: str, reason: str) -> None:
    """Leave no automatic score for a run that failed: every grade cell needs manual grading, with the reason."""
    note = f"Grading failed: {reason}. Grade by hand or run the grader again for this student."
    with Gradebook(db_url) as gb:
        try:
            submission = gb.find_submission(assignment, student)
        except MissingEntry:
            return
        for notebook in submission.notebooks:
            for grade in notebook.grades:
                grade.auto_score = None
                grade.manual_score = None
                grade.needs_manual_grade = True
            for comment in notebook.comments:
                comment.manual_comment = note
        gb.db.commit()


def grade_one(course: Path, assignment: str, student: str, release: dict, db_url: str, staging: Path,
              grade: Callable[[str, str], tuple[bool, str, list[dict]]], final: bool = True) -> Result:
    """Stage, precheck, scan and grade one student's submission; never raises.

    ``final`` is false on the first pass: a run that should be graded again comes back with
    ``retry`` set instead of "grading failed".
    """
    start = time.perf_counter()
    try:
        return _grade_one(course, assignment, student, release, db_url, staging, grade, start, final)
    except Exception as err:  # one broken submission must not stop the class
        reason = f"{type(err).__name__}: {err}"[:300]
        if not final:
            return Result(student, FAILED, None, reason=reason, retry=reason, seconds=time.perf_counter() - start)
        mark_failed(db_url, assignment, student, reason)
        return Result(student, FAILED, None, reason=reason, seconds=time.perf_counter() - start)


def _grade_one(course: Path, assignment: str, student: str, release: dict, db_url: str, staging: Path,
               grade: Callable, start: float, final: bool) -> Result:
    source = course / "submitted" / student / assignment
    folder = staging / student / assignment
    shutil.rmtree(staging / student, ignore_errors=True)
    skipped = stage(source, folder) if source.is_dir() and not source.is_symlink() else []
    check: Precheck = precheck(folder if source.is_dir() and not source.is_symlink() else source, list(release),
                               release)
    notes = list(check.notes) + ([f"left out of the submission: {', '.join(skipped[:5])}"] if skipped else [])
    if check.status is not None:
        with Gradebook(db_url) as gb:
            gb.update_or_create_student(student)
        return Result(student, check.status, reason="; ".join([check.reason] + notes),
                      seconds=time.perf_counter() - start)
    edited, flags = [], []
    for name, release_nb in release.items():
        submitted = nbformat.read(folder / name, as_version=4)
        original = folder / f"{name}.orig"  # as handed in, before precheck's repairs
        edited += edited_cells(nbformat.read(original, as_version=4) if original.is_file() else submitted, release_nb)
        flags += tamper.scan(submitted, release_nb)
    log = course / "grades" / "logs" / assignment / f"{student}.log"
    ok, text, reports = grade(assignment, student)
    log.parent.mkdir(parents=True, exist_ok=True)
    summary = [f"[grader] run {i + 1}: {r['seconds']:.1f} s, kernel peak {r['peak_bytes'] / 2**20:.0f} MiB resident "
               f"({r['peak_data'] / 2**20:.0f} MiB private in one process), {r['peak_tasks']} threads, "
               f"{r['peak_processes']} processes, {r['restarts']} restarts" for i, r in enumerate(reports)]
    log.write_text("\n".join([text] + summary) + "\n", encoding="utf-8")
    removed = remove_links(course / "autograded" / student / assignment)
    if removed:
        notes.append(f"removed from the autograded folder: {', '.join(removed[:5])}")
    retry = next((r["retry"] for r in reports if r.get("retry")), "")
    notes += [n for r in reports for n in r.get("notes", [])]
    if not ok and not retry:
        tail = " | ".join(text.strip().splitlines()[-2:])[-200:]
        retry = f"nbgrader failed ({tail}); see {log.relative_to(course)}"
    if retry:
        if not final:
            return Result(student, FAILED, None, reason=retry, edited=edited, review=flags, retry=retry,
                          seconds=time.perf_counter() - start)
        mark_failed(db_url, assignment, student, retry)
        return Result(student, FAILED, None, reason="; ".join([retry] + notes), edited=edited, review=flags,
                      seconds=time.perf_counter() - start)
    try:
        with Gradebook(db_url) as gb:
            submission = gb.find_submission(assignment, student)
            score, max_score = submission.score, submission.max_score
    except MissingEntry:
        return Result(student, FAILED, None, reason="nbgrader recorded no submission", edited=edited,
                      seconds=time.perf_counter() - start)
    status = NEEDS_REVIEW if flags else GRADED
    peak = max([r.get("peak_bytes", 0) for r in reports] + [0]) / 2**20
    return Result(student, status, score, max_score, "; ".join(notes), edited, time.perf_counter() - start, flags,
                  peak_mib=peak)


def autograde(course: Path, assignment: str, students: list[str] | None = None, jobs: int = 1,
              use_sandbox: bool = True) -> list[Result]:
    """Grade ``students`` (default: the whole roster), ``jobs`` at a time; write and return the report rows.

    Each of the ``jobs`` worker processes loads nbgrader once and grades one student after
    another through nbgrader's API; a failure is that student's, never the batch's. Runs that
    failed for a reason that is not the student's are graded again, one at a time, at the end.
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
        staging = shared / "submitted"
        staging.mkdir()
        results = _grade_all(course, assignment, names, release, db_url, staging, jobs, use_sandbox, final=False)
        again = [r.student_id for r in results if r.retry]
        if again:  # alone: one worker, after every other student
            redone = {r.student_id: r for r in _grade_all(course, assignment, again, release, db_url, staging, 1,
                                                           use_sandbox, final=True)}
            for r in redone.values():
                r.reason = f"graded again after: {next(x.retry for x in results if x.student_id == r.student_id)}" \
                    + (f"; {r.reason}" if r.reason else "") if r.status != FAILED else r.reason
            results = [redone.get(r.student_id, r) for r in results]
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


class _Workers:
    """The pool of grading processes; one that died (or was killed) is replaced, and only its student fails."""

    def __init__(self, jobs: int, initargs: tuple) -> None:
        self.jobs, self.initargs = max(1, jobs), initargs
        self.lock = threading.Lock()
        self.pool = self._new()

    def _new(self) -> ProcessPoolExecutor:
        context = multiprocessing.get_context("fork")  # all workers start at the first task, with nbgrader loaded
        pool = ProcessPoolExecutor(max_workers=self.jobs, mp_context=context, initializer=_Worker.start,
                                   initargs=self.initargs)
        pool.submit(int).result()  # fork every worker now, before this process starts threads
        return pool

    def grade(self, assignment: str, student: str) -> tuple[bool, str, list[dict]]:
        """Grade one student in a worker; a broken pool is replaced and the student's run counts as failed."""
        with self.lock:
            pool = self.pool
        try:
            return pool.submit(_grade_in_worker, assignment, student).result()
        except BrokenProcessPool:
            with self.lock:
                if self.pool is pool:
                    pool.shutdown(wait=False, cancel_futures=True)
                    self.pool = self._new()
            return False, "the grading process died while it graded this student", \
                [{"retry": "the grading process died while it graded this student", "notes": [], "peak_bytes": 0,
                  "peak_tasks": 0, "peak_processes": 0, "peak_data": 0, "restarts": 0, "seconds": 0.0}]

    def shutdown(self) -> None:
        """Stop the workers."""
        self.pool.shutdown(wait=True, cancel_futures=True)


def _grade_all(course: Path, assignment: str, names: list[str], release: dict, db_url: str, staging: Path,
               jobs: int, use_sandbox: bool, final: bool) -> list[Result]:
    workers = _Workers(jobs, (str(course), use_sandbox, str(staging), final))
    try:
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as threads:
            return list(threads.map(lambda s: grade_one(course, assignment, s, release, db_url, staging,
                                                        workers.grade, final), names))
    finally:
        workers.shutdown()
