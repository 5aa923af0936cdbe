"""Build ``number_phrases.tsv``, numbers written out in English, French and Russian, with ``num2words``.

Chapter 5 translates number phrases from one language to another ("twenty-one" ->
"vingt et un", "двадцать один").  The phrases are the standard number names of the three
languages, written by ``num2words`` 0.5.14 (LGPL-2.1), ``num2words(n, lang=...)`` for
``lang`` = ``"en"``, ``"fr"`` and ``"ru"``, unchanged.  num2words is not a dependency of the
course and is not installed: this script imports it straight from the wheel (it is pure
Python), after checking that the wheel is version 0.5.14.

The numbers are every integer from 0 to 9,999, then 1,000 distinct integers drawn from
10,000 to 99,999 with ``random.Random(2026)``.  The four-digit-or-shorter numbers are split
by shuffling 0..9,999 with a second generator, ``random.Random(5)``: the first 8,000 are
``train``, the next 1,000 ``valid`` and the last 1,000 ``test``; the five-digit numbers form
the split ``long`` (numbers larger than any seen in training).  The script checks that every
phrase is one line with no tab, no leading, trailing or doubled space, and writes
``number<TAB>split<TAB>en<TAB>fr<TAB>ru`` (UTF-8, ``\\n`` line ends, a header line), one row
per number in increasing order, and prints the counts.

Usage (run from the repository root)::

    pip download num2words==0.5.14 --no-deps -d wheels
    python data/number_phrases/make_number_phrases.py wheels/num2words-0.5.14-py3-none-any.whl

Afterwards update the size and checksum in ``data/MANIFEST.json``.
"""

from __future__ import annotations

import random
import sys
from collections import Counter
from collections.abc import Callable
from importlib.metadata import distributions
from pathlib import Path

NUM2WORDS_VERSION = "0.5.14"
LANGUAGES = ("en", "fr", "ru")
HEADER = ("number", "split", *LANGUAGES)
SHORT = range(10_000)  # every number 0..9,999, split into train / valid / test
LONG_RANGE, LONG_COUNT, LONG_SEED = range(10_000, 100_000), 1_000, 2026
SPLIT_SEED = 5
SPLIT_SIZES = {"train": 8_000, "valid": 1_000, "test": 1_000}


def load_num2words(wheel: str) -> Callable[..., str]:
    """Return the ``num2words`` function of the given wheel, after checking that it is version 0.5.14.

    The wheel goes first on ``sys.path``, so an installed num2words cannot stand in for it.
    """
    path = Path(wheel).resolve()
    if f"num2words-{NUM2WORDS_VERSION}-" not in path.name or not path.is_file():
        raise SystemExit(f"expected the num2words {NUM2WORDS_VERSION} wheel file, got {wheel}")
    versions = [dist.version for dist in distributions(path=[str(path)]) if dist.metadata["Name"] == "num2words"]
    if versions != [NUM2WORDS_VERSION]:
        raise SystemExit(f"{wheel} holds num2words {versions}, expected {NUM2WORDS_VERSION}")
    sys.path.insert(0, str(path))
    import num2words  # noqa: E402 (imported from the wheel just put on the path)

    if not Path(num2words.__file__).is_relative_to(path):
        raise SystemExit(f"num2words was imported from {num2words.__file__}, not from {path}")
    return num2words.num2words


def choose_numbers() -> dict[int, str]:
    """Return ``{number: split}`` for every number of the file, in increasing order."""
    shuffled = list(SHORT)
    random.Random(SPLIT_SEED).shuffle(shuffled)
    split_of: dict[int, str] = {}
    start = 0
    for split, size in SPLIT_SIZES.items():
        split_of.update((number, split) for number in shuffled[start:start + size])
        start += size
    assert start == len(shuffled)
    split_of.update((number, "long") for number in random.Random(LONG_SEED).sample(LONG_RANGE, LONG_COUNT))
    return dict(sorted(split_of.items()))


def check_phrase(number: int, lang: str, phrase: str) -> None:
    """Raise ``ValueError`` unless ``phrase`` is non-empty, one line, tab-free and single-spaced."""
    if not phrase or "\t" in phrase or "\n" in phrase or phrase != " ".join(phrase.split()):
        raise ValueError(f"num2words({number}, lang={lang!r}) = {phrase!r}: expected one line of words "
                         "separated by single spaces, with no tab")


def make_table(num2words: Callable[..., str]) -> str:
    """Return the text of ``number_phrases.tsv``: the header, then one row per number."""
    lines = ["\t".join(HEADER)]
    for number, split in choose_numbers().items():
        phrases = [num2words(number, lang=lang) for lang in LANGUAGES]
        for lang, phrase in zip(LANGUAGES, phrases):
            check_phrase(number, lang, phrase)
        lines.append("\t".join([str(number), split, *phrases]))
    return "\n".join(lines) + "\n"


def main(wheel: str) -> None:
    """Write ``number_phrases.tsv`` beside this script with the num2words of the given wheel."""
    text = make_table(load_num2words(wheel))
    counts = Counter(line.split("\t")[1] for line in text.splitlines()[1:])
    print(", ".join(f"{split}: {counts[split]}" for split in [*SPLIT_SIZES, "long"]))
    out = Path(__file__).with_name("number_phrases.tsv")
    with open(out, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)
    print(f"wrote {out} ({sum(counts.values())} rows, {out.stat().st_size} bytes)")


if __name__ == "__main__":
    main(sys.argv[1])
