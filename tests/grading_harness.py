"""Grade many answer variants of one chapter against its test cells, quickly.

The autograder runs a whole notebook per student. To check that the tests themselves
can be trusted we need the opposite: one notebook, hundreds of answers. This module
grades them as the course does, in a fresh Python process per chapter that plays both
sides:

* the *student's kernel*: one plain ipykernel (jupyter_client, not sandboxed, with
  nbgrader's ``NBGRADER_EXECUTION`` set) that runs the chapter's set-up cell once;
* the *grader*: a :class:`course_grading.judge.Judge` for the set-up cell, in the process
  itself, as ``course_grading.execute.TrustedExecute`` holds it at grading time.

Then, for every variant of every exercise:

1. the kernel's namespace is restored to what the set-up cell left (the names the
   instructor's answer cell defines removed, the random generators reseeded), the variant
   runs as the answer cell, and each test cell's *visible* part runs after it in the kernel:
   what the student sees in the notebook and in Validate;
2. the namespace is restored again, the answer cell runs again, and each test cell, visible
   and hidden parts, runs in the judge against the kernel (``Judge.run``), with the own-code
   rules read from the cells the kernel ran, set-up and answer
   (:class:`course_grading.ownership.StudentCode`): what decides the grade.

A wrong answer stops at what ``test_grading_validity`` asks of it: its visible parts run until
one fails, and its graded parts, that one first, until one fails (the rest are not run).
Each run is recorded as pass or fail, with the exception's type and the first line of
its message. The parent side (:func:`run_chapter`) builds the plan from the instructor
notebook and a bank of variants (:mod:`grading_bank`); the child side is
``python grading_harness.py --child PLAN.json RESULT.json``.

From the repository root, ``python tests/grading_harness.py [CHAPTER ...]`` prints a table
of every variant and whether it is graded as its kind demands (see
``tests/test_grading_validity.py``, which enforces the same).
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions"

# A solution region with its marker lines; group 1 is the indentation of the BEGIN line.
_SOLUTION_BLOCK = re.compile(r"^([ \t]*)### BEGIN SOLUTION[^\n]*\n.*?^[ \t]*### END SOLUTION[^\n]*(?:\n|\Z)",
                             re.S | re.M)
# A hidden-tests region with its marker lines: removed from the visible part.
_HIDDEN_BLOCK = re.compile(r"^[ \t]*### BEGIN HIDDEN TESTS[^\n]*\n.*?^[ \t]*### END HIDDEN TESTS[^\n]*(?:\n|\Z)",
                           re.S | re.M)
# The marker lines alone: removed from the full (visible + hidden) test.
_HIDDEN_MARKER = re.compile(r"^[ \t]*### (?:BEGIN|END) HIDDEN TESTS[^\n]*(?:\n|\Z)", re.M)

INSTRUCTOR = "instructor"  # the variant name of the notebook's own solution
CELL_TIMEOUT_S = 120  # one cell of one variant; a hung answer must not hang the suite
SETUP_TIMEOUT_S = 300  # the set-up cell (it imports both frameworks, beside the judge doing the same)
CHAPTER_TIMEOUT_S = 1800


# --------------------------------------------------------------------------- notebook side


@dataclass(frozen=True)
class TestCell:
    """One graded test cell, split into what the student sees and what the grader runs."""

    grade_id: str
    points: float
    visible: str
    full: str


@dataclass(frozen=True)
class ExerciseCells:
    """One exercise: its answer cell (instructor's source) and its graded test cells."""

    grade_id: str
    answer: str
    tests: tuple[TestCell, ...]
    defines: tuple[str, ...]  # top-level names the instructor's answer binds

    @property
    def points(self) -> float:
        return sum(t.points for t in self.tests)


@dataclass(frozen=True)
class Chapter:
    """The parts of an instructor notebook the harness needs."""

    name: str
    notebook: Path
    setup: str
    exercises: dict[str, ExerciseCells]
    orphan_tests: tuple[str, ...] = ()  # graded test cells that belong to no answer cell


def discover(solutions: Path = SOLUTIONS) -> list[Path]:
    """Every instructor notebook, ``solutions/<chapter>/<name>.ipynb``."""
    return sorted(solutions.glob("*/*.ipynb"))


def _meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def _source(cell) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def top_level_names(source: str) -> set[str]:
    """Names a cell binds at module level (defs, classes, assignments, imports)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    names: set[str] = set()

    def targets(node):
        for sub in ast.walk(node):
            if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store):
                names.add(sub.id)

    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                targets(target)
        elif isinstance(node, (ast.For, ast.With, ast.If, ast.Try, ast.While)):
            targets(node)
    return names


def visible_part(test_source: str) -> str:
    """The test cell as the student's release shows it: hidden regions removed."""
    return _HIDDEN_BLOCK.sub("", test_source)


def full_part(test_source: str) -> str:
    """The test cell as the grader runs it: the hidden regions kept, their marker lines removed."""
    return _HIDDEN_MARKER.sub("", test_source)


def parse_chapter(notebook: Path) -> Chapter:
    """Read the set-up cell and every exercise (answer cell + its ``<id>-test...`` cells)."""
    nb = json.loads(Path(notebook).read_text(encoding="utf-8"))
    cells = [c for c in nb["cells"] if c.get("cell_type") == "code"]
    setup = [c for c in cells if _meta(c).get("grade_id") == "setup"]
    if len(setup) != 1:
        raise ValueError(f"{notebook.name}: expected one cell with grade_id 'setup', found {len(setup)}")
    setup_source = _source(setup[0])
    setup_names = top_level_names(setup_source)
    answers = [c for c in cells if _meta(c).get("solution")]
    graded = [c for c in cells if _meta(c).get("grade") and not _meta(c).get("solution")]
    exercises: dict[str, ExerciseCells] = {}
    claimed: set[str] = set()
    for cell in answers:
        gid = _meta(cell)["grade_id"]
        tests = []
        for t in graded:
            tid = _meta(t)["grade_id"]
            if tid.startswith(gid + "-test"):
                claimed.add(tid)
                src = _source(t)
                tests.append(TestCell(tid, float(_meta(t).get("points", 0)), visible_part(src), full_part(src)))
        answer = _source(cell)
        defines = tuple(sorted(top_level_names(answer) - setup_names))
        exercises[gid] = ExerciseCells(gid, answer, tuple(tests), defines)
    orphans = tuple(_meta(t)["grade_id"] for t in graded if _meta(t)["grade_id"] not in claimed)
    return Chapter(Path(notebook).parent.name, Path(notebook), setup_source, exercises, orphans)


def build_answer(instructor: str, code: str | tuple[str, ...], whole_cell: bool = False) -> str:
    """The answer cell a student would hand in.

    ``code`` replaces the instructor's solution region(s), markers included, indented like
    the ``### BEGIN SOLUTION`` line (the code around the regions, such as the ``def`` line
    and the docstring, is kept, as in the student's release). With ``whole_cell`` the code
    is the entire cell. Several regions take a tuple, one entry per region, in order.
    """
    if whole_cell:
        return textwrap.dedent(code if isinstance(code, str) else "\n".join(code)).strip("\n") + "\n"
    codes = (code,) if isinstance(code, str) else tuple(code)
    blocks = list(_SOLUTION_BLOCK.finditer(instructor))
    if len(blocks) != len(codes):
        raise ValueError(f"the answer cell has {len(blocks)} solution region(s), the variant gives {len(codes)}")
    out, last = [], 0
    for block, text in zip(blocks, codes):
        body = textwrap.indent(textwrap.dedent(text).strip("\n") + "\n", block.group(1))
        out += [instructor[last:block.start()], body]
        last = block.end()
    out.append(instructor[last:])
    return "".join(out)


# --------------------------------------------------------------------------- results


@dataclass
class Outcome:
    """One cell run: passed, or the exception it raised."""

    ok: bool
    error: str = ""  # exception type
    message: str = ""  # first line of its message

    @classmethod
    def from_json(cls, d: dict) -> "Outcome":
        return cls(d["ok"], d.get("error", ""), d.get("message", ""))

    def __str__(self) -> str:
        return "passed" if self.ok else f"{self.error}: {self.message}"


@dataclass
class PartResult:
    visible: Outcome
    full: Outcome


@dataclass
class VariantResult:
    """A variant's answer cell and every test cell of its exercise."""

    exercise: str
    variant: str
    answer: Outcome
    parts: dict[str, PartResult] = field(default_factory=dict)
    seconds: float = 0.0
    source: str = ""

    def visible_failures(self) -> dict[str, Outcome]:
        return {k: p.visible for k, p in self.parts.items() if not p.visible.ok}

    def full_failures(self) -> dict[str, Outcome]:
        return {k: p.full for k, p in self.parts.items() if not p.full.ok}

    def score(self, points: dict[str, float]) -> float:
        return sum(points[k] for k, p in self.parts.items() if p.full.ok)

    def describe(self) -> str:
        lines = [f"answer cell: {self.answer}"]
        for k, p in self.parts.items():
            lines.append(f"{k}: visible {p.visible}; visible+hidden {p.full}")
        return "\n".join(lines)


@dataclass
class ChapterRun:
    """Everything the child process reported for one chapter."""

    chapter: Chapter
    setup: Outcome
    getsource_ok: bool
    results: dict[str, dict[str, VariantResult]]  # exercise -> variant -> result
    build_errors: dict[tuple[str, str], str]  # (exercise, variant) -> why it could not be built
    setup_seconds: float
    seconds: float
    log: str = ""


# --------------------------------------------------------------------------- parent side


def harness_env(tmp: Path) -> dict[str, str]:
    """The tests' quiet environment for the child and its kernel, with nbgrader's grading flag set."""
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    for var in ["KERAS_HOME", "IPYTHONDIR", "JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "MPLCONFIGDIR"]:
        if var not in env:
            (tmp / var.lower()).mkdir(parents=True, exist_ok=True)
            env[var] = str(tmp / var.lower())
    env["MPLBACKEND"] = "Agg"  # the kernel's too: no inline backend, draw nothing
    env["NBGRADER_EXECUTION"] = "1"
    env.setdefault("KERAS_BACKEND", "tensorflow")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env["PYTHONHASHSEED"] = "0"
    return env


def run_chapter(notebook: Path, bank: dict | None, *, timeout: int = CHAPTER_TIMEOUT_S) -> ChapterRun:
    """Grade the instructor's answers and every bank variant of one chapter in one subprocess (and its kernel).

    ``bank`` maps exercise grade_id -> list of variants (objects with ``name``, ``code``,
    ``whole_cell`` and optionally ``prelude``); exercises the notebook lacks are skipped
    here (the tests report them).
    """
    chapter = parse_chapter(notebook)
    jobs, build_errors, sources = [], {}, {}
    for gid, ex in chapter.exercises.items():
        variants = [(INSTRUCTOR, ex.answer, INSTRUCTOR)]
        for v in (bank or {}).get(gid, []):
            try:
                answer = build_answer(ex.answer, v.code, v.whole_cell)
                prelude = textwrap.dedent(getattr(v, "prelude", "")).strip("\n")
                variants.append((v.name, f"{prelude}\n\n\n{answer}" if prelude else answer, v.kind))
            except ValueError as err:
                build_errors[(gid, v.name)] = str(err)
        for name, answer, kind in variants:
            sources[(gid, name)] = answer
            jobs.append({"exercise": gid, "variant": name, "answer": answer, "delete": list(ex.defines), "kind": kind,
                         "tests": [{"id": t.grade_id, "visible": t.visible, "full": t.full} for t in ex.tests]})
    plan = {"setup": chapter.setup, "jobs": jobs, "cell_timeout": CELL_TIMEOUT_S, "setup_timeout": SETUP_TIMEOUT_S}
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="grading-") as tmp:
        tmp = Path(tmp)
        (tmp / "plan.json").write_text(json.dumps(plan), encoding="utf-8")
        proc = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child", str(tmp / "plan.json"),
                               str(tmp / "result.json")], cwd=chapter.notebook.parent, env=harness_env(tmp),
                              capture_output=True, text=True, timeout=timeout)
        log = (proc.stdout[-3000:] + "\n" + proc.stderr[-3000:]).strip()
        if proc.returncode != 0 or not (tmp / "result.json").exists():
            raise RuntimeError(f"the grading process for {chapter.name} failed ({proc.returncode}):\n{log}")
        raw = json.loads((tmp / "result.json").read_text(encoding="utf-8"))
    results: dict[str, dict[str, VariantResult]] = {gid: {} for gid in chapter.exercises}
    for job in raw["jobs"]:
        vr = VariantResult(job["exercise"], job["variant"], Outcome.from_json(job["answer"]),
                           {p["id"]: PartResult(Outcome.from_json(p["visible"]), Outcome.from_json(p["full"]))
                            for p in job["parts"]},
                           job["seconds"], sources[(job["exercise"], job["variant"])])
        results[job["exercise"]][job["variant"]] = vr
    return ChapterRun(chapter, Outcome.from_json(raw["setup"]), raw["getsource_ok"], results, build_errors,
                      raw["setup_seconds"], time.perf_counter() - start, log)


# --------------------------------------------------------------------------- child side

# Sent to the kernel once, after the set-up cell: keeps the namespace the set-up cell left, and
# a function (on the shell, out of the student's namespace) that brings it back and reseeds.
# Errors are read from the execute replies; tracebacks in the Minimal mode cost nothing to format.
_KERNEL_BASELINE = """
def _grading_harness_baseline():
    import random
    import sys

    shell = get_ipython()
    shell.InteractiveTB.set_mode("Minimal")
    ns = shell.user_ns
    baseline = {k: v for k, v in ns.items() if k != "_grading_harness_baseline"}

    def restore(delete):
        for name in list(ns):
            if name not in baseline:
                del ns[name]
        for name, value in baseline.items():
            if ns.get(name, baseline) is not value:
                ns[name] = value
        for name in delete:
            ns.pop(name, None)
        random.seed(0)
        if "numpy" in sys.modules:
            sys.modules["numpy"].random.seed(0)
        if "torch" in sys.modules:
            sys.modules["torch"].manual_seed(0)

    shell._grading_harness_restore = restore


_grading_harness_baseline()
del _grading_harness_baseline
"""
# inspect.getsource must work on functions defined in cells, or the own-code checks are blind.
_GETSOURCE_PROBE = ("import inspect as _gh_inspect\ndef _gh_probe():\n    return 1\n"
                    "assert _gh_probe.__module__ == '__main__'\nassert 'return 1' in _gh_inspect.getsource(_gh_probe)\n"
                    "del _gh_inspect, _gh_probe")


class _KernelDied(RuntimeError):
    """The kernel died, or did not stop after an interrupt."""


def _outcome(ok: bool, error: str = "", message: str = "") -> dict:
    if ok:
        return {"ok": True}
    lines = str(message).strip().splitlines()
    return {"ok": False, "error": error or "Error", "message": (lines[0] if lines else "")[:400]}


class _Kernel:
    """The student's kernel: a plain ipykernel that has run the chapter's set-up cell.

    Cells (the set-up cell, answers, visible test parts) run in it as in the student's
    notebook; :attr:`link` is the grader's channel to it for :class:`course_grading.judge.Judge`.
    """

    def __init__(self, setup: str, timeout: int, setup_timeout: int):
        self.setup, self.timeout, self.setup_timeout = setup, timeout, setup_timeout
        self.km = self.kc = self.link = None
        self.sent = 0.0

    def start(self, meanwhile=None) -> dict:
        """Start the kernel and run the set-up cell; return the set-up cell's outcome.

        ``meanwhile()``, if given, is called while the kernel runs the set-up cell.
        """
        from jupyter_client.manager import KernelManager

        from course_grading import remote

        self.km = KernelManager(kernel_name="python3")
        self.km.start_kernel(cwd=os.getcwd())
        self.kc = self.km.blocking_client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=120)
        self.kc.iopub_channel.stop()  # outcomes come from the execute replies: read no output
        pending = self.send(self.setup)
        if meanwhile is not None:
            meanwhile()
        setup = self.wait(pending, self.setup_timeout)
        self.link = remote.KernelLink(self.km.get_connection_info(), self.km.interrupt_kernel, self.km.is_alive)
        self.link.install()
        return setup

    def snapshot(self) -> None:
        """Keep the kernel's namespace as it is now: :meth:`restore` brings it back."""
        outcome = self.execute(_KERNEL_BASELINE, store_history=False)
        if not outcome["ok"]:
            raise RuntimeError(f"the harness could not keep the kernel's namespace: {outcome}")

    def restore(self, delete: list[str]) -> None:
        """The namespace the set-up cell left, without ``delete``; every random generator reseeded."""
        code = f"get_ipython()._grading_harness_restore({delete!r})"
        try:
            outcome = self.execute(code, store_history=False)
        except _KernelDied:  # it died after the last cell: start afresh
            self.restart()
            outcome = self.execute(code, store_history=False)
        if not outcome["ok"]:
            raise RuntimeError(f"the harness could not restore the kernel's namespace: {outcome}")

    def stop(self) -> None:
        for close in (lambda: self.link.close(), lambda: self.kc.stop_channels(),
                      lambda: self.km.shutdown_kernel(now=True)):
            try:
                close()
            except Exception:  # noqa: BLE001 - a kernel that is gone already
                pass
        self.km = self.kc = self.link = None

    def restart(self) -> None:
        """A new kernel in the state of :meth:`snapshot` (after a kernel died in a variant)."""
        self.stop()
        if not self.start()["ok"]:
            raise RuntimeError("the set-up cell failed in a restarted kernel")
        self.snapshot()

    def execute(self, code: str, store_history: bool = True) -> dict:
        """Run one cell; its outcome (an interrupted cell is a TimeoutError). :class:`_KernelDied` if it died."""
        return self.wait(self.send(code, store_history))

    def send(self, code: str, store_history: bool = True) -> str:
        """Start running one cell; :meth:`wait` reads its outcome."""
        self.sent = time.monotonic()
        return self.kc.execute(code, store_history=store_history, allow_stdin=False, stop_on_error=False)

    def wait(self, msg_id: str, timeout: float | None = None) -> dict:
        """The outcome of the cell :meth:`send` started, interrupted ``timeout`` seconds after it was sent."""
        import queue

        timeout = self.timeout if timeout is None else timeout
        deadline, interrupted = self.sent + timeout, None
        while True:
            try:
                msg = self.kc.get_shell_msg(timeout=0.5)
            except queue.Empty:
                if not self.km.is_alive():
                    raise _KernelDied("the kernel died") from None
                now = time.monotonic()
                if interrupted is None and now > deadline:
                    self.km.interrupt_kernel()
                    interrupted = now
                elif interrupted is not None and now > interrupted + 20:
                    raise _KernelDied("the kernel did not stop within 20 s of an interrupt") from None
                continue
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            content = msg["content"]
            if interrupted is not None:
                return _outcome(False, "TimeoutError", f"the cell ran longer than {timeout} s")
            if content.get("status") == "ok":
                return _outcome(True)
            return _outcome(False, content.get("ename", ""), content.get("evalue", ""))


def _child(plan_path: str, result_path: str) -> None:
    """Grade every job of the plan: visible parts in the kernel, whole test cells through the judge."""
    from course_grading.judge import Judge

    plan = json.loads(Path(plan_path).read_text(encoding="utf-8"))
    sys.path[0] = os.getcwd()  # as in a kernel: the notebook's folder, not this script's
    timeout = int(plan["cell_timeout"])
    kernel = _Kernel(plan["setup"], timeout, int(plan.get("setup_timeout", SETUP_TIMEOUT_S)))
    judges = []

    def grader() -> None:  # the judge runs the set-up cell too (it imports the frameworks once)
        try:
            judges.append(Judge(plan["setup"]))
        except Exception as err:  # noqa: BLE001 - reported as the set-up cell's failure
            judges.append(_outcome(False, type(err).__name__, f"in the grader: {err}"))

    try:
        start = time.perf_counter()
        # The grader imports the frameworks while the kernel runs the set-up cell.
        out = {"setup": kernel.start(grader), "setup_seconds": time.perf_counter() - start, "jobs": []}
        if out["setup"]["ok"] and isinstance(judges[0], dict):
            out["setup"] = judges[0]
        out["getsource_ok"] = kernel.execute(_GETSOURCE_PROBE)["ok"]
        if out["setup"]["ok"]:
            kernel.snapshot()
            for job in plan["jobs"]:
                out["jobs"].append(_grade(job, kernel, judges[0], plan["setup"], timeout))
    finally:
        kernel.stop()
    Path(result_path).write_text(json.dumps(out), encoding="utf-8")


def _grade(job: dict, kernel: _Kernel, judge, setup: str, timeout: int) -> dict:
    """One variant, graded twice as the student and the grader see it.

    The student's notebook: the answer cell, then each test cell's visible part, in the kernel.
    The grading run: the namespace restored, the answer cell again, then each whole test cell
    in the judge, with the own-code rules read from the cells the kernel ran (set-up, answer).
    """
    from course_grading import remote
    from course_grading.ownership import StudentCode

    t0 = time.perf_counter()

    def in_kernel(code: str) -> dict:
        try:
            return kernel.execute(code)
        except _KernelDied as err:
            kernel.restart()
            return _outcome(False, "KernelDied", str(err))

    # A wrong answer needs one visible part that fails and one graded part that fails: its
    # parts run until they are found (the first visibly failing part is graded first).
    wrong = job.get("kind") == "wrong"
    kernel.restore(job["delete"])
    answer = in_kernel(job["answer"])
    visible: list[dict] = []
    for test in job["tests"]:
        visible.append(in_kernel(test["visible"]))
        if wrong and not visible[-1]["ok"]:
            break
    kernel.restore(job["delete"])
    again = in_kernel(job["answer"])
    answer = answer if not answer["ok"] else again
    student = StudentCode([setup, job["answer"]], judge.namespace)
    order = list(range(len(job["tests"])))
    if wrong:
        order = order[len(visible) - 1:] + order[:len(visible) - 1] if visible else order
    full: dict[int, dict] = {}
    for i in order:
        try:
            verdict = judge.run(job["tests"][i]["full"], kernel.link, student, timeout)
            full[i] = _outcome(verdict.passed, verdict.ename, verdict.evalue)
        except remote.KernelLost as err:
            kernel.restart()
            full[i] = _outcome(False, "KernelDied", f"the kernel was lost during the test: {err}")
        if wrong and not full[i]["ok"]:
            break
    skipped = _outcome(True, "", "not run: the answer already failed an earlier part")
    parts = [{"id": test["id"], "visible": visible[i] if i < len(visible) else skipped, "full": full.get(i, skipped)}
             for i, test in enumerate(job["tests"]) if i < len(visible) or i in full]
    return {"exercise": job["exercise"], "variant": job["variant"], "answer": answer, "parts": parts,
            "seconds": time.perf_counter() - t0}


# --------------------------------------------------------------------------- report


def as_demanded(kind: str, result: VariantResult) -> bool:
    """Whether a variant is graded as its kind demands (instructor and correct: every part
    passes; wrong: a visible part fails, and so a part of the grade; forbidden: every part
    fails once the hidden tests run)."""
    visible = all(p.visible.ok for p in result.parts.values())
    full = all(p.full.ok for p in result.parts.values())
    if not result.answer.ok:
        return False
    none = not any(p.full.ok for p in result.parts.values())
    return {"wrong": not visible and not full, "forbidden": none}.get(kind, visible and full)


def report(chapters: list[str]) -> int:
    """Print every variant of the given chapters (all when empty); return 1 if any is graded wrongly."""
    import grading_bank

    bad = 0
    for notebook in discover():
        if chapters and notebook.parent.name not in chapters:
            continue
        module = grading_bank.load(notebook.parent.name)
        bank = module.BANK if module else {}
        run = run_chapter(notebook, bank)
        print(f"{run.chapter.name}: set-up {run.setup} ({run.setup_seconds:.1f} s), total {run.seconds:.1f} s")
        kinds = {(gid, v.name): v.kind for gid, variants in bank.items() for v in variants}
        for (gid, name), why in run.build_errors.items():
            bad += 1
            print(f"  BAD  {gid:28} {kinds[(gid, name)]:10} {name:36} cannot be built: {why}")
        for gid, variants in run.results.items():
            for name, result in variants.items():
                kind = kinds.get((gid, name), INSTRUCTOR)
                ok = as_demanded(kind, result)
                bad += not ok
                print(f"  {'ok ' if ok else 'BAD'}  {gid:28} {kind:10} {name:36} {result.seconds:5.2f} s")
                if not ok or kind == "forbidden":
                    print("         " + result.describe().replace("\n", "\n         "))
        for gid in sorted(set(bank) - set(run.chapter.exercises)):
            bad += 1
            print(f"  BAD  {gid}: in the bank, not in the notebook")
    return 1 if bad else 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        _child(sys.argv[2], sys.argv[3])
    else:
        sys.exit(report(sys.argv[1:]))
