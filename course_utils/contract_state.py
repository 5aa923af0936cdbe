"""What a call did to its arguments: a snapshot before it, and the change in a few words after it.

:func:`snapshot` copies what an argument holds (a tensor's or array's values, a list's or
dict's items, an object's attributes, a PyTorch module's or Keras layer's weights and the
flags that decide how it trains: ``requires_grad`` of every parameter, the training/eval mode
of the module and its submodules, a Keras layer's ``trainable``); :func:`change` says how the
argument now differs from it (``"parameter weight_ih_l0 no longer requires grad"``), or None.
:func:`course_utils.contracts.checked` words the change as a failure naming the argument.

Framework-free: PyTorch, TensorFlow and Keras objects are recognised by duck typing.
"""

from __future__ import annotations

import copy
import numbers
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from course_utils.checks import to_numpy
from course_utils.contract_types import dtype_name, library_of

__all__ = ["SKIP", "change", "fix_for", "is_keras_layer", "is_plain", "is_torch_module", "snapshot"]


#: The snapshot of what a call cannot change, or what cannot be copied: never compared.
SKIP = object()


def is_torch_module(value: Any) -> bool:
    """Whether ``value`` is a ``torch.nn.Module`` (by its classes' names: PyTorch is not imported)."""
    return any(c.__module__.startswith("torch.nn") and c.__name__ == "Module" for c in type(value).__mro__)


def is_keras_layer(value: Any) -> bool:
    """Whether ``value`` is a Keras layer (a model too), by its classes' names."""
    return any(c.__name__ == "Layer" and c.__module__.startswith("keras") for c in type(value).__mro__)


@dataclass(frozen=True)
class _Items:
    """Snapshot of a list, tuple or dict: its items' snapshots (``keys`` None for a sequence)."""

    kind: type
    items: list
    keys: list | None = None


@dataclass(frozen=True)
class _Attributes:
    """Snapshot of an object that compares by identity (a vocabulary, a config): its attributes."""

    items: _Items


@dataclass(frozen=True)
class _Layer:
    """Snapshot of a PyTorch module or Keras layer: its weights, and the flags that decide how it trains.

    ``flags`` maps ``("grad", parameter)`` to ``requires_grad``, ``("mode", submodule)`` to
    ``training`` (``""`` is the module itself) and ``("trainable", "")`` to a Keras layer's
    ``trainable``.
    """

    weights: Any  # PyTorch: {state_dict key: tensor}; Keras: [array, ...]
    flags: dict


def _layer_snapshot(value: Any, modes: bool) -> _Layer:
    if is_keras_layer(value):
        return _Layer([np.array(w, copy=True) for w in value.get_weights()], {("trainable", ""): bool(value.trainable)})
    flags = {("grad", n): bool(p.requires_grad) for n, p in value.named_parameters()}
    if modes:
        flags.update({("mode", n): bool(m.training) for n, m in value.named_modules()})
    return _Layer({k: v.detach().clone() for k, v in value.state_dict().items()}, flags)


def _flag_change(key: tuple[str, str], now: bool) -> str:
    """A flag of a module or layer that is ``now`` the opposite of what it was, in a few words."""
    kind, name = key
    if kind == "grad":
        return f"parameter {name} {'now requires' if now else 'no longer requires'} grad"
    if kind == "mode":
        return f"{f'its submodule {name}' if name else 'it'} was left in {'training' if now else 'eval'} mode"
    return "it was made trainable" if now else "it is no longer trainable"


def snapshot(value: Any, depth: int = 0, modes: bool = True) -> Any:
    """A copy of what ``value`` holds, to compare after the call; ``SKIP`` for what cannot change or be copied.

    ``modes`` False leaves out the training/eval mode of PyTorch modules (``checked``'s ``modes``).
    """
    if depth > 6 or value is None or isinstance(value, (str, bytes, numbers.Number, bool)) or callable(value) and \
            not (is_torch_module(value) or is_keras_layer(value)):
        return SKIP
    if is_torch_module(value) or is_keras_layer(value):
        return _layer_snapshot(value, modes)
    if type(value).__name__ in ("Generator", "RandomState"):  # drawing from a generator changes it: allowed
        return SKIP
    if library_of(value) == "torch":
        return value.detach().clone()
    if library_of(value) is not None:
        return np.array(to_numpy(value), copy=True)
    if isinstance(value, (list, tuple)):
        return _Items(type(value), [snapshot(v, depth + 1, modes) if not is_plain(v) else v for v in value])
    if isinstance(value, Mapping):
        keys = list(value)
        items = [snapshot(value[k], depth + 1, modes) if not is_plain(value[k]) else value[k] for k in keys]
        return _Items(dict, items, keys)
    if type(value).__eq__ is object.__eq__ and hasattr(value, "__dict__"):  # compares by identity
        return _Attributes(snapshot(dict(vars(value)), depth + 1, modes))
    try:
        return copy.deepcopy(value)
    except Exception:  # noqa: BLE001 - an object that cannot be copied is not checked
        return SKIP


def is_plain(value: Any) -> bool:
    """Whether ``value`` is a value that cannot change in place (None, a number, a string, bytes)."""
    return value is None or isinstance(value, (str, bytes, numbers.Number, bool))


def _arrays_equal(a: Any, b: Any) -> bool:
    x, y = to_numpy(a), to_numpy(b)
    return x.shape == y.shape and x.dtype == y.dtype and \
        bool(np.array_equal(x, y, equal_nan=x.dtype.kind in "fc"))


def _items_change(before: _Items, after: Any) -> str | None:
    if before.keys is not None:
        if not isinstance(after, Mapping) or set(after) != set(before.keys):
            return "its keys changed"
        pairs = [(repr(k), old, after[k]) for k, old in zip(before.keys, before.items)]
    else:
        if not isinstance(after, (list, tuple)):
            return f"it is now a {type(after).__name__}"
        if len(after) != len(before.items):
            return f"it had {len(before.items)} items and now has {len(after)}"
        pairs = [(str(i), old, new) for i, (old, new) in enumerate(zip(before.items, after))]
    for label, old, new in pairs:
        why = (None if type(old) is type(new) and old == new else "it changed") if is_plain(old) else change(old, new)
        if why is not None:
            plain = before.keys is None and all(is_plain(v) for v in before.items) and all(is_plain(v) for v in after)
            if plain and sorted(map(repr, after)) == sorted(map(repr, before.items)):
                return "its items changed order"
            return f"item {label}: {why}"
    return None


def change(before: Any, after: Any) -> str | None:
    """How ``after`` differs from the snapshot ``before``, in a few words; None when it does not."""
    if before is SKIP:
        return None
    if isinstance(before, _Items):
        return _items_change(before, after)
    if isinstance(before, _Attributes):
        why = _items_change(before.items, dict(vars(after))) if hasattr(after, "__dict__") else None
        return None if why is None else why.replace("item ", "attribute ", 1).replace("its keys", "its attributes")
    if isinstance(before, _Layer):
        return _layer_change(before, after)
    if library_of(after) is not None:
        if tuple(after.shape) != tuple(before.shape):
            return f"its shape changed from {tuple(before.shape)} to {tuple(after.shape)}"
        if dtype_name(after) != dtype_name(before):
            return f"its dtype changed from {dtype_name(before)} to {dtype_name(after)}"
        if not _arrays_equal(before, after):
            diff = to_numpy(after).astype(np.float64) != to_numpy(before).astype(np.float64)
            where = tuple(int(i) for i in np.argwhere(diff)[0]) if diff.ndim and diff.any() else ()
            return f"its values changed (first at index {where})"
        return None
    try:
        same = bool(before == after)
    except Exception:  # noqa: BLE001 - values that cannot be compared: say nothing
        return None
    return None if same else "its contents changed"


def _layer_change(before: _Layer, after: Any) -> str | None:
    if is_keras_layer(after):
        now = after.get_weights()
        if len(now) != len(before.weights) or not all(_arrays_equal(o, n) for o, n in zip(before.weights, now)):
            return "its weights changed"
        flags = {("trainable", ""): bool(after.trainable)}
    elif is_torch_module(after):
        state = after.state_dict()
        for key, old in before.weights.items():
            if key not in state or not _arrays_equal(old, state[key]):
                return f"its weight {key} changed"
        flags = {("grad", n): bool(p.requires_grad) for n, p in after.named_parameters()}
        flags.update({("mode", n): bool(m.training) for n, m in after.named_modules()})
    else:
        return f"it is now a {type(after).__name__}"
    for key, old in before.flags.items():
        if key in flags and flags[key] != old:
            return _flag_change(key, flags[key])
    return None


def fix_for(why: str) -> str:
    """What to do instead, for a change :func:`change` described as ``why``."""
    if why.endswith("requires grad"):
        return "read its tensors with .detach() instead of turning its gradients off"
    if why.endswith(" mode"):
        return "if you switch its mode, switch it back before returning (model.train(was_training))"
    if "trainable" in why:
        return "leave its trainable flag as it was"
    return "compute new values instead of writing into it"
