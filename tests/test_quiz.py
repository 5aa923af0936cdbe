"""The self-check quizzes grade numbers with a tolerance and letters exactly, and explain."""

import re

import pytest

from course_utils.quiz import QUIZZES, check_quiz
from nbutils import read, source_notebooks

RIGHT_CH01 = {1: 15200, 2: "c", 3: "b", 4: 0.107, 5: 3, 6: 2.16, 7: "B", 8: " b "}


def test_all_right(capsys):
    assert check_quiz("01-rnn-anatomy", RIGHT_CH01) == 8
    out = capsys.readouterr().out
    assert "8 of 8 right, 0 not answered yet." in out
    assert "not quite" not in out


def test_wrong_and_missing_answers_are_reported(capsys):
    answers = {**RIGHT_CH01, 1: 15100, 2: "a", 5: "three", 8: None}
    assert check_quiz("01-rnn-anatomy", answers) == 4
    out = capsys.readouterr().out
    assert "Q1: not quite (15100)" in out and "Q2: not quite ('a')" in out and "Q5: not quite ('three')" in out
    assert "Q8: not answered yet" in out
    assert "4 of 8 right, 1 not answered yet." in out


def test_nothing_answered(capsys):
    assert check_quiz("01-rnn-anatomy", {}) == 0
    assert "0 of 8 right, 8 not answered yet." in capsys.readouterr().out


def test_unknown_chapter_and_question_are_named():
    with pytest.raises(KeyError, match="no quiz for chapter '99-x'"):
        check_quiz("99-x", {})
    with pytest.raises(KeyError, match=r"not \[9\]"):
        check_quiz("01-rnn-anatomy", {9: 1})


@pytest.mark.parametrize("path", source_notebooks(), ids=lambda p: p.parent.name)
def test_every_chapter_has_a_quiz_matching_its_text(path):
    """The questions numbered in the chapter's quiz section are exactly the keyed ones."""
    chapter = path.parent.name
    assert chapter in QUIZZES, f"{chapter} has no quiz in course_utils/quiz.py"
    cells = read(path).cells
    quiz_md = next(c.source for c in cells if c.cell_type == "markdown" and "## Self-check quiz" in c.source)
    numbers = [int(n) for n in re.findall(r"^(\d+)\. ", quiz_md.split("## Self-check quiz")[1], re.M)]
    assert numbers == sorted(QUIZZES[chapter]), f"quiz questions in the text {numbers} vs keys {sorted(QUIZZES[chapter])}"
    assert any(f'check_quiz("{chapter}"' in c.source for c in cells if c.cell_type == "code")
