"""Run a chapter's test cells in the grader's own process, against the student's kernel.

A :class:`Judge` executes the instructor's set-up cell once in the grader (it imports the
frameworks and the course's helpers). For each test cell it then runs the cell's whole code,
visible and hidden parts, in a copy of that namespace in which every name the cell reads
from the student's notebook (``rnn_step``, ``build_keras_tagger``) is what the kernel holds
under that name: a plain value, or a :class:`~course_grading.remote.RemoteObject` whose
calls run in the kernel on the grader's inputs and return plain values. The expected values,
the framework ops and every assertion run here, where the student's code cannot reach them;
``assert_own_code`` and ``assert_no_calls`` read the student's source
(:mod:`course_grading.ownership`). The cell's verdict is its outputs: what it printed, and an
error (name and message, no traceback) if it failed.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import io
import time
from dataclasses import dataclass, field
from typing import Any

from nbformat.notebooknode import NotebookNode

from course_grading import remote, wire
from course_grading.ownership import StudentCode

#: Seconds of remote calls a test cell may take (the per-cell timeout of nbgrader_config.py).
CELL_SECONDS = 30
#: Characters of a failure message kept.
MAX_MESSAGE = 4000


@dataclass
class Verdict:
    """One test cell: passed or not, what it printed, and the error."""

    passed: bool
    printed: str = ""
    ename: str = ""
    evalue: str = ""
    seconds: float = 0.0
    student_printed: str = ""
    notes: list[str] = field(default_factory=list)

    def outputs(self) -> list[NotebookNode]:
        """The cell's outputs as nbgrader grades them: an error output fails the cell."""
        outputs = []
        text = self.printed
        if self.student_printed:
            text += ("" if not text or text.endswith("\n") else "\n") + "Your code printed while it was tested:\n" \
                + self.student_printed
        if text:
            outputs.append(NotebookNode(output_type="stream", name="stdout", text=text))
        if not self.passed:
            outputs.append(NotebookNode(output_type="error", ename=self.ename, evalue=self.evalue,
                                        traceback=[f"{self.ename}: {self.evalue}"]))
        return outputs


def cell_reads(source: str) -> set[str]:
    """The names a cell reads that it does not bind at its top level."""
    tree = ast.parse(source)
    loaded = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    bound = set()
    for node in tree.body:
        for sub in ast.walk(node):
            if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store):
                bound.add(sub.id)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            bound.update((a.asname or a.name).split(".")[0] for a in node.names)
    return loaded - bound


class Judge:
    """The grader's namespace for one set-up cell, and the runner of test cells."""

    def __init__(self, setup_source: str) -> None:
        self.namespace: dict[str, Any] = {"__name__": "__course_judge__", "__builtins__": builtins,
                                          "display": _display}
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            exec(compile(setup_source, "<set-up cell>", "exec"), self.namespace)  # noqa: S102 - the instructor's cell
        self._seed = self.namespace.get("cu")

    def _reseed(self) -> None:
        """Every test cell starts from the same random state, whatever ran before it."""
        set_seed = getattr(self._seed, "set_seed", None)
        if callable(set_seed):
            set_seed(0)

    def run(self, source: str, link: remote.KernelLink, student: StudentCode,
            seconds: float = CELL_SECONDS) -> Verdict:
        """Run one test cell's code (visible and hidden parts) against the kernel; never raises but :class:`remote.KernelLost`."""
        start = time.monotonic()
        namespace = dict(self.namespace)
        namespace["assert_own_code"] = student.assert_own_code
        namespace["assert_no_calls"] = student.assert_no_calls
        out = io.StringIO()
        link.printed = []
        link.deadline = start + seconds
        try:
            for name in sorted(cell_reads(source) - set(namespace) - set(dir(builtins))):
                value = remote.remote_name(link, name)
                if value is not remote.MISSING:
                    namespace[name] = value
            self._reseed()
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
                exec(compile(source, "<test cell>", "exec"), namespace)  # noqa: S102 - the instructor's test
            verdict = Verdict(True)
        except remote.KernelLost:
            raise
        except remote.CallTimeout as err:
            verdict = Verdict(False, ename="TimeoutError", evalue=f"{err} ({seconds:.0f} s)")
        except wire.WireError as err:
            verdict = Verdict(False, ename="WireError", evalue=f"what your code returned could not be read: {err}")
        except Exception as err:  # noqa: BLE001 - a failing test, whatever its exception
            verdict = Verdict(False, ename=type(err).__name__, evalue=str(err)[:MAX_MESSAGE])
        finally:
            link.deadline = float("inf")
        try:
            link.release()
        except remote.KernelLost:
            raise
        except Exception:  # noqa: BLE001 - a kernel that no longer serves requests fails the next cell
            pass
        verdict.printed = out.getvalue()[:MAX_MESSAGE * 5]
        verdict.student_printed = "".join(link.printed)
        verdict.seconds = time.monotonic() - start
        return verdict


def _display(*objects: Any, **kwargs: Any) -> None:
    """IPython's ``display`` for test code that shows a value: printed."""
    for obj in objects:
        print(repr(obj))
