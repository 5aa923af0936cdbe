"""The feedback page's table of exercises (course_grading.feedback), without a gradebook.

nbgrader's ``GetGrades`` writes each grade cell's ``score`` and ``points`` into its metadata;
here the notebooks carry them already, so the page is rendered in a fraction of a second by
the exporter and preprocessors the course's ``nbgrader_config.py`` configures. The whole
cycle, with real grades from the gradebook, is checked in test_nbgrader_flow.py.
"""

from __future__ import annotations

from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from nbgrader.converters import GenerateFeedback
from nbgrader.preprocessors import GetGrades
from traitlets.config.loader import PyFileConfigLoader

from course_grading.feedback import ExerciseTotals, FeedbackExporter, exercise_scores
from course_grading.plugins import RedactHiddenTests
from nbutils import ROOT, feedback_totals


def _cell(source: str, **nbgrader) -> object:
    cell = new_code_cell(source)
    cell.metadata["nbgrader"] = nbgrader
    return cell


def graded_notebook():
    """Exercise 2 of Chapter 1 in miniature, graded 1 of 3 points; a hidden test in one cell."""
    return new_notebook(cells=[
        new_markdown_cell("### ✏️ Exercise 2 (3 points): unroll <b>over</b> a sequence\n\nWrite `rnn_forward`."),
        _cell("def rnn_forward(X):\n    return X", grade_id="ex2-rnn-forward", solution=True, grade=False),
        _cell("assert rnn_forward(1) == 1\n### BEGIN HIDDEN TESTS\nassert rnn_forward(7) == 'the secret case'\n"
              "### END HIDDEN TESTS\n", grade_id="ex2-rnn-forward-test-shapes", grade=True, solution=False,
              points=1, score=1.0),
        _cell("assert rnn_forward(2) == 3", grade_id="ex2-rnn-forward-test-values", grade=True, solution=False,
              points=2, score=0.0),
        new_markdown_cell("### ✏️ Exercise 10 (1 point): ten"),
        _cell("def ten():\n    return 10", grade_id="ex10-ten", solution=True, grade=False),
        _cell("assert ten() == 10", grade_id="ex10-ten-test-value", grade=True, solution=False, points=1,
              score=None),  # nbgrader leaves None for a grade that needs a person
        _cell("x = 1", grade_id="ex9-from-another-notebook", solution=True, grade=False),  # grades nothing
    ])


def render(nb) -> str:
    """The page, as ``generate_feedback`` renders it, minus GetGrades (the scores are in the metadata)."""
    config = PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config()
    exporter = config.GenerateFeedback.exporter_class(config=GenerateFeedback(config=config).config)
    for preprocessor in config.GenerateFeedback.preprocessors:
        if preprocessor is not GetGrades:
            exporter.register_preprocessor(preprocessor, enabled=True)
    page, _ = exporter.from_notebook_node(nb, resources={"nbgrader": {
        "notebook": "tiny", "score": 1.0, "max_score": 4.0, "late_penalty": 0}})
    return page


def test_the_course_configures_the_table_and_keeps_the_redaction():
    config = PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config()
    chain = config.GenerateFeedback.preprocessors
    assert chain.index(GetGrades) < chain.index(ExerciseTotals), "the totals need GetGrades' scores"
    assert RedactHiddenTests in chain and CSSHTMLHeaderPreprocessor in chain
    assert config.GenerateFeedback.exporter_class is FeedbackExporter


def test_exercise_scores_add_up_the_test_cells():
    found = exercise_scores(graded_notebook())
    assert [(e.exercise, e.label, e.title, e.score, e.points) for e in found] == [
        ("ex2-rnn-forward", "Exercise 2", "unroll <b>over</b> a sequence", 1.0, 3.0),
        ("ex10-ten", "Exercise 10", "ten", 0.0, 1.0)]
    assert [(t.part, t.score, t.points) for t in found[0].tests] == [("shapes", 1.0, 1.0), ("values", 0.0, 2.0)]
    assert found[0].anchor == "comment-ex2-rnn-forward"  # nbgrader's anchor on the answer cell


def test_grade_ids_off_the_convention_are_rows_of_their_own():
    nb = new_notebook(cells=[_cell("def f(): pass", grade_id="ex1", solution=True, grade=False),
                             _cell("assert f() is None", grade_id="ex1-test", grade=True, solution=False, points=2,
                                   score=2.0),
                             _cell("assert True", grade_id="quiz", grade=True, solution=False, points=1, score=0.0)])
    found = exercise_scores(nb)
    assert [(e.exercise, e.label, e.score, e.points) for e in found] == [("ex1-test", "Exercise 1", 2.0, 2.0),
                                                                          ("quiz", "quiz", 0.0, 1.0)]


def test_feedback_page_heads_with_exercise_totals_and_hides_hidden_tests():
    page = render(graded_notebook())
    assert feedback_totals(page) == {"ex2-rnn-forward": (1.0, 3.0), "ex10-ten": (0.0, 1.0)}
    table = page[page.index('id="exercise-totals"'):page.index("</table>")]
    assert "Exercise 2</a>: unroll &lt;b&gt;over&lt;/b&gt; a sequence" in table  # the heading's text, escaped
    assert "1.0 / 3.0" in table and ">shapes</a> 1.0 / 1.0" in table and ">values</a> 0.0 / 2.0" in table
    assert "<th>Total</th>" in table and "1.0 / 4.0" in table
    assert "tiny (Score: 1.0 / 4.0)" in page  # nbgrader's heading, as before
    assert page.index('id="exercise-totals"') < page.index("Student's answer")  # above the notebook
    assert "the secret case" not in page and "hidden tests: not shown" in page
    assert page.count('href="#comment-ex2-rnn-forward"') == 1 and 'name="comment-ex2-rnn-forward"' in page
