"""Readers see every line that trains a model: chapter cells that show reference code match it.

A code cell whose metadata has ``course.reference`` set to a dotted path is a copy, shown to
the reader, of that class or function in ``course_utils``:

* a **class**: the cell defines one class with the same body (the class name and the
  docstrings may differ);
* a **function** (a training loop such as ``fit``): every statement of the function, apart
  from its docstring, ``return``, timing, printing and progress-bar lines, appears in the cell
  in the same order; ``for`` loops are compared statement by statement, so the cell may loop
  over ``range(train_steps)`` where the function wraps the range in a progress bar, and the
  ``verbose=`` argument of a call may differ; the bodies of ``if`` blocks are compared the same
  way, so the cell may guard training lines with ``if train_steps:`` (a grading run trains
  nothing).
"""

from __future__ import annotations

import ast
import importlib
import inspect
import textwrap

import pytest
from nbutils import read, source_notebooks

SKIPPED_NAMES = {"print", "time", "tqdm", "perf_counter", "start"}


def _reference_cells():
    for path in source_notebooks():
        for index, cell in enumerate(read(path).cells):
            target = cell.metadata.get("course", {}).get("reference")
            if cell.cell_type == "code" and target:
                yield pytest.param(cell.source, target, id=f"{path.parent.name}-cell{index}-{target}")


REFERENCE_CELLS = list(_reference_cells())


def _resolve(dotted: str):
    module_name, _, attr = dotted.rpartition(".")
    return getattr(importlib.import_module(module_name), attr)


def _without_docstrings(node: ast.AST) -> ast.AST:
    for item in ast.walk(node):
        body = getattr(item, "body", None)
        if (isinstance(item, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and body
                and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
                and isinstance(body[0].value.value, str)):
            item.body = body[1:] or [ast.Pass()]
    return node


def _class_body(cls: ast.ClassDef) -> str:
    cls = _without_docstrings(cls)
    return ast.dump(ast.Module(body=cls.body, type_ignores=[])) + ast.dump(ast.Module(body=cls.bases, type_ignores=[]))


def _skipped(stmt: ast.stmt) -> bool:
    if isinstance(stmt, ast.Return):
        return True
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):  # a docstring
        return True
    names = {n.id for n in ast.walk(stmt) if isinstance(n, ast.Name)}
    names |= {n.attr for n in ast.walk(stmt) if isinstance(n, ast.Attribute)}
    if names & SKIPPED_NAMES:
        return True
    # `device = next(model.parameters()).device`: a notebook has its own `device`.
    return isinstance(stmt, ast.Assign) and [ast.unparse(t) for t in stmt.targets] == ["device"]


def _flat(stmts: list[ast.stmt]) -> list[ast.stmt]:
    """Statements in order, with the bodies of ``for`` loops and ``if`` blocks spliced in."""
    out = []
    for stmt in stmts:
        out.extend(_flat(stmt.body) if isinstance(stmt, (ast.For, ast.If)) else [stmt])
    return out


def _key(stmt: ast.stmt) -> str:
    for call in ast.walk(stmt):
        if isinstance(call, ast.Call):
            call.keywords = [k for k in call.keywords if k.arg != "verbose"]
    return ast.dump(stmt)


def test_some_cells_show_reference_code():
    assert REFERENCE_CELLS, "no chapter cell declares course.reference; Chapter 1 shows its models and loops"


@pytest.mark.parametrize("source, target", REFERENCE_CELLS)
def test_cell_matches_reference(source, target):
    reference = _resolve(target)
    ref_tree = ast.parse(textwrap.dedent(inspect.getsource(reference)))
    cell_tree = ast.parse(source)
    if inspect.isclass(reference):
        classes = [n for n in cell_tree.body if isinstance(n, ast.ClassDef)]
        assert len(classes) == 1, f"a cell that copies {target} should define exactly one class"
        assert _class_body(classes[0]) == _class_body(ref_tree.body[0]), \
            f"class {classes[0].name} in the chapter differs from {target}; keep the two identical"
        return
    wanted = [s for s in _flat(ref_tree.body[0].body) if not _skipped(s)]
    shown = [_key(s) for s in _flat(cell_tree.body)]
    position = 0
    for stmt in wanted:
        try:
            position = shown.index(_key(stmt), position) + 1
        except ValueError:
            raise AssertionError(f"the chapter's copy of {target} lacks, or reorders, this line:\n"
                                 f"    {ast.unparse(stmt)}") from None
