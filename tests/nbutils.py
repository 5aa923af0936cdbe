"""Helpers the notebook, release, autograde and book tests share."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
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


def source_notebooks() -> list[Path]:
    """Every instructor notebook: solutions/<chapter>/<name>.ipynb."""
    return sorted(SOLUTIONS.glob("*/*.ipynb"))


def released(source: Path, release_root: Path = CHAPTERS) -> Path:
    """The student notebook generated from ``source``."""
    return release_root / source.parent.name / source.name


def nbgrader_meta(cell) -> dict:
    """The cell's nbgrader metadata, or an empty dict."""
    return cell.metadata.get("nbgrader", {})


def is_solution(cell) -> bool:
    """True for a cell the student writes (autograded answer)."""
    return bool(nbgrader_meta(cell).get("solution"))


def is_test(cell) -> bool:
    """True for an autograded test cell."""
    return bool(nbgrader_meta(cell).get("grade")) and not is_solution(cell)


@dataclass(frozen=True)
class Exercise:
    """One autograded exercise: its answer cell and the test cell that grades it."""

    solution_id: str
    test_id: str
    points: float


def exercises(nb) -> list[Exercise]:
    """Pair every solution cell ``ID`` with its test cell ``ID-tests``."""
    tests = {nbgrader_meta(c)["grade_id"]: nbgrader_meta(c) for c in nb.cells if is_test(c)}
    return [Exercise(nbgrader_meta(c)["grade_id"], nbgrader_meta(c)["grade_id"] + "-tests",
                     tests[nbgrader_meta(c)["grade_id"] + "-tests"]["points"])
            for c in nb.cells if is_solution(c)]


def secret_lines(nb) -> set[str]:
    """Lines of solutions and hidden tests that appear nowhere else in the source notebook."""
    secret, public = set(), set()
    for cell in nb.cells:
        text = cell.source
        regions = SOLUTION_REGION.findall(text) + HIDDEN_REGION.findall(text)
        for region in regions:
            secret.update(line.strip() for line in region.splitlines())
        for region in regions:
            text = text.replace(region, "")
        public.update(line.strip() for line in text.splitlines())
    return {line for line in secret - public if len(line) >= 12 and not line.startswith("#")}


def assigned_names(source: str) -> set[str]:
    """Top-level names a code cell binds (assignments, loops, imports, defs)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
    return names


def loaded_names(source: str) -> set[str]:
    """Names a code cell reads."""
    return {n.id for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


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
