"""What a function's code refers to: its syntax tree, the global names it loads, and where they come from.

Support for :mod:`course_utils.grading`.  Scopes are resolved as Python does: a name bound
anywhere in a function (parameter, assignment, loop variable, import, ...) is local there
and never refers to a notebook global; annotations are not uses.
"""

from __future__ import annotations

import ast
import dis
import functools
import inspect
import re
import sys
import textwrap
import types
from collections.abc import Iterable, Iterator
from typing import Any

#: Parts of course_utils that answers may call: the assertion helpers exercise templates use.
ALLOWED_MODULES = ("course_utils.checks",)
_MODULE_PATH = re.compile(r"course_utils(\.\w+)*")
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef,
           ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def is_course_module_name(name: Any) -> bool:
    """True for ``"course_utils"`` and its submodules, except the allowed :data:`ALLOWED_MODULES`."""
    return isinstance(name, str) and bool(_MODULE_PATH.fullmatch(name)) and not name.startswith(ALLOWED_MODULES)


def wrap_chain(obj: Any) -> list[Any]:
    """``obj`` and what it wraps, outermost first: a partial's ``func``, a method's ``__func__``, ``__wrapped__``."""
    chain = [obj]
    while len(chain) < 10 and not isinstance(obj, types.ModuleType):
        try:
            obj = obj.func if isinstance(obj, functools.partial) else (
                getattr(obj, "__func__", None) or getattr(obj, "__wrapped__", None))
        except Exception:  # noqa: BLE001 - an object whose attribute lookup fails wraps nothing we can see
            break
        if obj is None or any(obj is seen for seen in chain):
            break
        chain.append(obj)
    return chain


def course_origin(obj: Any) -> str | None:
    """Name the course_utils module, function or class that ``obj`` is or wraps (None for anything else).

    Instances (a trained model, a vocabulary) are data, not reference code, and return None.
    """
    if isinstance(obj, types.ModuleType):
        return f"the module {obj.__name__}" if is_course_module_name(obj.__name__) else None
    for inner in wrap_chain(obj):
        module = getattr(inner, "__module__", None)
        if (inspect.isroutine(inner) or inspect.isclass(inner)) and is_course_module_name(module):
            return f"{module}.{getattr(inner, '__qualname__', '?')}"
    return None


def syntax_tree(func: Any) -> ast.Module | None:
    """Parse the source of ``func`` (found through ``linecache`` in Jupyter too); None when unavailable.

    The source is looked up from the code object, so a decorator's wrapper is read itself,
    not the function its ``__wrapped__`` points to.
    """
    try:
        return ast.parse(textwrap.dedent(inspect.getsource(getattr(func, "__code__", func))))
    except (OSError, TypeError, SyntaxError):  # no source, or a lambda cut out of a longer expression
        return None


def _split(node: ast.AST) -> tuple[list[ast.AST], list[ast.AST]]:
    """Split a scope-opening node into what runs in the enclosing scope and what runs in its own."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
        a = node.args
        outside = [*getattr(node, "decorator_list", []), *a.defaults, *(d for d in a.kw_defaults if d is not None)]
        params = [*a.posonlyargs, *a.args, *a.kwonlyargs, *(p for p in (a.vararg, a.kwarg) if p is not None)]
        return outside, [*params, *(node.body if isinstance(node.body, list) else [node.body])]
    if isinstance(node, ast.ClassDef):
        return [*node.decorator_list, *node.bases, *node.keywords], list(node.body)
    first, *rest = node.generators
    results = [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
    return [first.iter], [first.target, *first.ifs, *rest, *results]


def _own_nodes(nodes: Iterable[ast.AST]) -> Iterator[ast.AST]:
    """Every node evaluated in the current scope; a nested scope contributes itself and its outside parts."""
    stack = list(nodes)
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, _SCOPES):
            stack.extend(_split(node)[0])
        elif isinstance(node, ast.AnnAssign):
            stack.extend(n for n in (node.target, node.value) if n is not None)
        elif not isinstance(node, ast.arg):  # a parameter's annotation is not a use
            stack.extend(ast.iter_child_nodes(node))


def _bound(nodes: list[ast.AST]) -> set[str]:
    """The names a scope binds, hence local to it (``global`` and ``nonlocal`` ones excluded)."""
    bound, declared = set(), set()
    for node in _own_nodes(nodes):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            bound.add(node.id)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            bound.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)) and node.name:
            bound.add(node.name)
        elif isinstance(node, ast.MatchMapping) and node.rest:
            bound.add(node.rest)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            declared.update(node.names)
    return bound - declared


def _free_loads(nodes: list[ast.AST], scopes: list[tuple[str, set[str]]]) -> Iterator[ast.AST]:
    """Yield the loaded names no enclosing function binds, plus imports and string constants to inspect."""
    for node in _own_nodes(nodes):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            visible = [b for i, (kind, b) in enumerate(scopes)
                       if kind == "function" or (kind == "class" and i == len(scopes) - 1)]
            if not any(node.id in b for b in visible):
                yield node
        elif isinstance(node, (ast.Import, ast.ImportFrom, ast.Constant)):
            yield node
        if isinstance(node, _SCOPES):
            inside = _split(node)[1]
            yield from _free_loads(inside, [*scopes, ("class" if isinstance(node, ast.ClassDef) else "function",
                                                      _bound(inside))])


def _import_problem(node: ast.Import | ast.ImportFrom) -> str | None:
    """Describe an import of course reference code, or return None."""
    if isinstance(node, ast.Import):
        bad = [a.name for a in node.names if is_course_module_name(a.name)]
        return f"it imports {bad[0]}" if bad else None
    if node.level or not is_course_module_name(node.module):
        return None
    package = sys.modules.get(node.module)
    for alias in node.names:
        obj = getattr(package, alias.name, None)
        if obj is None or course_origin(obj) is not None:
            return f"it imports {alias.name} from {node.module}"
    return None


def closure_values(func: types.FunctionType) -> dict[str, Any]:
    """The values of the variables ``func`` takes from enclosing functions (unbound ones left out)."""
    values = {}
    for var, cell in zip(func.__code__.co_freevars, func.__closure__ or ()):
        try:
            values[var] = cell.cell_contents
        except ValueError:  # an empty cell: the enclosing function has not bound it yet
            pass
    return values


def loaded_globals(tree: ast.Module, func: types.FunctionType) -> list[tuple[str, str, Any]]:
    """List what the code in ``tree`` takes from outside itself, as ``(kind, label, object)``.

    ``kind`` is ``"direct"`` for an import of, or a string naming, a course_utils module
    (``label`` says which), and ``"name"`` for a global or closure name: ``label`` is the
    name with the attributes followed through course_utils modules (``cu.torch.rnn_step``)
    and ``object`` what it resolves to.  Builtins and unknown names are left out.
    """
    cells = closure_values(func)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    found: list[tuple[str, str, Any]] = []
    for node in _free_loads(tree.body, [("module", set())]):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            if problem := _import_problem(node):
                found.insert(0, ("direct", problem, None))
        elif isinstance(node, ast.Constant):
            if is_course_module_name(node.value) and not isinstance(parents.get(node), ast.Expr):
                found.insert(0, ("direct", f"it names the module {node.value!r}", None))
            elif (isinstance(node.value, str) and node.value.isidentifier() and node.value in func.__globals__
                  and not isinstance(parents.get(node), ast.Expr)):
                # globals()["ctorch"], vars(module)["cu"], getattr(sys.modules[...], "ctorch") ...
                found.append(("name", f"the global {node.value!r}", func.__globals__[node.value]))
        elif node.id in cells or node.id in func.__globals__:
            obj = cells[node.id] if node.id in cells else func.__globals__[node.id]
            label, parent = node.id, parents.get(node)
            while (isinstance(parent, ast.Attribute) and isinstance(obj, types.ModuleType)
                   and is_course_module_name(obj.__name__) and hasattr(obj, parent.attr)):
                obj, label, parent = getattr(obj, parent.attr), f"{label}.{parent.attr}", parents.get(parent)
            found.append(("name", label, obj))
    return found


def bytecode_globals(func: types.FunctionType) -> list[tuple[str, str, Any]]:
    """Like :func:`loaded_globals`, read from the bytecode, for functions whose source is unavailable."""
    cells, found, codes = closure_values(func), [], [func.__code__]
    while codes:
        code = codes.pop()
        codes.extend(c for c in code.co_consts if isinstance(c, types.CodeType))
        instructions = list(dis.get_instructions(code))
        for i, ins in enumerate(instructions):
            if ins.opname == "IMPORT_NAME" and is_course_module_name(ins.argval):
                found.insert(0, ("direct", f"it imports {ins.argval}", None))
            elif ins.opname == "LOAD_CONST" and is_course_module_name(ins.argval):
                found.insert(0, ("direct", f"it names the module {ins.argval!r}", None))
            elif ins.opname in ("LOAD_GLOBAL", "LOAD_NAME", "LOAD_DEREF"):
                namespace = cells if ins.opname == "LOAD_DEREF" else func.__globals__
                if ins.argval not in namespace:
                    continue
                label, obj = ins.argval, namespace[ins.argval]
                for attr in instructions[i + 1:]:  # follow cu.torch.rnn_step through course_utils modules
                    if (attr.opname not in ("LOAD_ATTR", "LOAD_METHOD") or not isinstance(obj, types.ModuleType)
                            or not is_course_module_name(obj.__name__) or not hasattr(obj, attr.argval)):
                        break
                    label, obj = f"{label}.{attr.argval}", getattr(obj, attr.argval)
                found.append(("name", label, obj))
    return found
