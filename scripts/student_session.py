"""A student's session on the hub, measured: run a chapter, then press Validate beside it.

On the hub a student's memory holds, at once: their single-user server, the kernel of the
chapter they have run (full training), and, while Validate runs, the second kernel that
nbgrader's validator starts beside it to run the whole notebook again (with
``NBGRADER_EXECUTION`` set, so training is short). The hub's student memory limit
(``STUDENT_MEM_LIMIT`` in deploy/jupyterhub_config.py, docs/instructor/hub.md) must hold that
sum with a margin. :func:`measure_session` measures it for one notebook:

1. a kernel runs the notebook top to bottom, as the student does; the set-up cell's seconds
   are read from the cell's own timing (it imports both frameworks: the student's first wait);
2. with that kernel still alive, ``nbgrader validate`` runs on a copy of the notebook in a
   child process (the validator and its kernel; in the hub the validator runs inside the
   server, so its Python stands for what the server grows by);
3. a thread samples every 0.1 s the resident memory of the student's kernel plus the
   validate process tree; the peak of that sum is the session's peak, less the server's own
   memory, which tests/test_hub.py and tests/test_hub_walk.py measure on the real hub.

Resident sizes are added up process by process, so libraries both kernels map are counted
twice: the sum is an upper bound of what a cgroup charges.  Used by scripts/bench.py
(``make bench``); ``python scripts/student_session.py NOTEBOOK`` measures one notebook.
"""

from __future__ import annotations

import datetime
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

from course_utils.claims import STRICT_ENV

MIB = 2**20
SAMPLE_S = 0.1


def tree_rss(process: psutil.Process) -> int:
    """Resident bytes of ``process`` and all its descendants (0 once it has exited)."""
    try:
        family = [process, *process.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    total = 0
    for member in family:
        try:
            total += member.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total


class PeakSampler:
    """Samples a sum of processes' resident memory in a thread; ``peak`` is the largest sum seen."""

    def __init__(self, *processes: psutil.Process) -> None:
        self.processes = list(processes)
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, sum(tree_rss(p) for p in list(self.processes)))
            self._stop.wait(SAMPLE_S)

    def __enter__(self) -> PeakSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _cell_seconds(cell: dict) -> float:
    """Seconds a cell ran, from the timing nbclient records (``record_timing``)."""
    timing = cell["metadata"]["execution"]

    def at(key: str) -> datetime.datetime:
        return datetime.datetime.fromisoformat(timing[key].replace("Z", "+00:00"))

    return (at("shell.execute_reply") - at("iopub.execute_input")).total_seconds()


def kernel_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of the student's kernel: ``env`` (default: this process's) without
    ``NBGRADER_EXECUTION`` (the student's own run trains in full), with strict claims, so that a
    false claim() fails the run as in the book build (nbgrader validate's kernel never raises)."""
    env = dict(os.environ if env is None else env)
    env.pop("NBGRADER_EXECUTION", None)
    env[STRICT_ENV] = "1"
    return env


def measure_session(notebook: Path, env: dict[str, str] | None = None) -> dict[str, float]:
    """Run ``notebook`` in a kernel, then ``nbgrader validate`` beside it; return the figures in MiB/s.

    Keys: ``setup_s`` (the set-up cell), ``run_s`` (the whole notebook), ``kernel_mib`` (the
    student's kernel after the run), ``validate_s`` and ``peak_mib`` (the student's kernel plus
    the validator and its kernel, at the largest sum sampled while Validate ran).
    """
    import nbclient
    import nbformat

    notebook = notebook.resolve()
    env = kernel_env(env)
    nb = nbformat.read(notebook, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=600, kernel_name="python3", record_timing=True,
                                     resources={"metadata": {"path": str(notebook.parent)}})
    with tempfile.TemporaryDirectory() as tmp, client.setup_kernel(env=env):
        start = time.perf_counter()
        for index, cell in enumerate(nb.cells):
            client.execute_cell(cell, index)
        run_s = time.perf_counter() - start
        setup_s = _cell_seconds(next(cell for cell in nb.cells if cell.cell_type == "code"))
        kernel = psutil.Process(client.km.provisioner.process.pid)
        kernel_mib = kernel.memory_info().rss / MIB
        copy = Path(tmp) / notebook.name
        shutil.copy(notebook, copy)
        start = time.perf_counter()
        validator = subprocess.Popen([sys.executable, "-m", "nbgrader", "validate", str(copy)], cwd=tmp, env=env,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        with PeakSampler(kernel, psutil.Process(validator.pid)) as sampler:
            output, _ = validator.communicate()
        validate_s = time.perf_counter() - start
        if validator.returncode != 0 or "Success!" not in output:
            raise RuntimeError(f"nbgrader validate failed on {notebook.name}:\n{output[-2000:]}")
    return {"setup_s": setup_s, "run_s": run_s, "kernel_mib": kernel_mib, "validate_s": validate_s,
            "peak_mib": sampler.peak / MIB}


if __name__ == "__main__":
    for path in sys.argv[1:]:
        print(json.dumps({"notebook": path, **measure_session(Path(path))}), flush=True)
