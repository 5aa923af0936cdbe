"""A check, run before every test cell at grading time, that nothing the tests rely on was replaced.

The tamper scan (:mod:`course_grading.tamper`) reads the student's code; this guard watches
what the code did. At grading time :class:`~course_grading.plugins.GuardTests` ends the
set-up cell with ``_course_guard = Guard(globals())``, which records every function, class
and other callable of NumPy, ``math``, ``course_utils`` and ``torch.testing``, the
comparison functions of PyTorch and the builtins the checks use (:data:`WATCHED`), and every
function, class and module the set-up cell bound; it begins each test cell with
``_course_guard.check()``, which raises :class:`GradingIntegrityError` naming whatever is no
longer the same object. A test that cannot be trusted then fails, and scores 0.
"""

from __future__ import annotations

import sys
import types
from collections.abc import MutableMapping
from typing import Any

#: Watched modules: None watches every callable of the module and its submodules; a set,
#: only those names. Libraries replace some of their own functions at run time (ipykernel
#: swaps ``builtins.input`` for every cell; PyTorch wraps ``torch.manual_seed`` when its
#: compiler loads), so only what the checks rely on is watched.
WATCHED: dict[str, frozenset[str] | None] = {
    "numpy": None, "math": None, "course_utils": None, "torch.testing": None,
    "torch": frozenset({"allclose", "isclose", "equal", "eq", "all", "any", "abs", "max", "tensor", "as_tensor",
                        "is_tensor", "Tensor"}),
    "builtins": frozenset({"abs", "all", "any", "bool", "float", "int", "isinstance", "len", "max", "min", "round",
                           "sum", "repr", "str", "type", "zip", "range", "AssertionError"}),
}
_MISSING = object()


class GradingIntegrityError(AssertionError):
    """Code in the notebook replaced something the tests rely on."""


def _watched(obj: Any) -> bool:
    """Functions, classes and other callables (NumPy's dispatchers, ufuncs); not modules."""
    return callable(obj) and not isinstance(obj, types.ModuleType)


def _names_watched(module: str) -> frozenset[str] | None | bool:
    """The names watched in ``module``: None for all, False for none."""
    if module in WATCHED:
        return WATCHED[module]
    for prefix, names in WATCHED.items():
        if names is None and module.startswith(prefix + "."):
            return None
    return False


class Guard:
    """Records the objects the tests rely on; :meth:`check` says which were replaced."""

    def __init__(self, namespace: MutableMapping[str, Any]) -> None:
        """Record the watched modules now, and the set-up cell's names in ``namespace``."""
        self._namespace = namespace
        self._names = {k: v for k, v in namespace.items()
                       if not k.startswith("_") and (_watched(v) or isinstance(v, types.ModuleType))}
        self._modules = {}
        for name, module in list(sys.modules.items()):
            names = _names_watched(name)
            if module is None or names is False:
                continue
            try:
                contents = vars(module)
            except TypeError:
                continue
            self._modules[name] = (module, {k: v for k, v in contents.items()
                                            if _watched(v) and (names is None or k in names)})

    def replaced(self) -> list[str]:
        """Names of recorded objects that are no longer the same object."""
        found = [k for k, v in self._names.items() if self._namespace.get(k, _MISSING) is not v]
        for name, (module, recorded) in self._modules.items():
            if sys.modules.get(name) not in (module, None):
                found.append(name)
                continue
            contents = vars(module)
            found += [f"{name}.{k}" for k, v in recorded.items() if contents.get(k, _MISSING) is not v]
        return found

    def check(self) -> None:
        """Raise :class:`GradingIntegrityError` if anything recorded was replaced."""
        found = self.replaced()
        if found:
            shown = ", ".join(found[:5]) + (f" and {len(found) - 5} more" if len(found) > 5 else "")
            raise GradingIntegrityError(f"code in this notebook replaced {shown}, which the tests rely on; "
                                        "this test cannot be trusted and scores 0")
