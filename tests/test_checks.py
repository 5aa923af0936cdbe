"""Tests for course_utils.checks: passing cases, and failure messages that name the argument."""

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
import tensorflow as tf
import torch

from course_utils.checks import (assert_close, assert_equal, assert_raises, assert_own_code,
                                 check_rnn_step_args, check_shape, to_numpy)

REPO = Path(__file__).resolve().parent.parent


# --- to_numpy -------------------------------------------------------------------------------------------------

def test_to_numpy_torch_tensor_with_grad():
    t = torch.arange(6.0, requires_grad=True).reshape(2, 3)
    out = to_numpy(t * 2)
    assert isinstance(out, np.ndarray)
    np.testing.assert_array_equal(out, np.arange(6.0).reshape(2, 3) * 2)


def test_to_numpy_tf_tensor_and_variable():
    out = to_numpy(tf.constant([[1.0, 2.0]]))
    assert isinstance(out, np.ndarray) and out.shape == (1, 2)
    np.testing.assert_array_equal(out, [[1.0, 2.0]])
    np.testing.assert_array_equal(to_numpy(tf.Variable([3, 4])), [3, 4])


def test_to_numpy_plain_values():
    arr = np.ones((2, 2))
    assert to_numpy(arr) is arr
    np.testing.assert_array_equal(to_numpy([1, 2, 3]), np.array([1, 2, 3]))
    assert to_numpy(2.5).shape == () and float(to_numpy(2.5)) == 2.5


# --- check_shape ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", [np.zeros((2, 5)), torch.zeros(2, 5), tf.zeros((2, 5))])
def test_check_shape_passes(value):
    assert check_shape(value, (2, 5), "X_t") is None
    assert check_shape(value, (None, 5), "X_t") is None


def test_check_shape_wrong_size_names_argument_and_shapes():
    with pytest.raises(AssertionError) as err:
        check_shape(torch.zeros(2, 4), (2, 5), "X_t")
    msg = str(err.value)
    assert "X_t" in msg and "(2, 5)" in msg and "(2, 4)" in msg


def test_check_shape_wrong_rank_and_wildcard_shown():
    with pytest.raises(AssertionError, match=re.escape("H should have shape ('any', 3), got (3,)")):
        check_shape(np.zeros(3), (None, 3), "H")


def test_check_shape_non_array():
    with pytest.raises(AssertionError, match=r"b_h should be an array or tensor of shape \(4,\), got list"):
        check_shape([0.0] * 4, (4,), "b_h")


# --- assert_close ---------------------------------------------------------------------------------------------

def test_check_rnn_step_args_accepts_matching_shapes():
    z = np.zeros
    check_rnn_step_args(z((2, 3)), z((2, 4)), z((3, 4)), z((4, 4)), z(4))


@pytest.mark.parametrize("args, message", [
    ((np.zeros((2, 5)), np.zeros((2, 4)), np.zeros((3, 4)), np.zeros((4, 4)), np.zeros(4)),
     "X_t should have shape (2, 3), got (2, 5)"),
    ((np.zeros((2, 3)), np.zeros((2, 4)), np.zeros((3, 4)), np.zeros((4, 3)), np.zeros(4)),
     "W_hh should have shape (4, 4), got (4, 3)"),
    ((np.zeros((2, 3)), np.zeros((2, 4)), np.zeros((3, 4)), np.zeros((4, 4)), np.zeros(3)),
     "b_h should have shape (4,), got (3,)"),
    ((np.zeros((2, 3)), np.zeros(4), np.zeros((3, 4)), np.zeros((4, 4)), np.zeros(4)),
     "H_prev should have shape ('any', 'any'), got (4,)"),
])
def test_check_rnn_step_args_names_the_wrong_argument(args, message):
    with pytest.raises(AssertionError, match=re.escape(message)):
        check_rnn_step_args(*args)


def test_assert_close_passes_across_types_and_tolerance():
    assert assert_close(torch.tensor([1.0, 2.0]), np.array([1.0, 2.0 + 1e-7]), "y") is None
    assert assert_close(tf.constant([[0.5]]), torch.tensor([[0.5]]), "y") is None
    assert assert_close(1.0, 1.05, "y", atol=0.1) is None


def test_assert_close_names_a_mistake_only_when_the_values_are_that_mistake():
    mistakes = {"started from zeros": np.zeros(2), "forgot the bias": np.array([1.0, 1.0])}
    with pytest.raises(AssertionError, match="values you get if you started from zeros$"):
        assert_close(np.zeros(2), np.array([1.0, 2.0]), "y", mistakes=mistakes)
    with pytest.raises(AssertionError, match="values you get if you forgot the bias$"):
        assert_close(torch.tensor([1.0, 1.0]), np.array([1.0, 2.0]), "y", mistakes=mistakes)
    with pytest.raises(AssertionError) as other:  # a third wrong answer: no hint, just the difference
        assert_close(np.array([5.0, 5.0]), np.array([1.0, 2.0]), "y", mistakes=mistakes)
    assert "values you get" not in str(other.value) and "largest difference" in str(other.value)
    assert assert_close(np.array([1.0, 2.0]), np.array([1.0, 2.0]), "y", mistakes=mistakes) is None


def test_assert_close_none_hints_missing_return():
    with pytest.raises(AssertionError, match="y returned None; did you forget a `return`"):
        assert_close(None, np.zeros(2), "y")


def test_assert_close_shape_mismatch_message():
    with pytest.raises(AssertionError) as err:
        assert_close(np.zeros((2, 3)), np.zeros((3, 2)), "outputs")
    msg = str(err.value)
    assert msg.startswith("outputs") and "expected shape (3, 2)" in msg and "got shape (2, 3)" in msg


def test_assert_close_value_mismatch_shows_index_expected_and_actual():
    expected = np.zeros((2, 3))
    actual = expected.copy()
    actual[1, 2] = 0.25
    with pytest.raises(AssertionError) as err:
        assert_close(actual, expected, "H_T")
    msg = str(err.value)
    assert "H_T" in msg and "(1, 2)" in msg and "expected 0" in msg and "got 0.25" in msg
    assert "largest difference 0.25" in msg


def test_assert_close_scalar_mismatch():
    with pytest.raises(AssertionError, match="loss: .*expected 2, got 3"):
        assert_close(3.0, 2.0, "loss")


# --- assert_equal ---------------------------------------------------------------------------------------------

def test_assert_equal_passes():
    assert assert_equal(65, 65, "vocab size") is None
    assert assert_equal("abc", "abc", "text") is None


def test_assert_equal_message_shows_both_values():
    with pytest.raises(AssertionError, match=re.escape("vocab size: expected 65, got 64")):
        assert_equal(64, 65, "vocab size")
    with pytest.raises(AssertionError, match=re.escape("text: expected 'ab', got 'ba'")):
        assert_equal("ba", "ab", "text")


# --- assert_own_code (moved to course_utils.grading; tested in test_grading_checks) -------------------------------

def test_assert_own_code_still_importable_from_checks():
    import course_utils
    import course_utils.grading

    assert assert_own_code is course_utils.grading.assert_own_code is course_utils.assert_own_code


def test_checks_has_no_other_missing_attribute():
    import course_utils.checks

    with pytest.raises(AttributeError, match="has no attribute 'nothing_here'"):
        course_utils.checks.nothing_here  # noqa: B018


def test_assert_own_code_rejects_library_function():
    with pytest.raises(AssertionError, match="rnn_step must be written in this notebook, not imported from "
                                             "course_utils.checks"):
        assert_own_code(check_shape, "rnn_step")


def test_assert_own_code_accepts_own_and_rejects_wrapped_reference(tmp_path):
    """Functions defined in ``__main__`` (as in a notebook) pass unless they call the reference code."""
    script = tmp_path / "notebook.py"
    script.write_text(textwrap.dedent("""
        import course_utils as cu
        from course_utils.checks import assert_own_code

        def mine(x):
            return x + 1

        def wrapped(x):
            return cu.softmax_temperature(x, 1.0)

        assert_own_code(mine, "mine")
        print("mine ok")
        try:
            assert_own_code(wrapped, "wrapped")
        except AssertionError as err:
            print("rejected:", err)
    """))
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60,
                            env={**os.environ, "PYTHONPATH": str(REPO)})
    assert result.returncode == 0, result.stderr
    assert "mine ok" in result.stdout
    assert "rejected: wrapped must be your own code" in result.stdout


# --- assert_raises ----------------------------------------------------------------------------------------------

def _divide(a, b):
    return a / b


def test_assert_raises_passes_when_the_exception_comes():
    assert assert_raises(ZeroDivisionError, _divide, 1, 0, name="_divide(1, 0)") is None


def test_assert_raises_names_the_call_when_nothing_is_raised():
    with pytest.raises(AssertionError, match=r"^_divide\(1, 2\) should raise ZeroDivisionError, but it returned normally$"):
        assert_raises(ZeroDivisionError, _divide, 1, 2, name="_divide(1, 2)")


def test_assert_raises_reports_another_exception():
    with pytest.raises(AssertionError, match=r"should raise ValueError, but it raised TypeError"):
        assert_raises(ValueError, _divide, 1, "x", name="_divide(1, 'x')")


def _stub(*args):
    raise NotImplementedError("Exercise: write this function")


def test_assert_raises_lets_an_unwritten_stub_read_as_not_done():
    with pytest.raises(NotImplementedError, match="write this function"):
        assert_raises(ValueError, _stub, 3, name="_stub(3)")


def test_assert_raises_still_accepts_not_implemented_when_it_is_the_expected_error():
    assert assert_raises(NotImplementedError, _stub, name="_stub()") is None


def test_check_lengths_accepts_arrays_and_tensors_and_names_bad_ones():
    import numpy as np
    import pytest
    import torch

    from course_utils.checks import check_lengths

    assert check_lengths(None, 3, 5) == [5, 5, 5]
    assert check_lengths(np.array([5, 1, 3]), 3, 5) == [5, 1, 3]
    assert check_lengths(np.array([2, 2]), 2, 4) == [2, 2]
    assert check_lengths(torch.tensor([4]), 1, 4) == [4]
    with pytest.raises(AssertionError, match="between 1 and num_steps = 4"):
        check_lengths(np.array([0, 3]), 2, 4)
    with pytest.raises(AssertionError, match=r"lengths should have shape \(2,\), got \(3,\)"):
        check_lengths(np.array([1, 2, 3]), 2, 4)
