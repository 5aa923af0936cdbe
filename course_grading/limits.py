"""Per-student limits of a grading kernel, and the watchdog that enforces them from outside.

Inside the sandbox, :mod:`course_grading.kernel` sets hard resource limits on itself before
the student's code runs (no core files, no file over :data:`MAX_FILE_BYTES`, at most
:data:`DATA_BYTES` of private memory per process, :data:`MAX_OPEN_FILES` open files).
Outside it, a :class:`Watchdog` thread of the grader samples the kernel's whole process tree
every :data:`INTERVAL` seconds and stops the sandbox when

* the resident memory of all its processes together (shared pages counted once, and the
  in-memory files they hold) passes :data:`MEMORY_BYTES`;
* it holds more than :data:`MAX_TASKS` threads or :data:`MAX_PROCESSES` processes;
* the folder of its sockets (the one folder it can write to on the grader's disk) holds
  anything but a few sockets.

The limits come from the chapters' measured peaks (docs/instructor/grading.md, "Limits"):
a graded Chapter 1-6 kernel peaks at 0.9-1.3 GiB resident with 20-40 threads on two cores.
"""

from __future__ import annotations

import os
import signal
import stat
import threading
import time
from pathlib import Path

GIB = 2**30
#: Resident memory of a kernel's processes together (the watchdog's limit).
MEMORY_BYTES = int(3 * GIB)
#: Private (data) memory of each process (RLIMIT_DATA, set by the kernel on itself).
DATA_BYTES = int(4 * GIB)
#: Threads of all the kernel's processes together, and processes.
MAX_TASKS = 512
MAX_PROCESSES = 16
#: Largest file the kernel may write, and how many files it may hold open.
MAX_FILE_BYTES = 256 * 2**20
MAX_OPEN_FILES = 1024
#: Entries (sockets) the socket folder may hold, and the largest regular file in it.
MAX_SOCKET_ENTRIES = 16
#: Seconds between two samples.
INTERVAL = 0.05


def _children(pid: int) -> list[int]:
    found = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as handle:
                    found += [int(p) for p in handle.read().split()]
            except OSError:
                continue
    except OSError:
        pass
    return found


def process_tree(pid: int) -> list[int]:
    """``pid`` and every process below it."""
    tree, todo = [], [pid]
    while todo and len(tree) < 100_000:
        current = todo.pop()
        tree.append(current)
        todo += _children(current)
    return tree


def _status(pid: int) -> tuple[int, int, int]:
    """(resident bytes, threads, private data bytes) of one process; zeros when it is gone."""
    rss = threads = data = 0
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1]) * 1024
                elif line.startswith("VmData:"):
                    data = int(line.split()[1]) * 1024
                elif line.startswith("Threads:"):
                    threads = int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return rss, threads, data


def _pss(pid: int) -> int | None:
    """Proportional resident bytes of one process (shared pages divided among their users), if readable."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii", errors="replace") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def _memfds(pid: int, seen: set) -> int:
    """Bytes of the in-memory files (``memfd_create``) a process holds open and ``seen`` has not counted yet."""
    total = 0
    try:
        fds = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return 0
    for fd in fds:
        try:
            if not os.readlink(f"/proc/{pid}/fd/{fd}").startswith("/memfd:"):
                continue
            info = os.stat(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if (info.st_dev, info.st_ino) not in seen:
            seen.add((info.st_dev, info.st_ino))
            total += info.st_size
    return total


class Watchdog(threading.Thread):
    """Sample a sandboxed kernel (``pid``: the process the grader started) and kill it past a limit.

    ``overhead`` processes at the top of the tree are the sandbox's own (bubblewrap's two).
    ``reason`` says why it was killed (empty while it was not); ``peak_bytes``, ``peak_tasks``,
    ``peak_processes`` and ``peak_data`` (one process's private memory) are the largest values seen.
    """

    def __init__(self, pid: int, socket_dir: Path | None = None, memory_bytes: int = MEMORY_BYTES,
                 max_tasks: int = MAX_TASKS, max_processes: int = MAX_PROCESSES, overhead: int = 0) -> None:
        super().__init__(daemon=True, name=f"course-watchdog-{pid}")
        self.pid, self.socket_dir, self.overhead = pid, socket_dir, overhead
        self.memory_bytes, self.max_tasks, self.max_processes = memory_bytes, max_tasks, max_processes
        self.reason = ""
        self.peak_bytes = self.peak_tasks = self.peak_processes = self.peak_data = 0
        self._stop_event = threading.Event()

    def stop(self) -> None:
        """End the sampling (the kernel is being shut down)."""
        self._stop_event.set()

    def run(self) -> None:  # noqa: D102
        while not self._stop_event.wait(INTERVAL):
            reason = self.sample()
            if reason:
                self.reason = reason
                self.kill()
                return
            if not os.path.exists(f"/proc/{self.pid}"):
                return

    def sample(self) -> str:
        """One look at the kernel; the reason to stop it, or an empty string."""
        pids = process_tree(self.pid)
        processes = len(pids) - self.overhead  # bubblewrap's own processes do not count
        rss = tasks = 0
        memfds: set = set()
        for pid in pids:
            r, t, d = _status(pid)
            if processes > 1:  # forks share their pages: count each page once, in proportion
                r = _pss(pid) or r
            rss += r + _memfds(pid, memfds)
            tasks, self.peak_data = tasks + t, max(self.peak_data, d)
        self.peak_bytes, self.peak_tasks = max(self.peak_bytes, rss), max(self.peak_tasks, tasks)
        self.peak_processes = max(self.peak_processes, processes)
        if rss > self.memory_bytes:
            return f"it used more than {self.memory_bytes / GIB:.1f} GiB of memory ({rss / GIB:.2f} GiB)"
        if processes > self.max_processes:
            return f"it started more than {self.max_processes} processes"
        if tasks > self.max_tasks:
            return f"it ran more than {self.max_tasks} threads"
        return self._sockets_problem()

    def _sockets_problem(self) -> str:
        if self.socket_dir is None:
            return ""
        try:
            entries = list(os.scandir(self.socket_dir))
        except OSError:
            return ""
        if len(entries) > MAX_SOCKET_ENTRIES:
            return "it wrote files into the grader's socket folder"
        for entry in entries:
            try:
                mode = entry.stat(follow_symlinks=False).st_mode
            except OSError:
                continue
            if not stat.S_ISSOCK(mode):
                return "it wrote into the grader's socket folder"
        return ""

    def kill(self) -> None:
        """Kill the sandbox: its first process; bubblewrap takes the rest with it."""
        for pid in reversed(process_tree(self.pid)):
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass


def wait_gone(pid: int, seconds: float = 5.0) -> None:
    """Wait until ``pid`` has exited (used after a kill)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end and os.path.exists(f"/proc/{pid}"):
        time.sleep(0.02)
