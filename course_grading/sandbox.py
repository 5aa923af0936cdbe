"""Run a student's kernel in a bubblewrap sandbox while nbgrader grades the notebook.

nbgrader runs the notebook's code in a Jupyter kernel, a child process of ``nbgrader
autograde``. The grading command (:mod:`course_grading.autograde`) gives nbgrader a kernel
spec whose command starts that kernel inside ``bwrap`` (Debian package ``bubblewrap``):

* the kernel sees, read-only (the sandbox's root itself is read-only), only the Python installation, the system libraries, a few
  files of ``/etc``, and the ``course_utils`` package with the course data;
* it can write only to the student's own folder under ``autograded/`` and to a private
  ``/tmp``: not the gradebook, not ``source/`` or ``solutions/`` (the hidden tests), not
  other students' folders, not the course code or the installed packages;
* it has no network (a new, empty network namespace), its own process and IPC namespaces,
  runs as ``nobody`` and dies with the grader;
* nbgrader talks to it over Unix sockets in a folder shared for that purpose (TCP would
  need the host's network namespace).

The kernel spec's command, :func:`launch`, runs outside the sandbox in the folder nbgrader
starts the kernel in (the student's ``autograded/<student>/<assignment>/``) and turns itself
into ``bwrap`` with that folder as the writable one, so one nbgrader process can grade many
students, each kernel in its own sandbox.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

#: The kernel name given to ``nbgrader autograde --Execute.kernel_name``.
KERNEL_NAME = "course-sandbox"

#: Files of ``/etc`` that Python, NumPy, PyTorch and TensorFlow read at start-up.
ETC_FILES = ["ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "passwd", "group",
             "nsswitch.conf", "hosts", "fonts", "ssl/certs", "mime.types"]

#: Kernel limits: no core files; no single file larger than this (a runaway writer).
MAX_FILE_BYTES = 256 * 2**20

#: Where the grading command's matplotlib font cache is (see :func:`build_font_cache`).
FONT_CACHE_ENV = "COURSE_SANDBOX_FONT_CACHE"
#: The kernel's matplotlib configuration folder, on its private ``/tmp``.
KERNEL_MPLCONFIGDIR = "/tmp/matplotlib"


class SandboxUnavailable(RuntimeError):
    """bubblewrap is missing or cannot create namespaces on this machine."""


def bwrap_path() -> str:
    """Return the path of ``bwrap``, or raise :class:`SandboxUnavailable` saying how to install it."""
    path = shutil.which("bwrap")
    if path is None:
        raise SandboxUnavailable("bubblewrap (`bwrap`) is not installed: `sudo apt-get install bubblewrap` "
                                 "(Debian/Ubuntu) or `dnf install bubblewrap`; see the instructor guide")
    return path


def readable_roots() -> list[Path]:
    """Folders the kernel needs to read: Python, its packages, the course packages and the data."""
    roots = {Path(sys.prefix), Path(sys.base_prefix), Path(sys.executable).resolve().parent.parent}
    for name in ["course_utils", "course_grading"]:
        spec = importlib.util.find_spec(name)
        if spec is None or not spec.submodule_search_locations:
            raise SandboxUnavailable(f"{name} is not installed in this environment")
        roots.add(Path(next(iter(spec.submodule_search_locations))).resolve())
    from course_utils.data import data_dir

    data = data_dir().resolve()
    if data.is_dir():
        roots.add(data)
    # /usr holds the system libraries; a Python under /usr is then already covered.
    return sorted(r for r in roots if r.exists() and not _inside(r, Path("/usr")))


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def build_font_cache(folder: Path, python: str = sys.executable) -> Path | None:
    """Build matplotlib's font cache in ``folder`` once; return the cache file (None if it failed).

    Every grading kernel starts with an empty ``/tmp``, where matplotlib would otherwise scan
    the fonts again when ``pyplot`` is imported; :func:`bwrap_argv` puts this file, read-only,
    into the kernel's configuration folder when ``$COURSE_SANDBOX_FONT_CACHE`` names it.
    """
    folder.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "MPLCONFIGDIR": str(folder), "MPLBACKEND": "agg"}
    proc = subprocess.run([python, "-c", "import matplotlib.font_manager"], capture_output=True, env=env,
                          timeout=300)
    caches = sorted(folder.glob("fontlist-*.json"))
    return caches[-1] if proc.returncode == 0 and caches else None


def bwrap_argv(notebook_dir: Path, socket_dir: Path, python: str = sys.executable) -> list[str]:
    """The command line that starts an IPython kernel for ``notebook_dir`` in the sandbox.

    ``{connection_file}`` is left for Jupyter to fill in; the connection file and the kernel's
    sockets live in ``socket_dir``. A font cache named by ``$COURSE_SANDBOX_FONT_CACHE`` is
    mounted read-only in the kernel's matplotlib folder.
    """
    notebook_dir, socket_dir = notebook_dir.resolve(), socket_dir.resolve()
    argv = [bwrap_path(), "--die-with-parent", "--new-session", "--unshare-all",
            "--uid", "65534", "--gid", "65534", "--hostname", "grader",
            "--ro-bind", "/usr", "/usr", "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]
    for name in ["bin", "lib", "lib64", "sbin"]:
        top = Path("/") / name
        if top.is_symlink():
            argv += ["--symlink", os.readlink(top), str(top)]
        elif top.is_dir():
            argv += ["--ro-bind", str(top), str(top)]
    for name in ETC_FILES:
        argv += ["--ro-bind-try", f"/etc/{name}", f"/etc/{name}"]
    for root in readable_roots():
        argv += ["--ro-bind", str(root), str(root)]
    argv += ["--bind", str(socket_dir), str(socket_dir), "--bind", str(notebook_dir), str(notebook_dir)]
    font_cache = os.environ.get(FONT_CACHE_ENV)
    if font_cache and Path(font_cache).is_file():
        argv += ["--ro-bind", font_cache, f"{KERNEL_MPLCONFIGDIR}/{Path(font_cache).name}"]
    argv += ["--remount-ro", "/", "--chdir", str(notebook_dir), "--clearenv"]
    env = {"HOME": "/tmp", "PATH": f"{Path(python).parent}:/usr/bin:/bin", "LANG": "C.UTF-8",
           "MPLCONFIGDIR": KERNEL_MPLCONFIGDIR, "KERAS_HOME": "/tmp/keras", "IPYTHONDIR": "/tmp/ipython",
           "JUPYTER_CONFIG_DIR": "/tmp/jupyter", "JUPYTER_DATA_DIR": "/tmp/jupyter",
           "JUPYTER_RUNTIME_DIR": str(socket_dir), "MPLBACKEND": "agg", "TF_CPP_MIN_LOG_LEVEL": "2",
           "NBGRADER_EXECUTION": "autograde", "PYTHONDONTWRITEBYTECODE": "1"}
    if os.environ.get("COURSE_DATA_DIR"):
        env["COURSE_DATA_DIR"] = os.environ["COURSE_DATA_DIR"]
    for key, value in env.items():
        argv += ["--setenv", key, value]
    return argv + ["--", python, "-m", "course_grading.kernel", "-f", "{connection_file}"]


def write_kernelspec(jupyter_path: Path) -> Path:
    """Write the sandboxed kernel spec under ``jupyter_path/kernels/``; return its folder.

    Its command is :func:`launch`, outside the sandbox, which starts ``bwrap`` for the folder
    Jupyter starts the kernel in. Point ``JUPYTER_PATH`` at ``jupyter_path``, set
    ``COURSE_SANDBOX_ROOT`` to the folder every graded notebook lives under (``autograded/``),
    and give nbgrader ``Execute.kernel_name`` = :data:`KERNEL_NAME` and an ipc transport.
    """
    folder = jupyter_path / "kernels" / KERNEL_NAME
    folder.mkdir(parents=True, exist_ok=True)
    spec = {"argv": [sys.executable, "-m", "course_grading.sandbox", "-f", "{connection_file}"],
            "display_name": "Python 3 (grading sandbox)", "language": "python", "interrupt_mode": "message",
            "metadata": {"debugger": False}}
    (folder / "kernel.json").write_text(json.dumps(spec, indent=1), encoding="utf-8")
    return folder


def launch(args: list[str]) -> None:
    """Replace this process by the sandboxed kernel for the current folder (the kernel spec's command).

    ``args`` are the kernel's arguments, ``-f CONNECTION_FILE`` first; the sockets live beside
    the connection file. The current folder must be inside ``$COURSE_SANDBOX_ROOT``: the one
    folder the kernel may write to is the notebook's own.
    """
    if len(args) < 2 or args[0] != "-f":
        raise SystemExit("usage: python -m course_grading.sandbox -f CONNECTION_FILE [kernel arguments]")
    here = Path.cwd().resolve()
    root = os.environ.get("COURSE_SANDBOX_ROOT")
    if not root or not _inside(here, Path(root).resolve()) or here == Path(root).resolve():
        raise SystemExit(f"refusing to start a grading kernel in {here}: not a folder under "
                         f"$COURSE_SANDBOX_ROOT ({root})")
    connection = Path(args[1]).resolve()
    argv = [a.replace("{connection_file}", str(connection)) for a in bwrap_argv(here, connection.parent)]
    # The kernel's own start-up messages (and bwrap's errors) go to a log beside the sockets,
    # not to the grader's terminal; what the notebook prints still reaches its cells.
    log = os.open(connection.with_suffix(".log"), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.dup2(log, 1)
    os.dup2(log, 2)
    os.execv(argv[0], argv + args[2:])


def check_sandbox() -> None:
    """Start a trivial process in the sandbox; raise :class:`SandboxUnavailable` with bwrap's message."""
    probe = Path(os.environ.get("TMPDIR", "/tmp"))
    argv = bwrap_argv(probe, probe)
    argv = argv[: argv.index("--")] + ["--", sys.executable, "-c", "print('ok')"]
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    if proc.returncode != 0 or proc.stdout.strip() != "ok":
        raise SandboxUnavailable(f"bubblewrap cannot start a sandbox here: {proc.stderr.strip()[-500:]} "
                                 "(it needs unprivileged user namespaces, or root)")


if __name__ == "__main__":
    launch(sys.argv[1:])
