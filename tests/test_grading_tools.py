"""Unit tests of course_grading: the tamper scan, the prechecks, the feedback redaction and
the sandbox's command line (the end-to-end runs are in test_autograde and
test_hostile_grading)."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import warnings
from pathlib import Path

import nbformat
import pytest
from grading_harness import build_answer, discover, parse_chapter
import grading_bank
from grading_bank import CORRECT
from nbutils import read, released
from nbformat.v4 import new_code_cell, new_notebook

from course_grading import sandbox, submission, tamper
from course_grading.autograde import ignore_nbgrader_autoflush_warnings
from course_grading.plugins import RedactHiddenTests

RELEASE = read(released(discover()[0]))
PROTECTED = tamper.protected_names(RELEASE)

HOSTILE = {
    "helper as no-op": ("assert_close = lambda *a, **k: None", "rebinds `assert_close`"),
    "helper as def": ("def check_shape(*a, **k):\n    pass", "rebinds `check_shape`"),
    "global rebinding": ("def f():\n    global assert_close\n    assert_close = print", "global assert_close"),
    "numpy patched": ("np.allclose = lambda *a, **k: True", "changes `np.allclose`"),
    "submodule patched": ("np.testing.assert_allclose = print", "changes `np.testing.assert_allclose`"),
    "alias patched": ("m = np\nm.isclose = print", "changes `m.isclose`"),
    "re-imported and patched": ("import numpy\nnumpy.allclose = print", "changes `numpy.allclose`"),
    "patched inside a function": ("def f():\n    torch.allclose = print\nf()", "changes `torch.allclose`"),
    "item of a module dict": ("vars(np)['allclose'] = print", "calls `vars()`"),
    "setattr": ("setattr(np, 'allclose', print)", "calls `setattr()`"),
    "computed getattr": ("f = getattr(np, 'all' + 'close')", "getattr()"),
    "dunder": ("np.allclose.__code__ = print.__code__", "uses `.__code__`"),
    "builtins": ("__builtins__.print = None", "uses `__builtins__`"),
    "exec": ("exec('x = 1')", "calls `exec()`"),
    "ipython": ("get_ipython().run_cell('1')", "calls `get_ipython()`"),
    "subprocess": ("import subprocess\nsubprocess.run(['ls'])", "imports `subprocess`"),
    "globals alias": ("g = globals\nns = g()", "takes `globals` without calling it"),
    "shell through exit": ("exit._ip.ev('1')", "uses `._ip`"),
    "dunder in a string": ("import operator\nf = operator.attrgetter('__globals__')", "a string names `__globals__`"),
    "pickles": ("import numpy as np\nx = np.load('f.npy', allow_pickle=True)", "loads pickles"),
    "a process": ("import os\nos.popen('ls')", "uses `.popen`"),
    "through another module": ("import torch\nm = torch.sys.modules", "reaches `sys` through `torch`"),
    "deep expression": ("x = " + "-" * 100_000 + "1", "nested too deeply"),
    "from-import": ("from subprocess import run", "imports `subprocess`"),
    "shell escape": ("!cat /etc/passwd", "runs `!cat"),
    "other magic": ("%run other.py", "runs `%run"),
}

FINE = [
    "import numpy as np\nimport torch\nfrom torch import nn",  # the same imports as the set-up cell
    "def rnn_step(X_t, H_prev, W_xh, W_hh, b_h):\n    return torch.tanh(X_t @ W_xh + H_prev @ W_hh + b_h)",
    "class Model(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.W = nn.Linear(2, 2)",
    "def load(layer, W):\n    with torch.no_grad():\n        layer.weight.copy_(W)\n    layer.bias = None",
    "x = np.zeros(3)\nx[0] = 1\nd = {}\nd['a'] = 2",
    "%timeit np.zeros(3)",
    "import math, itertools, collections\nfrom functools import partial",
    "own_or_reference(globals(), 'rnn_step', None)",
    "value = getattr(np, 'float32')",
    "import os\nimport json\nSETTINGS = json.loads(os.environ.get('X', '{}'))",  # the honest examples
    "from torch.nn import functional as F\nimport torch.nn.functional as F",  # the set-up cell's own alias
    "def bad(:\n    pass",  # does not parse: it just fails when run
]


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_scan_flags_hostile_code(name):
    code, phrase = HOSTILE[name]
    reasons = tamper.scan_source(code, PROTECTED)
    assert any(phrase in r for r in reasons), reasons


@pytest.mark.parametrize("code", FINE)
def test_scan_accepts_ordinary_code(code):
    assert tamper.scan_source(code, PROTECTED) == []


@pytest.mark.parametrize("notebook", discover(), ids=lambda p: p.parent.name)
def test_scan_accepts_every_solution_and_correct_bank_answer(notebook):
    """No false alarm on the instructor's answers, the narrative or the bank's correct answers."""
    release = read(released(notebook))
    assert tamper.scan(read(notebook), release) == []
    assert tamper.scan(release, release) == []
    chapter = parse_chapter(notebook)
    protected = tamper.protected_names(release)
    module = grading_bank.load(chapter.name)
    for gid, variants in (module.BANK if module else {}).items():
        for v in variants:
            if v.kind == CORRECT:
                code = v.prelude + "\n" + build_answer(chapter.exercises[gid].answer, v.code, v.whole_cell)
                assert tamper.scan_source(code, protected, gid) == [], (gid, v.name)


def test_scan_reads_added_and_edited_cells_not_restored_ones():
    nb = nbformat.from_dict(json.loads(json.dumps(RELEASE)))
    locked = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("locked"))
    locked.source += "\nimport os"  # nbgrader restores a read-only cell: nothing to report
    assert tamper.scan(nb, RELEASE) == []
    nb.cells.append(new_code_cell("import shutil"))
    assert tamper.scan(nb, RELEASE) == [f"added cell {len(nb.cells)} line 1: imports `shutil`, which no exercise needs"]


def _notebook(tmp_path, name, nb):
    folder = tmp_path / "submitted" / "s" / "a"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(nb if isinstance(nb, str) else nbformat.writes(nb), encoding="utf-8")
    return folder


def test_precheck_statuses(tmp_path):
    assert submission.precheck(tmp_path / "nothing", ["a.ipynb"]).status == submission.NO_SUBMISSION
    folder = _notebook(tmp_path, "a (1).ipynb", new_notebook())
    check = submission.precheck(folder, ["a.ipynb"])
    assert check.status == submission.WRONG_NAME and "a (1).ipynb" in check.reason and "a.ipynb" in check.reason
    folder = _notebook(tmp_path, "a.ipynb", '{"cells": ')
    assert submission.precheck(folder, ["a.ipynb"]).status == submission.NOT_A_NOTEBOOK
    folder = _notebook(tmp_path, "a.ipynb", '{"nbformat": 4}')
    assert submission.precheck(folder, ["a.ipynb"]).status == submission.NOT_A_NOTEBOOK
    assert submission.precheck(_notebook(tmp_path, "a.ipynb", new_notebook()), ["a.ipynb"]).status is None


def test_precheck_repairs_a_pasted_grade_cell(tmp_path):
    cell = new_code_cell("assert True", metadata={"nbgrader": {"grade_id": "t1", "grade": True, "points": 1}})
    nb = new_notebook(cells=[cell, nbformat.from_dict(json.loads(json.dumps(cell))), new_code_cell("x = 1")])
    folder = _notebook(tmp_path, "a.ipynb", nb)
    check = submission.precheck(folder, ["a.ipynb"])
    assert check.status is None and "t1" in check.notes[0]
    repaired = nbformat.read(folder / "a.ipynb", as_version=4)
    assert [c.metadata.get("nbgrader", {}).get("grade_id") for c in repaired.cells] == ["t1", None, None]
    assert (folder / "a.ipynb.orig").is_file()


def test_edited_cells_names_edits_and_deletions():
    nb = nbformat.from_dict(json.loads(json.dumps(RELEASE)))
    locked = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("locked")]
    locked[0].source += "\nx = 1"
    nb.cells.remove(locked[1])
    got = submission.edited_cells(nb, RELEASE)
    assert got == [f"{locked[0].metadata.nbgrader.grade_id} edited", f"{locked[1].metadata.nbgrader.grade_id} deleted"]
    assert submission.edited_cells(RELEASE, RELEASE) == []


def test_redaction_removes_hidden_tests_and_test_tracebacks():
    test = new_code_cell("assert f(1) == 2\n### BEGIN HIDDEN TESTS\nassert f(7) == 8  # secret\n### END HIDDEN TESTS\n",
                         metadata={"nbgrader": {"grade": True, "grade_id": "t", "points": 1}})
    test.outputs = [nbformat.v4.new_output("error", ename="AssertionError", evalue="f(7) is wrong",
                                           traceback=["----> 3 assert f(7) == 8  # secret", "AssertionError"])]
    other = new_code_cell("print(1)")
    other.outputs = [nbformat.v4.new_output("error", ename="E", evalue="v", traceback=["line 1", "E: v"])]
    nb, _ = RedactHiddenTests().preprocess(new_notebook(cells=[test, other]), {})
    assert "secret" not in json.dumps(nb.cells[0]) and "hidden tests: not shown" in nb.cells[0].source
    assert nb.cells[0].outputs[0].traceback == ["AssertionError: f(7) is wrong"]
    assert nb.cells[1].outputs[0].traceback == ["line 1", "E: v"]  # not a test cell: untouched


def _argv(folder):
    """The sandbox's command line for a socket folder and a connection file in ``folder``."""
    (folder / "kernel.json").write_text("{}", encoding="utf-8")
    return sandbox.bwrap_argv(folder, folder / "kernel.json")


def test_sandbox_command_line(tmp_path):
    argv = _argv(tmp_path)
    for flag in ["--unshare-all", "--die-with-parent", "--clearenv", "--remount-ro"]:
        assert flag in argv
    assert "--share-net" not in argv
    assert argv[-2:] == ["-f", "{connection_file}"]


def test_sandbox_runs_python_and_hides_the_repository(tmp_path):
    """The sandbox starts (bubblewrap installed and allowed), and sees no solution notebook."""
    sandbox.check_sandbox()
    argv = _argv(tmp_path)
    code = ("import pathlib, os; print(os.getuid(), pathlib.Path('solutions').exists(), "
            f"pathlib.Path({str(discover()[0])!r}).exists())")
    argv = argv[: argv.index("--")] + ["--", sys.executable, "-c", code]
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    assert proc.stdout.split() == ["65534", "False", "False"], proc.stderr


def test_sandbox_kernels_share_one_font_cache(tmp_path, monkeypatch):
    """The grading command builds matplotlib's font cache once; each kernel finds it, read-only."""
    cache = sandbox.build_font_cache(tmp_path / "matplotlib")
    assert cache is not None and cache.name.startswith("fontlist-") and cache.stat().st_size > 0
    monkeypatch.setenv(sandbox.FONT_CACHE_ENV, str(cache))
    argv = _argv(tmp_path)
    assert argv[argv.index(str(cache)) + 1] == f"{sandbox.KERNEL_MPLCONFIGDIR}/{cache.name}"
    code = ("import os, matplotlib, matplotlib.font_manager as fm; "
            "print(matplotlib.get_cachedir(), os.access(matplotlib.get_cachedir(), os.W_OK), "
            f"open({sandbox.KERNEL_MPLCONFIGDIR + '/' + cache.name!r}).read() == {cache.read_text()!r})")
    argv = argv[: argv.index("--")] + ["--", sys.executable, "-c", code]
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    assert proc.stdout.split() == [sandbox.KERNEL_MPLCONFIGDIR, "True", "True"], proc.stderr
    monkeypatch.delenv(sandbox.FONT_CACHE_ENV)
    assert str(cache) not in _argv(tmp_path)


def test_redaction_takes_the_feedback_exporters_config(caplog):
    """generate_feedback's HTML exporter configures display_data_priority for every preprocessor:
    RedactHiddenTests takes it, so nbgrader prints no "Config option ... not recognized" warning."""
    from nbconvert.exporters import HTMLExporter

    with caplog.at_level(logging.WARNING):
        RedactHiddenTests(config=HTMLExporter().default_config)
    assert "not recognized" not in caplog.text, caplog.text


def test_nbgrader_new_submission_warnings_are_silenced(tmp_path, monkeypatch):
    """nbgrader's Gradebook.add_submission warns under SQLAlchemy 2; the grading workers silence exactly those."""
    from nbgrader.api import Gradebook
    from sqlalchemy.exc import SAWarning

    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")  # alembic
    with Gradebook(f"sqlite:///{tmp_path / 'gradebook.db'}") as gradebook:
        gradebook.add_assignment("ch")
        gradebook.add_notebook("nb", "ch")
        gradebook.add_grade_cell("test", "nb", "ch", max_score=1, cell_type="code")

        def sa_warnings(student: str, silenced: bool) -> list[str]:
            gradebook.add_student(student)
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                if silenced:
                    ignore_nbgrader_autoflush_warnings()
                gradebook.add_submission("ch", student)
            return [str(w.message) for w in caught if issubclass(w.category, SAWarning)]

        assert sa_warnings("alice", silenced=False), \
            "nbgrader no longer warns here: ignore_nbgrader_autoflush_warnings can go"
        assert sa_warnings("bob", silenced=True) == []
        assert gradebook.find_submission("ch", "bob").max_score == 1  # the submission itself is complete
