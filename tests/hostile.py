"""Bad and hostile submissions, built from a chapter's notebooks, for the grading tests.

Each builder takes the released notebook and the instructor notebook of a chapter and
returns what a student hands in (a notebook, or raw text for a file that is not one).
The instructor guide's table (docs/instructor/grading.md) lists what each scores and why;
tests/test_hostile_grading.py checks every row.
"""

from __future__ import annotations

import copy
import datetime
import json
from pathlib import Path

import grading_bank
import nbformat
from course_grading.tamper import protected_names
from grading_harness import build_answer
from nbutils import exercises, grade_id, is_solution, is_test, nbgrader_meta

#: What the "search the disk" answer looks for and tries to write (paths are filled in).
PROBE = '''
import pathlib as _p
_found = []
for _root in {roots!r}:
    try:
        _found += [str(q) for q in _p.Path(_root).rglob("*.ipynb")][:200]
    except OSError:
        pass
_written = []
for _target in {targets!r}:
    try:
        with open(_target, "a") as _f:
            _f.write("tampered")
        _written.append(_target)
    except OSError:
        pass
import socket as _s
try:
    _s.create_connection(("127.0.0.1", {port}), timeout=2).close()
    _net = "connected"
except OSError as _e:
    _net = type(_e).__name__
print("PROBE", {{"found": _found, "written": _written, "net": _net}})
'''


def submit(course: Path, student: str, chapter: str, name: str, content) -> Path:
    """Place a submission as `nbgrader collect` would: submitted/<student>/<chapter>/<name>."""
    folder = course / "submitted" / student / chapter
    folder.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        (folder / name).write_text(content, encoding="utf-8")
    else:
        nbformat.write(content, folder / name)
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f %Z")
    (folder / "timestamp.txt").write_text(stamp)
    return folder


def with_answers(release, source, solution_ids=None):
    """The released notebook with the instructor's answers in the given answer cells (default all)."""
    answers = {grade_id(c): c.source for c in source.cells if is_solution(c)}
    nb = copy.deepcopy(release)
    for cell in nb.cells:
        if grade_id(cell) in answers and (solution_ids is None or grade_id(cell) in solution_ids):
            cell.source = answers[grade_id(cell)]
    return nb


def _first_answer(nb):
    return next(c for c in nb.cells if is_solution(c))


def _append_to_first_answer(nb, code: str):
    cell = _first_answer(nb)
    cell.source = cell.source.rstrip() + "\n\n" + code
    return nb


def wrong_answers(release, source, chapter: str):
    """The released notebook with the first wrong answer of the grading bank in every answer cell.

    Exercises without a wrong answer in the bank keep the student's stub.
    """
    bank = grading_bank.load(chapter)
    instructor = {grade_id(c): c.source for c in source.cells if is_solution(c)}
    nb = copy.deepcopy(release)
    for cell in nb.cells:
        variants = [v for v in (bank.BANK if bank else {}).get(grade_id(cell), []) if v.kind == grading_bank.WRONG]
        if variants:
            v = variants[0]
            cell.source = v.prelude + "\n" + build_answer(instructor[grade_id(cell)], v.code, v.whole_cell)
    return nb


def globals_trick(release, source, chapter: str):
    """Wrong answers, and the first answer reaches the notebook's globals without naming them and stubs the helpers."""
    helpers = sorted(n for n in protected_names(release) if n.startswith(("assert_", "check_")))
    code = ("g = globals\nns = g()\n"
            + "\n".join(f"ns[{h!r}] = lambda *args, **kwargs: None" for h in helpers)
            + "\nfor key in [k for k in ns if k.startswith('_course')]:\n    ns[key] = None")
    return _append_to_first_answer(wrong_answers(release, source, chapter), code)


def through_allowed_modules(release, source, chapter: str):
    """Wrong answers, and the first answer patches NumPy, PyTorch and the notebook through modules it may import."""
    code = ("import collections, random, typing\nimport torch\n"
            "main = collections._sys.modules['__main__']\n"
            "main.assert_close = main.assert_equal = lambda *a, **k: None\n"
            "typing.sys.modules['numpy'].allclose = lambda *a, **k: True\n"
            "random._os.environ['NBGRADER_EXECUTION'] = ''\n"
            "torch.os.environ['COURSE'] = 'patched'\n"
            "torch.allclose = lambda *a, **k: True")
    return _append_to_first_answer(wrong_answers(release, source, chapter), code)


#: Exercise 1 of Chapter 1 returns an object that reads the caller's ``expected`` from the stack;
#: Exercise 4 one that says it equals anything. The other answers are the instructor's.
CUNNING = {
    "ex1-rnn-step": """
import inspect


class Spy:
    def numpy(self):
        for frame in inspect.stack():
            if "expected" in frame.frame.f_locals:
                return frame.frame.f_locals["expected"].detach().cpu().numpy()
        return np.zeros((2, 2), dtype=np.float32)

    def detach(self):
        return self

    def cpu(self):
        return self

    shape = (2, 2)


def rnn_step(X_t, H_prev, W_xh, W_hh, b_h):
    return Spy()
""",
    "ex4-num-params": """
class Anything(int):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = int.__hash__


def rnn_num_params(num_inputs, num_hiddens, framework="keras"):
    if framework not in ("keras", "torch"):
        raise ValueError(framework)
    return Anything(0)
""",
}


def cunning_objects(release, source):
    """Every answer the instructor's, but for the two cheating ones of :data:`CUNNING`."""
    nb = with_answers(release, source)
    for cell in nb.cells:
        if grade_id(cell) in CUNNING:
            cell.source = CUNNING[grade_id(cell)].strip() + "\n"
    return nb


def prints_history(release, source):
    """Everything solved; the first answer prints the cell it runs in, a cell at the end the whole history."""
    nb = _append_to_first_answer(with_answers(release, source), "print(In[-1])")
    nb.cells.append(nbformat.v4.new_code_cell("print(In)\nprint(Out)\nprint(dir())"))
    return nb


def honest_imports(release, source):
    """Everything solved; the first answer also imports os and json and aliases torch.nn.functional (all fine)."""
    code = ("import json\nimport os\nfrom torch.nn import functional as F\n\n"
            "SETTINGS = json.loads(os.environ.get('MY_SETTINGS', '{}'))")
    return _append_to_first_answer(with_answers(release, source), code)


NOOP_HELPERS = "{name} = lambda *args, **kwargs: None"
PATCHED_NUMPY = ("import numpy as np\nimport torch\nnp.allclose = lambda *a, **k: True\n"
                 "np.testing.assert_allclose = lambda *a, **k: None\ntorch.allclose = lambda *a, **k: True")


def noop_helpers(release, source, chapter: str):
    """Wrong answers, and the first answer cell turns every test helper into a no-op."""
    helpers = sorted(n for n in protected_names(release) if n.startswith(("assert_", "check_")))
    code = "\n".join(NOOP_HELPERS.format(name=h) for h in helpers)
    return _append_to_first_answer(wrong_answers(release, source, chapter), code)


def patched_numpy(release, source, chapter: str):
    """Wrong answers, and the first answer cell makes NumPy and PyTorch comparisons always true."""
    return _append_to_first_answer(wrong_answers(release, source, chapter), PATCHED_NUMPY)


def noop_and_patched(release, source, chapter: str):
    """Both tricks at once: wrong answers, test helpers turned into no-ops, comparisons always true."""
    return _append_to_first_answer(noop_helpers(release, source, chapter), PATCHED_NUMPY)


def probe(release, source, roots, targets, port):
    """Everything solved, and the first answer searches the disk, writes files and calls out."""
    nb = with_answers(release, source)
    cell = nbformat.v4.new_code_cell(PROBE.format(roots=[str(r) for r in roots],
                                                  targets=[str(t) for t in targets], port=port))
    nb.cells.insert(nb.cells.index(_first_answer(nb)) + 1, cell)
    return nb


def huge_output(release, source, chars=200 * 2**20):
    """Everything solved, and an added cell prints ``chars`` characters on one line."""
    nb = with_answers(release, source)
    nb.cells.insert(1, nbformat.v4.new_code_cell(f"print('x' * {chars})"))
    return nb


def infinite_loop(release, source):
    """Everything solved, and an added cell never ends."""
    nb = with_answers(release, source)
    nb.cells.insert(nb.cells.index(_first_answer(nb)) + 1, nbformat.v4.new_code_cell("while True:\n    pass"))
    return nb


def deleted_test(release, source):
    """Everything solved, but the first test cell was deleted."""
    nb = with_answers(release, source)
    first = next(c for c in nb.cells if is_test(c))
    nb.cells.remove(first)
    return nb, grade_id(first)


def duplicated_cell(release, source):
    """Everything solved, and the first test cell pasted twice (same grade id)."""
    nb = with_answers(release, source)
    first = next(c for c in nb.cells if is_test(c))
    nb.cells.insert(nb.cells.index(first) + 1, copy.deepcopy(first))
    return nb


def first_exercise_points(source) -> float:
    """Points of the first exercise (its test cells)."""
    return exercises(source)[0].points


def bad_json() -> str:
    """A file that is not JSON at all."""
    return '{"cells": [ this is not json'


def as_json(nb) -> str:
    """A notebook as the text of its file."""
    return json.dumps(nb, indent=1)
