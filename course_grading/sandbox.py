"""Run a student's kernel in a bubblewrap sandbox while the grader tests it.

The grader (:class:`course_grading.execute.TrustedExecute`) starts each student's kernel with
the command :func:`bwrap_argv` builds (Debian package ``bubblewrap``):

* the kernel sees, read-only (the sandbox's root itself is read-only), only the Python
  installation, the system libraries, a few files of ``/etc``, and the ``course_utils`` and
  ``course_grading`` packages with the course data; no course folder at all: not the
  gradebook, not ``source/`` or ``solutions/``, not ``autograded/`` or ``feedback/``, no
  other student;
* it can write only to three small in-memory folders of its own (``/tmp`` and its working
  folder ``/home/student``, 512 MiB each, ``/dev/shm``, 64 MiB) and to the folder of its
  sockets, which the grader created for this kernel alone and watches
  (:mod:`course_grading.limits`); its connection file is mounted read-only, and no kernel
  spec, launcher or configuration the grader reads lives anywhere it can write;
* it has no network (a new, empty network namespace), its own process and IPC namespaces,
  runs as ``nobody``, dies with the grader, and starts with hard resource limits
  (:mod:`course_grading.kernel`);
* the grader talks to it over Unix sockets in that folder (TCP would need the host's
  network namespace) and never reconnects to a socket once connected.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

#: Files of ``/etc`` that Python, NumPy, PyTorch and TensorFlow read at start-up.
ETC_FILES = ["ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "passwd", "group",
             "nsswitch.conf", "hosts", "fonts", "ssl/certs", "mime.types"]

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


#: The kernel's working folder inside the sandbox (in memory), and the size of it and of ``/tmp``.
HOME = "/home/student"
TMPFS_BYTES = 512 * 2**20
#: ``/dev/shm`` (shared memory: what is written there is held in memory, outside any process).
SHM_BYTES = 64 * 2**20


#: This Python, by a path the sandbox can follow (``tests/../.venv/bin/python`` would pass through a
#: folder the sandbox does not have); not resolved through links, which would lose the virtual environment.
PYTHON = os.path.normpath(os.path.abspath(sys.executable))


def _no_more_namespaces() -> list[str]:
    """``--disable-userns`` where this bubblewrap has it (0.8 and later): no namespaces made inside."""
    try:
        helptext = subprocess.run([bwrap_path(), "--help"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return ["--unshare-user", "--disable-userns"] if "--disable-userns" in helptext else []


def bwrap_argv(socket_dir: Path, connection_file: Path, python: str = PYTHON) -> list[str]:
    """The command line that starts an IPython kernel in the sandbox.

    ``{connection_file}`` is left for Jupyter to fill in. ``connection_file`` (written by the
    grader) is mounted read-only; ``socket_dir`` (created by the grader for this kernel
    only) is the one folder of the host the kernel can write to. A font cache named by
    ``$COURSE_SANDBOX_FONT_CACHE`` is mounted read-only in the kernel's matplotlib folder.
    """
    socket_dir, connection_file = socket_dir.resolve(), connection_file.resolve()
    size = str(TMPFS_BYTES)
    argv = [bwrap_path(), "--die-with-parent", "--new-session", "--unshare-all", *_no_more_namespaces(),
            "--uid", "65534", "--gid", "65534", "--hostname", "grader",
            "--ro-bind", "/usr", "/usr", "--proc", "/proc", "--dev", "/dev",
            "--size", str(SHM_BYTES), "--tmpfs", "/dev/shm",  # bubblewrap's own /dev/shm has no size limit
            "--size", size, "--tmpfs", "/tmp", "--size", size, "--tmpfs", "/home"]
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
    argv += ["--bind", str(socket_dir), str(socket_dir), "--ro-bind", str(connection_file), str(connection_file)]
    font_cache = os.environ.get(FONT_CACHE_ENV)
    if font_cache and Path(font_cache).is_file():
        argv += ["--ro-bind", font_cache, f"{KERNEL_MPLCONFIGDIR}/{Path(font_cache).name}"]
    argv += ["--dir", HOME, "--remount-ro", "/", "--remount-ro", "/dev", "--chdir", HOME, "--clearenv"]
    env = {"HOME": HOME, "PATH": f"{Path(python).parent}:/usr/bin:/bin", "LANG": "C.UTF-8",
           "MPLCONFIGDIR": KERNEL_MPLCONFIGDIR, "KERAS_HOME": "/tmp/keras", "IPYTHONDIR": "/tmp/ipython",
           "JUPYTER_CONFIG_DIR": "/tmp/jupyter", "JUPYTER_DATA_DIR": "/tmp/jupyter",
           "JUPYTER_RUNTIME_DIR": "/tmp/jupyter-runtime", "MPLBACKEND": "agg", "TF_CPP_MIN_LOG_LEVEL": "2",
           "NBGRADER_EXECUTION": "autograde", "PYTHONDONTWRITEBYTECODE": "1", "CUDA_VISIBLE_DEVICES": ""}
    if os.environ.get("COURSE_DATA_DIR"):
        env["COURSE_DATA_DIR"] = os.environ["COURSE_DATA_DIR"]
    for key, value in env.items():
        argv += ["--setenv", key, value]
    return argv + ["--", python, "-m", "course_grading.kernel", "-f", "{connection_file}"]


def check_sandbox() -> None:
    """Start a trivial process in the sandbox; raise :class:`SandboxUnavailable` with bwrap's message."""
    with tempfile.TemporaryDirectory(prefix="course-sandbox-check-") as tmp:
        probe = Path(tmp)
        (probe / "kernel.json").write_text("{}", encoding="utf-8")
        argv = bwrap_argv(probe, probe / "kernel.json")
        argv = argv[: argv.index("--")] + ["--", PYTHON, "-c", "print('ok')"]
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    if proc.returncode != 0 or proc.stdout.strip() != "ok":
        raise SandboxUnavailable(f"bubblewrap cannot start a sandbox here: {proc.stderr.strip()[-500:]} "
                                 "(it needs unprivileged user namespaces, or root)")
