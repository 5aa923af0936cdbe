"""The grading run of one notebook (course_grading.execute.TrustedExecute) against hostile cells.

Each test grades a tiny notebook in the bubblewrap sandbox, the way ``python -m
course_grading autograde`` grades a chapter: a set-up cell that imports NumPy and the
course's assertion helpers (no framework, so that a kernel starts in about a second), two
exercises with a test cell each, and the student's cells. It checks the per-student limits
of the instructor guide's "Limits" table, each with the limit as configured for a class
(docs/instructor/grading.md):

* memory: 6 GB asked for at once is refused (MemoryError, the kernel lives on); 3.5 GiB
  touched is over the resident limit: the watchdog stops the kernel, that cell fails, the
  grader starts a new kernel, runs the cells before it again and grades the rest;
* processes and threads: 300 forked processes, 600 threads: stopped the same way;
* the socket folder: a file written there stops the kernel; the connection file is read-only;
* time: a test's call that never returns is interrupted after the test's time limit; one
  that ignores the interrupt costs the kernel, and grading goes on in a new one; cells past
  the notebook's total time are not run and their tests fail with a reason;
* a set-up cell that times out or a kernel that dies in it is the grader's failure
  (GradingInterrupted, to be graded again), never a score;
* the hidden tests never reach the kernel: nothing in its history or memory holds them.
"""

from __future__ import annotations

import pytest
from nbformat.v4 import new_code_cell, new_notebook

from course_grading import execute, limits

pytestmark = pytest.mark.slow

SETUP = "import numpy as np\nfrom course_utils import assert_close, assert_equal, assert_own_code"
SECRET = "hidden-marker-7f3a"


def _meta(grade_id: str, **kw) -> dict:
    return {"nbgrader": {"grade_id": grade_id, "schema_version": 3, **kw}}


def notebook(*extra: str, double: str = "return 2 * x", after: tuple[str, ...] = ()):
    """Set-up, exercise 1 (``double``), the ``extra`` cells, exercise 2 (``triple``), the ``after`` cells."""
    cells = [new_code_cell(SETUP, metadata=_meta("setup", locked=True, grade=False, solution=False)),
             new_code_cell(f"def double(x):\n    {double}", metadata=_meta("ex1", solution=True, grade=False)),
             new_code_cell("assert_equal(double(3), 6, 'double(3)')\nprint('ex1 passed')\n"
                           f"### BEGIN HIDDEN TESTS\nassert_own_code(double, 'double')  # {SECRET}\n"
                           "assert_close(double(np.arange(3.0)), [0.0, 2.0, 4.0], 'double(arange(3))')\n"
                           "### END HIDDEN TESTS",
                           metadata=_meta("ex1-test", grade=True, solution=False, locked=True, points=1))]
    cells += [new_code_cell(code) for code in extra]
    cells += [new_code_cell("def triple(x):\n    return 3 * x", metadata=_meta("ex2", solution=True, grade=False)),
              new_code_cell("assert_equal(triple(2), 6, 'triple(2)')",
                            metadata=_meta("ex2-test", grade=True, solution=False, locked=True, points=1))]
    cells += [new_code_cell(code) for code in after]
    return new_notebook(cells=cells)


def grade(nb, tmp_path, **config):
    """Run TrustedExecute (sandboxed) on ``nb``; return the notebook and the run's report."""
    runner = execute.TrustedExecute(sandbox=True, timeout=30, **config)
    execute.REPORTS.clear()
    graded, _ = runner.preprocess(nb, {"metadata": {"path": str(tmp_path)}})
    return graded, execute.REPORTS[-1]


def errors(nb) -> dict[str, str]:
    """grade_id (or cell index) -> 'ename: evalue' of every cell that has an error output."""
    found = {}
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                found[cell.metadata.get("nbgrader", {}).get("grade_id", str(i))] = f"{out['ename']}: {out['evalue']}"
    return found


def test_an_honest_notebook_passes_and_is_measured(tmp_path):
    graded, report = grade(notebook(), tmp_path)
    assert errors(graded) == {}
    assert "ex1 passed" in graded.cells[2].outputs[0]["text"]
    assert report["restarts"] == 0 and not report["retry"]
    assert 10 * 2**20 < report["peak_bytes"] < limits.MEMORY_BYTES and 0 < report["peak_tasks"] < limits.MAX_TASKS


def test_hidden_tests_never_reach_the_kernel(tmp_path):
    head, tail = SECRET[:7], SECRET[7:]  # the probe builds the marker, so that its own source does not hold it
    probe = (f"marker = {head!r} + {tail!r}\nseen = [str(x) for x in In] + [repr(v) for v in list(Out.values())]\n"
             "seen += [repr(v)[:10000] for k, v in list(globals().items()) if k != 'marker']\n"
             "print('LEAK' if any(marker in s for s in seen) else 'clean')")
    graded, _ = grade(notebook(after=(probe,)), tmp_path)
    assert graded.cells[-1].outputs[0]["text"].strip() == "clean", graded.cells[-1].outputs


def test_memory_asked_for_at_once_is_refused(tmp_path):
    graded, report = grade(notebook("big = np.ones(6 * 10**9 // 8)"), tmp_path)
    assert errors(graded) == {"3": errors(graded).get("3", "")} and errors(graded)["3"].startswith("MemoryError")
    assert report["restarts"] == 0 and report["peak_bytes"] < limits.MEMORY_BYTES


def test_memory_over_the_resident_limit_stops_that_cell_only(tmp_path):
    graded, report = grade(notebook("big = np.ones(int(3.5 * 2**30) // 8)"), tmp_path)
    found = errors(graded)
    assert list(found) == ["3"] and found["3"].startswith("KernelDied") and "GiB of memory" in found["3"], found
    assert report["restarts"] == 1 and report["peak_bytes"] < limits.MEMORY_BYTES + 2**30


@pytest.mark.parametrize("code, words", [
    ("import os\nfiles = []\nfor _ in range(20):\n    files.append(os.memfd_create('x'))\n"
     "    os.write(files[-1], b'0' * (200 * 2**20))", "GiB of memory"),
    ("import os, time\nfor _ in range(300):\n    if os.fork() == 0:\n        time.sleep(60)\n        os._exit(0)",
     "processes"),
    ("import threading, time\nthreading.stack_size(2**16)  # small stacks: the thread count, not memory\n"
     "for _ in range(600):\n    threading.Thread(target=time.sleep, args=(60,), daemon=True).start()", "threads"),
], ids=["memfd-4GB", "fork-300", "threads-600"])
def test_process_and_thread_limits(tmp_path, code, words):
    graded, report = grade(notebook(code), tmp_path)
    found = errors(graded)
    assert list(found) == ["3"] and found["3"].startswith("KernelDied") and words in found["3"], found
    assert report["restarts"] == 1


def test_the_socket_folder_and_connection_file(tmp_path):
    code = ("import json, sys\npath = sys.argv[sys.argv.index('-f') + 1]\ninfo = json.load(open(path))\n"
            "try:\n    open(path, 'w').write('{}')\n    print('connection file written')\n"
            "except OSError as err:\n    print('connection file:', type(err).__name__)\n"
            "import time\ntime.sleep(0.5)\nopen(info['ip'] + '-kernel.json', 'w').write('{\"argv\": [\"sh\"]}')\n"
            "time.sleep(5)")
    graded, report = grade(notebook(code), tmp_path)
    found = errors(graded)
    assert list(found) == ["3"] and "socket folder" in found["3"], found
    assert any("connection file: " in o.get("text", "") for o in graded.cells[3].outputs), graded.cells[3].outputs
    assert report["restarts"] == 1


def test_a_call_that_never_returns_is_interrupted(tmp_path):
    graded, report = grade(notebook(double="while True:\n        pass"), tmp_path, test_timeout=3)
    found = errors(graded)
    assert list(found) == ["ex1-test"] and found["ex1-test"].startswith("TimeoutError"), found
    assert report["restarts"] == 0


def test_a_call_that_ignores_the_interrupt_costs_its_kernel_only(tmp_path):
    graded, report = grade(notebook(double="import signal\n    signal.signal(signal.SIGINT, signal.SIG_IGN)\n"
                                           "    while True:\n        pass"), tmp_path, test_timeout=2)
    found = errors(graded)
    assert list(found) == ["ex1-test"] and found["ex1-test"].startswith("KernelDied"), found
    assert report["restarts"] == 1


def test_a_call_that_ends_the_kernel(tmp_path):
    graded, report = grade(notebook(double="import os\n    os._exit(3)"), tmp_path)
    assert list(errors(graded)) == ["ex1-test"] and report["restarts"] == 1


def test_cells_past_the_notebook_time_are_not_run(tmp_path):
    graded, report = grade(notebook("import time\ntime.sleep(8)", "time.sleep(8)"), tmp_path, notebook_timeout=12)
    found = errors(graded)
    assert "ex2-test" in found and "not run" in found["ex2-test"], found
    assert "ex1-test" not in found


@pytest.mark.parametrize("setup, words", [("import time\ntime.sleep(10)", "longer than"),
                                          ("os._exit(1)", "died")], ids=["timeout", "death"])
def test_a_failing_set_up_cell_is_the_graders_failure(tmp_path, setup, words):
    # Only in the sandbox (user nobody): the grader runs the instructor's set-up cell too.
    setup = "import os, time\nif os.getuid() == 65534:\n    " + setup.replace("\n", "\n    ")
    nb = notebook()
    nb.cells[0].source = SETUP + "\n" + setup
    with pytest.raises(execute.GradingInterrupted, match=words):
        grade(nb, tmp_path, setup_timeout=3)
    assert words in execute.REPORTS[-1]["retry"]


def test_an_answer_that_changes_its_inputs_fails_the_test(tmp_path):
    """The grader does not copy a change to data it passed in: the test would compute its expected
    values from what the student's code wrote. The call fails instead, naming the argument."""
    graded, report = grade(notebook(double="if hasattr(x, 'shape'):\n        x[...] = 0\n    return 2 * x"),
                           tmp_path)
    found = errors(graded)
    assert list(found) == ["ex1-test"] and "changed its argument 1 in place" in found["ex1-test"], found
    assert found["ex1-test"].startswith("StateError: (a hidden test)"), found


def test_checked_names_the_argument_a_graded_call_changed(tmp_path):
    """Through ``checked`` the same change is worded as in Validate: the function and the argument
    by the name the student's signature gives it (the grader asks the kernel for the signature)."""
    nb = notebook(double="if hasattr(x, 'shape'):\n        x[...] = 0\n    return 2 * x")
    nb.cells[0].source += "\nfrom course_utils import checked"
    nb.cells[2].source = ("checked(double, 'double')(np.arange(3.0))\n"
                          "### BEGIN HIDDEN TESTS\nassert_own_code(double, 'double')\n### END HIDDEN TESTS")
    found = errors(grade(nb, tmp_path)[0])
    assert list(found) == ["ex1-test"], found
    assert "double changed its argument x in place" in found["ex1-test"], found


def test_a_call_that_raises_leaves_its_arguments_as_in_the_notebook(tmp_path):
    """A call that draws from a generator and then raises: the grader's generator has moved on too
    (as it has in the notebook), and the test sees the student's own error after it."""
    nb = notebook(double="if hasattr(x, 'integers'):\n        x.integers(10)\n        raise ValueError('no "
                         "generators')\n    return 2 * x")
    nb.cells[2].source = ("rng = np.random.default_rng(0)\ntry:\n    double(rng)\nexcept ValueError as err:\n"
                          "    assert 'no generators' in str(err), str(err)\n"
                          "assert_equal(int(rng.integers(1000)), int(np.random.default_rng(0).integers(1000)), "
                          "'the first draw after the call')")
    found = errors(grade(nb, tmp_path)[0])
    assert list(found) == ["ex1-test"] and "the first draw after the call" in found["ex1-test"], found


def test_no_user_namespace_inside_and_no_message_that_breaks_the_client(tmp_path):
    unshare = ("import ctypes\nlibc = ctypes.CDLL(None, use_errno=True)\n"
               "print('unshare', libc.unshare(0x10000000), ctypes.get_errno())")
    garbage = "get_ipython().kernel.iopub_socket.send_multipart([b'x'])\nimport time\ntime.sleep(1)"
    graded, report = grade(notebook(unshare, garbage), tmp_path)
    assert graded.cells[3].outputs[0]["text"].split()[:2] == ["unshare", "-1"], graded.cells[3].outputs
    found = errors(graded)
    assert set(found) <= {"4"} and "ex2-test" not in found and "ex1-test" not in found, found
