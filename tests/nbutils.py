"""Helpers the notebook, release, autograde and book tests share."""

from __future__ import annotations

import ast
import html
import builtins
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions"
CHAPTERS = ROOT / "chapters"
BIN = Path(sys.executable).parent

SOLUTION_REGION = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", re.S)
HIDDEN_REGION = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.S)
MARKERS = ["BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"]

SETUP_ID = "setup"  # grade_id of the read-only set-up cell every chapter starts with
TEST_INFIX = "-test-"  # a test cell of answer ``ex2-rnn-forward`` is ``ex2-rnn-forward-test-<part>``
# Names a cell may read without binding them: Python's builtins and what IPython adds.
KERNEL_NAMES = frozenset(dir(builtins)) | {"display", "get_ipython", "__name__"}


def source_notebooks() -> list[Path]:
    """Every instructor notebook: solutions/<chapter>/<name>.ipynb."""
    return sorted(SOLUTIONS.glob("*/*.ipynb"))


def released(source: Path, release_root: Path = CHAPTERS) -> Path:
    """The student notebook generated from ``source``."""
    return release_root / source.parent.name / source.name


def executed(build: Path, notebook: Path) -> Path:
    """Where ``jupyter-book build`` (output folder ``build``) keeps the executed copy of a page.

    ``notebook`` is a page's path inside the repository, e.g. chapters/01-x/x.ipynb.
    """
    return build / "jupyter_execute" / notebook.resolve().relative_to(ROOT)


FIGURE_CALL = re.compile(r"plt\.show\(\)|\bplot_\w+\(|\bdraw_\w+\(")


def figure_cells(nb) -> int:
    """How many narrative code cells of ``nb`` draw a figure (``plt.show()``, ``plot_*``, ``draw_*``)."""
    return sum(1 for cell in nb.cells
               if cell.cell_type == "code" and not nbgrader_meta(cell) and FIGURE_CALL.search(cell.source))


def inline_math(nb) -> list[str]:
    """The inline ``$...$`` formulas of ``nb``'s markdown cells, in order (no ``<``, ``>`` or ``&``)."""
    found = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            found += [m for m in re.findall(r"(?<!\$)\$([^$\n]{3,}?)\$(?!\$)", cell.source)
                      if not set("<>&") & set(m)]
    return found


#: The directives that are admonitions both on the website (MyST-Parser, Sphinx) and in
#: JupyterLab and Notebook 7 (jupyterlab-myst, mystmd): CONTRIBUTING.md, section 2
#: (tests/test_lab_browser.py, tests/test_site_browser.py).
KINDS = {"note", "tip", "hint", "important", "warning", "caution", "attention", "danger", "error", "seealso"}
FENCE = re.compile(r"^(?P<fence>`{3,}|:{3,})\{(?P<name>[\w-]+)\}(?P<title>[^\n]*)\n(?P<body>.*?)^(?P=fence)\s*$",
                   re.M | re.S)


def admonition_fences(nb) -> Iterator[tuple[str, str, str]]:
    """The admonitions of ``nb``'s markdown cells, in order: (first line, kind, title).

    ``kind`` is the directive's name, or for ``{admonition}`` the value of its ``:class:``
    option (empty without one); ``title`` is the text after the directive's name.
    """
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for match in FENCE.finditer(cell.source):
            kind = match["name"]
            if kind == "admonition":
                option = re.search(r"^:class:\s*(\S+)", match["body"], re.M)
                kind = option[1] if option else ""
            elif kind not in KINDS:
                continue  # another directive (a figure, a code cell, ...)
            yield match[0].splitlines()[0], kind, match["title"].strip()


def admonitions(nb) -> list[tuple[str, str]]:
    """The admonitions of ``nb``, in order: (kind, title)."""
    return [(kind, title) for _, kind, title in admonition_fences(nb)]


def nbgrader_meta(cell) -> dict:
    """The cell's nbgrader metadata, or an empty dict."""
    return cell.metadata.get("nbgrader", {})


def grade_id(cell) -> str | None:
    """The cell's nbgrader grade_id, or None."""
    return nbgrader_meta(cell).get("grade_id")


def is_solution(cell) -> bool:
    """True for a cell the student writes (autograded answer)."""
    return bool(nbgrader_meta(cell).get("solution"))


def is_test(cell) -> bool:
    """True for an autograded test cell."""
    return bool(nbgrader_meta(cell).get("grade")) and not is_solution(cell)


def is_setup(cell) -> bool:
    """True for the read-only set-up cell (grade_id ``setup``)."""
    return grade_id(cell) == SETUP_ID


@dataclass(frozen=True)
class Exercise:
    """One autograded exercise: its answer cell and the test cells that grade it, in order.

    Each test cell is one requirement worth its own points (partial credit); ``points`` is
    their sum, the number the exercise's heading announces.
    """

    solution_id: str
    test_ids: tuple[str, ...]
    points: float


def owners_of(test_id: str, solution_ids) -> list[str]:
    """The answer ids a test cell id belongs to by name (``<answer id>-test-<part>``)."""
    return [s for s in solution_ids if test_id.startswith(s + TEST_INFIX) and len(test_id) > len(s + TEST_INFIX)]


def exercises(nb) -> list[Exercise]:
    """Every answer cell with the test cells named after it, in notebook order.

    A test cell must come after its answer cell (ValueError otherwise). Test cells that
    belong to no answer are left out; test_notebook_format reports them.
    """
    answers = {grade_id(c): i for i, c in enumerate(nb.cells) if is_solution(c)}
    tests: dict[str, list[tuple[str, float]]] = {s: [] for s in answers}
    for i, cell in enumerate(nb.cells):
        if not is_test(cell):
            continue
        for owner in owners_of(grade_id(cell), answers):
            if i < answers[owner]:
                raise ValueError(f"test cell {grade_id(cell)} comes before its answer cell {owner}")
            tests[owner].append((grade_id(cell), nbgrader_meta(cell)["points"]))
    return [Exercise(s, tuple(t for t, _ in tests[s]), sum(p for _, p in tests[s])) for s in answers]


def public_text(nb) -> str:
    """Everything a notebook shows its readers: every cell with its solution and hidden-test regions removed."""
    parts = []
    for cell in nb.cells:
        text = cell.source
        for region in SOLUTION_REGION.findall(text) + HIDDEN_REGION.findall(text):
            text = text.replace(region, "")
        parts.append(text)
    return "\n".join(parts)


def secret_lines(nb, *public_notebooks) -> set[str]:
    """Lines of solutions and hidden tests that appear nowhere else in the source notebook.

    A line that the public text shows anyway, whole or inside a longer line (a call quoted in a
    prompt), is no secret; ``public_notebooks`` add their public text (a generic line of one
    chapter's hidden tests may be plain code in another's narrative).
    """
    secret = set()
    for cell in nb.cells:
        for region in SOLUTION_REGION.findall(cell.source) + HIDDEN_REGION.findall(cell.source):
            secret.update(line.strip() for line in region.splitlines())
    shown = "\n".join(public_text(n) for n in (nb, *public_notebooks))
    return {line for line in secret if len(line) >= 12 and not line.startswith("#") and line not in shown}


def hidden_test_lines(source_nb, release_nb) -> set[str]:
    """Lines of hidden tests that appear nowhere in the released notebook, not even inside a longer line."""
    shown = "\n".join(cell.source for cell in release_nb.cells)
    hidden = {line.strip() for cell in source_nb.cells for region in HIDDEN_REGION.findall(cell.source)
              for line in region.splitlines()}
    return {line for line in hidden if len(line) >= 12 and not line.startswith("#") and line not in shown}


def html_lines(path) -> set[str]:
    """The text lines of an HTML file, tags removed."""
    text = html.unescape(re.sub(r"<[^>]+>", "\n", path.read_text(encoding="utf-8")))
    return {line.strip() for line in text.splitlines() if line.strip()}


def feedback_totals(page: str) -> dict[str, tuple[float, float]]:
    """The per-exercise table of a feedback page (course_grading.feedback): exercise id -> (score, points)."""
    from html.parser import HTMLParser

    rows: dict[str, tuple[float, float]] = {}

    class Rows(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found = dict(attrs)
            if tag == "tr" and "data-exercise" in found:
                rows[found["data-exercise"]] = (float(found["data-score"]), float(found["data-points"]))

    Rows().feed(page)
    return rows


# --- Which names a code cell binds and reads (ast) -------------------------------------

_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)  # bodies that run later, when called


def _binds(node: ast.AST) -> set[str]:
    """Names ``node`` itself binds (not its children)."""
    if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
        return {node.id}
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {node.name}
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return {(a.asname or a.name).split(".")[0] for a in node.names if a.name != "*"}
    if isinstance(node, ast.arg):
        return {node.arg}
    if isinstance(node, ast.ExceptHandler) and node.name:
        return {node.name}
    if isinstance(node, (ast.Global, ast.Nonlocal)):
        return set(node.names)
    if isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
        return {node.name}
    if isinstance(node, ast.MatchMapping) and node.rest:
        return {node.rest}
    return set()


def _parse(source: str) -> ast.Module | None:
    try:
        return ast.parse(source)
    except SyntaxError:
        return None


def assigned_names(source: str) -> set[str]:
    """Every name a code cell binds anywhere: assignments, loops, imports, defs, arguments."""
    tree = _parse(source)
    return set().union(*(_binds(node) for node in ast.walk(tree))) if tree else set()


def loaded_names(source: str) -> set[str]:
    """Names a code cell reads."""
    return {n.id for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def _module_binds(node: ast.AST) -> set[str]:
    """Names ``node`` binds in the module namespace: not inside functions, lambdas, class
    bodies or comprehensions (whose loop variables are their own), except a walrus there."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {node.name}
    if isinstance(node, ast.Lambda):
        return set()
    if isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
        return {n.target.id for n in ast.walk(node) if isinstance(n, ast.NamedExpr)}
    return _binds(node).union(*(_module_binds(child) for child in ast.iter_child_nodes(node)))


def top_level_names(source: str) -> set[str]:
    """Names a code cell leaves in the kernel once it has run (a function's arguments and
    locals, a comprehension's loop variables are gone)."""
    tree = _parse(source)
    return _module_binds(tree) if tree else set()


def _reads(node: ast.AST, deferred: bool = False):
    """(name, deferred) for every name ``node`` reads; deferred: inside a function or lambda."""
    if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
        yield node.id, deferred
    if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
        yield node.target.id, deferred  # x += 1 reads x first
    for child in ast.iter_child_nodes(node):
        yield from _reads(child, deferred or isinstance(node, _SCOPES))


def unbound_reads(source: str) -> set[str]:
    """Names a code cell reads without having bound them itself: what it needs from the kernel.

    Top-level statements are taken in order. A name a statement reads must be bound by an
    earlier statement or inside the statement itself (a loop or ``with`` target, an
    ``except`` name, a comprehension variable, a function's argument), but not by the
    statement's own assignment, whose right-hand side runs first. Reads inside a function
    or lambda may use any name the cell binds, since they run when it is called.
    """
    tree = ast.parse(source)
    anywhere = assigned_names(source)
    bound: set[str] = set()
    needed: set[str] = set()
    for statement in tree.body:
        if isinstance(statement, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            inside = statement.value
        else:
            inside = statement
        own = set().union(*(_binds(n) for n in ast.walk(inside))) if inside is not None else set()
        for name, deferred in _reads(statement):
            if name not in (anywhere if deferred else bound | own):
                needed.add(name)
        bound |= _module_binds(statement)
    return needed


# --- Running commands ------------------------------------------------------------------

def quiet_env(tmp: Path) -> dict[str, str]:
    """Environment for subprocesses: the venv first on PATH, framework state in ``tmp``."""
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env.pop("MPLBACKEND", None)  # kernels must keep Jupyter's inline backend, or figures vanish
    for var in ["KERAS_HOME", "IPYTHONDIR", "JUPYTER_CONFIG_DIR", "MPLCONFIGDIR"]:
        env.setdefault(var, str(tmp / var.lower()))
    env.pop("NBGRADER_EXECUTION", None)
    return env


def run(cmd: list[str], cwd: Path, env: dict[str, str], timeout: int = 900) -> subprocess.CompletedProcess:
    """Run a command, capture its output, and fail the test with that output if it fails."""
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
    return proc


def read(path: Path):
    """Read a notebook as nbformat v4."""
    return nbformat.read(path, as_version=4)
