"""The grade report: a CSV of every student's score and a summary per assignment.

``python -m course_grading.report [--course-dir .] [--out grades]`` (``make grades``) reads
nbgrader's gradebook (``gradebook.db`` in the course folder) and writes into ``--out``
(default: ``grades/`` in the course folder):

* ``grades.csv``: one row per student on the roster and assignment, with ``student_id,
  assignment, score, max_score, status, reason``. The status and reason come from
  ``autograde-ASSIGNMENT.csv``, written by the course's autograde command, when there is
  one; a student without a submission scores 0 with the status ``no submission``.
* ``report.html`` (self-contained: the figures are embedded, nothing is loaded from the
  network) and ``report.md`` (figures as PNG files beside it): per assignment, a histogram
  of the scores and the mean score of every exercise, hardest first.

An exercise is an answer cell (grade id such as ``ex2-rnn-forward``) with its test cells
(``ex2-rnn-forward-test-<part>``, see CONTRIBUTING.md); its score is the sum of theirs.
"""

from __future__ import annotations

import argparse
import base64
import csv
import html
import io
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from nbgrader.api import Gradebook, MissingEntry

from course_grading.exercises import TEST_INFIX, exercise_of  # noqa: F401  (TEST_INFIX: for callers)

#: Status of a student on the roster who submitted nothing (as in course_grading.submission).
NO_SUBMISSION = "no submission"
#: Status of a graded submission that the autograde report does not mention.
GRADED = "graded"
CSV_COLUMNS = ["student_id", "assignment", "score", "max_score", "status", "reason"]


@dataclass(frozen=True)
class GradeRow:
    """One student's result on one assignment."""

    student_id: str
    assignment: str
    score: float
    max_score: float
    status: str
    reason: str = ""


@dataclass(frozen=True)
class ExerciseStats:
    """How the submissions of one assignment did on one exercise."""

    exercise: str
    mean: float
    max_points: float
    full_share: float  # share of submissions with full marks on the exercise
    submissions: int


def read_statuses(path: Path) -> dict[str, tuple[str, str]]:
    """student_id -> (status, reason) from an autograde report; empty if there is none."""
    if not path.is_file():
        return {}
    with open(path, newline="", encoding="utf-8") as handle:
        return {row["student_id"]: (row.get("status") or "", row.get("reason") or "")
                for row in csv.DictReader(handle)}


def grade_rows(gradebook: Gradebook, assignment: str, statuses: dict[str, tuple[str, str]]) -> list[GradeRow]:
    """One row per student on the roster (the gradebook's students and those in ``statuses``)."""
    max_score = float(gradebook.find_assignment(assignment).max_score or 0.0)
    roster = sorted({s.id for s in gradebook.students} | set(statuses))
    rows = []
    for student in roster:
        try:
            submission = gradebook.find_submission(assignment, student)
        except MissingEntry:
            status, reason = statuses.get(student, (NO_SUBMISSION, ""))
            rows.append(GradeRow(student, assignment, 0.0, max_score, status, reason))
            continue
        score = float(submission.score or 0.0) - float(submission.late_submission_penalty or 0.0)
        status, reason = statuses.get(student, (GRADED, ""))
        rows.append(GradeRow(student, assignment, score, max_score, status, reason))
    return rows


def exercise_stats(gradebook: Gradebook, assignment: str) -> list[ExerciseStats]:
    """Mean score, points and share of full marks per exercise over the submissions, hardest first."""
    found = gradebook.find_assignment(assignment)
    several = len(found.notebooks) > 1
    owner: dict[tuple[str, str], str] = {}
    max_points: dict[str, float] = defaultdict(float)
    for notebook in found.notebooks:
        answers = {cell.name for cell in notebook.solution_cells}
        for cell in notebook.grade_cells:
            exercise = exercise_of(cell.name, answers)
            exercise = f"{notebook.name}: {exercise}" if several else exercise
            owner[notebook.name, cell.name] = exercise
            max_points[exercise] += float(cell.max_score or 0.0)
    points: dict[str, list[float]] = defaultdict(list)
    for submission in gradebook.assignment_submissions(assignment):
        mine: dict[str, float] = dict.fromkeys(max_points, 0.0)
        for notebook in submission.notebooks:
            for grade in notebook.grades:
                key = owner.get((notebook.name, grade.name))
                if key is not None:
                    mine[key] += float(grade.score or 0.0)
        for exercise, value in mine.items():
            points[exercise].append(value)
    stats = []
    for exercise, top in max_points.items():
        values = points.get(exercise, [])
        mean = sum(values) / len(values) if values else 0.0
        full = sum(v >= top - 1e-9 for v in values) / len(values) if values else 0.0
        stats.append(ExerciseStats(exercise, mean, top, full, len(values)))
    return sorted(stats, key=lambda s: (s.mean / s.max_points if s.max_points else 1.0, s.full_share, s.exercise))


def histogram_png(scores: list[float], max_score: float, title: str) -> bytes:
    """A histogram of ``scores`` between 0 and ``max_score``, as PNG bytes."""
    figure = Figure(figsize=(6, 3.2), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.subplots()
    top = max(max_score, max(scores, default=0.0), 1.0)
    bins = max(1, min(20, int(round(top))))
    axes.hist(scores, bins=bins, range=(0, top), color="#4c72b0", edgecolor="white")
    axes.set_xlim(0, top)
    axes.set_xlabel(f"score (out of {max_score:g})")
    axes.set_ylabel("students")
    axes.set_title(title)
    axes.yaxis.get_major_locator().set_params(integer=True)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def _fmt(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _exercise_table(stats: list[ExerciseStats]) -> list[list[str]]:
    header = ["exercise", "mean", "max", "mean %", "full marks"]
    body = [[s.exercise, _fmt(s.mean), _fmt(s.max_points),
             f"{100 * s.mean / s.max_points:.0f}%" if s.max_points else "-", f"{100 * s.full_share:.0f}%"]
            for s in stats]
    return [header] + body


def _markdown_table(table: list[list[str]]) -> str:
    lines = ["| " + " | ".join(table[0]) + " |", "|" + " --- |" * len(table[0])]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in table[1:]]
    return "\n".join(lines)


def _html_table(table: list[list[str]]) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in table[0])
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in table[1:])
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _summary(rows: list[GradeRow], stats: list[ExerciseStats]) -> str:
    submitted = [r for r in rows if r.status != NO_SUBMISSION]
    text = f"{len(submitted)} of {len(rows)} students on the roster submitted"
    if submitted:
        mean = sum(r.score for r in submitted) / len(submitted)
        text += f"; mean score {_fmt(mean)} of {_fmt(rows[0].max_score)}"
    if stats and stats[0].submissions:
        text += f". Hardest exercise: {stats[0].exercise}"
    return text + "."


def _attention(rows: list[GradeRow]) -> list[list[str]]:
    """Students whose submission was not simply graded, with the reason."""
    return [["student", "status", "reason"]] + [[r.student_id, r.status, r.reason] for r in rows if r.status != GRADED]


def _status_file(course: Path, out: Path, assignment: str) -> Path:
    """The autograde report of ``assignment``: in ``out`` if there is one, else in course/grades."""
    name = f"autograde-{assignment}.csv"
    return out / name if (out / name).is_file() else course / "grades" / name


def write_csv(rows: list[GradeRow], path: Path) -> None:
    """Write ``rows`` as CSV with the columns of :data:`CSV_COLUMNS`."""
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_COLUMNS)
        for r in rows:
            writer.writerow([r.student_id, r.assignment, round(r.score, 3), round(r.max_score, 3), r.status, r.reason])


def write_report(course_dir: Path | str, out_dir: Path | str | None = None) -> list[Path]:
    """Read ``course_dir/gradebook.db`` and write grades.csv, report.html and report.md.

    ``out_dir`` defaults to ``course_dir/grades``. An ``autograde-ASSIGNMENT.csv`` is looked
    for in ``out_dir``, then in ``course_dir/grades``. Returns the paths written.
    """
    course = Path(course_dir)
    out = Path(out_dir) if out_dir is not None else course / "grades"
    database = course / "gradebook.db"
    if not database.is_file():
        raise FileNotFoundError(f"no gradebook at {database}: run nbgrader in the course folder first")
    out.mkdir(parents=True, exist_ok=True)
    all_rows: list[GradeRow] = []
    md = ["# Grade report", ""]
    body = ["<h1>Grade report</h1>"]
    written = []
    with Gradebook(f"sqlite:///{database.resolve()}") as gradebook:
        for assignment in sorted(a.name for a in gradebook.assignments):
            rows = grade_rows(gradebook, assignment, read_statuses(_status_file(course, out, assignment)))
            stats = exercise_stats(gradebook, assignment)
            all_rows += rows
            scores = [r.score for r in rows if r.status != NO_SUBMISSION]
            png = histogram_png(scores, rows[0].max_score if rows else 0.0, assignment)
            image = out / f"{assignment}-scores.png"
            image.write_bytes(png)
            written.append(image)
            summary, table, attention = _summary(rows, stats), _exercise_table(stats), _attention(rows)
            md += [f"## {assignment}", "", summary, "", f"![Scores in {assignment}]({image.name})", "",
                   "Exercises, hardest first (over the submissions):", "", _markdown_table(table), ""]
            body += [f"<h2>{html.escape(assignment)}</h2>", f"<p>{html.escape(summary)}</p>",
                     f'<img alt="Scores in {html.escape(assignment)}" '
                     f'src="data:image/png;base64,{base64.b64encode(png).decode("ascii")}">',
                     "<p>Exercises, hardest first (over the submissions):</p>", _html_table(table)]
            if len(attention) > 1:
                md += ["To look at:", "", _markdown_table(attention), ""]
                body += ["<p>To look at:</p>", _html_table(attention)]
    paths = {name: out / name for name in ["grades.csv", "report.md", "report.html"]}
    write_csv(all_rows, paths["grades.csv"])
    paths["report.md"].write_text("\n".join(md), encoding="utf-8")
    style = ("body{font-family:sans-serif;max-width:50em;margin:2em auto}table{border-collapse:collapse}"
             "td,th{border:1px solid #ccc;padding:.2em .6em;text-align:left}img{max-width:100%}")
    paths["report.html"].write_text(
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Grade report</title>'
        f"<style>{style}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n", encoding="utf-8")
    return written + list(paths.values())


def build_parser(parser: argparse.ArgumentParser | None = None) -> argparse.ArgumentParser:
    """The command-line options (added to ``parser`` when one is given, e.g. a subcommand's)."""
    parser = parser or argparse.ArgumentParser(prog="python -m course_grading.report",
                                               description="Write grades.csv and the grade report from the gradebook.")
    parser.add_argument("--course-dir", type=Path, default=Path("."),
                        help="the nbgrader course folder, with gradebook.db (default: .)")
    parser.add_argument("--out", type=Path, default=None, help="output folder (default: COURSE_DIR/grades)")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = build_parser().parse_args(argv)
    try:
        paths = write_report(args.course_dir, args.out)
    except FileNotFoundError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    for path in paths:
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
