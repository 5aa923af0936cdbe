"""Command line of the course's grading tools.

``python -m course_grading autograde ASSIGNMENT [--student S ...] [--jobs N] [--no-sandbox]``
grades a class (see :mod:`course_grading.autograde`); run it in the course folder.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from course_grading.autograde import autograde
from course_grading.sandbox import SandboxUnavailable
from course_grading.submission import FAILED


def printable(text: str) -> str:
    """Text from a submission, with control characters (terminal escapes) shown as escapes."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def main(argv: list[str] | None = None) -> int:
    """Parse the command line, grade, print one line per student and a summary; return the exit code."""
    parser = argparse.ArgumentParser(prog="python -m course_grading", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    grade = sub.add_parser("autograde", help="grade every submission of an assignment, each in the sandbox")
    grade.add_argument("assignment", help="assignment (chapter folder) name, e.g. 01-rnn-anatomy")
    grade.add_argument("--student", action="append", help="grade only this student (repeatable)")
    grade.add_argument("--jobs", type=int, default=1, help="students graded at once (default 1; at most one per core)")
    grade.add_argument("--no-sandbox", action="store_true",
                       help="run student code with your own rights (only for trusted notebooks)")
    grade.add_argument("--course-dir", type=Path, default=Path.cwd(), help="course folder (default: here)")
    args = parser.parse_args(argv)
    try:
        results = autograde(args.course_dir.resolve(), args.assignment, args.student, args.jobs,
                            not args.no_sandbox)
    except SandboxUnavailable as err:
        print(f"error: {err}\n(or pass --no-sandbox for notebooks you trust)", file=sys.stderr)
        return 2
    except FileNotFoundError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    width = max([len(r.student_id) for r in results] + [7])
    for r in results:
        r.reason, r.review, r.edited = printable(r.reason), [printable(x) for x in r.review], \
            [printable(x) for x in r.edited]
        score = "-" if r.score is None else f"{r.score:g}/{r.max_score:g}" if r.max_score else "0"
        extra = f"  {r.reason}" if r.reason else ""
        review = f"  [review: {'; '.join(r.review)}]" if r.review else ""
        edits = f"  [read-only cells: {'; '.join(r.edited)}]" if r.edited else ""
        print(f"{printable(r.student_id):<{width}}  {r.status:<15} {score:>9}  {r.seconds:5.1f} s"
              f"{extra}{review}{edits}")
    counts = {s: sum(r.status == s for r in results) for s in sorted({r.status for r in results})}
    print(f"{len(results)} students: " + ", ".join(f"{n} {s}" for s, n in counts.items()) +
          f"; report: grades/autograde-{args.assignment}.csv")
    failed = [r.student_id for r in results if r.status == FAILED]
    if failed:
        print(f"GRADING FAILED for {len(failed)} student(s), no score recorded: {' '.join(failed)}; after a look at "
              f"grades/logs/{args.assignment}/, grade them again with: python -m course_grading autograde "
              f"{args.assignment} " + " ".join(f"--student {s}" for s in failed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
