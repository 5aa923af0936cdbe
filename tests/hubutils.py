"""The course's JupyterHub in test mode, for the tests that run it: test_hub.py and test_hub_walk.py.

:func:`start_hub` starts ``deploy/run_hub.py`` (as ``make hub`` does) on loopback with free
ports and all state in a folder of the test's; :class:`Hub` waits for it, remembers every
process it starts (proxy, single-user servers, kernels), stops the servers and the hub the
way an administrator would, and afterwards kills and names whatever is left. The other
helpers time a test's phases and wait for conditions.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

import psutil
import pytest
import requests

from nbutils import ROOT

DEPLOY = ROOT / "deploy"
CHP = DEPLOY / "node_modules" / ".bin" / "configurable-http-proxy"
COURSE = "rnns-for-nlp"
CHAPTER = "01-rnn-anatomy"
NOTEBOOK = "rnn_anatomy.ipynb"
SOLUTION = ROOT / "solutions" / CHAPTER / NOTEBOOK


def free_ports(count: int) -> list[int]:
    """``count`` distinct TCP ports free on 127.0.0.1 right now."""
    sockets = [socket.socket() for _ in range(count)]
    for sock in sockets:
        sock.bind(("127.0.0.1", 0))
    ports = [sock.getsockname()[1] for sock in sockets]
    for sock in sockets:
        sock.close()
    return ports


def ensure_proxy() -> None:
    """Skip without Node.js and npm; install configurable-http-proxy (`npm ci --prefix deploy`) if missing."""
    if not (shutil.which("node") and shutil.which("npm")):
        pytest.skip("Node.js and npm are needed for configurable-http-proxy (JupyterHub's proxy); "
                    "install them, then `npm ci --prefix deploy`")
    if not CHP.exists():
        proc = subprocess.run(["npm", "ci", "--prefix", str(DEPLOY), "--no-audit", "--no-fund"],
                              capture_output=True, text=True, timeout=600)
        assert proc.returncode == 0 and CHP.exists(), f"npm ci --prefix deploy failed:\n{proc.stdout}\n{proc.stderr}"


class Phases:
    """Wall time per phase of a test, printed at the end with the total wall time."""

    def __init__(self, title: str = "hub workflow phases (wall time):") -> None:
        self.title = title
        self.start = time.perf_counter()
        self.times: list[tuple[str, float]] = []

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        yield
        self.times.append((name, time.perf_counter() - start))

    def total(self) -> float:
        """Seconds since the phases started."""
        return time.perf_counter() - self.start

    def report(self) -> str:
        """One line per phase and the total."""
        width = max([len(name) for name, _ in self.times] + [5])
        lines = [f"  {name:<{width}}  {seconds:6.1f} s" for name, seconds in self.times]
        return "\n".join([self.title, *lines, f"  {'total':<{width}}  {self.total():6.1f} s"])


def wait_for(condition: Callable[[], Any], timeout: float, what: str, log: Path | None = None) -> Any:
    """Poll ``condition`` every 0.2 s until it returns something true; fail with the log's tail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    tail = log.read_text(errors="replace")[-6000:] if log and log.exists() else ""
    pytest.fail(f"timed out after {timeout} s waiting for {what}\n{tail}")


def hub_up(url: str) -> bool:
    """Whether the hub at ``url`` answers its REST API."""
    try:
        return requests.get(f"{url}/hub/api/", timeout=2).ok
    except requests.ConnectionError:
        return False


def cmdline(proc: psutil.Process) -> list[str]:
    """A process's command line, or [] once it is gone."""
    try:
        return proc.cmdline()
    except psutil.Error:
        return []


def alive(proc: psutil.Process) -> bool:
    """Whether a process still runs (a zombie does not)."""
    try:
        return proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def server_process(processes: list[psutil.Process], user: str) -> psutil.Process:
    """The single-user server of ``user`` among ``processes``."""
    for proc in processes:
        try:
            if proc.environ().get("JUPYTERHUB_USER") == user and "singleuser" in " ".join(proc.cmdline()):
                return proc
        except psutil.Error:
            continue
    raise LookupError(f"no single-user server process for {user}")


class TreeMemory:
    """Peak memory of a process and all its descendants (kernels included), sampled in a background thread.

    Every ``period`` seconds the resident sizes (RSS) of the tree's processes are added up;
    every ``pss_every``-th sample also their proportional set sizes (PSS: a page that several
    processes share, a library that two kernels map, is divided among them), which is what a
    memory cgroup comes close to charging, and which costs the kernel more to compute. The
    peaks are kept overall and per ``phase`` (set by the test as it goes).
    """

    def __init__(self, root: psutil.Process, period: float = 0.1, pss_every: int = 5) -> None:
        self.root = root
        self.period = period
        self.pss_every = pss_every
        self.phase = ""
        self.peak_rss = 0
        self.peak_pss = 0
        self.peak_processes = 0
        self.by_phase: dict[str, tuple[int, int]] = {}  # phase -> (peak RSS, peak PSS), bytes
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True, name="tree-memory")

    def _family(self) -> list[psutil.Process]:
        try:
            return [self.root, *self.root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def sample(self, with_pss: bool = True) -> None:
        """Take one sample now."""
        rss = pss = 0
        family = self._family()
        for proc in family:
            try:
                if with_pss:
                    info = proc.memory_full_info()
                    rss, pss = rss + info.rss, pss + info.pss
                else:
                    rss += proc.memory_info().rss
            except psutil.Error:  # a process that just exited
                continue
        self.peak_rss = max(self.peak_rss, rss)
        self.peak_processes = max(self.peak_processes, len(family))
        old_rss, old_pss = self.by_phase.get(self.phase, (0, 0))
        self.by_phase[self.phase] = (max(old_rss, rss), max(old_pss, pss))
        if with_pss:
            self.peak_pss = max(self.peak_pss, pss)

    def _sample(self) -> None:
        count = 0
        while not self._stop.wait(self.period):
            self.sample(with_pss=count % self.pss_every == 0)
            count += 1

    def start(self) -> None:
        """Take a first sample and start sampling in the background."""
        self.sample()
        self._thread.start()

    def stop(self) -> None:
        """Stop sampling (again: nothing) and take a last sample."""
        if self._stop.is_set():
            return
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()
        self.sample()

    def __enter__(self) -> "TreeMemory":
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


@dataclass
class Hub:
    """A test-mode hub started by :func:`start_hub`, and every process it has been seen to start."""

    url: str
    state: Path
    process: subprocess.Popen
    log: Path
    admin: requests.Session
    started: list[psutil.Process] = field(default_factory=list)

    @property
    def api(self) -> str:
        """The hub's REST API."""
        return f"{self.url}/hub/api"

    @property
    def homes(self) -> Path:
        """The users' home folders (test mode: one per user under the state folder)."""
        return self.state / "home"

    @property
    def exchange(self) -> Path:
        """nbgrader's exchange (test mode: in the state folder)."""
        return self.state / "exchange"

    def remember(self) -> None:
        """Add the hub's descendants (proxy, single-user servers, kernels) not yet in ``started``."""
        try:
            found = psutil.Process(self.process.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return
        self.started += [p for p in found if p not in self.started]

    def wait_up(self, timeout: float = 60) -> None:
        """Wait until the hub answers; fail with its log if it exits first."""
        wait_for(lambda: self.process.poll() is not None or hub_up(self.url), timeout, "the hub", self.log)
        assert self.process.poll() is None, self.log.read_text(errors="replace")[-6000:]
        self.remember()  # the proxy

    def server(self, user: str) -> psutil.Process:
        """The single-user server process of ``user`` (started by now)."""
        self.remember()
        return server_process(self.started, user)

    def stop_servers(self, users: list[str], timeout: float = 60) -> None:
        """Stop the users' servers through the REST API and wait until their processes are gone."""
        self.remember()
        for user in users:
            response = self.admin.delete(f"{self.api}/users/{user}/server", timeout=60)
            assert response.status_code in (202, 204), (user, response.status_code, response.text)
        wait_for(lambda: not any(alive(p) for p in self.started if "singleuser" in " ".join(cmdline(p))), timeout,
                 "the single-user servers to stop", self.log)

    def stop(self, timeout: float = 60) -> None:
        """Stop the hub (SIGTERM, as Ctrl-C would) and wait until every process it started has exited."""
        self.remember()
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=timeout)
        wait_for(lambda: not any(alive(p) for p in self.started), 30, "every process the hub started to exit",
                 self.log)

    def cleanup(self) -> list[list[str]]:
        """After the test, passed or not: stop a hub still running, kill what is left; return their command lines."""
        if self.process.poll() is None:  # the test failed before its shutdown: stop the hub the same way
            self.remember()
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
            time.sleep(2)
        leftovers = [p for p in self.started if alive(p)]
        names = [cmdline(p) for p in leftovers]
        for proc in leftovers:
            try:
                proc.kill()
            except psutil.NoSuchProcess:
                pass
        return names


def start_hub(state: Path, env: dict[str, str], cwd: Path) -> Hub:
    """Start ``deploy/run_hub.py`` in test mode on free loopback ports, state in ``state``; do not wait.

    ``env`` must hold ``COURSE_HUB_ADMIN_TOKEN`` (the admin service's token, used by
    :attr:`Hub.admin`) and may name the users (``COURSE_INSTRUCTORS``, ``COURSE_STUDENTS``).
    The hub's output goes to ``cwd/hub.log``.
    """
    port, api_port, proxy_api_port = free_ports(3)
    log = cwd / "hub.log"
    with open(log, "w") as log_file:
        process = subprocess.Popen([sys.executable, str(DEPLOY / "run_hub.py"), "--state", str(state), "--port",
                                    str(port), "--api-port", str(api_port), "--proxy-api-port", str(proxy_api_port)],
                                   env=env, cwd=cwd, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True)
    admin = requests.Session()
    admin.headers["Authorization"] = f"token {env['COURSE_HUB_ADMIN_TOKEN']}"
    return Hub(f"http://127.0.0.1:{port}", state, process, log, admin)
