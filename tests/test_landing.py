"""The numbers on the landing page (intro.md) agree with the chapter notebooks.

intro.md has one section per chapter (``### N. title``) with fixed phrases:
``**Exercises:** 5 (11 points)``, ``**Self-check quiz:** 8 questions``, ``**Reading:** about
5,000 words``, ``**Estimated time:** about 3 hours`` and ``**Builds on:** Chapter 3 (...) and
Chapter 4 (...)``. A table repeats the dependencies, exercises, points and times, and the
suggested paths through the course add them up. From the released student notebook (the
same metadata and text as the instructor notebook in solutions/) this module recomputes:

* exercises: the answer cells, each with the test cells named after it
  (``nbutils.exercises``, as test_notebook_format counts them); points: the sum of their
  test cells' points;
* quiz questions: the numbered items of the chapter's "## Self-check quiz" section;
* words: the whitespace-separated words of the markdown cells; the page's rounded figure
  must be within 5% of it;
* builds on: the chapters named in the notebook's ``**Prerequisites.**`` paragraph;
* time: the hours of the ``**Time.** About three hours: ...`` line of the notebook's first
  markdown cell (its opening), in words (``two and a half``) or digits (``2.5``).

The page's estimated time of each chapter, in its section and in the table, must be the
time the chapter's opening states, and each path must add up and take no chapter before
the chapters it builds on. A failing test names the chapter and the phrase on the page to
update.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from nbutils import ROOT, exercises, read, released, source_notebooks

INTRO = ROOT / "intro.md"
WORD_TOLERANCE = 0.05  # the page rounds word counts; edits that move them more must update it

# The opening's time line: "**Time.** About three hours: ...", "About two and a half hours", "About 2.5 hours".
OPENING_TIME = re.compile(r"\*\*Time\.\*\*\s+About\s+(\d+(?:\.5)?|[a-z]+)((?:\s+and\s+a\s+half)?)\s+hours?\b", re.I)
NUMBER_WORDS = {w: i for i, w in enumerate(
    "one two three four five six seven eight nine ten eleven twelve".split(), start=1)}
CHAPTER_REFS = re.compile(r"\bChapters? (\d+(?:(?:, | and )\d+)*)")
SECTION = re.compile(r"^### (\d+)\. (.*?)$(.*?)(?=^#|\Z)", re.M | re.S)
FIELDS = {
    "exercises": re.compile(r"\*\*Exercises:\*\* (\d+) \((\d+(?:\.\d+)?) points?\)"),
    "quiz": re.compile(r"\*\*Self-check quiz:\*\* (\d+) questions?"),
    "words": re.compile(r"\*\*Reading:\*\* about ([\d,]+) words"),
    "hours": re.compile(r"\*\*Estimated time:\*\* about (\d+(?:\.5)?) hours?"),
    "builds_on": re.compile(r"\*\*Builds on:\*\* (.*?)\*\*"),
}
TABLE_ROW = re.compile(r"^\| (\d+)\. [^|]*\| ([^|]*) \| ([^|]*) \| "
                       r"(\d+) \((\d+(?:\.\d+)?)\) \| (\d+(?:\.5)?) hours? \|$", re.M)
PATH = re.compile(r"Chapters ((?:\d+ → )+\d+); (\d+) exercises \((\d+(?:\.\d+)?) points\); about (\d+(?:\.5)?) hours")

SOURCES = source_notebooks()
IDS = [p.parent.name for p in SOURCES]


def _number(x: float) -> str:
    return f"{x:g}"


def _chapter(source: Path) -> int:
    """The chapter number of solutions/<NN-name>/<name>.ipynb."""
    return int(source.parent.name.split("-")[0])


def _student(source: Path) -> Path:
    """The released student notebook the page links to (the instructor notebook if none was released)."""
    student = released(source)
    return student if student.is_file() else source


def _refs(text: str) -> set[int]:
    """The chapter numbers a phrase names: 'Chapter 2 (...) and Chapter 3', 'Chapters 2, 3 and 4'."""
    return {int(n) for group in CHAPTER_REFS.findall(text) for n in re.findall(r"\d+", group)}


def _opening_hours(text: str) -> tuple[float | None, str | None]:
    """The hours of the '**Time.** About ... hours' line of a chapter's opening, and that line.

    (None, None) when the opening has no '**Time.**' line; (None, line) when it has one this
    cannot read.
    """
    if "**Time.**" not in text:
        return None, None
    line = " ".join(text.split("**Time.**", 1)[1].split("\n\n")[0].split())
    line = f"**Time.** {line}"
    m = OPENING_TIME.match(line)
    if m is None:
        return None, line
    amount, half = m.group(1).lower(), m.group(2)
    if amount[0].isdigit():
        hours = float(amount)
    elif amount in NUMBER_WORDS:
        hours = float(NUMBER_WORDS[amount])
    else:
        return None, line
    return hours + (0.5 if half else 0.0), line


def _number_list(cell: str) -> set[int]:
    """'1, 2' -> {1, 2}; 'none' -> set()."""
    return set() if cell.strip() == "none" else {int(n) for n in re.findall(r"\d+", cell)}


# --- What the notebooks say -------------------------------------------------------------

@cache
def computed(source: Path) -> dict:
    """Exercises, points, quiz questions, words, prerequisite chapters and stated time of one chapter."""
    nb = read(_student(source))
    markdown = [c.source for c in nb.cells if c.cell_type == "markdown"]
    found = exercises(nb)  # the answer cells with their test cells, as test_notebook_format counts them
    quiz = next((t for t in markdown if "## Self-check quiz" in t), None)
    questions = 0
    if quiz is not None:
        section = quiz.split("## Self-check quiz", 1)[1].split("\n## ")[0]
        questions = len(re.findall(r"^\d+\. ", section, re.M))
    prerequisites = next((t.split("**Prerequisites.**", 1)[1].split("\n\n")[0]
                          for t in markdown if "**Prerequisites.**" in t), None)
    hours, time_line = _opening_hours(markdown[0]) if markdown else (None, None)
    return {
        "exercises": len(found),
        "points": float(sum(e.points for e in found)),
        "quiz": questions,
        "words": sum(len(t.split()) for t in markdown),
        "builds_on": None if prerequisites is None else _refs(prerequisites),
        "hours": hours,  # the time the chapter's opening states, None if it states none readably
        "time_line": time_line,  # that '**Time.** ...' line, for messages
    }


# --- What the page says -----------------------------------------------------------------

@cache
def page() -> str:
    return INTRO.read_text(encoding="utf-8")


@cache
def sections() -> dict[int, str]:
    """Chapter number -> the text of its '### N. title' section, whitespace collapsed."""
    found = {}
    for m in SECTION.finditer(page()):
        number = int(m.group(1))
        assert number not in found, f"intro.md has two sections '### {number}.'"
        found[number] = " ".join(m.group(3).split())
    return found


def stated(source: Path) -> dict:
    """The figures one chapter's section of intro.md states."""
    number = _chapter(source)
    assert number in sections(), \
        (f"intro.md should have a section '### {number}. ...' for {source.parent.name}, "
         f"found sections {sorted(sections())}")
    text = sections()[number]
    values = {}
    for name, pattern in FIELDS.items():
        m = pattern.search(text)
        values[name] = m.groups() if m else None
    return values


def field(source: Path, name: str, phrase: str):
    """One field of a chapter's section; fails with the phrase to write when it is missing."""
    value = stated(source)[name]
    assert value is not None, f"section '### {_chapter(source)}.' of intro.md should contain {phrase!r}, found none"
    return value


def dependency_section() -> str:
    parts = page().split("\n## How the chapters depend on each other", 1)
    assert len(parts) == 2, "intro.md should have a section '## How the chapters depend on each other', found none"
    return parts[1].split("\n## ")[0]


# --- Per chapter ------------------------------------------------------------------------

@pytest.mark.parametrize("source", SOURCES, ids=IDS)
def test_section_links_the_chapter(source):
    link = f"(chapters/{source.parent.name}/{source.name})"
    number = _chapter(source)
    assert number in sections() and link in sections()[number], \
        f"section '### {number}.' of intro.md should link to {link[1:-1]}"


@pytest.mark.parametrize("source", SOURCES, ids=IDS)
def test_exercises_and_points(source):
    exercises, points = field(source, "exercises", "**Exercises:** N (P points)")
    want = computed(source)
    assert (int(exercises), float(points)) == (want["exercises"], want["points"]), \
        (f"{source.parent.name}: intro.md says '**Exercises:** {exercises} ({points} points)', the notebook has "
         f"{want['exercises']} exercises worth {_number(want['points'])} points: update that phrase and the "
         f"chapter's row of the dependency table")


@pytest.mark.parametrize("source", SOURCES, ids=IDS)
def test_quiz_questions(source):
    want = computed(source)["quiz"]
    value = stated(source)["quiz"]
    if want == 0:
        assert value is None, \
            f"{source.parent.name} has no self-check quiz, but intro.md announces {value[0]} questions"
        return
    assert value is not None and int(value[0]) == want, \
        (f"{source.parent.name}: the notebook's self-check quiz has {want} questions, intro.md says "
         f"{value[0] if value else 'nothing'}: write '**Self-check quiz:** {want} questions'")


@pytest.mark.parametrize("source", SOURCES, ids=IDS)
def test_reading_words(source):
    (words,) = field(source, "words", "**Reading:** about N words")
    page_words = int(words.replace(",", ""))
    want = computed(source)["words"]
    assert abs(page_words - want) <= WORD_TOLERANCE * want, \
        (f"{source.parent.name}: intro.md says 'about {words} words', its markdown cells have {want:,} words "
         f"(more than {WORD_TOLERANCE:.0%} apart): write '**Reading:** about {round(want, -2):,} words'")


def opening_hours(source: Path) -> float:
    """The time a chapter's opening states; fails, naming the notebook, when it states none readably."""
    want = computed(source)
    notebook = _student(source).relative_to(ROOT)
    assert want["time_line"] is not None, \
        f"{notebook}: the first markdown cell should state the chapter's time as '**Time.** About N hours: ...', found none"
    assert want["hours"] is not None, \
        (f"{notebook}: cannot read the hours of {want['time_line'][:80]!r}; write '**Time.** About N hours' "
         f"(N in words, e.g. 'three' or 'two and a half', or digits)")
    return want["hours"]


@pytest.mark.parametrize("source", SOURCES, ids=IDS)
def test_estimated_time_is_the_chapters_own(source):
    (hours,) = field(source, "hours", "**Estimated time:** about H hours")
    want = opening_hours(source)
    number = _chapter(source)
    assert float(hours) == want, \
        (f"{source.parent.name}: intro.md says '**Estimated time:** about {hours} hours', the chapter's opening "
         f"({_student(source).relative_to(ROOT)}) says {computed(source)['time_line'][:60]!r}, {_number(want)} "
         f"hours: write 'about {_number(want)} hours' in section '### {number}.' and in table row {number}, "
         f"and update the totals of the paths that take Chapter {number}")


@pytest.mark.parametrize("source", SOURCES, ids=IDS)
def test_builds_on_names_the_chapters_prerequisites(source):
    want = computed(source)["builds_on"]
    assert want is not None, f"{source.parent.name} has no '**Prerequisites.**' paragraph to compare with"
    (text,) = field(source, "builds_on", "**Builds on:** Chapter N (...)")
    assert _refs(text) == want, \
        (f"{source.parent.name}: the notebook's prerequisites name chapters {sorted(want) or 'none'}, the "
         f"'**Builds on:**' of intro.md names {sorted(_refs(text)) or 'none'}")


# --- The dependency table and the paths -------------------------------------------------

def test_dependency_table_matches_the_chapters():
    rows = {int(m.group(1)): m.groups()[1:] for m in TABLE_ROW.finditer(dependency_section())}
    numbers = sorted(_chapter(s) for s in SOURCES)
    assert sorted(rows) == numbers, \
        f"the dependency table should have one row per chapter {numbers}, found {sorted(rows)}"
    prerequisites = {_chapter(s): computed(s)["builds_on"] for s in SOURCES}
    for source in SOURCES:
        number = _chapter(source)
        builds_on, needed_by, exercises, points, hours = rows[number]
        assert _number_list(builds_on) == prerequisites[number], \
            f"table row {number}: 'builds on' should be {sorted(prerequisites[number]) or 'none'}, found {builds_on!r}"
        users = {k for k, needs in prerequisites.items() if number in (needs or set())}
        assert _number_list(needed_by) == users, \
            f"table row {number}: 'needed by' should be {sorted(users) or 'none'}, found {needed_by!r}"
        section = field(source, "exercises", "**Exercises:** N (P points)")
        assert (exercises, points) == section, \
            f"table row {number} says {exercises} ({points}), section '### {number}.' says {section[0]} ({section[1]})"
        want = opening_hours(source)
        assert float(hours) == want, \
            (f"table row {number} says {hours} hours, the chapter's opening says {_number(want)} hours: "
             f"write '{_number(want)} hours' in that row")


def test_paths_add_up_and_respect_the_dependencies():
    text = " ".join(dependency_section().split())
    paths = PATH.findall(text)
    assert len(paths) >= 2, \
        (f"intro.md should suggest at least two paths, each as 'Chapters 1 → 2 ...; N exercises (P points); "
         f"about H hours', found {len(paths)}")
    numbers = sorted(_chapter(s) for s in SOURCES)
    assert any([int(n) for n in p[0].split(" → ")] == numbers for p in paths), \
        f"one path should be the full course in order, {' → '.join(map(str, numbers))}"
    by_number = {_chapter(s): s for s in SOURCES}
    for chapters, exercises, points, hours in paths:
        name = f"Chapters {chapters}"
        order = [int(n) for n in chapters.split(" → ")]
        assert set(order) <= set(by_number) and len(set(order)) == len(order), \
            f"path '{name}': chapters {order} should be distinct chapters of {numbers}"
        for i, number in enumerate(order):
            missing = (computed(by_number[number])["builds_on"] or set()) - set(order[:i])
            assert not missing, \
                f"path '{name}' takes Chapter {number} before (or without) chapters {sorted(missing)} it builds on"
        want_exercises = sum(computed(by_number[n])["exercises"] for n in order)
        want_points = sum(computed(by_number[n])["points"] for n in order)
        want_hours = sum(opening_hours(by_number[n]) for n in order)
        assert (int(exercises), float(points)) == (want_exercises, want_points), \
            (f"path '{name}': intro.md says {exercises} exercises ({points} points), its chapters have "
             f"{want_exercises} ({_number(want_points)})")
        assert float(hours) == want_hours, \
            (f"path '{name}': intro.md says about {hours} hours, the times its chapters' openings state add up to "
             f"{_number(want_hours)}: write 'about {_number(want_hours)} hours'")
