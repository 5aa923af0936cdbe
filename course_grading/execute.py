"""The grading run of one notebook: the student's cells in the kernel, the tests in the grader.

:class:`TrustedExecute` takes the place of nbgrader's ``Execute`` in ``c.Autograde.
autograde_preprocessors``. It walks the notebook as nbgrader would, with one difference:

* every code cell but the test cells (the set-up cell, the answers, the narrative, cells the
  student added) runs in the student's kernel, as in the student's own notebook;
* every test cell runs in the grader's process (:class:`course_grading.judge.Judge`): its
  visible and hidden parts, against the kernel's state at that point of the notebook, through
  plain values only. The hidden tests never reach the kernel, and no code in the kernel can
  change a test's verdict, only the values the student's functions return.

The cell outputs it writes are what nbgrader scores (``SaveAutoGrades``): a test cell passes
when the grader wrote no error output into it.

With ``sandbox`` on (``python -m course_grading autograde`` turns it on), the kernel runs in
the bubblewrap sandbox (:mod:`course_grading.sandbox`) with per-student limits
(:mod:`course_grading.limits`). A kernel that dies in a student's cell (a memory limit, a
crash) is restarted, the cells before it are run again, and grading goes on; a set-up cell
that times out or a kernel that cannot start is a fault of the grading machine, not of the
student: :class:`GradingInterrupted` is raised, so that the student is graded again, alone.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from jupyter_client.kernelspec import KernelSpec
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbconvert.preprocessors.sanitize import SanitizeHTML
from nbclient.util import run_sync
from nbformat.notebooknode import NotebookNode
from traitlets import Bool, Integer, Unicode

from course_grading import judge as judge_module
from course_grading import limits, remote, sandbox
from course_grading.ownership import StudentCode
from course_grading.plugins import CappedExecute

#: What the last runs in this process found (read by course_grading.autograde after each student).
REPORTS: list[dict] = []
#: Judges by set-up cell, kept for the life of the grading process (each imports the frameworks once).
_JUDGES: dict[str, judge_module.Judge] = {}
#: A kernel may be restarted this often in one notebook before the run gives up.
MAX_RESTARTS = 2


class GradingInterrupted(RuntimeError):
    """The run could not grade the notebook for a reason that is not the student's: grade it again."""


def _meta(cell: NotebookNode) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def is_test(cell: NotebookNode) -> bool:
    """A test cell: graded, not an answer."""
    meta = _meta(cell)
    return cell.cell_type == "code" and bool(meta.get("grade")) and not meta.get("solution")


def _error(ename: str, evalue: str) -> NotebookNode:
    return NotebookNode(output_type="error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])


def judge_for(setup_source: str) -> judge_module.Judge:
    """The grader's judge for a set-up cell (built once per process)."""
    if setup_source not in _JUDGES:
        _JUDGES[setup_source] = judge_module.Judge(setup_source)
    return _JUDGES[setup_source]


class TrustedExecute(CappedExecute):
    """nbgrader's Execute, with the tests run by the grader (see the module docstring)."""

    sandbox = Bool(False, help="Run the kernel in the bubblewrap sandbox with per-student limits").tag(config=True)
    setup_id = Unicode("setup", help="grade_id of the read-only cell that imports everything").tag(config=True)
    setup_timeout = Integer(120, help="Seconds the set-up cell may take (imports; load makes it slower)").tag(
        config=True)
    retry_setup_timeout = Integer(300, help="Seconds the set-up cell may take when a student is graded again, "
                                            "alone, after a run that failed").tag(config=True)
    notebook_timeout = Integer(300, help="Seconds one notebook's run may take in all; later cells are not run").tag(
        config=True)
    test_timeout = Integer(judge_module.CELL_SECONDS, help="Seconds of the student's code per test cell").tag(
        config=True)
    memory_bytes = Integer(limits.MEMORY_BYTES, help="Resident memory of the kernel's processes").tag(config=True)

    def preprocess(self, nb: NotebookNode, resources: Any = None, km: Any = None):
        """Run the notebook (see the module docstring); record a report in :data:`REPORTS`."""
        from nbclient import NotebookClient

        NotebookClient.__init__(self, nb, km)
        self.reset_execution_trackers()
        self._check_assign_resources(resources)
        self._course_used = {}
        setup = next((c for c in nb.cells if c.cell_type == "code" and _meta(c).get("grade_id") == self.setup_id),
                     None)
        if setup is None:
            raise GradingInterrupted(f"the notebook has no set-up cell (grade_id {self.setup_id!r})")
        report = {"notes": [], "retry": "", "peak_bytes": 0, "peak_tasks": 0, "peak_processes": 0, "peak_data": 0,
                  "restarts": 0, "seconds": 0.0}
        REPORTS.append(report)
        self._report = report
        self._judge = judge_for(setup.source)
        self._ran: list[int] = []  # indices of the cells the current kernel has run
        self._run_dir: Path | None = None
        self._watchdog: limits.Watchdog | None = None
        self._link: remote.KernelLink | None = None
        self._gave_up = ""  # why the student's cells stopped running (their kernel died too often)
        start = time.monotonic()
        self._deadline = start + self.notebook_timeout
        try:
            self._start_kernel()
            for index, cell in enumerate(self.nb.cells):
                if cell.cell_type == "code":
                    self._cell(cell, index)
        except GradingInterrupted as err:
            report["retry"] = str(err)
            raise
        finally:
            self._stop_kernel()
            report["seconds"] = time.monotonic() - start
        self.set_widgets_metadata()
        escape = SanitizeHTML()  # formgrader and the feedback show this notebook: no student HTML runs there
        for cell in self.nb.cells:
            if cell.cell_type in ("markdown", "raw"):
                cell.source = escape.sanitize_html_tags(cell.source)
        return self.nb, self.resources

    # -- the kernel ------------------------------------------------------------------------------

    def create_kernel_manager(self):
        """A kernel manager whose kernel runs in the sandbox, with its own socket folder (or a plain one)."""
        from jupyter_client.manager import AsyncKernelManager

        if not self.sandbox:
            return super().create_kernel_manager()
        self._run_dir = Path(tempfile.mkdtemp(prefix="course-kernel-"))
        sockets, connection = self._run_dir / "sockets", self._run_dir / "connection" / "kernel.json"
        sockets.mkdir(mode=0o777)
        connection.parent.mkdir(mode=0o755)
        os.chmod(sockets, 0o777)  # the kernel runs as another user where bubblewrap maps ids
        km = AsyncKernelManager(config=self.config)
        km.transport, km.ip, km.connection_file = "ipc", str(sockets / "kernel"), str(connection)
        km.kernel_name = "course-sandbox"
        km._kernel_spec = KernelSpec(argv=sandbox.bwrap_argv(sockets, connection), display_name="grading sandbox",
                                     language="python", interrupt_mode="message", metadata={"debugger": False})
        return km

    def _start_kernel(self) -> None:
        try:
            self.km = self.create_kernel_manager()
            log = None
            if self._run_dir is not None:
                log = open(self._run_dir / "kernel.log", "ab")  # noqa: SIM115 - closed with the run folder
            self.start_new_kernel(stdout=log, stderr=log) if log else self.start_new_kernel()
            if self.km.connection_file:
                os.chmod(self.km.connection_file, 0o644)
            self.start_new_kernel_client()
            info = self.wait_for_reply(self.kc.kernel_info())
            remote.harden(self.kc)
            self.nb.metadata["language_info"] = info["content"]["language_info"]
            pid = getattr(getattr(self.km, "provisioner", None), "pid", None)
            if pid:
                sockets = self._run_dir / "sockets" if self._run_dir else None
                self._watchdog = limits.Watchdog(pid, sockets, memory_bytes=self.memory_bytes,
                                                 overhead=2 if self.sandbox else 0)
                self._watchdog.start()
            self._link = remote.KernelLink(run_sync(self.km.get_connection_info)() if _is_coroutine(
                self.km.get_connection_info) else self.km.get_connection_info(), self._interrupt, self._alive)
            self._link.install()
        except (remote.KernelLost, TimeoutError, RuntimeError, OSError) as err:
            raise GradingInterrupted(f"the grading kernel could not start: {err}") from err
        self._ran = []

    def _interrupt(self) -> None:
        run_sync(self.km.interrupt_kernel)()

    def _alive(self) -> bool:
        try:
            return bool(run_sync(self.km.is_alive)())
        except Exception:  # noqa: BLE001
            return False

    def _stop_kernel(self) -> None:
        if self._watchdog is not None:
            self._watchdog.stop()
            for key in ("peak_bytes", "peak_tasks", "peak_processes", "peak_data"):
                self._report[key] = max(self._report[key], getattr(self._watchdog, key))
        if self._link is not None:
            self._link.close()
            self._link = None
        try:
            if self.km is not None:
                self._cleanup_kernel()
        except Exception:  # noqa: BLE001 - a kernel that is gone already
            pass
        self.km, self.kc = None, None
        if self._watchdog is not None:
            limits.wait_gone(self._watchdog.pid)
            self._watchdog = None
        if self._run_dir is not None:
            shutil.rmtree(self._run_dir, ignore_errors=True)
            self._run_dir = None

    def _lose_kernel(self, cell: NotebookNode, index: int, reason: str) -> None:
        """The student's cell cost its kernel: say so in the cell and the report, and go on in a new kernel."""
        self._report["notes"].append(f"cell {index + 1}: {reason}; the cells after it were graded in a new kernel")
        cell.outputs.append(_error("KernelDied", f"{reason}; the grader went on without it"))
        self._restart(index)

    def _stop_kernel_now(self) -> None:
        """Kill the kernel (its messages can no longer be trusted to make sense)."""
        if self._watchdog is not None:
            self._watchdog.kill()

    def _over_limit(self) -> bool:
        """Sample the kernel once more now: a cell that left it over a limit is that cell's doing; kill it."""
        if self._watchdog is None or self._watchdog.reason:
            return bool(self._watchdog and self._watchdog.reason)
        reason = self._watchdog.sample()
        if reason:
            self._watchdog.reason = reason
            self._watchdog.kill()
        return bool(reason)

    def _death(self) -> str:
        """Why the kernel died: the watchdog's reason, or that it ended."""
        reason = self._watchdog.reason if self._watchdog is not None else ""
        return f"the grader stopped the kernel: {reason}" if reason else "the kernel died"

    def _restart(self, failed: int) -> None:
        """Start a new kernel and run again every cell the last one had run (the failed cell excluded).

        The student's code ended (or overran) its kernel: after :data:`MAX_RESTARTS` new
        kernels, the rest of the notebook is not run, and its tests fail saying why.
        """
        self._report["restarts"] += 1
        ran = [i for i in self._ran if i != failed]
        self._stop_kernel()
        if self._report["restarts"] > MAX_RESTARTS:
            self._gave_up = f"the student's code ended its kernel {self._report['restarts']} times"
            self._report["notes"].append(f"not graded past cell {failed + 1}: {self._gave_up}")
            return
        self._start_kernel()
        for index in ran:
            cell = self.nb.cells[index]
            copy = NotebookNode(cell_type="code", source=cell.source, metadata=cell.metadata, outputs=[],
                                execution_count=None, id=cell.get("id", ""))
            try:
                self._execute(copy, index, setup=_meta(cell).get("grade_id") == self.setup_id, replay=True)
            except DeadKernelError:
                self._report["restarts"] += 1
                self._gave_up = f"the kernel died again while cell {index + 1} ran anew"
                self._report["notes"].append(f"not graded past cell {failed + 1}: {self._gave_up}")
                self._stop_kernel()
                return
            if time.monotonic() > self._deadline:
                return

    # -- cells -----------------------------------------------------------------------------------

    def _cell(self, cell: NotebookNode, index: int) -> None:
        if self._gave_up:
            cell.outputs = [_error("KernelDied", f"not run: {self._gave_up}")]
            return
        if time.monotonic() > self._deadline:
            cell.outputs = [_error("TimeoutError", f"not run: the notebook's grading took longer than "
                                                   f"{self.notebook_timeout} s in all")]
            return
        if is_test(cell):
            self._test(cell, index)
            return
        setup = _meta(cell).get("grade_id") == self.setup_id
        # The set-up cell fails by the grader's fault (load, a broken machine) unless the
        # student's own cells ran before it and could have broken it.
        setup = setup and not self._ran
        try:
            self._execute(cell, index, setup=_meta(cell).get("grade_id") == self.setup_id)
        except (DeadKernelError, CellTimeoutError, remote.KernelLost):
            if setup:
                raise GradingInterrupted(f"the kernel died in the set-up cell ({self._death()})")
            self._lose_kernel(cell, index, f"{self._death()} while it ran this cell")
            return
        except Exception as err:  # noqa: BLE001 - a message the client could not read: the kernel's doing
            if setup:
                raise GradingInterrupted(f"the set-up cell failed to run: {type(err).__name__}: {err}") from err
            self._stop_kernel_now()
            self._lose_kernel(cell, index, "the kernel sent a message the grader could not read "
                                           f"({type(err).__name__})")
            return
        if self._over_limit():
            if setup:
                raise GradingInterrupted(f"the set-up cell went over a limit ({self._death()})")
            self._lose_kernel(cell, index, f"{self._death()} after it ran this cell")
            return
        if setup and any(o.get("ename") == "CellTimeoutError" for o in cell.get("outputs", [])):
            raise GradingInterrupted(f"the set-up cell took longer than {self.setup_timeout} s")
        if setup and any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
            error = next(o for o in cell.outputs if o.get("output_type") == "error")
            raise GradingInterrupted(f"the set-up cell failed: {error.get('ename')}: {error.get('evalue')}")
        self._ran.append(index)

    def _execute(self, cell: NotebookNode, index: int, setup: bool = False, replay: bool = False) -> None:
        timeout = self.timeout
        self.timeout = self.setup_timeout if setup else self.timeout
        try:
            self.execute_cell(cell, index, store_history=True)
        finally:
            self.timeout = timeout
        if replay:
            self._ran.append(index)

    def _test(self, cell: NotebookNode, index: int) -> None:
        trusted = [n for n, i in enumerate(self._ran) if _meta(self.nb.cells[i]).get("grade_id") == self.setup_id]
        student = StudentCode([self.nb.cells[i].source for i in self._ran], self._judge.namespace, trusted)
        try:
            verdict = self._judge.run(cell.source, self._link, student, self.test_timeout)
        except remote.KernelLost as err:
            reason = self._death() if not self._alive() else str(err)
            self._report["notes"].append(f"{_meta(cell).get('grade_id')}: {reason} during the test")
            cell.outputs = [_error("KernelDied", f"{reason} while your code was being tested; the grader went on "
                                                 "in a new kernel")]
            self._restart(-1)
            return
        if self._over_limit():
            reason = self._death()
            self._report["notes"].append(f"{_meta(cell).get('grade_id')}: {reason} during the test")
            verdict.passed, verdict.ename = False, "KernelDied"
            verdict.evalue = f"{reason} while your code was being tested; the grader went on in a new kernel"
            cell.outputs = verdict.outputs()
            self._restart(-1)
            return
        cell.outputs = verdict.outputs()
        cell.execution_count = None


def _is_coroutine(func: Any) -> bool:
    import inspect

    return inspect.iscoroutinefunction(func)
