"""How a notebook's grade cells group into exercises (CONTRIBUTING.md, "Exercises").

An exercise is an answer cell (grade id ``exN-short-name``, nbgrader *solution*) with the
test cells named after it (``exN-short-name-test-<part>``); its score is the sum of theirs.
The grade report (:mod:`course_grading.report`) and the feedback page
(:mod:`course_grading.feedback`) group cells the same way.
"""

from __future__ import annotations

import re

#: A test cell of answer ``ex2-rnn-forward`` is ``ex2-rnn-forward-test-<part>``.
TEST_INFIX = "-test-"
#: The exercise's number in an answer's grade id: ``ex2-rnn-forward`` is Exercise 2.
NUMBER = re.compile(r"^ex(\d+)(?![0-9])")


def exercise_of(cell: str, answers: set[str]) -> str:
    """The exercise a grade cell belongs to: the answer whose ``<answer>-test-`` starts it.

    A graded answer cell is its own exercise; a test cell no answer claims is grouped by the
    part of its name before the last ``-test-`` (or, without one, is an exercise of its own).
    """
    owners = [a for a in answers if cell.startswith(a + TEST_INFIX)]
    if owners:
        return max(owners, key=len)
    if cell in answers or TEST_INFIX not in cell:
        return cell
    return cell.rpartition(TEST_INFIX)[0]


def exercise_number(exercise: str) -> int | None:
    """N of an exercise id ``exN-...``, or None for an id that does not follow the convention."""
    match = NUMBER.match(exercise)
    return int(match.group(1)) if match else None
