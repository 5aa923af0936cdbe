"""Copy the word-analogy and word-similarity benchmarks out of the ``gensim`` wheel.

The ``gensim`` wheel (LGPL-2.1) carries, in ``gensim/test/test_data/``, three small
benchmarks for word vectors, which this script copies byte for byte after checking their
format:

* ``questions-words.txt``: the word-analogy questions of Mikolov et al. (2013), shipped with
  word2vec (Apache-2.0): ``: category`` header lines, then four words per line
  (``Athens Greece Baghdad Iraq``: Athens is to Greece as Baghdad is to Iraq);
* ``wordsim353.tsv``: WordSim-353 (Finkelstein et al., 2002, "Placing search in context: the
  concept revisited"), word pairs with the mean human relatedness score (0-10);
* ``simlex999.txt``: SimLex-999 (Hill, Reichart and Korhonen, 2015, Computational
  Linguistics), word pairs with the mean human similarity score (0-10);

the last two as ``word1<TAB>word2<TAB>score`` lines after ``#`` comment lines.

Usage (run from the repository root; any platform's wheel of this version holds the same files)::

    pip download gensim==4.3.3 --no-deps --only-binary=:all: -d wheels
    python data/word_benchmarks/make_word_benchmarks.py wheels/gensim-4.3.3-*.whl

Afterwards update the sizes and checksums in ``data/MANIFEST.json``.
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

GENSIM_VERSION = "4.3.3"
FOLDER = "gensim/test/test_data/"
ANALOGIES = "questions-words.txt"
SIMILARITIES = {"wordsim353.tsv": 353, "simlex999.txt": 999}  # file -> number of pairs
ANALOGY_CATEGORIES, ANALOGY_QUESTIONS = 14, 19544


def check_analogies(text: str) -> None:
    """Raise ``ValueError`` unless ``text`` is ``: category`` headers, each followed by 4-word lines."""
    categories, questions = 0, 0
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith(": "):
            categories += 1
        elif len(line.split()) != 4 or categories == 0:
            raise ValueError(f"{ANALOGIES}, line {number}: expected a ': category' header or 4 words, "
                             f"found {line!r}")
        else:
            questions += 1
    if (categories, questions) != (ANALOGY_CATEGORIES, ANALOGY_QUESTIONS):
        raise ValueError(f"{ANALOGIES}: expected {ANALOGY_CATEGORIES} categories and {ANALOGY_QUESTIONS} "
                         f"questions, found {categories} and {questions}")


def check_similarities(name: str, text: str, pairs: int) -> None:
    """Raise ``ValueError`` unless ``text`` is ``#`` comments, then ``pairs`` lines ``word1 word2 score``.

    The three fields are separated by tabs.
    """
    found = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 3 or not all(fields[:2]) or not 0 <= float(fields[2]) <= 10:
            raise ValueError(f"{name}, line {number}: expected word1<TAB>word2<TAB>score (0-10), "
                             f"found {line!r}")
        found += 1
    if found != pairs:
        raise ValueError(f"{name}: expected {pairs} word pairs, found {found}")


def main(wheel: str) -> None:
    """Copy the three benchmark files beside this script from the given gensim wheel."""
    if f"gensim-{GENSIM_VERSION}-" not in Path(wheel).name:
        raise SystemExit(f"expected a gensim {GENSIM_VERSION} wheel, got {wheel}")
    with zipfile.ZipFile(wheel) as archive:
        raw = {name: archive.read(FOLDER + name) for name in [ANALOGIES, *SIMILARITIES]}
    check_analogies(raw[ANALOGIES].decode("utf-8"))
    for name, pairs in SIMILARITIES.items():
        check_similarities(name, raw[name].decode("utf-8"), pairs)
    for name, payload in raw.items():
        out = Path(__file__).with_name(name)
        out.write_bytes(payload)
        print(f"wrote {out} ({len(payload)} bytes)")


if __name__ == "__main__":
    main(sys.argv[1])
