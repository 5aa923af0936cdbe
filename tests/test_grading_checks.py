"""Tests for course_utils.grading: own code only, independent exercises, and the own-or-reference fallback.

The ``assert_own_code`` cases run in an IPython shell in a subprocess, as in a notebook: the
answers are then ``__main__`` functions whose source IPython keeps in ``linecache``.
"""

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
import torch

import course_utils.torch as ct
from course_utils import assert_no_calls, assert_own_code, own_or_reference
from course_utils.checks import check_shape

REPO = Path(__file__).resolve().parent.parent

SETUP = """
import functools, importlib, sys
import numpy as np
import torch
import course_utils as cu
import course_utils.torch as ctorch
from course_utils import assert_own_code, check_shape
"""

RUNNER = """
import json, sys
from IPython.core.interactiveshell import InteractiveShell

cases, setup = json.load(open(sys.argv[1])), open(sys.argv[2]).read()
shell = InteractiveShell.instance()
results = {}
for name, source in cases.items():
    shell.reset(new_session=False)
    shell.run_cell(setup)
    run = shell.run_cell(source)
    if not run.success:
        results[name] = f"error: {run.error_in_exec or run.error_before_exec!r}"
        continue
    try:
        shell.user_ns["assert_own_code"](shell.user_ns["answer"], "answer")
        results[name] = "pass"
    except AssertionError as err:
        results[name] = f"zero: {err}"
json.dump(results, open(sys.argv[3], "w"))
"""

STEP = "(X_t, H_prev, W_xh, W_hh, b_h)"

#: Answers that call the course's reference, each in its own way, and what the message must name.
ZERO = {
    "direct call": (f"def answer{STEP}:\n    return ctorch.rnn_step{STEP}", "`ctorch.rnn_step` is course_utils.torch"),
    "stored in a dict": (f"steps = {{'tanh': ctorch.rnn_step}}\ndef answer{STEP}:\n    return steps['tanh']{STEP}",
                         "`steps` holds course_utils.torch"),
    "stored on an object": ("import types\nns = types.SimpleNamespace(f=ctorch.rnn_step)\n"
                            f"def answer{STEP}:\n    return ns.f{STEP}", "`ns` holds course_utils.torch"),
    "globals() lookup": (f"def answer{STEP}:\n    return globals()['ctorch'].rnn_step{STEP}",
                         "`the global 'ctorch'` is the module course_utils.torch"),
    "module alias": (f"import course_utils.torch as zz\ndef answer{STEP}:\n    return zz.rnn_step{STEP}",
                     "`zz.rnn_step` is course_utils.torch"),
    "imported name alias": (f"from course_utils.torch import rnn_step as f\ndef answer{STEP}:\n    return f{STEP}",
                            "`f` is course_utils.torch.rnn.rnn_step"),
    "name from the package": (("from course_utils import softmax_temperature\n"
                               "def answer(logits, t):\n    return softmax_temperature(logits, t)"),
                              "`softmax_temperature` is course_utils.text.softmax_temperature"),
    "package alias": ("import course_utils as c\ndef answer(logits, t):\n    return c.softmax_temperature(logits, t)",
                      "`c.softmax_temperature`"),
    "package attribute chain": (f"def answer{STEP}:\n    return cu.torch.rnn_step{STEP}", "`cu.torch.rnn_step`"),
    "import in the body": (f"def answer{STEP}:\n    import course_utils.torch as t\n    return t.rnn_step{STEP}",
                           "it imports course_utils.torch"),
    "from-import in the body": (("def answer(logits, t):\n    from course_utils.text import softmax_temperature as s\n"
                                 "    return s(logits, t)"), "it imports softmax_temperature from course_utils.text"),
    "importlib": (f"def answer{STEP}:\n    return importlib.import_module('course_utils.torch').rnn_step{STEP}",
                  "'course_utils.torch'"),
    "__import__": ("def answer(x):\n    return __import__('course_utils.text').text.softmax_temperature(x, 1.0)",
                   "'course_utils.text'"),
    "sys.modules": (f"def answer{STEP}:\n    return sys.modules['course_utils.torch'].rnn_step{STEP}",
                    "'course_utils.torch'"),
    "getattr on the module": (f"def answer{STEP}:\n    return getattr(ctorch, 'rnn_step'){STEP}",
                              "`ctorch` is the module course_utils.torch"),
    "notebook helper": ((f"def helper{STEP}:\n    return ctorch.rnn_step{STEP}\n"
                         f"def answer{STEP}:\n    return helper{STEP}"), "through helper(): `ctorch.rnn_step`"),
    "helper of a helper": (("def inner(x):\n    return cu.softmax_temperature(x, 1.0)\n"
                            "def outer(x):\n    return inner(x)\ndef answer(x):\n    return outer(x)"),
                           "through outer(): through inner()"),
    "lambda": (f"answer = lambda X_t, H_prev, W_xh, W_hh, b_h: ctorch.rnn_step{STEP}", "`ctorch.rnn_step`"),
    "lambda helper": ("step = lambda *args: ctorch.rnn_step(*args)\ndef answer(*args):\n    return step(*args)",
                      "through <lambda>()"),
    "assigned reference": ("answer = ctorch.rnn_step", ("must be written in this notebook, not imported from "
                                                        "course_utils.torch.rnn")),
    "functools.partial": ("answer = functools.partial(ctorch.rnn_step)", "must be written in this notebook"),
    "partial helper": ("step = functools.partial(ctorch.rnn_step)\ndef answer(*args):\n    return step(*args)",
                       "`step` is course_utils.torch.rnn.rnn_step"),
    "default argument": (f"def answer(X_t, H_prev, W_xh, W_hh, b_h, step=ctorch.rnn_step):\n    return step{STEP}",
                         "a default argument is course_utils.torch.rnn.rnn_step"),
    "closure": ((f"def make():\n    ref = ctorch\n    def answer{STEP}:\n        return ref.rnn_step{STEP}\n"
                 "    return answer\nanswer = make()"), "`ref.rnn_step`"),
    "comprehension": ("def answer(batch):\n    return [cu.softmax_temperature(x, 1.0) for x in batch]",
                      "`cu.softmax_temperature`"),
    "decorator wrapper": (("def deco(f):\n    @functools.wraps(f)\n    def wrapper(*args):\n"
                           "        return ctorch.rnn_step(*args)\n    return wrapper\n"
                           "@deco\ndef answer(*args):\n    return None"), "`ctorch.rnn_step`"),
    "class method": ("class answer:\n    def __call__(self, *args):\n        return ctorch.rnn_step(*args)",
                     "`ctorch.rnn_step`"),
}

#: Answers written by the student, some of them mentioning course_utils in harmless ways.
OWN = {
    "own torch code": f"def answer{STEP}:\n    return torch.tanh(X_t @ W_xh + H_prev @ W_hh + b_h)",
    "comment and docstring": (f"def answer{STEP}:\n"
                              "    '''Like course_utils.torch.rnn_step, see course_utils.torch.'''\n"
                              "    # unlike course_utils.torch.rnn_step, no shape checks\n"
                              "    return torch.tanh(X_t @ W_xh + H_prev @ W_hh + b_h)"),
    "message string": "def answer(x):\n    print('compare with course_utils.torch.rnn_step')\n    return x",
    "shadowing local": "def answer(x):\n    cu = torch.tanh(x)\n    return cu * 2",
    "shadowing parameter": "def answer(x, ctorch=None):\n    return ctorch",
    "comprehension variable": "def answer(xs):\n    return [cu * 2 for cu in xs]",
    "template with check_shape": (f"def answer{STEP}:\n    batch_size, num_hiddens = H_prev.shape\n"
                                  "    check_shape(X_t, (batch_size, W_xh.shape[0]), 'X_t')\n"
                                  "    cu.check_shape(b_h, (num_hiddens,), 'b_h')\n"
                                  "    return torch.tanh(X_t @ W_xh + H_prev @ W_hh + b_h)"),
    "own helper": "def helper(z):\n    return np.exp(z)\ndef answer(z):\n    return helper(z) / helper(z).sum()",
    "recursion": "def answer(n):\n    return 1 if n == 0 else n * answer(n - 1)",
    "annotation": "def answer(x: cu.CharVocab) -> cu.CharVocab:\n    y: cu.CharVocab = x\n    return y",
    "data from course_utils": ("vocab = cu.CharVocab.from_text('abc')\n"
                               "def answer(text):\n    return [vocab.stoi[ch] for ch in text]"),
    "framework decorator": "@torch.no_grad()\ndef answer(x):\n    return torch.tanh(x)",
    "lambda": "answer = lambda x: np.tanh(x)",
}


@pytest.fixture(scope="module")
def notebook_results(tmp_path_factory):
    """Run every case in a fresh IPython namespace and return case -> "pass" or "zero: <message>"."""
    folder = tmp_path_factory.mktemp("notebook")
    cases = {**{f"zero/{k}": v[0] for k, v in ZERO.items()}, **{f"own/{k}": v for k, v in OWN.items()}}
    (folder / "cases.json").write_text(json.dumps(cases))
    (folder / "setup.py").write_text(SETUP)
    result = subprocess.run([sys.executable, "-c", RUNNER, str(folder / "cases.json"), str(folder / "setup.py"),
                             str(folder / "results.json")], capture_output=True, text=True, timeout=300,
                            cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads((folder / "results.json").read_text())


@pytest.mark.parametrize("case", sorted(ZERO))
def test_answers_that_call_the_reference_score_zero(notebook_results, case):
    outcome = notebook_results[f"zero/{case}"]
    assert outcome.startswith("zero: "), f"{case}: {outcome}"
    assert ZERO[case][1] in outcome, outcome
    if "written in this notebook" not in outcome:
        assert outcome.startswith("zero: answer must be your own code: it calls the course's reference (")
        assert outcome.endswith("); answers that call course_utils score zero")


@pytest.mark.parametrize("case", sorted(OWN))
def test_own_answers_pass(notebook_results, case):
    assert notebook_results[f"own/{case}"] == "pass"


# --- assert_own_code outside a notebook ---------------------------------------------------------------------------

def test_assert_own_code_rejects_library_functions():
    with pytest.raises(AssertionError, match="rnn_step must be written in this notebook, not imported from "
                                             "course_utils.torch.rnn"):
        assert_own_code(ct.rnn_step, "rnn_step")
    with pytest.raises(AssertionError, match="not imported from numpy"):
        assert_own_code(np.tanh, "tanh")
    with pytest.raises(AssertionError, match=f"not imported from {__name__}"):
        assert_own_code(test_assert_own_code_rejects_library_functions, "test")


def _without_source(code: str, **names) -> dict:
    """Run ``code`` as ``__main__`` from a file name that linecache does not know: no source to read."""
    namespace = {"__name__": "__main__", **names}
    exec(compile(textwrap.dedent(code), "<no source>", "exec"), namespace)  # noqa: S102 - test fixture
    return namespace


def test_assert_own_code_without_source_reads_the_bytecode():
    import course_utils as cu

    ns = _without_source("""
        def own(x):
            cu = x * 2  # a local that shadows the global alias
            return cu + 1

        def allowed(x):
            return cu_alias.check_shape(x, (2,), "x")

        def direct(X_t, H, W_xh, W_hh, b_h):
            return ctorch.rnn_step(X_t, H, W_xh, W_hh, b_h)

        def chained(x):
            return cu_alias.text.softmax_temperature(x, 1.0)

        def imports(x):
            import course_utils.text
            return x

        def names(x):
            return __import__("course_utils.text")

        def nested(xs):
            return [helper(x) for x in xs]

        def helper(x):
            return ctorch.rnn_step(x)
    """, ctorch=ct, cu_alias=cu)
    assert_own_code(ns["own"], "own")
    assert_own_code(ns["allowed"], "allowed")
    for name, detail in [("direct", "`ctorch.rnn_step` is course_utils.torch.rnn.rnn_step"),
                         ("chained", "`cu_alias.text.softmax_temperature` is course_utils.text.softmax_temperature"),
                         ("imports", "it imports course_utils.text"),
                         ("names", "it names the module 'course_utils.text'"),
                         ("nested", "through helper(): `ctorch.rnn_step`")]:
        with pytest.raises(AssertionError, match=re.escape(detail)):
            assert_own_code(ns[name], name)


def test_assert_own_code_rejects_a_notebook_object_that_is_not_a_function():
    ns = _without_source("""
        class Step:
            def __call__(self, x):
                return x
        step = Step()
    """)
    with pytest.raises(AssertionError, match="step must be a function written in this notebook, got Step"):
        assert_own_code(ns["step"], "step")


# --- assert_no_calls ------------------------------------------------------------------------------------------

def rnn_step(X_t, H_prev, W_xh, W_hh, b_h):
    """A stand-in for Exercise 1's function."""
    return torch.tanh(X_t @ W_xh + H_prev @ W_hh + b_h)


def forward_calling_step(X, H, W_xh, W_hh, b_h):
    """Calls the other exercise's function by name."""
    return [rnn_step(X[:, t], H, W_xh, W_hh, b_h) for t in range(X.shape[1])]


def forward_calling_reference(X, H, W_xh, W_hh, b_h):
    """Calls it as an attribute."""
    return ct.rnn_step(X[:, 0], H, W_xh, W_hh, b_h)


def forward_inline(X, H, W_xh, W_hh, b_h):
    """Unlike rnn_step(...), writes the step inline; mentions rnn_step only in text."""
    # rnn_step(X_t, H, ...) would be shorter
    print("rnn_step(...) is Exercise 1")
    step = rnn_step  # a reference without a call is not a call
    del step
    return torch.tanh(X[:, 0] @ W_xh + H @ W_hh + b_h)


def test_assert_no_calls_message_names_the_call_and_the_reason():
    reason = "(Exercise 1): write the step inline, so that each exercise is graded on its own"
    with pytest.raises(AssertionError) as err:
        assert_no_calls(forward_calling_step, ["rnn_step"], "rnn_forward", reason)
    assert str(err.value) == ("rnn_forward calls rnn_step (Exercise 1): write the step inline, so that each exercise "
                              "is graded on its own")
    with pytest.raises(AssertionError, match=r"^rnn_forward calls rnn_step$"):
        assert_no_calls(forward_calling_step, "rnn_step", "rnn_forward")  # one name as a string


def test_assert_no_calls_catches_attribute_calls_and_nested_calls():
    with pytest.raises(AssertionError, match="calls rnn_step"):
        assert_no_calls(forward_calling_reference, {"rnn_step", "rnn_forward"}, "rnn_forward")

    def outer(x):
        def inner(y):
            return rnn_step(y, y, y, y, y)
        return inner(x)

    with pytest.raises(AssertionError, match="outer calls rnn_step"):
        assert_no_calls(outer, ["rnn_step"], "outer")


def test_assert_no_calls_ignores_comments_strings_and_plain_references():
    assert assert_no_calls(forward_inline, ["rnn_step"], "rnn_forward") is None
    assert assert_no_calls(forward_calling_step, ["clip_grad_norm"], "rnn_forward") is None


def test_assert_no_calls_without_source():
    ns = _without_source("def f(x):\n    return rnn_step(x)\ndef g(x):\n    return x\n")
    with pytest.raises(AssertionError, match="f calls rnn_step"):
        assert_no_calls(ns["f"], ["rnn_step"], "f")
    assert_no_calls(ns["g"], ["rnn_step"], "g")


# --- own_or_reference -----------------------------------------------------------------------------------------

def reference_square(x):
    """The course's reference in these tests."""
    return np.asarray(x, dtype=float) ** 2


def _wrap(capsys, namespace, reference=reference_square, **options):
    wrapper = own_or_reference(namespace, "square", reference, **options)
    assert wrapper.source is None
    capsys.readouterr()
    return wrapper


def test_missing_function_uses_the_reference(capsys):
    square_ = _wrap(capsys, {})
    np.testing.assert_array_equal(square_([1, 2]), [1, 4])
    assert square_.source == "reference"
    assert capsys.readouterr().out == "square is not defined yet: using the course's reference (course_utils).\n"
    square_([3])
    assert capsys.readouterr().out == ""


def test_not_implemented_uses_the_reference(capsys):
    def square(x):
        raise NotImplementedError()

    square_ = _wrap(capsys, {"square": square})
    np.testing.assert_array_equal(square_([3]), [9])
    assert square_.source == "reference"
    assert capsys.readouterr().out == "square is not implemented yet: using the course's reference (course_utils).\n"


def test_an_error_is_quoted_and_the_reference_used(capsys):
    square_ = _wrap(capsys, {"square": lambda x: x.nope})
    np.testing.assert_array_equal(square_(np.array([2.0])), [4.0])
    assert square_.source == "reference"
    out = capsys.readouterr().out
    assert out.startswith("Your square raised AttributeError: ") and "'nope'" in out
    assert out.endswith(": using the course's reference (course_utils).\n")


def test_a_correct_answer_is_used_and_noted_once(capsys):
    calls = []

    def square(x):
        calls.append(x)
        return np.asarray(x, dtype=float) * np.asarray(x) + 1e-7  # within the tolerances

    square_ = _wrap(capsys, {"square": square})
    first = square_([1.0, 2.0])
    assert square_.source == "own" and calls == [[1.0, 2.0]]
    np.testing.assert_allclose(first, [1.0, 4.0], atol=1e-6)
    assert first[0] != 1.0  # the student's own result, not the reference's
    square_([3.0])
    square_([4.0])
    assert capsys.readouterr().out == "Using your square.\n"


def test_a_wrong_answer_gives_the_reference_result_and_the_largest_difference(capsys):
    square_ = _wrap(capsys, {"square": lambda x: np.asarray(x, dtype=float) * 2})
    np.testing.assert_array_equal(square_([1.0, 3.0]), [1.0, 9.0])
    assert square_.source == "reference"
    assert capsys.readouterr().out == ("Your square differs from the reference (largest difference 3): using the "
                                       "reference; see the tests after your square.\n")
    square_([2.0])
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("own, reference, why", [
    (lambda x: np.zeros((2, 1)), lambda x: np.zeros(2), "shape (2, 1) instead of (2,)"),
    (lambda x: (torch.zeros(2), torch.ones(1)), lambda x: (np.zeros(2), np.zeros(1)), "largest difference 1"),
    (lambda x: (1, 2), lambda x: (1, 2, 3), "2 items instead of 3"),
    (lambda x: np.zeros(3), lambda x: (1, 2, 3), "ndarray instead of tuple"),
    (lambda x: "abd", lambda x: "abc", "'abd' instead of 'abc'"),
    (lambda x: 1_000_001, lambda x: 1_000_000, "largest difference 1"),  # integers are compared exactly
    (lambda x: None, lambda x: np.zeros(2), "NoneType instead of ndarray"),
    (lambda x: np.array([np.nan, 1.0]), lambda x: np.array([0.0, 1.0]), "largest difference nan"),
])
def test_mismatches_are_described(capsys, own, reference, why):
    square_ = _wrap(capsys, {"square": own}, reference=reference)
    square_(0)
    assert square_.source == "reference"
    assert f"differs from the reference ({why})" in capsys.readouterr().out


@pytest.mark.parametrize("own, reference", [
    (lambda x: [torch.ones(2), 3], lambda x: (np.ones(2), 3)),  # a list for a tuple, a tensor for an array
    (lambda x: "abc", lambda x: "abc"),
    (lambda x: np.array([np.nan, 1.0]), lambda x: np.array([np.nan, 1.0])),
    (lambda x: 32.0, lambda x: 32),
])
def test_equal_results_in_other_types_count_as_the_same(capsys, own, reference):
    square_ = _wrap(capsys, {"square": own}, reference=reference)
    square_(0)
    assert square_.source == "own"


def test_generators_are_copied_so_both_see_the_same_draws(capsys):
    def reference(n, rng):
        return rng.integers(0, 100, n)

    def own(n, rng):
        return rng.integers(0, 100, n)

    rng, twin = np.random.default_rng(7), np.random.default_rng(7)
    sample_ = own_or_reference({"sample": own}, "sample", reference)
    np.testing.assert_array_equal(sample_(5, rng), twin.integers(0, 100, 5))
    assert sample_.source == "own"
    assert rng.integers(0, 100) == twin.integers(0, 100)  # the generator moved on once, not twice
    np.testing.assert_array_equal(sample_(3, rng=rng), twin.integers(0, 100, 3))  # keyword arguments too


def test_after_a_fallback_the_generator_is_where_the_reference_left_it(capsys):
    def reference(rng):
        return rng.integers(0, 100, 2)

    def own(rng):
        return rng.integers(0, 100, 5)[:2] + 1  # draws more, and differs

    rng, twin = np.random.default_rng(8), np.random.default_rng(8)
    sample_ = own_or_reference({"sample": own}, "sample", reference)
    np.testing.assert_array_equal(sample_(rng), twin.integers(0, 100, 2))
    assert sample_.source == "reference"
    assert rng.integers(0, 100) == twin.integers(0, 100)


def test_without_compare_the_reference_is_not_run_unless_needed(capsys):
    reference_calls = []

    def reference(rng):
        reference_calls.append(1)
        return rng.integers(0, 100, 2)

    def own(rng):
        return rng.integers(0, 100, 2) + 1000  # differs, but nothing compares

    rng = np.random.default_rng(9)
    sample_ = own_or_reference({"sample": own}, "sample", reference, compare=False)
    assert np.all(sample_(rng) >= 1000) and reference_calls == [] and sample_.source == "own"
    assert capsys.readouterr().out == "Using your sample.\n"

    def broken(rng):
        rng.integers(0, 100, 10)  # draws, then fails
        raise ValueError("boom")

    rng, twin = np.random.default_rng(9), np.random.default_rng(9)
    sample_ = own_or_reference({"sample": broken}, "sample", reference, compare=False)
    np.testing.assert_array_equal(sample_(rng), twin.integers(0, 100, 2))  # the failed draws were rewound
    assert sample_.source == "reference"
    note = "Your sample raised ValueError: boom: using the course's reference (course_utils).\n"
    assert capsys.readouterr().out == note


def test_a_later_disagreement_switches_to_the_reference_for_good(capsys):
    def square(x):
        return reference_square(x) if x[0] < 10 else np.zeros(1)  # wrong on large inputs only

    square_ = _wrap(capsys, {"square": square})
    square_([1.0])
    assert square_.source == "own" and capsys.readouterr().out == "Using your square.\n"
    np.testing.assert_array_equal(square_([20.0]), [400.0])
    assert square_.source == "reference"
    assert "Your square differs from the reference (largest difference 400)" in capsys.readouterr().out
    square_([1.0])  # the reference from now on, silently
    assert square_.source == "reference" and capsys.readouterr().out == ""


def test_the_namespace_is_read_at_call_time_and_tolerances_apply(capsys):
    namespace = {}
    square_ = own_or_reference(namespace, "square", reference_square, atol=0.5, rtol=0.0)
    namespace["square"] = lambda x: reference_square(x) + 0.4  # defined after the wrapper, within atol
    square_([1.0])
    assert square_.source == "own"


def test_a_wrapper_stored_under_the_name_itself_uses_the_reference(capsys):
    namespace = {}
    namespace["square"] = own_or_reference(namespace, "square", reference_square)
    np.testing.assert_array_equal(namespace["square"]([2.0]), [4.0])
    assert namespace["square"].source == "reference"


def test_works_with_the_torch_reference(capsys):
    """The chapter's use: the student's rnn_forward against course_utils.torch.rnn_forward."""
    def rnn_forward(X, H0, W_xh, W_hh, b_h):
        H, outputs = H0, []
        for t in range(X.shape[1]):
            H = torch.tanh(X[:, t] @ W_xh + H @ W_hh + b_h)  # (B, num_hiddens)
            outputs.append(H)
        return torch.stack(outputs, dim=1), H  # (B, T, num_hiddens), (B, num_hiddens)

    g = torch.Generator().manual_seed(0)
    args = (torch.randn(2, 5, 3, generator=g), torch.zeros(2, 4), torch.randn(3, 4, generator=g),
            torch.randn(4, 4, generator=g), torch.randn(4, generator=g))
    rnn_forward_ = own_or_reference({"rnn_forward": rnn_forward}, "rnn_forward", ct.rnn_forward)
    outputs, H_T = rnn_forward_(*args)
    assert rnn_forward_.source == "own" and outputs.shape == (2, 5, 4)
    assert capsys.readouterr().out == "Using your rnn_forward.\n"
    check_shape(H_T, (2, 4), "H_T")


def test_compare_first_checks_only_the_first_call(capsys):
    reference_calls = []

    def reference(x):
        reference_calls.append(x)
        return x * 2

    def own(x):
        return x * 2 if x < 10 else -1  # right on the first call, wrong later: no longer checked

    double_ = own_or_reference({"double": own}, "double", reference, compare="first")
    assert double_(3) == 6 and reference_calls == [3] and double_.source == "own"
    assert double_(20) == -1 and reference_calls == [3]
    assert capsys.readouterr().out == "Using your double.\n"


def test_compare_first_falls_back_when_the_first_call_differs(capsys):
    double_ = own_or_reference({"double": lambda x: x + 1}, "double", lambda x: x * 2, compare="first")
    assert double_(5) == 10 and double_.source == "reference"
    assert double_(7) == 14
    assert "differs from the reference" in capsys.readouterr().out


def _fill_reference(layer, values):
    layer["weights"] = [2 * v for v in values]


def test_outcome_compares_what_a_loader_changed(capsys):
    def own_right(layer, values):
        layer["weights"] = [v + v for v in values]

    def own_wrong(layer, values):
        layer["weights"] = list(values)  # forgot the factor

    outcome = lambda layer, values: np.array(layer["weights"])  # noqa: E731 - what the call changed
    for own, source in [(own_right, "own"), (own_wrong, "reference")]:
        load_ = own_or_reference({"load": own}, "load", _fill_reference, outcome=outcome)
        layer = {"weights": []}
        assert load_(layer, [1.0, 2.0]) is None
        assert load_.source == source
        assert layer["weights"] == [2.0, 4.0]  # the reference's result after a mismatch
    assert "differs from the reference" in capsys.readouterr().out


def test_outcome_without_it_a_loader_would_pass_unchecked(capsys):
    def own_wrong(layer, values):
        layer["weights"] = list(values)

    load_ = own_or_reference({"load": own_wrong}, "load", _fill_reference)
    layer = {"weights": []}
    load_(layer, [1.0])
    assert load_.source == "own"  # both return None: that is why loaders need outcome=
