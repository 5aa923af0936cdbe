"""Answer banks: typical wrong answers and differently written correct ones, per exercise.

One module per chapter, named after the chapter's folder (and one more in ``independent/``,
written by someone who did not write the chapter's tests): ``solutions/01-rnn-anatomy``
has ``ch01_rnn_anatomy``. A module defines

* ``BANK``: exercise grade_id -> list of :class:`Variant`;
* optionally ``NO_FORBIDDEN``: exercise grade_id -> why no answer can borrow a course_utils
  reference there (for example, none exists).

A variant's ``code`` replaces the instructor's solution region (the ``def`` line and the
docstring around it stay, as in the student's release); give a tuple for a cell with
several regions, or ``whole_cell=True`` for an entire answer cell. Code is dedented, so
it can be written at any indentation. ``prelude`` is code the answer relies on from an
earlier cell (say, the student's own function from the previous exercise); it is put
at the top of the answer cell, since the harness runs each exercise on its own.

Kinds, and what ``test_grading_validity`` demands of them:

* ``wrong``: a bug students make; it must fail a visible test part of its exercise;
* ``correct``: written differently from the instructor; it must pass every part, hidden
  tests included;
* ``forbidden``: a correct answer that calls the course's reference implementation; it
  must fail when the hidden tests run.
"""

from __future__ import annotations

import importlib
import types
from dataclasses import dataclass

WRONG, CORRECT, FORBIDDEN = "wrong", "correct", "forbidden"
KINDS = (WRONG, CORRECT, FORBIDDEN)


@dataclass(frozen=True)
class Variant:
    """One answer to one exercise."""

    kind: str
    name: str
    code: str | tuple[str, ...]
    note: str = ""  # the bug, or how the answer differs from the instructor's
    whole_cell: bool = False
    prelude: str = ""


def wrong(name: str, code: str | tuple[str, ...], note: str = "", *, whole_cell: bool = False,
          prelude: str = "") -> Variant:
    return Variant(WRONG, name, code, note, whole_cell, prelude)


def correct(name: str, code: str | tuple[str, ...], note: str = "", *, whole_cell: bool = False,
            prelude: str = "") -> Variant:
    return Variant(CORRECT, name, code, note, whole_cell, prelude)


def forbidden(name: str, code: str | tuple[str, ...], note: str = "", *, whole_cell: bool = False,
              prelude: str = "") -> Variant:
    return Variant(FORBIDDEN, name, code, note, whole_cell, prelude)


def module_name(chapter: str) -> str:
    """``01-rnn-anatomy`` -> ``ch01_rnn_anatomy``."""
    return "ch" + chapter.replace("-", "_").replace(".", "_")


def _import(name: str):
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as err:
        if err.name == name:
            return None
        raise


def load(chapter: str):
    """The chapter's bank, or None when there is none.

    Its ``BANK`` holds the variants of ``grading_bank.chNN_name`` and those of
    ``grading_bank.independent.chNN_name`` (the answers written by someone who did not write
    the chapter's tests), which are also its ``INDEPENDENT``; ``NO_FORBIDDEN`` comes from the
    first.
    """
    module = _import(f"{__name__}.{module_name(chapter)}")
    if module is None:
        return None
    extra = _import(f"{__name__}.independent.{module_name(chapter)}")
    independent = dict(getattr(extra, "BANK", {}) or {})
    bank = {gid: list(variants) for gid, variants in getattr(module, "BANK", {}).items()} \
        if isinstance(getattr(module, "BANK", None), dict) else getattr(module, "BANK", None)
    if isinstance(bank, dict):
        for gid, variants in independent.items():
            bank.setdefault(gid, []).extend(variants)
    return types.SimpleNamespace(__name__=module.__name__, BANK=bank, INDEPENDENT=independent,
                                 NO_FORBIDDEN=getattr(module, "NO_FORBIDDEN", {}))
