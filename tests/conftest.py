"""Shared test set-up: quiet, self-contained framework settings.

The environment variables are set at import time, before any test module
imports TensorFlow, Keras or Matplotlib, so that nothing writes to the home
folder and no window opens.
They also turn on strict claims (``COURSE_STRICT_CLAIMS``), so that a notebook whose
numbers no longer support a claim it prints fails its test.
"""

import atexit
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from course_utils import splits
from course_utils.claims import STRICT_ENV
from course_utils.data import DEFAULT_DATA_DIR
from course_utils.text import CharVocab, make_lm_windows
from nbutils import BIN, ROOT, quiet_env

_STATE_DIR = Path(tempfile.mkdtemp(prefix="course-tests-"))
atexit.register(shutil.rmtree, _STATE_DIR, ignore_errors=True)

for _var, _sub in [("KERAS_HOME", "keras"), ("IPYTHONDIR", "ipython"), ("JUPYTER_CONFIG_DIR", "jupyter-config"),
                   ("JUPYTER_DATA_DIR", "jupyter-data"), ("MPLCONFIGDIR", "matplotlib")]:
    (_STATE_DIR / _sub).mkdir()
    os.environ[_var] = str(_STATE_DIR / _sub)
os.environ["MPLBACKEND"] = "Agg"
os.environ["KERAS_BACKEND"] = "tensorflow"
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "2"
# A false claim() in a notebook fails the run (course_utils.claims): the book build, the nbmake
# runs of solutions/ and every kernel the tests start inherit it; nbgrader's kernels set
# NBGRADER_EXECUTION, under which a claim never raises.
os.environ["COURSE_STRICT_CLAIMS"] = "1"


@pytest.fixture(autouse=True)
def _fresh_test_split_reads():
    """Every test starts with no test split read (course_utils.splits counts reads per process)."""
    splits.reset_test_reads()


@pytest.fixture
def strict(monkeypatch):
    """Strict mode, as in the book build: a false claim or a second read of a test split raises."""
    monkeypatch.setenv(STRICT_ENV, "1")
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)


@pytest.fixture
def corrupt_data_copy(tmp_path):
    """A function ``name -> root``: a data folder under ``tmp_path`` holding the course's manifest
    and a copy of data file ``name`` with one bit flipped in its middle, so that its size still
    matches the manifest and its SHA-256 no longer does."""

    def make(name: str) -> Path:
        root = tmp_path / "data"
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(DEFAULT_DATA_DIR / "MANIFEST.json", root)
        raw = bytearray((DEFAULT_DATA_DIR / name).read_bytes())
        raw[len(raw) // 2] ^= 0x01  # one bit in the middle of the file
        (root / name).write_bytes(bytes(raw))
        return root

    return make


@pytest.fixture(scope="module")
def abc_data():
    """A vocabulary and next-character windows of "abcabc...", for tiny training runs."""
    text = "abc" * 200
    vocab = CharVocab.from_text(text)
    X, Y = make_lm_windows(vocab.encode(text), seq_len=12)
    return vocab, X, Y


def book_flags() -> list[str]:
    """The flags `make book` builds with (the Makefile's BOOK_FLAGS): warnings fail the build."""
    import re

    return re.search(r"^BOOK_FLAGS := (.*)$", (ROOT / "Makefile").read_text(), re.M).group(1).split()


def build_book(source: Path, state: Path, *args: str, timeout: int = 3600) -> subprocess.CompletedProcess:
    """`jupyter-book build` of ``source`` with `make book`'s flags and ``args``; framework state in ``state``.

    Not `nbutils.run`, which fails on a non-zero exit: with -W a warning makes the build exit 1
    after writing every page (--keep-going), and the callers check the log.
    """
    return subprocess.run([str(BIN / "jupyter-book"), "build", *book_flags(), *args, str(source)], cwd=source,
                          env=quiet_env(state), capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="session")
def book(tmp_path_factory):
    """Build the book once with `jupyter-book build --all` into a fresh folder.

    Returns (build, log): ``build`` is the ``_build`` folder, with the site in ``html/`` and
    every executed page in ``jupyter_execute/`` (see nbutils.executed). The build is the
    only run of the student notebooks: test_book checks the site and
    test_student_notebooks the executed notebooks. Under ``pytest -n`` those tests form
    one work unit (see work_unit below), so that they share one worker and one build.
    """
    tmp = tmp_path_factory.mktemp("book")
    # A warning does not stop the tests: test_book's test_build_has_no_warnings lists them.
    proc = build_book(ROOT, tmp, "--all", "--path-output", str(tmp))
    return tmp / "_build", proc.stdout + proc.stderr


# --- Run order and parallel work units ------------------------------------------------
#
# `make test` runs `pytest -n 2 --dist loadgroup` (pytest-xdist, two workers). A work unit
# runs on one worker, its tests one after the other:
#
# * "book": the book build (the session fixture above) and every test that reads it;
# * "chapter <name>": a chapter's autograde round trip and its solution notebook (nbmake);
# * every other test module, so that its module-scoped fixtures are built once;
# * a test marked xdist_group(name): the group name.
#
# The units are computed here from the test ids, in the controller process: the
# `xdist_group` marks alone do not group tests under pytest 9.2 with pytest-xdist 3.8
# (pytest-dev/pytest-xdist#1386). The expensive units come first (the book, then the
# chapters in order, then other slow tests), so that the small ones fill in at the end and
# no worker is left alone with a long one. The order is the same without xdist.

BOOK_MODULES = {"tests/test_book.py", "tests/test_student_notebooks.py", "tests/test_site_browser.py"}
CHAPTER_MODULES = {"tests/test_autograde.py", "tests/test_nbgrader_flow.py"}  # parametrized by chapter: test_x[<chapter>]


def work_unit(nodeid: str) -> str:
    """The work unit of a test id (see above)."""
    if nodeid.rfind("@") > nodeid.rfind("]"):  # a suffix pytest-xdist adds for xdist_group
        return nodeid.rsplit("@", 1)[1]
    path = nodeid.split("::")[0]
    if path in BOOK_MODULES:
        return "book"
    if path.endswith(".ipynb"):  # nbmake runs solutions/<chapter>/<name>.ipynb
        return f"chapter {Path(path).parent.name}"
    if path in CHAPTER_MODULES and nodeid.endswith("]"):
        return f"chapter {nodeid[nodeid.rfind('[') + 1:-1]}"
    return path


def _run_order(item) -> tuple:
    unit = work_unit(item.nodeid)
    if unit == "book":
        return (0, "")
    if unit.startswith("chapter "):
        return (1, unit, item.path.suffix == ".ipynb")  # per chapter: autograde, then nbmake
    return (2 if item.get_closest_marker("slow") else 3, "")  # then other slow tests, then the rest


def pytest_collection_modifyitems(config, items):
    items.sort(key=_run_order)  # stable: the tests of a unit keep their order


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist: ignored when it is not loaded
def pytest_xdist_make_scheduler(config, log):
    """`--dist loadgroup`: distribute the work units above, in collection order."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class CourseScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return work_unit(nodeid)

    config.option.loadscopereorder = False  # keep the order above, not "most tests first"
    return CourseScheduling(config, log)
