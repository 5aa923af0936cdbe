"""Assertions for exercises: every failure says what was expected and what came back.

The helpers accept NumPy arrays, PyTorch tensors, TensorFlow tensors and plain
numbers without importing any framework.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np


def to_numpy(value: Any) -> np.ndarray:
    """Return ``value`` as a NumPy array (tensors are detached and moved to the CPU)."""
    if hasattr(value, "detach"):  # torch.Tensor, possibly on a GPU
        value = value.detach().cpu().numpy()
    elif hasattr(value, "numpy") and not isinstance(value, np.ndarray):  # tf.Tensor / Variable
        value = value.numpy()
    return np.asarray(value)


def _shape_of(value: Any) -> tuple[int, ...] | None:
    shape = getattr(value, "shape", None)
    return None if shape is None else tuple(int(d) if d is not None else -1 for d in shape)


def check_shape(value: Any, expected: Sequence[int | None], name: str) -> None:
    """Assert that ``value`` has shape ``expected``; ``None`` in ``expected`` matches any size.

    The message names the argument, the expected shape and the shape it has, e.g.
    ``X_t should have shape (batch_size, 5) = (2, 5), got (2, 4)``.
    """
    shape = _shape_of(value)
    if shape is None:
        raise AssertionError(f"{name} should be an array or tensor of shape {tuple(expected)}, "
                             f"got {type(value).__name__}")
    ok = len(shape) == len(expected) and all(e is None or e == s for e, s in zip(expected, shape))
    if not ok:
        shown = tuple("any" if e is None else e for e in expected)
        raise AssertionError(f"{name} should have shape {shown}, got {shape}")


def check_rnn_step_args(X_t: Any, H_prev: Any, W_xh: Any, W_hh: Any, b_h: Any) -> None:
    """Check the shapes of one RNN step's arguments against ``H_prev`` and ``W_xh``.

    ``X_t`` must be ``(batch_size, num_inputs)``, ``W_hh`` ``(num_hiddens, num_hiddens)`` and
    ``b_h`` ``(num_hiddens,)``, where ``H_prev`` is ``(batch_size, num_hiddens)`` and
    ``W_xh`` is ``(num_inputs, num_hiddens)``.
    """
    check_shape(H_prev, (None, None), "H_prev")
    check_shape(W_xh, (None, None), "W_xh")
    batch_size, num_hiddens = _shape_of(H_prev)
    check_shape(X_t, (batch_size, _shape_of(W_xh)[0]), "X_t")
    check_shape(W_hh, (num_hiddens, num_hiddens), "W_hh")
    check_shape(b_h, (num_hiddens,), "b_h")


def check_lengths(lengths: Any, batch_size: int, num_steps: int) -> list[int]:
    """``lengths`` of a right-padded batch as a list of ints, each in ``1..num_steps``.

    ``None`` means no padding: every sequence has ``num_steps`` tokens.  A wrong shape or a
    length outside ``1..num_steps`` fails with an ``AssertionError`` that says what was expected.
    """
    if lengths is None:
        return [num_steps] * batch_size
    check_shape(lengths, (batch_size,), "lengths")
    values = [int(n) for n in to_numpy(lengths)]
    if min(values) < 1 or max(values) > num_steps:
        raise AssertionError(f"lengths should be between 1 and num_steps = {num_steps}, got {values}")
    return values


def assert_close(actual: Any, expected: Any, name: str, *, atol: float = 1e-5, rtol: float = 1e-4,
                 mistakes: Mapping[str, Any] | None = None) -> None:
    """Assert that ``actual`` matches ``expected`` in shape and value, within tolerances.

    On failure the message gives the shapes, or the largest difference and where it is.
    ``mistakes`` maps a usual mistake, said as what the student did ("started from zeros
    instead of H0"), to the value that mistake gives: when ``actual`` matches one, the message
    names it, so that a hint is given only where the numbers show it.
    """
    if actual is None:
        raise AssertionError(f"{name} returned None; did you forget a `return`?")
    got, want = to_numpy(actual).astype(np.float64), to_numpy(expected).astype(np.float64)
    if got.shape != want.shape:
        raise AssertionError(f"{name}: expected shape {want.shape}, got shape {got.shape}")
    if not np.allclose(got, want, atol=atol, rtol=rtol):
        diff = np.abs(got - want)
        where = np.unravel_index(int(np.argmax(diff)), diff.shape) if diff.ndim else ()
        message = (f"{name}: values differ from the expected ones (largest difference {diff.max():.3g} "
                   f"at index {tuple(int(i) for i in where)}: expected {want[where]:.6g}, got {got[where]:.6g})")
        for mistake, value in (mistakes or {}).items():
            wrong = to_numpy(value).astype(np.float64)
            if wrong.shape == got.shape and np.allclose(got, wrong, atol=atol, rtol=rtol):
                message += f". These are the values you get if you {mistake}"
                break
        raise AssertionError(message)


def assert_equal(actual: Any, expected: Any, name: str) -> None:
    """Assert ``actual == expected`` for exact values such as counts; the message shows both."""
    if actual != expected:
        raise AssertionError(f"{name}: expected {expected!r}, got {actual!r}")


def assert_raises(exception: type[BaseException], func: Callable[..., Any], *args: Any, name: str,
                  **kwargs: Any) -> None:
    """Assert that ``func(*args, **kwargs)`` raises ``exception``; the message names the call.

    Another exception, or none, fails with a message that says which, e.g.
    ``softmax_temperature(logits, 0) should raise ValueError, but it returned normally``.
    A ``NotImplementedError`` (an exercise stub not written yet) passes through unchanged,
    so an unsolved exercise reads as "not done" rather than as a wrong answer.
    """
    try:
        func(*args, **kwargs)
    except exception:
        return
    except NotImplementedError:
        raise
    except Exception as err:  # noqa: BLE001 - any other error is the student's to see
        raise AssertionError(f"{name} should raise {exception.__name__}, "
                             f"but it raised {type(err).__name__}: {err}") from err
    raise AssertionError(f"{name} should raise {exception.__name__}, but it returned normally")


def __getattr__(name: str) -> Any:
    """Keep ``from course_utils.checks import assert_own_code`` working: it moved to :mod:`course_utils.grading`."""
    if name == "assert_own_code":
        from course_utils.grading import assert_own_code

        return assert_own_code
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
