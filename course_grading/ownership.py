"""The own-code and no-calls rules, read from the student's source by the grader.

In the student's notebook, :func:`course_utils.grading.assert_own_code` and
:func:`course_utils.grading.assert_no_calls` inspect the live function. At grading time the
tests run in the grader's process (:mod:`course_grading.judge`), where the student's function
is only a proxy, and whatever the kernel says about itself could be a lie; so the grader reads
the code the kernel ran instead: :class:`StudentCode` holds the submitted notebook's code cells
(the ones that ran before the test cell), finds the statement that last bound a name, and
follows what it refers to, as the live check does, with the set-up cell's names resolved to
the grader's own objects.

What a static reading cannot follow (``getattr`` with a computed name, ``exec``, ``globals()``
mutated, ``importlib``) is what the tamper scan (:mod:`course_grading.tamper`) flags for the
instructor's review.
"""

from __future__ import annotations

import ast
import dataclasses
import functools
import importlib
import types
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from course_utils._names import _free_loads, _import_problem, course_origin, is_course_module_name
from course_utils.grading import _hidden_origin


#: Magics that run the Python code they are given (``%time f(x)``, ``%%capture`` and a cell).
CODE_MAGICS = frozenset({"time", "timeit", "prun", "capture", "debug"})


def _magic_code(node: ast.AST) -> list[str]:
    """The code strings a transformed magic call runs: ``get_ipython().run_line_magic('time', 'f(x)')``."""
    found = []
    for call in ast.walk(node):
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) \
                and call.func.attr in ("run_line_magic", "run_cell_magic") and call.args \
                and isinstance(call.args[0], ast.Constant) and call.args[0].value in CODE_MAGICS:
            found += [a.value for a in call.args[1:] if isinstance(a, ast.Constant) and isinstance(a.value, str)]
    return found


@functools.lru_cache(maxsize=4096)
def _cell_bindings(source: str) -> tuple[Binding, ...]:
    """The bindings of one cell's statements, at positions (0, statement): the same cells come back
    for every test cell and every student (the narrative), so they are read once."""
    return tuple(b for number, stmt in enumerate(parse_cell(source)) for b in _bindings(stmt, (0, number)))


def parse_cell(source: str, depth: int = 0) -> list[ast.stmt]:
    """A cell's statements as the kernel runs them: IPython's own rewriting of magics first, and the
    code that ``%time``-like magics run spliced in after the statement that runs it."""
    from IPython.core.inputtransformer2 import TransformerManager

    try:
        text = TransformerManager().transform_cell(source)
    except Exception:  # noqa: BLE001 - IPython could not read it either: the kernel raised instead
        text = source
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, MemoryError, RecursionError):  # nor could the kernel's compiler: nothing ran
        return []
    statements: list[ast.stmt] = []
    for stmt in tree.body:
        statements.append(stmt)
        if depth < 3:
            for code in _magic_code(stmt):
                statements += parse_cell(code, depth + 1)
    return statements


@dataclass(frozen=True)
class Binding:
    """A top-level statement of the student's code that binds ``name``."""

    name: str
    position: tuple[int, int]  # (cell, statement)
    node: ast.AST  # FunctionDef, ClassDef, Import, ImportFrom, or the statement holding an assignment
    value: ast.AST | None  # the expression assigned (None for def, class and import)


class _Standin:
    """What a student-bound name stands for while the grader follows references."""

    def __init__(self, binding: Binding):
        self.binding = binding


def _targets(node: ast.AST) -> Iterable[str]:
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and isinstance(sub.ctx, (ast.Store, ast.Del)):
            yield sub.id
        elif isinstance(sub, ast.Starred) and isinstance(sub.value, ast.Name):
            yield sub.value.id


def _bindings(stmt: ast.stmt, position: tuple[int, int]) -> list[Binding]:
    """The names a top-level statement binds (descending into if/for/while/try/with, not into functions)."""
    found: list[Binding] = []
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return [Binding(stmt.name, position, stmt, None)] + _global_bindings(stmt, position)
    if isinstance(stmt, (ast.Import, ast.ImportFrom)):
        return [Binding((a.asname or a.name).split(".")[0], position, stmt, None) for a in stmt.names]
    if isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        value = stmt.value if stmt.value is not None else ast.Constant(None)
        return [Binding(n, position, stmt, value) for t in targets for n in _targets(t)]
    if isinstance(stmt, (ast.For, ast.AsyncFor)):
        found += [Binding(n, position, stmt, stmt.iter) for n in _targets(stmt.target)]
    if isinstance(stmt, (ast.With, ast.AsyncWith)):
        found += [Binding(n, position, stmt, item.context_expr) for item in stmt.items
                  if item.optional_vars is not None for n in _targets(item.optional_vars)]
    for sub in ast.walk(stmt) if not isinstance(stmt, ast.Expr) else []:
        if isinstance(sub, ast.NamedExpr) and isinstance(sub.target, ast.Name):
            found.append(Binding(sub.target.id, position, stmt, sub.value))
    for block in ("body", "orelse", "finalbody", "handlers"):
        for child in getattr(stmt, block, []) or []:
            if isinstance(child, ast.ExceptHandler):
                for inner in child.body:
                    found += _bindings(inner, position)
            elif isinstance(child, ast.stmt):
                found += _bindings(child, position)
    if isinstance(stmt, ast.Try):
        found += [Binding(h.name, position, stmt, ast.Constant(None)) for h in stmt.handlers if h.name]
    return found


def _called(node: ast.AST, parents: dict) -> bool:
    """Whether ``node`` heads the function of a call (``ctorch.get_device`` in ``ctorch.get_device()``)."""
    top = node
    while isinstance(parents.get(top), ast.Attribute):
        top = parents[top]
    parent = parents.get(top)
    return isinstance(parent, ast.Call) and parent.func is top


def _global_bindings(definition: ast.AST, position: tuple[int, int]) -> list[Binding]:
    """What a function assigns to names it declares ``global``: bindings of the notebook, counted at the ``def``."""
    declared = {n for node in ast.walk(definition) if isinstance(node, ast.Global) for n in node.names}
    found = []
    for node in ast.walk(definition):
        if declared and isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            found += [Binding(n, position, node, node.value) for t in targets for n in _targets(t) if n in declared]
    return found


class StudentCode:
    """The code cells a student's kernel ran, in order, and the grader's set-up namespace to resolve against."""

    def __init__(self, cells: list[str], namespace: Mapping[str, Any], trusted: Iterable[int] = (0,)):
        """``cells``: the code cells the kernel ran, in order; those at the indices ``trusted`` are
        the instructor's read-only cells (the set-up cell): their names are the grader's own objects
        in ``namespace``, as in the live check, not student code to follow."""
        self.namespace = namespace
        self._cells, self._trusted = list(cells), set(trusted)
        self._bindings: list[Binding] | None = None

    @property
    def bindings(self) -> list[Binding]:
        """Every binding of the student's cells, in order (read on first use: most test cells need none)."""
        if self._bindings is None:
            self._bindings = [dataclasses.replace(b, position=(index, b.position[1]))
                              for index, source in enumerate(self._cells) if index not in self._trusted
                              for b in _cell_bindings(source)]
        return self._bindings

    def binding(self, name: str, before: tuple[int, int] | None = None) -> Binding | None:
        """The last statement that binds ``name`` (before ``position`` when given).

        ``from course_utils.torch import *`` binds every public name of that module.
        """
        found = None
        for binding in self.bindings:
            if before is not None and binding.position >= before:
                continue
            if binding.name == name:
                found = binding
            elif binding.name == "*" and isinstance(binding.node, ast.ImportFrom) and not binding.node.level:
                module = _import(binding.node.module or "")
                if is_course_module_name(getattr(module, "__name__", None)) and not name.startswith("_") \
                        and hasattr(module, name):
                    found = Binding(name, binding.position, ast.ImportFrom(
                        module=binding.node.module, names=[ast.alias(name=name)], level=0), None)
        return found

    # -- the own-code rule ---------------------------------------------------------------------------

    def own_code_problem(self, name: str, binding: Binding | None = None, aliases: set | None = None) -> str | None:
        """Why the answer bound to ``name`` is not the student's own code (None when it is)."""
        aliases = set() if aliases is None else aliases  # the chain f = g = h followed so far
        binding = binding or self.binding(name)
        if binding is None:
            return f"{name} is not defined in this notebook"
        node = binding.node
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            obj = self._value(binding.name, binding)
            origin = course_origin(obj) if obj is not None else None
            if origin is not None or _import_problem(node):
                return f"it calls the course's reference ({origin or _import_problem(node)})"
            return f"{name} must be written in this notebook, not imported from {getattr(obj, '__name__', '?')}"
        if isinstance(binding.value, (ast.Name, ast.Attribute)):  # an alias: f = g, f = module.g
            target = self._resolve_chain(binding.value, binding.position)
            if isinstance(target, _Standin):
                if (target.binding.name, target.binding.position) in aliases:
                    return None
                aliases.add((target.binding.name, target.binding.position))
                return self.own_code_problem(name, target.binding, aliases)
            if target is not None and (origin := course_origin(target)) is not None:
                return f"it calls the course's reference (`{ast.unparse(binding.value)}` is {origin})"
            return f"{name} must be written in this notebook, not taken from " \
                   f"{getattr(target, '__module__', None) or ast.unparse(binding.value)}"
        problem = self._problem(binding, set())
        return None if problem is None else f"it calls the course's reference ({problem})"

    def _resolve_chain(self, node: ast.AST, position: tuple[int, int]) -> Any:
        """The object an attribute chain names: a stand-in for student code, else the grader's object."""
        parts = []
        while isinstance(node, ast.Attribute):
            parts.insert(0, node.attr)
            node = node.value
        if not isinstance(node, ast.Name):
            return None
        binding = self.binding(node.id, position)
        if binding is not None and not parts:
            if binding.value is not None and isinstance(binding.value, (ast.Name, ast.Attribute)):
                return self._resolve_chain(binding.value, binding.position)
            return _Standin(binding)
        obj = self._value(node.id, binding)
        for part in parts:
            if isinstance(obj, _Standin) or obj is None:
                return obj
            try:
                obj = getattr(obj, part)
            except Exception:  # noqa: BLE001 - an attribute the grader's object does not have
                return None
        return obj

    def _value(self, name: str, binding: Binding | None) -> Any:
        """What a name stands for: the grader's object for the set-up cell's names and imports, else a stand-in."""
        if binding is None:
            return self.namespace.get(name)
        if isinstance(binding.node, ast.Import):
            alias = next(a for a in binding.node.names if (a.asname or a.name).split(".")[0] == name)
            module = alias.name if alias.asname else alias.name.split(".")[0]
            return _import(module)
        if isinstance(binding.node, ast.ImportFrom) and not binding.node.level:
            alias = next(a for a in binding.node.names if (a.asname or a.name) == name)
            package = _import(binding.node.module or "")
            if package is None:
                return None
            found = getattr(package, alias.name, None)
            return found if found is not None else _import(f"{binding.node.module}.{alias.name}")
        return _Standin(binding)

    def _problem(self, binding: Binding, visited: set) -> str | None:
        key = (binding.name, binding.position)
        if key in visited:
            return None
        visited.add(key)
        node = binding.node
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            problem = _import_problem(node)
            if problem:
                return problem
            obj = self._value(binding.name, binding)
            origin = course_origin(obj) if obj is not None else None
            return f"`{binding.name}` is {origin}" if origin else None
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            roots = [node]
            at = None  # names inside a function are looked up when it runs: the last binding
        else:
            roots = [binding.value]
            at = binding.position
        for root in roots:
            problem = self._loads_problem(root, at, visited)
            if problem:
                return problem
        return None

    def _loads_problem(self, root: ast.AST, at: tuple[int, int] | None, visited: set) -> str | None:
        module = ast.Module(body=[root] if isinstance(root, ast.stmt) else [ast.Expr(root)], type_ignores=[])
        parents = {child: node for node in ast.walk(module) for child in ast.iter_child_nodes(node)}
        for node in _free_loads(module.body, [("module", set())]):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                if problem := _import_problem(node):
                    return problem
                continue
            if isinstance(node, ast.Constant):
                if is_course_module_name(node.value) and not isinstance(parents.get(node), ast.Expr):
                    return f"it names the module {node.value!r}"
                if not (isinstance(node.value, str) and node.value.isidentifier()) \
                        or isinstance(parents.get(node), ast.Expr):
                    continue
                # globals()["ctorch"], vars(module)["cu"]: a string that names a global stands for
                # that global, as in the live check, whichever cell bound it (the set-up cell's
                # imports are bindings of the student's code too: it ran in the kernel).
                name, label, parent = node.value, f"the global {node.value!r}", None
            else:
                name, label, parent = node.id, node.id, parents.get(node)
            if isinstance(root, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and name == root.name:
                continue  # recursion
            if not isinstance(root, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and _called(node, parents):
                continue  # x = cu.make(...) stores what the call returned (data), not the function
            binding = self.binding(name, at)
            obj = self._value(name, binding)
            if isinstance(obj, _Standin):
                if (problem := self._problem(obj.binding, visited)) is not None:
                    inner = obj.binding.node
                    return f"through {obj.binding.name}(): {problem}" if isinstance(
                        inner, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) else problem
                continue
            if obj is None:
                continue
            while (isinstance(parent, ast.Attribute) and isinstance(obj, types.ModuleType)
                   and is_course_module_name(obj.__name__) and hasattr(obj, parent.attr)):
                obj, label, parent = getattr(obj, parent.attr), f"{label}.{parent.attr}", parents.get(parent)
            if (origin := course_origin(obj)) is not None:
                return f"`{label}` is {origin}"
            if (origin := _hidden_origin(obj)) is not None:
                return f"`{label}` holds {origin}"
        return None

    def assert_own_code(self, func: Any, name: str) -> None:
        """The grader's :func:`course_utils.grading.assert_own_code`: read from the source, not the kernel."""
        problem = self.own_code_problem(name)
        if problem is None:
            return
        if not problem.startswith("it calls"):
            raise AssertionError(problem)
        raise AssertionError(f"{name} must be your own code: {problem}; answers that call course_utils score zero")

    # -- the no-calls rule ---------------------------------------------------------------------------

    def called(self, name: str, forbidden: Iterable[str]) -> list[str]:
        """Which of ``forbidden`` the code bound to ``name`` uses, as ``f(...)``, ``x.f(...)`` or ``step=f``."""
        forbidden = {forbidden} if isinstance(forbidden, str) else set(forbidden)
        binding = self.binding(name)
        if binding is None:
            return []
        root = binding.node if binding.value is None else binding.value
        if isinstance(root, (ast.Name, ast.Attribute)) and binding.value is not None:
            target = self._resolve_chain(root, binding.position)
            if isinstance(target, _Standin):
                root = target.binding.node if target.binding.value is None else target.binding.value
        # Any use counts, not only a call: `def f(x, step=rnn_step)` calls rnn_step as `step(...)`.
        names = [n.id if isinstance(n, ast.Name) else n.attr for n in ast.walk(root)
                 if isinstance(n, (ast.Name, ast.Attribute)) and isinstance(n.ctx, ast.Load)]
        return [n for n in names if n in forbidden]

    def assert_no_calls(self, func: Any, forbidden: Iterable[str], name: str, reason: str = "") -> None:
        """The grader's :func:`course_utils.grading.assert_no_calls`, read from the source."""
        called = self.called(name, forbidden)
        if called:
            raise AssertionError(f"{name} calls {called[0]}" + (f" {reason}" if reason else ""))


def _import(module: str) -> Any:
    """A module the student's code imports, as the grader's own object: only course_utils is imported here."""
    if not module:
        return None
    if module.split(".")[0] == "course_utils":
        try:
            return importlib.import_module(module)
        except ImportError:
            return None
    import sys

    found = sys.modules.get(module)
    return found if found is not None else types.SimpleNamespace(__name__=module)
