"""Result types for exercise contracts: what ``checked(..., returns=...)`` accepts and how it words a mismatch.

A spec is a type (``int`` is a Python int, not a bool or a NumPy integer; ``float`` is a
Python or NumPy float, not an int), a :func:`tensor_spec`, a tuple of alternatives, a list of specs
(a tuple of results, item by item), a dict of specs (a dict with at least these keys) or a
:func:`list_of` spec (a list of any length, every item checked).
Framework-free: tensors are recognised by their module's name.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["ListOf", "Tensor", "dtype_name", "library_of", "list_of", "tensor_spec", "type_error"]


@dataclass(frozen=True)
class Tensor:
    """A result spec: an array or tensor, of a library (``"torch"``, ``"numpy"``, ``"tf"`` or any), dtype and rank."""

    library: str | None = None
    dtype: str | None = None
    ndim: int | None = None
    shape: tuple[int | None, ...] | None = None

    def describe(self) -> str:
        """The spec in words, e.g. ``a torch tensor of dtype float32``."""
        what = {"torch": "a PyTorch tensor", "numpy": "a NumPy array", "tf": "a TensorFlow tensor"}
        text = what.get(self.library or "", "an array or tensor")
        if self.dtype:
            text += f" of dtype {self.dtype}"
        if self.shape is not None:
            text += f" of shape {_shape_words(self.shape)}"
        elif self.ndim is not None:
            text += f" with {self.ndim} dimensions"
        return text


def tensor_spec(library: str | None = None, *, dtype: str | None = None, ndim: int | None = None,
           shape: Sequence[int | None] | None = None) -> Tensor:
    """Spec for ``returns=``: ``tensor_spec("torch", dtype="float32", ndim=2)``; ``None`` means any."""
    return Tensor(library, dtype, ndim, None if shape is None else tuple(shape))


@dataclass(frozen=True)
class ListOf:
    """A result spec: a list of any length whose every item meets ``item``."""

    item: Any


def list_of(item: Any) -> ListOf:
    """Spec for ``returns=``: ``list_of([str, float])`` is a list of (str, float) pairs of any length."""
    return ListOf(item)


def library_of(value: Any) -> str | None:
    """``"torch"``, ``"numpy"`` or ``"tf"`` for a tensor or array of that library, None for anything else."""
    module = type(value).__module__.split(".")[0]
    if module == "torch" and hasattr(value, "detach"):
        return "torch"
    if isinstance(value, np.ndarray):
        return "numpy"
    if module in ("tensorflow", "tf_keras", "keras") and hasattr(value, "numpy") and hasattr(value, "dtype"):
        return "tf"
    return None


def dtype_name(value: Any) -> str:
    """``float32`` for a NumPy, PyTorch or TensorFlow float32 value; the type's name for a plain value."""
    dtype = getattr(value, "dtype", None)
    if dtype is None:
        return type(value).__name__
    name = getattr(dtype, "name", None)  # NumPy and TensorFlow dtypes have one
    return str(name if isinstance(name, str) else dtype).removeprefix("torch.")


def _shape_words(shape: Sequence[int | None]) -> str:
    return "(" + ", ".join("any" if d is None else str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"


def _type_words(spec: Any) -> str:
    if isinstance(spec, Tensor):
        return spec.describe()
    if isinstance(spec, tuple):
        return " or ".join(_type_words(s) for s in spec)
    return {int: "an int", float: "a float", bool: "a bool", str: "a str", list: "a list",
            dict: "a dict", tuple: "a tuple"}.get(spec, f"a {getattr(spec, '__name__', spec)}")


def type_error(value: Any, spec: Any, where: str) -> str | None:
    """Why ``value`` does not meet ``spec`` (see the module docstring), or None when it does."""
    if isinstance(spec, Tensor):
        library = library_of(value)
        if library is None or (spec.library and library != spec.library):
            return f"{where} should be {spec.describe()}, got {type(value).__name__}"
        if spec.dtype and dtype_name(value) != spec.dtype:
            return f"{where} should have dtype {spec.dtype}, got {dtype_name(value)}"
        shape = tuple(int(d) for d in value.shape)
        if spec.ndim is not None and len(shape) != spec.ndim:
            return f"{where} should have {spec.ndim} dimensions, got shape {shape}"
        if spec.shape is not None and (len(shape) != len(spec.shape) or
                                       any(e is not None and e != s for e, s in zip(spec.shape, shape))):
            return f"{where} should have shape {_shape_words(spec.shape)}, got {shape}"
        return None
    if isinstance(spec, ListOf):
        if not isinstance(value, list):
            return f"{where} should be a list, got {type(value).__name__}"
        for i, item in enumerate(value):
            if (why := type_error(item, spec.item, f"{where}[{i}]")) is not None:
                return why
        return None
    if isinstance(spec, list):  # a tuple of results, item by item
        if not isinstance(value, (tuple, list)) or len(value) != len(spec):
            return f"{where} should be a tuple of {len(spec)} items, got {type(value).__name__}" + \
                (f" of {len(value)}" if isinstance(value, (tuple, list)) else "")
        for i, (item, item_spec) in enumerate(zip(value, spec)):
            if (why := type_error(item, item_spec, f"{where}[{i}]")) is not None:
                return why
        return None
    if isinstance(spec, dict):  # a dict with at least these keys
        if not isinstance(value, Mapping):
            return f"{where} should be a dict, got {type(value).__name__}"
        for key, item_spec in spec.items():
            if key not in value:
                return f"{where} should have the key {key!r}; it has {sorted(map(repr, value))[:8]}"
            if (why := type_error(value[key], item_spec, f"{where}[{key!r}]")) is not None:
                return why
        return None
    specs = spec if isinstance(spec, tuple) else (spec,)
    for one in specs:
        if isinstance(one, Tensor):
            if type_error(value, one, where) is None:
                return None
        elif one is int:  # a count: a Python int, not a bool, a NumPy integer or a whole float
            if isinstance(value, int) and not isinstance(value, bool):
                return None
        elif one is float:  # a Python float or a NumPy floating-point scalar, not an int or a bool
            if isinstance(value, (float, np.floating)):
                return None
        elif isinstance(value, one):
            return None
    shown = f"{type(value).__name__} {value!r}" if isinstance(value, str) else \
        f"{type(value).__name__} {value}" if isinstance(value, numbers.Number) else type(value).__name__
    if isinstance(value, np.generic) and spec in (int, float):
        shown += f" (a NumPy scalar: convert it with {spec.__name__}(...))"
    return f"{where} should be {_type_words(spec)}, got {shown}"
