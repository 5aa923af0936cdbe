"""Framework-free helpers for Chapter 5: number phrases in English, French and Russian, and their metrics.

* :func:`load_number_phrases`: the rows of ``data/number_phrases/number_phrases.tsv``, each a
  :class:`NumberPhrase` (the number, its split and its phrase in the three languages);
* :func:`tokenize_phrase` and :func:`detokenize_phrase`: words, with a hyphen and a comma as
  tokens of their own, and back to the exact phrase;
* :func:`edit_distance`, :func:`char_error_rate` and :func:`exact_match`: how far predicted
  phrases are from the references.

The data file is checked against its size and SHA-256 first (see
:func:`course_utils.data.data_path`), so a missing or corrupt file raises
:class:`~course_utils.data.DataFileError` naming it.  See ``data/README.md`` for its source.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from course_utils.data import data_path
from course_utils.splits import note_test_read

NUMBER_PHRASES = "number_phrases/number_phrases.tsv"
LANGUAGES = ("en", "fr", "ru")
SPLITS = ("train", "valid", "test", "long")
#: The held-out splits: asking for one counts as a read of a test split (course_utils.splits).
HELD_OUT = {"test": "number_phrases", "long": "number_phrases long"}
HEADER = ("number", "split", *LANGUAGES)
_TOKEN = re.compile(r"[^\s,-]+|[,-]")  # a run of letters, or a hyphen or a comma on its own


@dataclass(frozen=True)
class NumberPhrase:
    """One row of the data file: a number, its split and its phrase in English, French and Russian."""

    number: int
    split: str
    en: str
    fr: str
    ru: str


def tokenize_phrase(text: str) -> list[str]:
    """Split a number phrase into tokens: words, and every hyphen and comma as a token of its own.

    Words are separated by white space: ``"ninety-nine"`` -> ``["ninety", "-", "nine"]``,
    ``"one thousand, nine hundred"`` -> ``["one", "thousand", ",", "nine", "hundred"]``.
    :func:`detokenize_phrase` gives the phrase back.
    """
    if not isinstance(text, str):
        raise TypeError(f"tokenize_phrase takes a string, got {type(text).__name__}")
    return _TOKEN.findall(text)


def detokenize_phrase(tokens: Sequence[str]) -> str:
    """Join tokens into a phrase: the inverse of :func:`tokenize_phrase` on the phrases of the data file.

    Words are joined by one space; a hyphen joins its neighbours with no space
    (``["ninety", "-", "nine"]`` -> ``"ninety-nine"``), and a comma follows the word before it
    (``["thousand", ",", "nine"]`` -> ``"thousand, nine"``).  Also works on a model's output
    whatever the order of its tokens (``[",", "-"]`` -> ``",-"``).
    """
    if isinstance(tokens, str):
        raise TypeError("detokenize_phrase takes a list of tokens, not a string; tokenize_phrase splits one")
    text = ""
    previous = ""
    for token in tokens:
        if not isinstance(token, str):
            raise TypeError(f"every token must be a string, got {token!r}")
        glued = token in ("-", ",") or previous == "-"
        text += token if glued or not text else " " + token
        previous = token
    return text


def _bad_row(path: Path, number: int, line: str, problem: str) -> ValueError:
    """Return the error for line ``number`` of the data file, saying what is wrong with it."""
    shown = line if len(line) <= 100 else line[:97] + "..."
    return ValueError(f"{path}, line {number}: {problem} ({shown!r})")


def _parse_row(path: Path, number: int, line: str) -> NumberPhrase:
    """Return the :class:`NumberPhrase` of one line of the data file, or raise ``ValueError`` naming it."""
    fields = line.split("\t")
    if len(fields) != len(HEADER):
        raise _bad_row(path, number, line, f"expected {len(HEADER)} tab-separated fields "
                                           f"({', '.join(HEADER)}), found {len(fields)}")
    value, split, *phrases = fields
    if not value.isascii() or not value.isdigit():
        raise _bad_row(path, number, line, f"the number {value!r} is not a non-negative integer")
    if split not in SPLITS:
        raise _bad_row(path, number, line, f"unknown split {split!r} (expected one of {', '.join(SPLITS)})")
    for lang, phrase in zip(LANGUAGES, phrases):
        if not phrase.strip():
            raise _bad_row(path, number, line, f"the {lang} phrase is empty")
    return NumberPhrase(int(value), split, *phrases)


def load_number_phrases(split: str | None = None, root: Path | None = None) -> list[NumberPhrase]:
    """Return the number phrases of one split (``"train"``, ``"valid"``, ``"test"``, ``"long"``) or, by default, all.

    Every number 0-9,999 is in exactly one of train (8,000), valid (1,000) and test (1,000);
    ``"long"`` holds 1,000 five-digit numbers.  The rows come in increasing order of the number.
    ``root`` is the data folder (default: :func:`course_utils.data.data_dir`).  Raises
    ``ValueError`` for an unknown split, and naming the file and the line for a malformed row;
    :class:`~course_utils.data.DataFileError` when the file is missing or corrupt.  Asking for
    ``"test"`` or ``"long"`` counts as a read of a held-out split (:data:`HELD_OUT`, see
    :func:`course_utils.splits.note_test_read`); loading every split (``split=None``) does not.
    """
    if split is not None and split not in SPLITS:
        raise ValueError(f"split must be one of {', '.join(map(repr, SPLITS))} or None (all), got {split!r}")
    path = data_path(NUMBER_PHRASES, root)
    with open(path, encoding="utf-8", newline="") as handle:
        lines = handle.read().split("\n")
    if lines[-1] == "":
        lines.pop()  # the line end of the last row
    if not lines or tuple(lines[0].split("\t")) != HEADER:
        found = lines[0] if lines else ""
        raise _bad_row(path, 1, found, f"expected the header {'<TAB>'.join(HEADER)}")
    rows = [_parse_row(path, number, line) for number, line in enumerate(lines[1:], start=2)]
    if split in HELD_OUT:
        note_test_read(HELD_OUT[split])
    return rows if split is None else [row for row in rows if row.split == split]


def edit_distance(a: Sequence, b: Sequence) -> int:
    """Return the Levenshtein distance of two sequences: the fewest insertions, deletions and substitutions.

    Works on strings (characters) and on lists of tokens alike: ``edit_distance("kitten",
    "sitting") == 3``, ``edit_distance(["vingt", "et", "un"], ["vingt", "un"]) == 1``.
    """
    a, b = list(a), list(b)
    start = 0  # the common prefix and suffix cost nothing
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    end_a, end_b = len(a), len(b)
    while end_a > start and end_b > start and a[end_a - 1] == b[end_b - 1]:
        end_a, end_b = end_a - 1, end_b - 1
    a, b = a[start:end_a], b[start:end_b]
    if len(a) < len(b):
        a, b = b, a  # the shorter one along the row
    previous = list(range(len(b) + 1))  # distances from a[:0] to every prefix of b
    for i, x in enumerate(a, start=1):
        current = [i]
        for j, y in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        previous = current
    return previous[-1]


def _check_same_length(what: str, predicted: Sequence, references: Sequence) -> None:
    """Raise ``ValueError`` unless there are as many predictions as references, at least one."""
    if len(predicted) != len(references):
        raise ValueError(f"{what}: expected as many predictions as references ({len(references)}), "
                         f"got {len(predicted)}")
    if not references:
        raise ValueError(f"{what}: no references to compare with")


def char_error_rate(predicted: Sequence[str], references: Sequence[str]) -> float:
    """Return the character error rate: the total character edit distance over the total reference characters.

    Both are lists of phrases as strings (detokenize token lists first with
    :func:`detokenize_phrase`), the i-th prediction compared with the i-th reference.
    0 means every phrase is right; it can exceed 1 when predictions are longer than the
    references.  Raises ``ValueError`` when the lengths differ or there is no reference
    character, ``TypeError`` when a phrase is not a string.
    """
    _check_same_length("char_error_rate", predicted, references)
    for what, phrases in (("prediction", predicted), ("reference", references)):
        for i, phrase in enumerate(phrases):
            if not isinstance(phrase, str):
                raise TypeError(f"char_error_rate compares strings: {what} {i} is a {type(phrase).__name__}; "
                                "join token lists with detokenize_phrase first")
    total = sum(len(reference) for reference in references)
    if total == 0:
        raise ValueError("char_error_rate: the references have no characters")
    return sum(edit_distance(p, r) for p, r in zip(predicted, references)) / total


def exact_match(predicted: Sequence[Sequence[str]], references: Sequence[Sequence[str]]) -> float:
    """Return the share of predicted token sequences equal to their reference, token for token.

    A list and a tuple with the same tokens are equal.  Raises ``ValueError`` when the
    lengths differ or there is no reference.
    """
    _check_same_length("exact_match", predicted, references)
    return sum(list(p) == list(r) for p, r in zip(predicted, references)) / len(references)
