"""Checks on one submitted notebook before and after nbgrader grades it.

Before: is there a submission, are the notebooks named as released, do they parse, does a
grade cell appear twice (:func:`precheck`). After: which read-only cells the student edited
or deleted (:func:`edited_cells`), reported instead of nbgrader's checksum warnings, which
fire on every test cell because the released notebook has no hidden tests.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat

#: Statuses a student can get in ``grades/autograde-<assignment>.csv``.
GRADED = "graded"
NEEDS_REVIEW = "needs review"
NO_SUBMISSION = "no submission"
WRONG_NAME = "wrong file name"
NOT_A_NOTEBOOK = "not a notebook"
FAILED = "grading failed"


@dataclass
class Precheck:
    """What :func:`precheck` found: ``status`` is None when nbgrader should grade it."""

    status: str | None
    reason: str = ""
    notes: tuple[str, ...] = ()


def _meta(cell: Any) -> dict:
    meta = cell.get("metadata", {}).get("nbgrader", {}) if isinstance(cell, dict) else {}
    return meta if isinstance(meta, dict) else {"grade_id": None}


def released_notebooks(course: Path, release_dir: str, assignment: str) -> dict[str, Any]:
    """The released notebooks of an assignment, by file name."""
    folder = course / release_dir / assignment
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder} does not exist: run `nbgrader generate_assignment {assignment}` first")
    return {p.name: nbformat.read(p, as_version=4) for p in sorted(folder.glob("*.ipynb"))}


def precheck(folder: Path, expected: list[str], release: dict[str, Any] | None = None) -> Precheck:
    """Decide whether ``folder`` (``submitted/<student>/<assignment>``) can be graded.

    Duplicated grade cells (a student copied and pasted a cell) are repaired in place: every
    copy after the first loses its nbgrader metadata, as nbgrader's own DeduplicateIds does,
    and the note says so; the original is kept beside it as ``<name>.orig``. So is a cell
    whose grade id the released notebook (``release``: notebook name -> notebook) does not
    have, pasted from another notebook, and a grade cell the student deleted is put back from
    the release: nbgrader would stop on either.
    """
    if not folder.is_dir():
        return Precheck(NO_SUBMISSION, "nothing was submitted")
    found = sorted(p.name for p in folder.glob("*.ipynb"))
    missing = [name for name in expected if name not in found]
    if missing:
        got = ", ".join(found) or "no notebook"
        if len(missing) == len(expected):
            return Precheck(WRONG_NAME, f"expected {', '.join(expected)}; got {got}; rename the file and re-grade")
        return Precheck(WRONG_NAME, f"missing {', '.join(missing)}; got {got}")
    notes = []
    for name in expected:
        path = folder / name
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            cells = raw["cells"]
            if not isinstance(cells, list):
                raise TypeError("'cells' is not a list")
        except (ValueError, KeyError, TypeError) as err:
            return Precheck(NOT_A_NOTEBOOK, f"{name} is not a readable notebook ({type(err).__name__}: {err})")
        ids = Counter(_meta(c).get("grade_id") for c in cells if _meta(c))
        twice = sorted(str(i) for i, n in ids.items() if n > 1 and i)
        released = [] if release is None or name not in release else \
            [c for c in release[name].cells if _meta(c).get("grade_id")]
        allowed = None if release is None else {_meta(c)["grade_id"] for c in released}
        strangers = sorted({str(i) for i in ids if allowed is not None and i not in allowed})
        missing = [c for c in released if _meta(c)["grade_id"] not in ids]
        if twice or strangers or missing:
            seen = set()
            for cell in cells:
                gid = _meta(cell).get("grade_id")
                if _meta(cell) and (gid in seen or (allowed is not None and gid not in allowed)):
                    del cell["metadata"]["nbgrader"]
                    cell["id"] = uuid.uuid4().hex[:8]  # a pasted cell repeats the cell id too
                seen.add(gid)
            _put_back(cells, released, missing)
            path.with_name(name + ".orig").write_bytes(path.read_bytes())
            path.write_text(json.dumps(raw, indent=1, ensure_ascii=False), encoding="utf-8")
            if twice:
                notes.append(f"{name}: cell(s) {', '.join(twice)} appeared more than once; the first copy was graded")
            if strangers:
                notes.append(f"{name}: cell(s) {', '.join(strangers)[:200]} are not in the released notebook: "
                             "graded as ordinary cells")
            if missing:
                notes.append(f"{name}: cell(s) {', '.join(_meta(c)['grade_id'] for c in missing)[:200]} were "
                             "deleted: put back as released")
    return Precheck(None, notes=tuple(notes))


def _put_back(cells: list, released: list, missing: list) -> None:
    """Insert each missing released grade cell after the released grade cell before it that is there."""
    for cell in missing:
        before = released[: released.index(cell)]
        at = 0
        for prior in reversed(before):
            found = [i for i, c in enumerate(cells) if _meta(c).get("grade_id") == _meta(prior)["grade_id"]]
            if found:
                at = found[0] + 1
                break
        copy = json.loads(json.dumps(dict(cell)))
        copy["id"] = uuid.uuid4().hex[:8]
        cells.insert(at, copy)


def _norm(source: Any) -> str:
    text = "".join(source) if isinstance(source, list) else str(source)
    return "\n".join(line.rstrip() for line in text.strip().splitlines())


def edited_cells(submitted: Any, release: Any) -> list[str]:
    """Read-only cells of ``release`` that ``submitted`` changed or lacks, as short phrases.

    nbgrader restores them all before grading; this only tells the instructor who tried.
    """
    theirs = {}
    for cell in submitted.cells:
        gid = _meta(cell).get("grade_id")
        if gid and gid not in theirs:
            theirs[gid] = cell
    report = []
    for cell in release.cells:
        meta = _meta(cell)
        if not (meta.get("locked") or (meta.get("grade") and not meta.get("solution"))):
            continue
        gid = meta["grade_id"]
        if gid not in theirs:
            report.append(f"{gid} deleted")
        elif _norm(theirs[gid].source) != _norm(cell.source):
            report.append(f"{gid} edited")
    return report
