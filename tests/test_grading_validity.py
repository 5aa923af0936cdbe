"""Can the grading be trusted? Every exercise against a bank of answers.

For every chapter in ``solutions/`` and every exercise in it, the bank in
``tests/grading_bank/`` holds typical wrong answers, correct answers written differently
from the instructor's, and answers that borrow the course's reference implementation.
:mod:`grading_harness` runs them all against the exercise's test cells as the course does:
the visible part in the student's kernel (what the student sees), and the whole cell,
hidden tests included, in the grader's judge against that kernel (what decides the grade,
see :mod:`course_grading.judge`). These tests demand that

* the instructor's solution passes every part;
* every wrong answer fails a *visible* part (the student gets a hint before submitting,
  and cannot score full marks);
* every correct variant passes every part, hidden tests included;
* every borrowed ("forbidden") answer fails every part once the hidden tests run;
* every exercise has at least :data:`MIN_INDEPENDENT_WRONG` wrong answers in the independent
  bank (``tests/grading_bank/independent/``), written by someone who did not write its tests.

One grading process (and one kernel) per chapter serves all of its tests.
"""

from __future__ import annotations

import ast
import textwrap

import grading_bank
import grading_harness as harness
import pytest
from grading_bank import CORRECT, FORBIDDEN, KINDS, WRONG

pytestmark = pytest.mark.slow

MIN_WRONG, MIN_CORRECT, MIN_FORBIDDEN_PER_CHAPTER = 8, 2, 3
MIN_INDEPENDENT_WRONG = 5
NOTEBOOKS = {nb.parent.name: nb for nb in harness.discover()}


_PARSED: dict[str, harness.Chapter] = {}


def _chapter(name: str) -> harness.Chapter:
    if name not in _PARSED:
        _PARSED[name] = harness.parse_chapter(NOTEBOOKS[name])
    return _PARSED[name]


def _bank(name: str) -> dict:
    module = grading_bank.load(name)
    return {} if module is None else module.BANK


def _exercise_params() -> list:
    return [pytest.param(ch, gid, id=f"{ch}/{gid}") for ch in NOTEBOOKS for gid in _chapter(ch).exercises]


def _variant_params(kind: str) -> list:
    params = []
    for ch in NOTEBOOKS:
        for gid, variants in _bank(ch).items():
            if gid in _chapter(ch).exercises:  # unknown exercises fail test_bank_matches_notebook
                params += [pytest.param(ch, gid, v, id=f"{ch}/{gid}/{v.name}") for v in variants if v.kind == kind]
    return params


class _Runs:
    """Chapter name -> :class:`grading_harness.ChapterRun`, each graded once, on first use."""

    def __init__(self):
        self._done: dict[str, harness.ChapterRun | Exception] = {}

    def __getitem__(self, chapter: str) -> harness.ChapterRun:
        if chapter not in self._done:
            module = grading_bank.load(chapter)
            try:
                self._done[chapter] = harness.run_chapter(NOTEBOOKS[chapter], module.BANK if module else None)
            except Exception as err:  # reported by every test of the chapter, run once
                self._done[chapter] = err
        result = self._done[chapter]
        if isinstance(result, Exception):
            pytest.fail(f"grading {chapter} failed: {result}", pytrace=False)
        if not result.setup.ok:
            pytest.fail(f"the set-up cell of {chapter} fails under the harness: {result.setup}", pytrace=False)
        return result


@pytest.fixture(scope="module")
def runs() -> _Runs:
    return _Runs()


def _result(runs: _Runs, chapter: str, gid: str, variant) -> harness.VariantResult:
    run = runs[chapter]
    if (gid, variant.name) in run.build_errors:
        pytest.fail(f"variant {variant.name!r} does not fit the answer cell of {gid}: "
                    f"{run.build_errors[(gid, variant.name)]}", pytrace=False)
    result = run.results[gid][variant.name]
    if not result.answer.ok:
        pytest.fail(f"the answer cell of variant {variant.name!r} itself fails ({result.answer}); "
                    f"fix the bank entry\n--- answer cell ---\n{result.source}", pytrace=False)
    return result


def _report(result: harness.VariantResult, variant) -> str:
    note = f" ({variant.note})" if variant.note else ""
    code = variant.code if isinstance(variant.code, str) else "\n# next solution region\n".join(variant.code)
    return f"{result.describe()}\n--- {variant.kind} answer {variant.name!r}{note} ---\n{textwrap.dedent(code).strip()}"


# --------------------------------------------------------------------------- the bank itself


@pytest.mark.parametrize("chapter", list(NOTEBOOKS))
def test_bank_exists(chapter):
    module = grading_bank.load(chapter)
    assert module is not None, (f"chapter {chapter} has no answer bank: create tests/grading_bank/"
                                f"{grading_bank.module_name(chapter)}.py with BANK = {{exercise id: [variants]}}")
    assert isinstance(getattr(module, "BANK", None), dict), f"{module.__name__} must define a dict BANK"


@pytest.mark.parametrize("chapter", list(NOTEBOOKS))
def test_every_test_cell_belongs_to_an_exercise(chapter):
    found = _chapter(chapter)
    assert not found.orphan_tests, (f"graded test cells whose grade_id starts with no answer cell's id "
                                    f"followed by '-test': {list(found.orphan_tests)}")
    empty = [gid for gid, ex in found.exercises.items() if not ex.tests]
    assert not empty, f"answer cells without a graded test cell '<id>-test-<part>': {empty}"


def _routes_to_reference(code: str) -> set[str]:
    """How a forbidden answer reaches course_utils: the module aliases and imported names it uses."""
    routes = set()
    try:
        tree = ast.parse("\n".join(textwrap.dedent(c) for c in ([code] if isinstance(code, str) else code)))
    except SyntaxError:
        return routes
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id in {"cu", "ctorch", "ckeras"}:
            routes.add(node.id)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("course_utils"):
            routes.update(f"from {node.module} import {a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            routes.update(f"import {a.name}" for a in node.names if a.name.startswith("course_utils"))
    return routes


@pytest.mark.parametrize("chapter", list(NOTEBOOKS))
def test_bank_matches_notebook(chapter):
    module = grading_bank.load(chapter)
    if module is None:
        pytest.fail(f"chapter {chapter} has no answer bank (see test_bank_exists)", pytrace=False)
    bank, exercises = module.BANK, _chapter(chapter).exercises
    no_forbidden = getattr(module, "NO_FORBIDDEN", {})
    problems = []
    for gid in sorted(set(bank) - set(exercises)):
        problems.append(f"the bank names {gid!r}, which is not an exercise of the notebook "
                        f"(exercises: {sorted(exercises)})")
    for gid in sorted(set(no_forbidden) - set(exercises)):
        problems.append(f"NO_FORBIDDEN names {gid!r}, which is not an exercise of the notebook")
    routes = set()
    for gid in exercises:
        variants = bank.get(gid, [])
        count = {kind: sum(v.kind == kind for v in variants) for kind in KINDS}
        if count[WRONG] < MIN_WRONG:
            problems.append(f"{gid}: {count[WRONG]} wrong answers, at least {MIN_WRONG} needed")
        if count[CORRECT] < MIN_CORRECT:
            problems.append(f"{gid}: {count[CORRECT]} correct variants, at least {MIN_CORRECT} needed")
        if count[FORBIDDEN] == 0 and gid not in no_forbidden:
            problems.append(f"{gid}: no forbidden variant (or say why in NO_FORBIDDEN)")
        names = [v.name for v in variants]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            problems.append(f"{gid}: variant names used twice: {duplicates}")
        if harness.INSTRUCTOR in names:
            problems.append(f"{gid}: the name {harness.INSTRUCTOR!r} is reserved for the notebook's solution")
        problems += [f"{gid}/{v.name}: unknown kind {v.kind!r}" for v in variants if v.kind not in KINDS]
        for v in variants:
            if v.kind == FORBIDDEN:
                routes |= _routes_to_reference(v.code)
    for gid in exercises:
        mine = [v for v in module.INDEPENDENT.get(gid, []) if v.kind == WRONG]
        if len(mine) < MIN_INDEPENDENT_WRONG:
            problems.append(f"{gid}: {len(mine)} wrong answers in grading_bank/independent/, at least "
                            f"{MIN_INDEPENDENT_WRONG} needed from someone who did not write its tests")
    total_forbidden = sum(v.kind == FORBIDDEN for gid in exercises for v in bank.get(gid, []))
    if total_forbidden < MIN_FORBIDDEN_PER_CHAPTER:
        problems.append(f"{total_forbidden} forbidden variants in the chapter, "
                        f"at least {MIN_FORBIDDEN_PER_CHAPTER} needed")
    if len(routes) < MIN_FORBIDDEN_PER_CHAPTER:
        problems.append(f"the forbidden variants reach course_utils in {len(routes)} way(s) ({sorted(routes)}); "
                        f"use at least {MIN_FORBIDDEN_PER_CHAPTER} different aliases or imports")
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


# --------------------------------------------------------------------------- grading


@pytest.mark.parametrize("chapter", list(NOTEBOOKS))
def test_setup_cell_runs_in_the_harness(chapter, runs):
    run = runs[chapter]
    assert run.getsource_ok, ("inspect.getsource does not work on functions defined in the harness's kernel, "
                              "so the own-code checks of the visible parts would be blind")


@pytest.mark.parametrize(("chapter", "gid"), _exercise_params())
def test_instructor_solution_passes_everything(chapter, gid, runs):
    result = runs[chapter].results[gid][harness.INSTRUCTOR]
    failing = {k: p for k, p in result.parts.items() if not (p.visible.ok and p.full.ok)}
    if not result.answer.ok or failing:
        pytest.fail(f"the instructor's solution of {gid} fails:\n{result.describe()}", pytrace=False)


@pytest.mark.parametrize(("chapter", "gid", "variant"), _variant_params(WRONG))
def test_wrong_answer_fails_a_visible_test(chapter, gid, variant, runs):
    result = _result(runs, chapter, gid, variant)
    if not result.visible_failures():
        pytest.fail(f"the wrong answer {variant.name!r} passes every visible test of {gid}, so the student "
                    f"gets no hint:\n{_report(result, variant)}", pytrace=False)
    exercise = runs[chapter].chapter.exercises[gid]
    score = result.score({t.grade_id: t.points for t in exercise.tests})
    assert score < exercise.points, f"the wrong answer {variant.name!r} scores full marks ({score})"


@pytest.mark.parametrize(("chapter", "gid", "variant"), _variant_params(CORRECT))
def test_correct_variant_passes_everything(chapter, gid, variant, runs):
    result = _result(runs, chapter, gid, variant)
    failing = {k: p for k, p in result.parts.items() if not (p.visible.ok and p.full.ok)}
    if failing:
        pytest.fail(f"the correct variant {variant.name!r} of {gid} loses points:\n{_report(result, variant)}",
                    pytrace=False)


@pytest.mark.parametrize(("chapter", "gid", "variant"), _variant_params(FORBIDDEN))
def test_borrowed_answer_fails_every_part(chapter, gid, variant, runs):
    result = _result(runs, chapter, gid, variant)
    kept = [k for k, p in result.parts.items() if p.full.ok]
    if kept:
        pytest.fail(f"the answer {variant.name!r}, which calls the course_utils reference, keeps the points of "
                    f"{kept} on {gid}: every part must score zero\n{_report(result, variant)}", pytrace=False)
