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

import builtins
import contextlib
import io
import re
import symtable
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
#: Seconds the kernel has to drop a test cell's objects before it counts as lost.
RELEASE_SECONDS = 10


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
    """The global names a cell reads and does not bind, at its top level or in a function or class it defines.

    A function's parameters and locals are not globals: a test's helper ``def step(tokens,
    state)`` does not ask the kernel for ``tokens`` (Python's own scoping, by :mod:`symtable`).
    """
    top = symtable.symtable(source, "<test cell>", "exec")
    bound = {s.get_name() for s in top.get_symbols() if s.is_assigned() or s.is_imported() or s.is_namespace()}
    reads = {s.get_name() for s in top.get_symbols() if s.is_referenced()}
    todo = list(top.get_children())
    while todo:
        table = todo.pop()
        reads |= {s.get_name() for s in table.get_symbols() if s.is_global() and s.is_referenced()}
        todo += table.get_children()
    return reads - bound


_HIDDEN = re.compile(r"^[ \t]*### BEGIN HIDDEN TESTS[^\n]*\n(.*?)^[ \t]*### END HIDDEN TESTS[^\n]*$", re.S | re.M)


def parts(source: str) -> list[tuple[bool, str]]:
    """The cell in order as (hidden, code) parts; one visible part when the markers do not split it cleanly."""
    found, last = [], 0
    for match in _HIDDEN.finditer(source):
        found += [(False, source[last:match.start()]), (True, match.group(1))]
        last = match.end()
    found.append((False, source[last:]))
    try:
        for _, code in found:
            compile(code, "<part>", "exec")
    except SyntaxError:
        return [(True, source)]
    return [(hidden, code) for hidden, code in found if code.strip()]


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
        """Run one test cell (visible and hidden parts, in order) against the kernel.

        Never raises but :class:`remote.KernelLost`. What the student's code prints while a
        visible part runs is kept for the feedback; during a hidden part it is not, so that
        printing the inputs shows no hidden test's data.
        """
        start = time.monotonic()
        namespace = dict(self.namespace)
        namespace["assert_own_code"] = student.assert_own_code
        namespace["assert_no_calls"] = student.assert_no_calls
        out = io.StringIO()
        shown: list[str] = []
        link.printed = []
        link.deadline = start + seconds
        hidden = False
        try:
            for name in sorted(cell_reads(source) - set(namespace) - set(dir(builtins))):
                try:
                    value = remote.remote_name(link, name)
                except (wire.WireError, remote.CallTimeout):  # unreadable, or a name the test does not use after all
                    continue
                if value is not remote.MISSING:
                    namespace[name] = value
            self._reseed()
            for hidden, code in parts(source):
                with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
                    exec(compile(code, "<test cell>", "exec"), namespace)  # noqa: S102 - the instructor's test
                if not hidden:  # what the student's code prints during the hidden tests is not shown
                    shown += link.printed
                link.printed = []
            verdict = Verdict(True)
        except remote.KernelLost:
            raise
        except remote.CallTimeout as err:
            verdict = Verdict(False, ename="TimeoutError", evalue=f"{err} ({seconds:.0f} s)")
        except wire.WireError as err:
            verdict = Verdict(False, ename="WireError", evalue=f"what your code returned could not be read: {err}")
        except Exception as err:  # noqa: BLE001 - a failing test, whatever its exception
            verdict = Verdict(False, ename=type(err).__name__, evalue=str(err)[:MAX_MESSAGE])
        if not hidden:
            shown += link.printed
        link.deadline = time.monotonic() + RELEASE_SECONDS
        try:
            link.release()
        except remote.KernelLost:
            raise
        except Exception:  # noqa: BLE001 - a kernel that no longer serves requests fails the next cell
            pass
        finally:
            link.deadline = float("inf")
        verdict.printed = out.getvalue()[:MAX_MESSAGE * 5]
        verdict.student_printed = "".join(shown)[:remote.MAX_PRINTED]
        if not verdict.passed and hidden:
            verdict.evalue = f"(a hidden test) {redact(verdict.evalue)}"
        verdict.seconds = time.monotonic() - start
        return verdict


def redact(message: str) -> str:
    """A hidden test's failure without the values it expected (``name: expected 'abc', got 'abd'``).

    The case's name, shapes and the rule broken stay: they say what to fix, not what to return.
    """
    for marker in (": values differ", ": expected "):
        at = message.find(marker)
        if at >= 0 and not message.startswith(": expected shape", at):
            return message[:at] + ": wrong values (what this hidden test expects is not shown)"
    return message


def _display(*objects: Any, **kwargs: Any) -> None:
    """IPython's ``display`` for test code that shows a value: printed."""
    for obj in objects:
        print(repr(obj))
