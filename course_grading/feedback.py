"""The feedback page students get back: a total per exercise at its top.

nbgrader's own feedback page (``nbgrader generate_feedback``) heads the notebook with one
line per test cell, so that an exercise worth 3 points shows as ``1.0 / 1.0`` and ``0.0 /
2.0`` with nothing that adds them up. The course's ``nbgrader_config.py`` plugs in:

* :class:`ExerciseTotals`, a preprocessor that runs after nbgrader's ``GetGrades`` (which
  writes each grade cell's ``score`` and ``points`` into its metadata) and adds up, per
  exercise, the scores of its test cells (:mod:`course_grading.exercises`), with the title
  of the exercise's heading (``### ✏️ Exercise N (P points): title``);
* :class:`FeedbackExporter`, nbgrader's HTML exporter with the template
  ``templates/feedback.html.j2``: it extends nbgrader's feedback template and puts a table
  of the exercises (score, points, the test cells with theirs, links to the cells) above
  the notebook.

Everything else stays nbgrader's: the notebook as graded, hidden tests removed by
:class:`course_grading.plugins.RedactHiddenTests`, and the overall score in the heading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import FileSystemLoader
from nbconvert.exporters import HTMLExporter
from nbconvert.exporters.exporter import ResourcesDict
from nbformat.notebooknode import NotebookNode
from nbconvert.preprocessors import Preprocessor
from traitlets import Bool, default

from course_grading.exercises import TEST_INFIX, exercise_number, exercise_of

#: The folder of the course's feedback template.
TEMPLATES = Path(__file__).resolve().parent / "templates"
#: The template file; it extends nbgrader's ``feedback/index.html.j2``.
TEMPLATE_FILE = "feedback.html.j2"
#: A heading that announces an exercise: ``### ✏️ Exercise 2 (3 points): unroll over a sequence``.
HEADING = re.compile(r"^#{1,6}[^\n]*?\bExercise\s+(\d+)\b[^\n:]*:[ \t]*(\S[^\n]*?)[ \t]*$", re.M)


@dataclass
class TestScore:
    """One graded cell of an exercise: its grade id, the part after ``-test-``, score and points."""

    grade_id: str
    part: str
    score: float
    points: float


@dataclass
class ExerciseScore:
    """One exercise on the feedback page: the sum of its graded cells."""

    exercise: str
    number: int | None
    title: str
    anchor: str
    tests: list[TestScore] = field(default_factory=list)

    @property
    def score(self) -> float:
        """Points earned: the sum of the test cells' scores."""
        return sum(t.score for t in self.tests)

    @property
    def points(self) -> float:
        """Points possible: the sum of the test cells' points."""
        return sum(t.points for t in self.tests)

    @property
    def label(self) -> str:
        """``Exercise N`` for an id ``exN-...``, else the id itself."""
        return f"Exercise {self.number}" if self.number is not None else self.exercise


def _number(value: Any) -> float:
    """A score or point value as a float; nbgrader leaves None for a grade nobody gave."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def exercise_scores(nb: NotebookNode) -> list[ExerciseScore]:
    """The exercises of a graded notebook, in notebook order, from its cells' nbgrader metadata.

    Only grade cells count (their ``score`` and ``points`` come from ``GetGrades``); an answer
    cell that nothing grades is not an exercise here.
    """
    meta = [cell.metadata.get("nbgrader", {}) for cell in nb.cells]
    answers = {m["grade_id"] for m in meta if m.get("solution") and m.get("grade_id")}
    titles: dict[int, str] = {}
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for number, title in HEADING.findall(cell.source):
                titles.setdefault(int(number), title)
    found: dict[str, ExerciseScore] = {}
    for m in meta:
        if not m.get("grade") or not m.get("grade_id"):
            continue
        cell_id = m["grade_id"]
        name = exercise_of(cell_id, answers)
        if name not in found:
            number = exercise_number(name)
            # nbgrader's template puts "comment-<id>" on answer cells and "<id>" on grade cells.
            anchor = f"comment-{name}" if name in answers else cell_id
            found[name] = ExerciseScore(name, number, titles.get(number, "") if number is not None else "", anchor)
        part = cell_id[len(name) + len(TEST_INFIX):] if cell_id.startswith(name + TEST_INFIX) else cell_id
        found[name].tests.append(TestScore(cell_id, part, _number(m.get("score")), _number(m.get("points"))))
    return list(found.values())


class ExerciseTotals(Preprocessor):
    """Put the notebook's exercises, with their totals, into ``resources["nbgrader"]["exercises"]``.

    Runs after ``GetGrades`` in ``GenerateFeedback.preprocessors``; the template reads them.
    (An nbconvert preprocessor, enabled by default like nbgrader's own, without the
    ``display_data_priority`` option nbgrader's base class redeclares and then warns about.)
    """

    enabled = Bool(True, help="Whether the feedback page gets the table of exercises").tag(config=True)

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict) -> tuple[NotebookNode, ResourcesDict]:
        """Add the exercises; the notebook itself is not changed."""
        resources.setdefault("nbgrader", {})["exercises"] = exercise_scores(nb)
        return nb, resources


class FeedbackExporter(HTMLExporter):
    """nbgrader's feedback HTML with the course's template: a table of the exercises on top.

    ``c.GenerateFeedback.exporter_class`` names it. nbgrader still sets the template name
    (``feedback``, for its styles and its cell panels); the course's template file, found by
    an extra loader, extends it.
    """

    @default("template_file")
    def _template_file_default(self) -> str:
        return TEMPLATE_FILE

    @default("extra_loaders")
    def _extra_loaders_default(self) -> list:
        return [FileSystemLoader(str(TEMPLATES))]
