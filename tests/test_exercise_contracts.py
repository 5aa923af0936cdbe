"""Every exercise's tests are built from the shared contract and own-code checks.

Read from the instructor notebooks (no kernel runs here):

* the visible part of every test cell calls the student's functions only through
  ``checked(...)`` (:mod:`course_utils.contracts`): no bare call that could let an in-place
  edit, an aliased result, a wrong type or a dead gradient through;
* every function the answer cell defines is called through ``checked`` in a visible part;
* the hidden part of every test cell runs ``assert_own_code`` on every function the answer
  cell defines, so that an answer that calls the course's reference scores zero on every part
  (``test_grading_validity`` checks that a borrowed answer fails every part).
"""

from __future__ import annotations

import ast

import grading_harness as harness
import pytest

NOTEBOOKS = {nb.parent.name: nb for nb in harness.discover()}
_HIDDEN = "### BEGIN HIDDEN TESTS"


def _functions(answer: str) -> list[str]:
    """The functions an answer cell defines at top level, in order."""
    return [n.name for n in ast.parse(answer).body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]


def _exercises() -> list:
    params = []
    for chapter, notebook in NOTEBOOKS.items():
        for gid, exercise in harness.parse_chapter(notebook).exercises.items():
            params.append(pytest.param(exercise, id=f"{chapter}/{gid}"))
    return params


def _hidden_part(full: str, visible: str) -> str:
    """The hidden lines of a test cell: the full cell less its visible lines (in order)."""
    shown = visible.splitlines()
    hidden, i = [], 0
    for line in full.splitlines():
        if i < len(shown) and line == shown[i]:
            i += 1
        else:
            hidden.append(line)
    return "\n".join(hidden)


def _called_name(node: ast.Call) -> str | None:
    return node.func.id if isinstance(node.func, ast.Name) else None


@pytest.mark.parametrize("exercise", _exercises())
def test_visible_tests_call_the_answer_through_checked(exercise):
    functions = set(_functions(exercise.answer))
    through: set[str] = set()
    bare: list[str] = []
    for test in exercise.tests:
        tree = ast.parse(test.visible)
        wrapped: set[int] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _called_name(node) == "checked" and node.args and \
                    isinstance(node.args[0], ast.Name) and node.args[0].id in functions:
                through.add(node.args[0].id)
                wrapped.add(id(node.args[0]))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _called_name(node) in functions:
                bare.append(f"{test.grade_id}, line {node.lineno}: {_called_name(node)}(...)")
    assert not bare, ("visible tests call the answer directly; call it through checked(...) so that the "
                      "exercise's contract is checked on every call:\n  " + "\n  ".join(bare))
    missing = sorted(functions - through)
    assert not missing, f"no visible test of {exercise.grade_id} calls {missing} through checked(...)"


@pytest.mark.parametrize("exercise", _exercises())
def test_every_hidden_part_checks_own_code(exercise):
    functions = _functions(exercise.answer)
    for test in exercise.tests:
        assert _HIDDEN not in test.visible
        hidden = _hidden_part(test.full, test.visible)
        tree = ast.parse(test.full)
        owned = {node.args[0].id for node in ast.walk(tree)
                 if isinstance(node, ast.Call) and _called_name(node) == "assert_own_code" and node.args
                 and isinstance(node.args[0], ast.Name)}
        assert hidden.strip(), f"{test.grade_id} has no hidden part"
        assert "assert_own_code(" in hidden, f"the hidden part of {test.grade_id} does not run assert_own_code"
        missing = [f for f in functions if f not in owned]
        assert not missing, (f"{test.grade_id} never checks {missing} with assert_own_code: an answer that "
                             "borrows the reference there would keep this part's points")
