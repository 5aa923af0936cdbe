"""List what an instructor may want to look at in a student's code: it changes no score.

At grading time the tests run in the grader's process, not beside the student's code
(:mod:`course_grading.judge`), so patching a helper or NumPy, or reaching for the file
system, earns nothing and cannot stop the grader. Code that tries it is still worth a look:
:func:`scan` reads the code a student wrote (answer cells and cells they added; read-only
cells are restored by nbgrader anyway) and returns one short reason per thing that no
exercise needs. The grading command marks such a submission "needs review" in its report,
next to the score the answers earned; the instructor decides.

The rules, each checked on the syntax tree, after IPython's own rewriting of magics:

* binding, at the top level of a cell or through ``global``, a name that a read-only cell
  defines or imports (the test helpers, ``np``, ``torch``, ...) other than by an import
  (``from torch.nn import functional as F`` is fine);
* assigning or deleting an attribute or an item of an imported module or of such a name
  (``np.allclose = ...``, ``checks.assert_close = ...``), also through an alias;
* calling ``exec``, ``globals`` (except as an argument of a read-only helper, as the narrative
  cells do), ``eval``, ``compile``, ``__import__``, ``locals``,
  ``vars``, ``setattr``, ``delattr``, ``get_ipython``, ``breakpoint``, or ``getattr`` with a
  computed name;
* any dunder attribute or name (``__dict__``, ``__code__``, ``__builtins__``, ...) other
  than the special methods a class defines, and the grader's names in the kernel (``_course...``);
* importing a module outside :data:`ALLOWED_MODULES`; shell escapes (``!cmd``) and magics
  other than :data:`ALLOWED_MAGICS`.
"""

from __future__ import annotations

import ast
import re
from typing import Any

#: Top-level modules an answer may import.
ALLOWED_MODULES = frozenset({
    "__future__", "abc", "bisect", "collections", "contextlib", "copy", "course_utils",
    "dataclasses", "datetime", "enum", "functools", "heapq", "IPython", "itertools", "json",
    "keras", "math", "matplotlib", "numbers", "numpy", "operator", "os", "pprint", "random", "re",
    "scipy", "sklearn", "statistics", "string", "tensorflow", "textwrap", "time", "torch", "typing",
    "unicodedata", "warnings",
})
#: Attributes that lead from an allowed module to the interpreter (``torch.os``, ``typing.sys``,
#: ``collections._sys``, ``sys.modules``).
REACHING = frozenset({"sys", "os", "builtins", "modules", "importlib", "subprocess", "ctypes", "socket",
                      "shutil", "pathlib", "get_ipython"})
#: Attributes that reach the IPython shell, start processes or escape the usual memory: no exercise uses them.
SHELL_ATTRIBUTES = frozenset({"_ip", "input_transformers_post", "input_transformers_cleanup", "ast_transformers",
                              "user_ns", "user_global_ns", "push", "ev", "ex", "run_cell", "run_line_magic",
                              "run_cell_magic", "system", "popen", "fork", "forkpty", "execv", "execve", "execvp",
                              "execvpe", "spawnv", "spawnve", "posix_spawn", "memfd_create", "unshare", "ptrace"})
#: Names that are the IPython shell in disguise (``exit._ip``).
SHELL_NAMES = frozenset({"exit", "quit"})
_DUNDER = re.compile(r"__\w+__")
#: Line and cell magics an answer may use.
ALLOWED_MAGICS = frozenset({"time", "timeit", "matplotlib"})
#: Built-in functions that reach around the tests.
FORBIDDEN_CALLS = frozenset({"exec", "eval", "compile", "__import__", "globals", "locals", "vars", "setattr",
                             "delattr", "get_ipython", "breakpoint"})
#: Dunder names a class may define or use (special methods).
SPECIAL_METHODS = frozenset({"__init__", "__call__", "__repr__", "__str__", "__len__", "__getitem__", "__iter__",
                             "__next__", "__eq__", "__hash__", "__post_init__", "__name__", "__doc__"})
_MAGIC = re.compile(r"^\s*(%%?|!)(\w*)")


def _meta(cell: Any) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def _parse(source: str) -> ast.Module | None:
    """The cell as Python: each magic line replaced by the code an allowed magic runs (``%time f(x)``:
    ``f(x)``) or dropped; IPython's own rewriting when that does not parse; None if nothing does."""
    lines = []
    for line in source.splitlines():
        match = _MAGIC.match(line)
        if match is None:
            lines.append(line)
        elif match.group(1) == "%" and match.group(2) in ("time", "timeit"):
            lines.append(line[:match.start(1)] + line[match.end():].lstrip())  # the code the magic runs
        else:
            lines.append(line[:match.start(1)] + "pass")
    for text in ("\n".join(lines), _transformed(source)):
        try:
            return ast.parse(text)
        except SyntaxError:
            continue
        except (ValueError, MemoryError, RecursionError):  # nested too deeply to read: look at it
            return ast.parse("__course_unreadable__()")
    return None


def _transformed(source: str) -> str:
    from IPython.core.inputtransformer2 import TransformerManager

    try:
        return TransformerManager().transform_cell(source)
    except Exception:  # noqa: BLE001
        return source


def _magics(source: str) -> list[str]:
    found = []
    for line in source.splitlines():
        match = _MAGIC.match(line)
        if match and (match.group(1) == "!" or match.group(2) not in ALLOWED_MAGICS):
            found.append(f"runs `{line.strip()[:40]}`")
    return found


def protected_names(release: Any) -> dict[str, str]:
    """Names that read-only code cells import or define, with the statement that binds them."""
    names: dict[str, str] = {}
    for cell in release.cells:
        if cell.cell_type != "code" or _meta(cell).get("solution") or not _meta(cell).get("locked", False):
            continue
        tree = _parse(cell.source)
        for node in tree.body if tree else []:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                for alias in node.names:
                    if alias.name != "*":
                        names[(alias.asname or alias.name).split(".")[0]] = ast.dump(node)
            elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                names[node.name] = "def"
    return names


def _root(node: ast.AST) -> str | None:
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


class _Scanner(ast.NodeVisitor):
    def __init__(self, protected: dict[str, str], cell: str) -> None:
        self.protected, self.cell, self.reasons = protected, cell, []
        self.modules = {n for n, how in protected.items() if how != "def"}  # module-like names
        self.depth = 0
        self.allowed: set[int] = set()
        self.called: set[int] = set()  # the Name nodes that are called: visit_Call judges those
        self.locals: list[set[str]] = []

    def flag(self, node: ast.AST, what: str) -> None:
        self.reasons.append(f"{self.cell} line {getattr(node, 'lineno', '?')}: {what}")

    def _bind(self, node: ast.AST, name: str) -> None:
        if self.depth == 0 and name in self.protected:
            self.flag(node, f"rebinds `{name}`, which a read-only cell defines")

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self._bind(node, node.name)
        for deco in node.decorator_list:
            self.visit(deco)
        params = {a.arg for a in node.args.args + node.args.kwonlyargs + node.args.posonlyargs}
        params |= {a.arg for a in (node.args.vararg, node.args.kwarg) if a}
        assigned = {t.id for n in ast.walk(node) for t in getattr(n, "targets", [getattr(n, "target", None)])
                    if isinstance(t, ast.Name)}
        self.depth += 1
        self.locals.append(params | assigned)
        for stmt in node.body:
            self.visit(stmt)
        self.locals.pop()
        self.depth -= 1

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Lambda(self, node: ast.Lambda) -> None:
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self._bind(node, node.name)
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1

    def visit_Global(self, node: ast.Global) -> None:
        for name in node.names:
            if name in self.protected:
                self.flag(node, f"declares `global {name}`, a name a read-only cell defines")

    def visit_Import(self, node: ast.Import | ast.ImportFrom) -> None:
        module = node.module if isinstance(node, ast.ImportFrom) else None
        for alias in node.names:
            top = (module or alias.name).split(".")[0] if not getattr(node, "level", 0) else "."
            if top not in ALLOWED_MODULES:
                self.flag(node, f"imports `{module or alias.name}`, which no exercise needs")
            bound = (alias.asname or alias.name).split(".")[0]
            if bound in self.protected and self.protected[bound] == "def":  # an import over a helper the set-up
                self._bind(node, bound)  # cell defines; importing a module under the set-up cell's alias is fine
            if self.depth == 0:
                self.modules.add(bound)

    visit_ImportFrom = visit_Import

    def visit_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, (ast.Store, ast.Del)):
            self._bind(node, node.id)
        if node.id == "__course_unreadable__":
            self.flag(node, "is nested too deeply to read")
        elif node.id in SHELL_NAMES and isinstance(node.ctx, ast.Load):
            self.flag(node, f"uses `{node.id}`")
        elif node.id.startswith("__") or node.id.startswith("_course"):
            self.flag(node, f"uses `{node.id}`")
        elif isinstance(node.ctx, ast.Load) and id(node) not in self.called and \
                (node.id in FORBIDDEN_CALLS or node.id == "getattr"):  # g = globals; g()
            self.flag(node, f"takes `{node.id}` without calling it")

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if node.attr.startswith("__") and node.attr not in SPECIAL_METHODS:
            self.flag(node, f"uses `.{node.attr}`")
        elif node.attr in SHELL_ATTRIBUTES:
            self.flag(node, f"uses `.{node.attr}`")
        elif node.attr.lstrip("_") in REACHING and not (isinstance(node.value, ast.Name) and node.value.id == "os"
                                                         and node.attr == "environ"):
            self.flag(node, f"reaches `{node.attr}` through `{ast.unparse(node.value)[:40]}`")
        if isinstance(node.ctx, (ast.Store, ast.Del)):
            self._write(node)
        self.generic_visit(node)

    def visit_Expr(self, node: ast.Expr) -> None:
        if not isinstance(node.value, ast.Constant):  # a docstring or a bare string does nothing
            self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        text = node.value.decode("latin-1") if isinstance(node.value, bytes) else node.value
        if isinstance(text, str) and (_DUNDER.search(text) or "course_utils" in text):
            found = _DUNDER.search(text)
            self.flag(node, f"a string names `{found.group(0) if found else 'course_utils'}`")

    def visit_keyword(self, node: ast.keyword) -> None:
        if node.arg == "allow_pickle" and not (isinstance(node.value, ast.Constant) and node.value.value is False):
            self.flag(node, "loads pickles (`allow_pickle`)")
        self.generic_visit(node)

    def visit_Subscript(self, node: ast.Subscript) -> None:
        if isinstance(node.ctx, (ast.Store, ast.Del)):
            self._write(node)
        self.generic_visit(node)

    def _write(self, node: ast.AST) -> None:
        root = _root(node)
        local = bool(self.locals) and root in self.locals[-1]
        if root in self.modules and not local:
            self.flag(node, f"changes `{ast.unparse(node)}`, part of a module or a read-only name")

    def visit_Assign(self, node: ast.Assign) -> None:
        # An alias of a module is a module: `m = np; m.allclose = ...`.
        if self.depth == 0 and _root(node.value) in self.modules and isinstance(node.value, (ast.Name, ast.Attribute)):
            self.modules |= {t.id for t in node.targets if isinstance(t, ast.Name)}
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        self.called.add(id(node.func))
        if _root(node.func) in self.protected:  # the chapter's own helpers take the namespace:
            self.allowed |= {id(a) for a in node.args if isinstance(a, ast.Call)  # own_or_reference(globals(), ..)
                             and isinstance(a.func, ast.Name) and a.func.id == "globals" and not a.args}
        if isinstance(node.func, ast.Name) and id(node) not in self.allowed:
            name = node.func.id
            if name in FORBIDDEN_CALLS:
                self.flag(node, f"calls `{name}()`")
            elif name == "getattr" and not (len(node.args) > 1 and isinstance(node.args[1], ast.Constant)):
                self.flag(node, "calls `getattr()` with a computed name")
        name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
        if name in ("attrgetter", "methodcaller") and not all(isinstance(a, ast.Constant) for a in node.args[:1]):
            self.flag(node, f"calls `{name}()` with a computed name")
        self.generic_visit(node)


def scan_source(source: str, protected: dict[str, str], cell: str = "cell") -> list[str]:
    """Reasons to review one cell's code, given the read-only names (empty if none)."""
    reasons = _magics(source)
    tree = _parse(source)
    if tree is None:  # not even IPython's rewriting parses: the kernel raised SyntaxError, nothing ran
        return reasons
    scanner = _Scanner(protected, cell)
    scanner.visit(tree)
    return reasons + scanner.reasons


def scan(submitted: Any, release: Any) -> list[str]:
    """Reasons to review a submitted notebook: its answer cells and the cells the student added."""
    protected = protected_names(release)
    locked = {_meta(c).get("grade_id") for c in release.cells if _meta(c).get("locked")}
    as_released = {c.source.strip() for c in release.cells if c.cell_type == "code"}
    reasons = []
    for index, cell in enumerate(submitted.cells):
        gid = _meta(cell).get("grade_id")
        if cell.cell_type != "code" or (gid in locked and not _meta(cell).get("solution")) \
                or cell.source.strip() in as_released:
            continue
        reasons += scan_source(cell.source, protected, gid or f"added cell {index + 1}")
    return reasons
