"""Grading guards for notebook exercises: own code only, exercises graded independently, safe fallbacks.

* :func:`assert_own_code` (hidden tests): an answer that calls the course's reference
  implementations in ``course_utils``, under any name or alias, scores zero.
* :func:`assert_no_calls` (visible tests): an answer may not call another exercise's
  function, so that each exercise is graded on its own.
* :func:`own_or_reference` (narrative cells): run the student's function when it works and
  agrees with the reference, the reference otherwise, so the rest of a chapter always runs.

Framework-free: tensors are compared through :func:`course_utils.checks.to_numpy`.
"""

from __future__ import annotations

import ast
import copy
import inspect
import types
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np

from course_utils._names import bytecode_globals, course_origin, loaded_globals, syntax_tree, wrap_chain
from course_utils.checks import to_numpy


def _notebook_functions(obj: Any) -> list[types.FunctionType]:
    """The functions written in the notebook that calling ``obj`` may run: decorator layers, a class's methods."""
    if inspect.isclass(obj):
        if obj.__module__ != "__main__":
            return []
        return [f for member in vars(obj).values() for f in _notebook_functions(member)]
    return [f for f in wrap_chain(obj)  # defined in the notebook: ``__module__`` can be copied by functools.wraps
            if isinstance(f, types.FunctionType) and f.__globals__.get("__name__") == "__main__"]


def _hidden_origin(obj: Any, depth: int = 2) -> str | None:
    """Name course reference code stored inside ``obj``: in a dict, list, tuple or set, or an object's attributes.

    Catches ``steps = {"tanh": ctorch.rnn_step}`` and ``ns = SimpleNamespace(f=ctorch.rnn_step)``;
    modules, functions and classes are not searched (they are checked as names already).
    """
    if depth == 0 or isinstance(obj, (str, bytes, types.ModuleType, type)) or inspect.isroutine(obj):
        return None
    if isinstance(obj, Mapping):
        items = [*obj.keys(), *obj.values()]
    elif isinstance(obj, (list, tuple, set, frozenset)):
        items = list(obj)
    else:
        try:
            items = list(vars(obj).values())
        except TypeError:  # no __dict__: nothing stored
            return None
    for item in items[:1000]:
        if (origin := course_origin(item)) is not None or (origin := _hidden_origin(item, depth - 1)) is not None:
            return origin
    return None


def _violation(func: types.FunctionType, visited: set[int]) -> str | None:
    """Describe how ``func`` (or a notebook function it calls) reaches course_utils, or return None."""
    if id(func.__code__) in visited:
        return None
    visited.add(id(func.__code__))
    for value in (*(func.__defaults__ or ()), *(func.__kwdefaults__ or {}).values()):
        if (origin := course_origin(value)) is not None:
            return f"a default argument is {origin}"
    tree = syntax_tree(func)
    found = loaded_globals(tree, func) if tree is not None else bytecode_globals(func)
    for kind, label, obj in found:
        if kind == "direct":
            return label
        if (origin := course_origin(obj)) is not None:
            return f"`{label}` is {origin}"
        if (origin := _hidden_origin(obj)) is not None:
            return f"`{label}` holds {origin}"
        for helper in _notebook_functions(obj):
            if (inner := _violation(helper, visited)) is not None:
                return f"through {helper.__name__}(): {inner}"
    return None


def assert_own_code(func: Callable[..., Any], name: str) -> None:
    """Assert that the answer ``func`` is written in the notebook and never calls the course's reference.

    The check reads the answer's syntax tree and resolves every global name it uses, through
    attribute chains (``cu.torch.rnn_step``), aliases (``import course_utils.torch as zz``),
    imported names, closures, default arguments and notebook helpers it calls.  Comments and
    docstrings that mention course_utils do not count; the assertion helpers of
    :mod:`course_utils.checks` (``check_shape``, ...) are allowed.
    """
    module = getattr(func, "__module__", None)
    if module != "__main__":
        raise AssertionError(f"{name} must be written in this notebook, not imported from {module}")
    functions = _notebook_functions(func)
    if not functions:
        raise AssertionError(f"{name} must be a function written in this notebook, got {type(func).__name__}")
    visited: set[int] = set()
    for function in functions:
        if (detail := _violation(function, visited)) is not None:
            raise AssertionError(f"{name} must be your own code: it calls the course's reference ({detail}); "
                                 "answers that call course_utils score zero")


def assert_no_calls(func: Callable[..., Any], forbidden: Iterable[str], name: str, reason: str = "") -> None:
    """Assert that ``func`` calls none of the ``forbidden`` functions, as ``f(...)`` or ``x.f(...)``.

    Keeps exercises graded independently; comments and strings do not count.  ``reason`` is
    appended to the message, e.g. ``"(Exercise 1): write the step inline, so that each exercise
    is graded on its own"`` gives ``"rnn_forward calls rnn_step (Exercise 1): write the step ..."``.
    """
    forbidden = {forbidden} if isinstance(forbidden, str) else set(forbidden)
    tree = syntax_tree(wrap_chain(func)[-1])
    if tree is None:  # no source: fall back on the names the bytecode uses
        code = getattr(wrap_chain(func)[-1], "__code__", None)
        codes, called = [code] if code else [], []
        while codes:
            c = codes.pop()
            codes.extend(k for k in c.co_consts if isinstance(k, types.CodeType))
            called += [n for n in c.co_names if n in forbidden]
    else:
        calls = [node.func for node in ast.walk(tree) if isinstance(node, ast.Call)]
        called = [getattr(f, "id", None) or getattr(f, "attr", None) for f in calls]
        called = [n for n in called if n in forbidden]
    if called:
        raise AssertionError(f"{name} calls {called[0]}" + (f" {reason}" if reason else ""))


def _differs(got: Any, want: Any) -> str | None:
    """Compare values NumPy cannot hold as numbers with ``==``."""
    try:
        return None if bool(got == want) else f"{got!r} instead of {want!r}"
    except Exception:  # noqa: BLE001 - an ambiguous comparison counts as a difference
        return f"a {type(got).__name__} that cannot be compared with {type(want).__name__}"


def _mismatch(got: Any, want: Any, atol: float, rtol: float) -> str | None:
    """Say how ``got`` differs from ``want`` (None when they agree within the tolerances).

    Tuples and lists are compared item by item, strings and integers exactly, arrays and
    tensors (through :func:`course_utils.checks.to_numpy`) by shape, then within ``atol``/``rtol``.
    """
    if want is None or got is None:
        return None if got is want else f"{type(got).__name__} instead of {type(want).__name__}"
    if isinstance(want, (str, bytes)) or isinstance(got, (str, bytes)):
        return _differs(got, want)
    if isinstance(want, (tuple, list)):
        if not isinstance(got, (tuple, list)):
            return f"{type(got).__name__} instead of {type(want).__name__}"
        if len(got) != len(want):
            return f"{len(got)} items instead of {len(want)}"
        whys = (_mismatch(g, w, atol, rtol) for g, w in zip(got, want))
        return next((why for why in whys if why is not None), None)
    try:
        g, w = to_numpy(got), to_numpy(want)
    except Exception:  # noqa: BLE001 - anything NumPy cannot read is compared with ==
        return _differs(got, want)
    if g.shape != w.shape:
        return f"shape {g.shape} instead of {w.shape}"
    if g.dtype.kind not in "biufc" or w.dtype.kind not in "biufc":
        return _differs(got, want)
    exact = g.dtype.kind in "biu" and w.dtype.kind in "biu"  # counts and ids: no tolerance
    if np.array_equal(g, w) or (not exact and np.allclose(g, w, atol=atol, rtol=rtol, equal_nan=True)):
        return None
    diff = np.abs(g.astype(np.complex128) - w.astype(np.complex128))  # (same shape as got)
    diff = np.where(np.isnan(g) & np.isnan(w), 0.0, diff)  # NaN where both are NaN agrees
    return f"largest difference {diff.max():.3g}"


class _OwnOrReference:
    """The callable returned by :func:`own_or_reference`; ``source`` says whose code ran."""

    def __init__(self, namespace: Mapping[str, Any], name: str, reference: Callable, compare: bool | str,
                 atol: float, rtol: float, outcome: Callable | None = None):
        self.namespace, self.name, self.reference = namespace, name, reference
        self.compare, self.atol, self.rtol, self.outcome = compare, atol, rtol, outcome
        self.source: str | None = None
        self.__doc__ = f"The student's {name} when it works, else {getattr(reference, '__qualname__', name)}."

    def _use(self, source: str, note: str) -> None:
        if self.source != source:  # the first call, or a later one that falls back on the reference
            print(note)
        self.source = source

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        own = self.namespace.get(self.name)
        if self.source == "reference" or not callable(own) or own is self:
            if self.source is None:
                print(f"{self.name} is not defined yet: using the course's reference (course_utils).")
            self.source = "reference"
            return self.reference(*args, **kwargs)
        generators = [a for a in (*args, *kwargs.values()) if isinstance(a, np.random.Generator)]
        copies = {id(g): copy.deepcopy(g) for g in generators}

        def swap(value: Any) -> Any:
            return copies.get(id(value), value) if isinstance(value, np.random.Generator) else value

        def reference() -> Any:  # on the copies, so the student's function sees the same draws
            return self.reference(*map(swap, args), **{k: swap(v) for k, v in kwargs.items()})

        def observed(result: Any) -> Any:  # what is compared: the result, or what the call changed
            return self.outcome(*args, **kwargs) if self.outcome is not None else result

        def restore() -> None:  # leave the generators where the reference left them
            for g in generators:
                g.bit_generator.state = copies[id(g)].bit_generator.state

        # compare="first": check the first call only, then trust the function (for costly ones).
        compare = self.compare is True or (self.compare == "first" and self.source is None)
        expected = reference() if compare else None
        expected_outcome = observed(expected) if compare else None
        try:
            result = own(*args, **kwargs)
        except NotImplementedError:
            self._use("reference", f"{self.name} is not implemented yet: using the course's reference (course_utils).")
        except Exception as err:  # noqa: BLE001 - any failure of the student's code falls back
            self._use("reference", f"Your {self.name} raised {type(err).__name__}: {err}: "
                                   "using the course's reference (course_utils).")
        else:
            why = _mismatch(observed(result), expected_outcome, self.atol, self.rtol) if compare else None
            if why is None:
                self._use("own", f"Using your {self.name}.")
                return result
            self._use("reference", f"Your {self.name} differs from the reference ({why}): using the reference; "
                                   f"see the tests after your {self.name}.")
        if compare and self.outcome is None:
            restore()
            return expected
        restore()  # the copies were not used yet: rewind the generators to before the failed call
        return self.reference(*args, **kwargs)


def own_or_reference(namespace: Mapping[str, Any], name: str, reference: Callable, *,
                     compare: bool | str = True, atol: float = 1e-5, rtol: float = 1e-4,
                     outcome: Callable | None = None) -> Callable:
    """Return a callable that runs the student's ``namespace[name]`` when it works, else ``reference``.

    Used in narrative cells after an exercise, e.g.
    ``rnn_forward_ = own_or_reference(globals(), "rnn_forward", ctorch.rnn_forward)``.  The
    reference is used when ``name`` is not defined, raises (``NotImplementedError`` included),
    or, with ``compare``, returns a result that differs from the reference's beyond
    ``atol``/``rtol``; the reference then runs first, on copies of any ``numpy.random.Generator``
    argument, so that both see the same draws.  ``compare="first"`` compares on the first call
    only and then trusts the function (for costly calls).  For a function that changes an
    argument instead of returning a result (a loader that fills a layer), ``outcome(*args,
    **kwargs)`` says what to compare after each call (the layer's outputs, as NumPy); after a
    mismatch the reference runs again, so the argument ends as the reference leaves it.  The first call prints one short note saying
    whose code runs; the attribute ``source`` is then ``"own"`` or ``"reference"``.
    """
    return _OwnOrReference(namespace, name, reference, compare, atol, rtol, outcome)


__all__ = ["assert_no_calls", "assert_own_code", "own_or_reference"]
