"""Verdicts are computed and printed by claim() and compare() (CONTRIBUTING.md, section 6).

* ``claim`` prints ``✓``/``✗`` with its evidence, refuses a check that is not a bool, and under
  ``COURSE_STRICT_CLAIMS`` (the book build, the test suite, ``make bench``) raises on a false
  claim, never while nbgrader grades or validates;
* ``compare`` gives "better", "worse" or "no detectable difference" from a bootstrap interval and
  a randomisation test, refuses samples it cannot compare, and never decides on three items;
* the strict mode is on wherever the course is built, tested or measured, and a false claim
  fails a book built with the flags of ``make book`` (a two-page book, ``slow``);
* every chapter prints its verdicts through claim() or compare(): its solution notebook calls
  claim(), and no narrative cell prints a bare boolean (``print(f"{a < b}")``,
  ``print("same:", np.array_equal(a, b))``), which the reader would have to judge alone.
"""

from __future__ import annotations

import ast
import importlib
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import nbformat
import numpy as np
import pytest
import yaml
from conftest import build_book
from nbutils import ROOT, nbgrader_meta, quiet_env, read, source_notebooks

from course_utils import claim as exported_claim
from course_utils import compare as exported_compare
from course_utils.claims import STRICT_ENV, VERDICTS, ClaimFailed, Comparison, claim, compare, strict_claims


@pytest.fixture
def lenient(monkeypatch):
    """A student's kernel: no strict mode, not grading."""
    monkeypatch.delenv(STRICT_ENV, raising=False)
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)


@pytest.fixture
def strict(monkeypatch):
    """The book build or the test suite: strict mode, not grading."""
    monkeypatch.setenv(STRICT_ENV, "1")
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)


# --- claim ------------------------------------------------------------------------------

def test_the_package_exports_claim_and_compare():
    assert exported_claim is claim and exported_compare is compare


def test_a_true_claim_prints_a_tick_with_its_evidence(lenient, capsys):
    claim("the loss falls", 0.5 < 1.0, "0.50 after, 1.00 before")
    assert capsys.readouterr().out == "✓ the loss falls (0.50 after, 1.00 before)\n"


def test_a_false_claim_prints_a_cross_with_its_evidence_and_does_not_raise(lenient, capsys):
    claim("the loss falls", 1.5 < 1.0, "1.50 after, 1.00 before")
    assert capsys.readouterr().out == "✗ the loss falls (1.50 after, 1.00 before)\n"


def test_a_numpy_bool_is_a_check(lenient, capsys):
    values = np.array([0.1, 0.2])
    claim("every value is below 1", np.all(values < 1), f"largest {values.max():.1f}")
    claim("some value is above 1", np.any(values > 1), f"largest {values.max():.1f}")
    assert capsys.readouterr().out.splitlines() == ["✓ every value is below 1 (largest 0.2)",
                                                    "✗ some value is above 1 (largest 0.2)"]


class _TensorLike:
    """Truthy like a one-element tensor, but not a bool: claim must ask which value decides."""

    def __bool__(self) -> bool:
        return True


def _torch_tensor():
    torch = pytest.importorskip("torch")
    return torch.tensor([True])


@pytest.mark.parametrize("make", [lambda: np.array(True), lambda: np.array([True, True]), lambda: 1, lambda: None,
                                  lambda: "yes", _TensorLike, _torch_tensor],
                         ids=["0-d array", "array", "int", "None", "str", "tensor-like", "torch tensor"])
def test_a_check_that_is_not_a_bool_is_refused_before_printing(lenient, capsys, make):
    holds = make()
    with pytest.raises(TypeError, match=rf"should be a bool, got {type(holds).__name__}"):
        claim("the values agree", holds, "max |difference| = 0")
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("statement, evidence", [("", "1 vs 2"), ("  ", "1 vs 2"), ("two is more", ""),
                                                 ("two is more", "\n")])
def test_an_empty_statement_or_evidence_is_refused(lenient, capsys, statement, evidence):
    with pytest.raises(ValueError, match="must not be empty"):
        claim(statement, True, evidence)
    assert capsys.readouterr().out == ""


def test_strict_mode_raises_on_a_false_claim_after_printing_it(strict, capsys):
    with pytest.raises(ClaimFailed, match=re.escape("✗ one is more than two (1 vs 2)")):
        claim("one is more than two", 1 > 2, "1 vs 2")
    assert capsys.readouterr().out == "✗ one is more than two (1 vs 2)\n"
    assert issubclass(ClaimFailed, AssertionError)


def test_strict_mode_lets_a_true_claim_pass(strict, capsys):
    claim("two is more than one", 2 > 1, "2 vs 1")
    assert capsys.readouterr().out == "✓ two is more than one (2 vs 1)\n"


@pytest.mark.parametrize("value", ["1", "true", "YES", " yes "])
def test_strict_mode_is_on_for_these_values(monkeypatch, value):
    monkeypatch.setenv(STRICT_ENV, value)
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    assert strict_claims()
    with pytest.raises(ClaimFailed):
        claim("one is more than two", 1 > 2, "1 vs 2")


@pytest.mark.parametrize("value", [None, "", "0", "no", "false"])
def test_without_strict_mode_a_false_claim_never_raises(monkeypatch, capsys, value):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    if value is None:
        monkeypatch.delenv(STRICT_ENV, raising=False)
    else:
        monkeypatch.setenv(STRICT_ENV, value)
    assert not strict_claims()
    claim("one is more than two", 1 > 2, "1 vs 2")
    assert capsys.readouterr().out == "✗ one is more than two (1 vs 2)\n"


@pytest.mark.parametrize("stage", ["autograde", "validate"])
def test_a_claim_never_raises_while_nbgrader_runs_the_notebook(monkeypatch, capsys, stage):
    monkeypatch.setenv(STRICT_ENV, "1")
    monkeypatch.setenv("NBGRADER_EXECUTION", stage)
    assert not strict_claims()
    claim("one is more than two", 1 > 2, "1 vs 2")
    out = capsys.readouterr().out
    assert out.startswith("✗ one is more than two (1 vs 2)") and "while grading" in out, out
    claim("two is more than one", 2 > 1, "2 vs 1")
    assert capsys.readouterr().out == "✓ two is more than one (2 vs 1)\n"


# --- compare ----------------------------------------------------------------------------

def _sample(n: int = 40, shift: float = 0.0, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Paired losses of two models on ``n`` items; A's are ``shift`` higher on average."""
    rng = np.random.default_rng(seed)
    base = rng.uniform(1.0, 3.0, n)  # items differ a lot; the pairing removes that
    return base + shift + rng.normal(0, 0.1, n), base + rng.normal(0, 0.1, n)


@pytest.mark.parametrize("higher_is_better", [True, False])
def test_paired_a_clear_difference_is_better_or_worse_as_the_direction_says(higher_is_better):
    a, b = _sample(shift=0.2)
    up = compare(a, b, higher_is_better=higher_is_better)
    down = compare(b, a, higher_is_better=higher_is_better)
    assert up.verdict == ("better" if higher_is_better else "worse"), str(up)
    assert down.verdict == ("worse" if higher_is_better else "better"), str(down)
    assert up.low > 0 and up.p_value < 0.05 and down.high < 0
    assert up.difference == pytest.approx(np.mean(a - b)) and up.n == a.size and up.paired


def test_paired_without_a_difference_there_is_no_verdict():
    a, b = _sample(shift=0.0)
    result = compare(a, b)
    assert result.verdict == "no detectable difference", str(result)
    assert result.low < 0 < result.high


def test_paired_null_samples_rarely_get_a_verdict():
    """Under no difference, a verdict is a false alarm: about 1 - level of the samples at most."""
    verdicts = [compare(*_sample(n=20, seed=seed), seed=seed).verdict for seed in range(40)]
    assert verdicts.count("no detectable difference") >= 36, verdicts


def test_paired_differences_that_cancel_get_no_verdict():
    b = np.linspace(1.0, 2.0, 20)
    a = b + np.tile([0.3, -0.3], 10)
    result = compare(a, b)
    assert result.difference == pytest.approx(0.0, abs=1e-12)
    assert result.verdict == "no detectable difference" and result.p_value > 0.5


def test_the_pairing_finds_what_an_unpaired_comparison_cannot():
    a, b = _sample(shift=0.05)
    assert compare(a, b, paired=True).verdict == "better"
    assert compare(a, b, paired=False).verdict == "no detectable difference"


@pytest.mark.parametrize("paired", [True, False])
@pytest.mark.parametrize("a", [[10.0, 11.0, 12.0], [1e6, 2e6, 3e6], [0.5, 0.5, 0.6]])
def test_three_items_never_give_a_verdict(a, paired):
    result = compare(a, [0.0, 0.0, 0.1], paired=paired)
    assert result.verdict == "no detectable difference", str(result)
    assert result.p_value >= 0.05


def test_unpaired_samples_of_different_sizes():
    rng = np.random.default_rng(3)
    a, b = rng.normal(0.8, 0.05, 30), rng.normal(0.7, 0.05, 45)
    result = compare(a, b, names=("GRU", "RNN"), metric="accuracy", paired=False)
    assert result.verdict == "better" and not result.paired and result.n == 75
    assert result.difference == pytest.approx(a.mean() - b.mean())
    assert compare(a, b, paired=False, higher_is_better=False).verdict == "worse"
    assert "unpaired bootstrap over 75 items" in str(result)


@pytest.mark.parametrize("shift, paired", [(0.2, True), (0.0, True), (0.05, False), (-0.3, False)])
def test_the_interval_contains_the_observed_difference(shift, paired):
    result = compare(*_sample(n=25, shift=shift, seed=7), paired=paired)
    assert result.low <= result.difference <= result.high, str(result)
    assert result.level == 0.95


def test_a_wider_level_gives_a_wider_interval():
    a, b = _sample(shift=0.05)
    narrow, wide = compare(a, b, level=0.8), compare(a, b, level=0.99)
    assert wide.low < narrow.low and narrow.high < wide.high


def test_the_same_seed_gives_the_same_result():
    a, b = _sample(shift=0.03)
    assert compare(a, b, seed=5) == compare(a, b, seed=5)
    assert compare(a, b, paired=False, seed=5) == compare(a, b, paired=False, seed=5)
    assert (compare(a, b, seed=5).low, compare(a, b, seed=5).high) != (compare(a, b, seed=6).low,
                                                                      compare(a, b, seed=6).high)


@pytest.mark.parametrize("a, b, kwargs, message", [
    ([1.0, 2.0, 3.0], [1.0, 2.0], {}, r"compare\(paired=True\): A has 3 values and B 2; paired samples"),
    ([1.0, np.nan, 3.0], [1.0, 2.0, 3.0], {}, "A holds NaN or infinite values"),
    ([1.0, 2.0], [1.0, np.inf], {"paired": False}, "B holds NaN or infinite values"),
    ([1.0], [2.0], {"paired": False}, "A needs at least 2 values, got 1"),
    ([1.0, 2.0], [], {"paired": False, "names": ("GRU", "LSTM")}, "LSTM needs at least 2 values, got 0"),
    ([1.0, 2.0], [1.0, 3.0], {"level": 95}, "level should lie between 0.5 and 1, got 95"),
    ([1.0, 2.0], [1.0, 3.0], {"level": 1.0}, "level should lie between 0.5 and 1, got 1.0"),
    ([1.0, 2.0], [1.0, 3.0], {"level": 0.5}, "level should lie between 0.5 and 1, got 0.5"),
], ids=["unequal paired", "NaN", "inf", "one value", "no value", "level 95", "level 1", "level 0.5"])
def test_samples_that_cannot_be_compared_are_refused_with_a_reason(a, b, kwargs, message):
    with pytest.raises(ValueError, match=message):
        compare(a, b, **kwargs)


def test_str_states_the_verdict_and_the_interval():
    a, b = _sample(shift=-0.2)
    result = compare(a, b, names=("LSTM", "RNN"), metric="validation loss", higher_is_better=False)
    text = str(result)
    assert isinstance(result, Comparison) and result.verdict in VERDICTS
    assert text.startswith("LSTM vs RNN, validation loss (lower is better): better;"), text
    assert f"95% interval [{result.low:+.4g}, {result.high:+.4g}]" in text
    assert f"mean difference {result.difference:+.4g}" in text and "paired bootstrap over 40 items" in text
    null = str(compare(*_sample(shift=0.0)))
    assert ": no detectable difference;" in null and "randomisation test p = " in null


def test_evidence_is_the_short_form_of_the_numbers_behind_the_verdict():
    result = compare(*_sample(shift=0.2))
    assert result.evidence == (f"mean difference {result.difference:+.3g}, 95% interval "
                               f"[{result.low:+.3g}, {result.high:+.3g}], p < 0.001, n = 40")


# --- Strict mode wherever the course is built, tested or measured -------------------------

def test_the_test_suite_runs_in_strict_mode(tmp_path):
    """tests/conftest.py sets it at import, so nbmake's kernels and the book build inherit it."""
    assert os.environ.get(STRICT_ENV) == "1"
    env = quiet_env(tmp_path)  # what the book build and the notebook runs of the tests get
    assert env[STRICT_ENV] == "1" and "NBGRADER_EXECUTION" not in env


def test_make_book_builds_in_strict_mode():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = re.search(r"^book:.*\n((?:\t.*\n)+)", makefile, re.M)
    assert recipe, "the Makefile has no book target"
    builds = [line for line in recipe[1].splitlines() if "jupyter-book build" in line]
    assert builds and all(re.search(rf"(^|\s){STRICT_ENV}=1\s", line) for line in builds), \
        f"make book should build with {STRICT_ENV}=1:\n{recipe[1]}"


def test_bench_and_the_student_session_run_notebooks_in_strict_mode(monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT / "scripts"))
    monkeypatch.delenv(STRICT_ENV, raising=False)
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    bench = importlib.import_module("bench")
    student_session = importlib.import_module("student_session")
    assert bench._env()[STRICT_ENV] == "1" and "NBGRADER_EXECUTION" not in bench._env()
    assert student_session.kernel_env()[STRICT_ENV] == "1"
    assert student_session.kernel_env({"A": "1", "NBGRADER_EXECUTION": "validate"}) == {"A": "1", STRICT_ENV: "1"}


# --- A false claim fails the book build ---------------------------------------------------

def _claim_book(folder: Path, check: str) -> Path:
    """A book of an intro page and one notebook whose cell makes the claim ``check`` ("1 > 2").

    The notebook's first claim checks that its kernel is this Python, where course_utils is
    installed; the execution settings are the course's own, forced to run.
    """
    execute = {**yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["execute"],
               "execute_notebooks": "force"}
    assert execute["allow_errors"] is False, "the course's book must fail on a cell's error"
    config = {"title": "Claims", "only_build_toc_files": True, "execute": execute}
    (folder / "_config.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    (folder / "_toc.yml").write_text("format: jb-book\nroot: intro\nchapters:\n  - file: claims\n", encoding="utf-8")
    (folder / "intro.md").write_text("# Claims\n\nA book with one notebook.\n", encoding="utf-8")
    left, right = check.split(" > ")
    statement = {"1 > 2": "one is more than two", "2 > 1": "two is more than one"}[check]
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [
        nbformat.v4.new_markdown_cell("# A claim"),
        nbformat.v4.new_code_cell("import sys\n\nfrom course_utils import claim\n\n"
                                  f"claim(\"the kernel runs the course's Python\", sys.prefix == {sys.prefix!r}, "
                                  "sys.prefix)"),
        nbformat.v4.new_code_cell(f'from course_utils import claim\n\n'
                                  f'claim("{statement}", {check}, "{left} vs {right}")'),
    ]
    nbformat.write(nb, folder / "claims.ipynb")
    return folder


@pytest.mark.slow
def test_a_false_claim_fails_the_book_build_and_a_true_one_builds(tmp_path, monkeypatch):
    monkeypatch.setenv(STRICT_ENV, "1")
    for name in ["false", "true"]:
        (tmp_path / name).mkdir()
    false = build_book(_claim_book(tmp_path / "false", "1 > 2"), tmp_path / "false", timeout=300)
    log = re.sub(r"\x1b\[[0-9;]*m", "", false.stdout + false.stderr)
    assert false.returncode != 0, "a false claim should fail the book build\n" + log[-3000:]
    assert "ClaimFailed" in log and "✗ one is more than two (1 vs 2)" in log, \
        "the build log should name the failed claim and its evidence\n" + log[-3000:]
    assert "✗ the kernel" not in log, "the kernel is not the course's Python\n" + log[-3000:]

    true = build_book(_claim_book(tmp_path / "true", "2 > 1"), tmp_path / "true", timeout=300)
    assert true.returncode == 0, "the same book with a true claim should build\n" + (true.stdout + true.stderr)[-3000:]
    page = (tmp_path / "true" / "_build" / "html" / "claims.html").read_text(encoding="utf-8")
    assert "✓ two is more than one (2 vs 1)" in page and "✓ the kernel runs the course" in page


# --- Every chapter prints its verdicts through claim() ------------------------------------
#
# A bare boolean printed by a narrative cell ("same: True") is a verdict the reader must judge
# alone, with no evidence and nothing that fails when it turns False. The detector below finds,
# in a cell's source, what a print() shows as a bool: a comparison, a call that answers yes or
# no (all, any, bool, torch.equal, np.array_equal, np.allclose, torch.allclose, .all(), .any()),
# `not ...`, `... and ...` of those, or a name the cell assigned one of them to; as a bare
# argument, inside str()/repr(), or as an f-string field without a format spec that turns it
# into a number (`{a < b:d}`). A comparison as the cell's last expression is shown too.

VERDICT_CALLS = {"all", "any", "bool", "torch.equal", "np.array_equal", "numpy.array_equal", "np.allclose",
                 "numpy.allclose", "torch.allclose"}
VERDICT_METHODS = {"all", "any"}  # (x > 0).all(), np.all(x), torch.any(x)


def _dotted(node: ast.AST) -> str | None:
    """``np.array_equal`` for the callee of ``np.array_equal(a, b)``; None for anything else."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr}" if base else None
    return None


def _is_verdict(node: ast.AST, names: set[str]) -> bool:
    """True where ``node`` evaluates to a yes-or-no answer (a bool, or an array of them)."""
    if isinstance(node, ast.Compare):
        return True
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return True
    if isinstance(node, ast.BoolOp):
        return all(_is_verdict(value, names) for value in node.values)
    if isinstance(node, ast.Name):
        return node.id in names
    if isinstance(node, ast.Call):
        if _dotted(node.func) in VERDICT_CALLS:
            return True
        if isinstance(node.func, ast.Attribute):
            if node.func.attr in VERDICT_METHODS:
                return True
            return node.func.attr == "item" and _is_verdict(node.func.value, names)  # (a == b).all().item()
    return False


def _verdict_names(tree: ast.AST) -> set[str]:
    """Names the cell binds only to verdicts (``same = torch.equal(a, b)``)."""
    verdict, other = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name):
                    (verdict if _is_verdict(node.value, set()) else other).add(target.id)
        elif isinstance(node, (ast.AugAssign, ast.For, ast.comprehension)) and isinstance(node.target, ast.Name):
            other.add(node.target.id)
    return verdict - other


def _shown(node: ast.AST, names: set[str]) -> Iterator[ast.AST]:
    """The verdicts that ``print(node)`` shows as True or False."""
    if _is_verdict(node, names):
        yield node
    elif isinstance(node, ast.JoinedStr):
        for part in node.values:
            if isinstance(part, ast.FormattedValue) and _is_verdict(part.value, names) \
                    and (part.format_spec is None or part.conversion != -1):  # {a < b!s:>5} is text again
                yield part.value
    elif isinstance(node, ast.Call) and _dotted(node.func) in {"str", "repr"} and node.args:
        yield from (arg for arg in node.args[:1] if _is_verdict(arg, names))
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):  # "same: " + str(a == b)
        yield from _shown(node.left, names)
        yield from _shown(node.right, names)


def _without_magics(source: str) -> str:
    """The cell's Python: a line of IPython magic or shell (``%time``, ``!pip``) becomes ``pass``."""
    return "\n".join(re.sub(r"^(\s*)[%!].*$", r"\1pass", line) for line in source.splitlines())


def printed_verdicts(source: str) -> list[tuple[int, str, str]]:
    """(line number, line, verdict) of every bare boolean a cell prints or displays, in order.

    The line is where the print() (or the displayed expression) starts; the verdict is the
    expression shown as True or False.
    """
    python = _without_magics(source)
    tree = ast.parse(python)
    names = _verdict_names(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _dotted(node.func) == "print":
            for arg in node.args:
                found += [(node, shown) for shown in _shown(arg.value if isinstance(arg, ast.Starred) else arg, names)]
    if tree.body and isinstance(tree.body[-1], ast.Expr) and _is_verdict(tree.body[-1].value, names):
        found.append((tree.body[-1], tree.body[-1].value))  # the cell's result: Out[..]: True
    lines = source.splitlines()
    return sorted({(at.lineno, lines[at.lineno - 1].strip(), " ".join(ast.get_source_segment(python, shown).split()))
                   for at, shown in found})


def calls_claim(source: str) -> bool:
    """True where the cell calls ``claim(...)`` or ``cu.claim(...)``."""
    return any(isinstance(node, ast.Call) and (_dotted(node.func) or "").split(".")[-1] == "claim"
               for node in ast.walk(ast.parse(_without_magics(source))))


def _narrative_code(path: Path) -> list[tuple[int, str]]:
    """(cell index, source) of the notebook's code cells that carry no nbgrader metadata."""
    return [(i, cell.source) for i, cell in enumerate(read(path).cells)
            if cell.cell_type == "code" and not nbgrader_meta(cell)]


@pytest.mark.parametrize("source", [
    'print(f"{a < b}")',
    'print("same:", a == b)',
    'print("x equal:", np.array_equal(a, b))',
    'print(f"agree: {torch.allclose(x, y, atol=1e-6)}")',
    'print(f"{torch.equal(a, b)!s:>6}")',
    'print(f"{x is None=}")',
    'print(f"finite: {all(np.isfinite(v) for v in xs)}")',
    'print("any NaN", any(np.isnan(v).any() for v in xs))',
    'print(f"{bool(mask.sum())}")',
    'print(f"{(x > 0).all()}")',
    'print(f"{np.allclose(a, b) and a.shape == b.shape}")',
    'print(f"not yet: {not done}")',
    'print("match: " + str(a != b))',
    'same = torch.equal(a, b)\nprint("same:", same)',
    'for a, b in pairs:\n    print(a, b, a >= b)',
    '%time y = f(x)\nprint(any(y))',
    'y = f(x)\ny.shape == x.shape',
], ids=lambda s: s.replace("\n", " | "))
def test_the_detector_flags_a_printed_bare_boolean(source):
    assert printed_verdicts(source), f"not flagged: {source}"


@pytest.mark.parametrize("source", [
    'print(f"{x:.3f}")',
    'print(f"n = {len(x)}")',
    'print(f"{a < b:d}")',
    'print(f"share above zero: {np.mean(x > 0):.1%}")',
    'print((preds == y).float().mean().item())',
    'print("accuracy", (preds == y).sum() / len(y))',
    "print('yes' if a < b else 'no')",
    'claim("a is below b", a < b, f"{a:.2f} vs {b:.2f}")',
    'cu.claim("the norms fall", bool(np.all(np.diff(norms) < 0)), f"norms {norms}")',
    'print(compare(a, b, names=("GRU", "RNN")))',
    'assert torch.equal(a, b), "the two layers differ"',
    'mask = x > 0\nprint(mask.sum())',
    'same = a == b\nsame = int(same)\nprint(same)',
    '!pip list\nprint(f"{n:,}")',
    'y = f(x)\ny',
], ids=lambda s: s.replace("\n", " | "))
def test_the_detector_passes_numbers_words_and_claims(source):
    assert printed_verdicts(source) == [], f"flagged: {source}"


def test_the_detector_reports_the_line_and_calls_claim_sees_both_spellings():
    source = "x = 1\nprint(f'x = {x:.3f}')\nprint('positive:', x > 0)\n"
    assert printed_verdicts(source) == [(3, "print('positive:', x > 0)", "x > 0")]
    multi_line = "print(\n    'same:',\n    np.array_equal(\n        a, b))"
    assert printed_verdicts(multi_line) == [(1, "print(", "np.array_equal( a, b)")]
    assert calls_claim('claim("x is positive", x > 0, f"x = {x}")')
    assert calls_claim('cu.claim("x is positive", x > 0, f"x = {x}")')
    assert not calls_claim('print("claim(")\nclaims = 3')


@pytest.mark.parametrize("path", source_notebooks(), ids=lambda p: p.parent.name)
def test_every_chapter_prints_a_verdict_through_claim(path):
    assert any(calls_claim(source) for _, source in _narrative_code(path)), \
        f"{path.parent.name}: no narrative cell calls claim(...) (CONTRIBUTING.md, section 6)"


@pytest.mark.parametrize("path", source_notebooks(), ids=lambda p: p.parent.name)
def test_no_narrative_cell_prints_a_bare_boolean_verdict(path):
    found = [f"{path.parent.name}, cell {index}, line {lineno}: {line}  (shows {shown} as True/False)"
             for index, source in _narrative_code(path) for lineno, line, shown in printed_verdicts(source)]
    assert not found, ("these cells print a bare True/False; print the verdict with claim(statement, check, "
                       "evidence) or compare(...) (CONTRIBUTING.md, section 6):\n" + "\n".join(found))


def test_compare_runs_resamples_seeds_and_items():
    from course_utils.claims import compare_runs

    rng = np.random.default_rng(0)
    items = rng.random(400) < 0.7  # (N,): which items are easy
    a = np.array([(rng.random(400) < np.where(items, 0.9, 0.3)) for _ in range(5)], dtype=float)  # (5, N)
    b = np.array([(rng.random(400) < np.where(items, 0.75, 0.2)) for _ in range(4)], dtype=float)  # (4, N)
    result = compare_runs(a, b, names=("a", "b"), metric="accuracy")
    assert result.verdict == "better" and result.low > 0 and result.n == 400
    assert abs(result.difference - (a.mean() - b.mean())) < 1e-12
    assert "bootstrap test p" in str(result) and "randomisation" not in str(result)  # its p is the bootstrap's
    assert compare_runs(b, a).verdict == "worse"
    assert compare_runs(b, a, higher_is_better=False).verdict == "better"
    # a configuration whose seeds disagree wildly: the items alone would call it, the seeds do not
    shifts = np.array([0.4, -0.4, 0.35, -0.3, 0.1])[:, None]  # (5, 1)
    noisy = np.clip(np.tile(items * 0.7, (5, 1)) + shifts, 0, 1)  # (5, N)
    steady = np.tile(items * 0.7, (5, 1))  # (5, N)
    assert compare_runs(noisy, steady).verdict == "no detectable difference"
    with pytest.raises(ValueError, match="same items"):
        compare_runs(a[:, :10], b)
