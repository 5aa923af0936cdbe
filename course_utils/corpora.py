"""Framework-free loaders for the course's text data: review snippets, GloVe vectors, word benchmarks.

* :func:`load_snippets`: Rotten Tomatoes review snippets labelled 1 (fresh, positive) or
  0 (rotten, negative), balanced, in fixed train / valid / test splits;
* :func:`load_glove`: the shipped subset of the 50-dimensional GloVe 6B vectors and each word's
  rank in the full 400,000-word vocabulary; :func:`read_glove` reads any file in GloVe's
  text format, such as the full ``glove.6B.300d.txt``;
* :func:`load_analogies` and :func:`load_word_similarity`: the word-analogy questions of
  word2vec, WordSim-353 and SimLex-999;
* :func:`load_imdb`: the IMDB movie reviews of Maas et al. (2011) from a copy of their
  ``aclImdb`` folder that the reader has (the course does not ship or download it).

Every shipped file is checked against its size and SHA-256 first (see
:func:`course_utils.data.data_path`), so a missing or corrupt file raises
:class:`~course_utils.data.DataFileError` naming it.  ``root`` is the data folder (default:
:func:`course_utils.data.data_dir`).  See ``data/README.md`` for the sources and licenses.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import TextIO

import numpy as np

from course_utils.data import DataFileError, data_path, load_text
from course_utils.splits import note_test_read

SNIPPETS = "rotten_tomatoes/snippets.csv"
SPLITS = ("train", "valid", "test")
GLOVE = "glove/glove.6B.50d.subset.txt.gz"
GLOVE_RANKS = "glove/glove.6B.50d.subset.ranks.txt"
GLOVE_DIM = 50
ANALOGIES = "word_benchmarks/questions-words.txt"
SIMILARITY = {"wordsim353": "word_benchmarks/wordsim353.tsv", "simlex999": "word_benchmarks/simlex999.txt"}
_CHUNK_LINES = 50_000  # read_glove parses this many lines at a time: a large file needs little extra memory


def load_snippets(split: str | None = None, root: Path | None = None) -> tuple[list[str], np.ndarray]:
    """Return the review snippets of one split (``"train"``, ``"valid"``, ``"test"``) or, by default, all.

    Returns ``texts`` (a list of N strings) and ``labels`` (int64, shape ``(N,)``): 1 for a
    fresh (positive) review, 0 for a rotten (negative) one, in the file's order.  Each split
    has as many positive as negative snippets, and no text is in two splits.
    Raises ``ValueError`` for an unknown split name.  Asking for ``"test"`` counts as a read of
    the test split (:func:`course_utils.splits.note_test_read`, dataset ``"snippets"``): a second
    one warns, and fails in strict mode; loading every split (``split=None``) is not counted.
    """
    if split is not None and split not in SPLITS:
        raise ValueError(f"split must be one of {', '.join(map(repr, SPLITS))} or None (all), got {split!r}")
    rows = csv.reader(io.StringIO(load_text(SNIPPETS, root), newline=""))
    header = next(rows, None)
    if header != ["label", "split", "text"]:
        raise DataFileError(f"{SNIPPETS} should start with the header 'label,split,text', found {header!r}")
    texts: list[str] = []
    labels: list[int] = []
    for number, row in enumerate(rows, start=2):
        if len(row) != 3 or row[0] not in ("0", "1") or row[1] not in SPLITS:
            raise DataFileError(f"{SNIPPETS}, line {number}: expected label (0 or 1), split, text; "
                                f"found {row!r}")
        if split is None or row[1] == split:
            labels.append(int(row[0]))
            texts.append(row[2])
    if split == "test":
        note_test_read("snippets")
    return texts, np.array(labels, dtype=np.int64)


def _open_text(path: Path) -> TextIO:
    """Open a UTF-8 text file, or a gzip-compressed one (``.gz``), for reading lines ending in ``\\n``."""
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8", newline="\n")
    return open(path, encoding="utf-8", newline="\n")


def _bad_line(path: Path, number: int, line: str, dim: int) -> DataFileError:
    """Return the error for line ``number`` of a GloVe file, saying what is wrong with it."""
    fields = line.split(" ")
    if len(fields) != dim + 1:
        problem = f"expected a word and {dim} values, found {len(fields) - 1} values"
    else:
        bad = next((value for value in fields[1:] if not _is_number(value)), "")
        empty = "an empty value (two spaces in a row, or one at the end)"
        problem = f"{bad!r} is not a number" if bad else empty
    shown = line if len(line) <= 80 else line[:77] + "..."
    return DataFileError(f"{path}, line {number}: {problem} ({shown!r})")


def _is_number(text: str) -> bool:
    """Whether ``text`` reads as a floating-point number."""
    try:
        float(text)
    except ValueError:
        return False
    return True


def _parse_chunk(path: Path, first: int, lines: list[str], dim: int) -> tuple[list[str], np.ndarray]:
    """Parse lines ``first, first + 1, ...`` of a GloVe file: their words, float32 ``(len(lines), dim)``."""
    for offset, line in enumerate(lines):
        if line.count(" ") != dim:
            raise _bad_line(path, first + offset, line, dim)
    try:
        values = np.loadtxt(lines, dtype=np.float32, delimiter=" ", usecols=range(1, dim + 1), comments=None,
                            quotechar=None, ndmin=2)  # (len(lines), dim)
    except ValueError:
        for offset, line in enumerate(lines):  # find the first line that does not parse
            if not all(_is_number(value) for value in line.split(" ")[1:]):
                raise _bad_line(path, first + offset, line, dim) from None
        raise
    return [line.partition(" ")[0] for line in lines], values


def _lines(handle: TextIO, max_words: int | None) -> Iterator[str]:
    """Yield the lines of a file without their line end, at most ``max_words`` of them."""
    for line in islice(handle, max_words):
        yield line.rstrip("\r\n")


def read_glove(path: str | Path, max_words: int | None = None) -> tuple[list[str], np.ndarray]:
    """Read word vectors in GloVe's text format from a ``.txt`` or ``.txt.gz`` file.

    Each line is a word and its values, separated by single spaces (``the 0.418 0.24968 ...``),
    as in Stanford's ``glove.6B.50d.txt``; the dimension ``d`` is read from the first line.
    ``max_words``, when given, reads only the first that many lines (GloVe lists the most
    frequent words first).  Returns ``words`` (N strings) and ``vectors``, float32 ``(N, d)``.
    Raises :class:`~course_utils.data.DataFileError` naming the file and the line number when
    a line has the wrong number of values or a value that is not a number.
    """
    path = Path(path)
    if max_words is not None and max_words < 0:
        raise ValueError(f"max_words must be >= 0 or None, got {max_words}")
    words: list[str] = []
    parts: list[np.ndarray] = []
    dim = 0
    with _open_text(path) as handle:
        lines = _lines(handle, max_words)
        while chunk := list(islice(lines, _CHUNK_LINES)):
            if not dim:
                dim = chunk[0].count(" ")
                if dim < 1:
                    raise DataFileError(f"{path}, line 1: expected a word and its values, "
                                        f"found {chunk[0][:80]!r}")
            chunk_words, values = _parse_chunk(path, len(words) + 1, chunk, dim)
            words += chunk_words
            parts.append(values)
    if not parts:
        return words, np.zeros((0, dim), dtype=np.float32)
    return words, np.concatenate(parts) if len(parts) > 1 else parts[0]


def load_glove(max_words: int | None = None,
               root: Path | None = None) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Return the shipped GloVe subset: ``words``, ``vectors`` float32 ``(N, 50)``, ``ranks`` int64 ``(N,)``.

    The subset (38,824 words) holds the 30,000 most frequent words of GloVe 6B, the words of the
    course's review snippets, word benchmarks and tagging data, and every answer that 3CosAdd
    gives to an analogy question when it searches all 400,000 words, in GloVe's order
    (most frequent first).  ``ranks[i]`` is the 1-based rank of ``words[i]`` in the full
    400,000-word vocabulary, so the first 30,000 ranks are 1 to 30,000.  ``max_words`` keeps
    only the first that many words.
    """
    path = data_path(GLOVE, root)
    ranks_path = data_path(GLOVE_RANKS, root)
    words, vectors = read_glove(path, max_words)
    if vectors.shape[1] != GLOVE_DIM:
        raise DataFileError(f"{path} should hold {GLOVE_DIM}-dimensional vectors, found {vectors.shape[1]}")
    rank_lines = ranks_path.read_text(encoding="utf-8").split("\n")[:-1][:max_words]
    rank_words = [line.rpartition(" ")[0] for line in rank_lines]
    if rank_words != words or len(rank_lines) != len(words):
        first = next((i for i, (a, b) in enumerate(zip(words, rank_words)) if a != b),
                     min(len(words), len(rank_words)))
        raise DataFileError(f"{ranks_path} does not match {path}: line {first + 1} differs "
                            f"(the two files list {len(rank_words)} and {len(words)} words)")
    ranks = np.array([line.rpartition(" ")[2] for line in rank_lines], dtype=np.int64)  # (N,)
    return words, vectors, ranks


def load_analogies(root: Path | None = None) -> dict[str, list[tuple[str, str, str, str]]]:
    """Return the word-analogy questions of word2vec, by category, in the file's order.

    ``("athens", "greece", "baghdad", "iraq")`` reads "athens is to greece as baghdad is to
    iraq": the task is to find the 4th word from the other three.  The 14 categories (such
    as ``"capital-common-countries"`` or ``"gram3-comparative"``) hold 19,544 questions; the
    words are lower-cased, like GloVe's.
    """
    questions: dict[str, list[tuple[str, str, str, str]]] = {}
    category = None
    for number, line in enumerate(load_text(ANALOGIES, root).splitlines(), start=1):
        if line.startswith(": "):
            category = line[2:].strip()
            questions[category] = []
            continue
        words = line.lower().split()
        if len(words) != 4 or category is None:
            raise DataFileError(f"{ANALOGIES}, line {number}: expected a ': category' header or 4 words, "
                                f"found {line!r}")
        questions[category].append((words[0], words[1], words[2], words[3]))
    return questions


def load_word_similarity(name: str, root: Path | None = None) -> list[tuple[str, str, float]]:
    """Return the word pairs of a similarity benchmark with their mean human score (0 to 10).

    ``name`` is ``"wordsim353"`` (WordSim-353: 353 pairs rated for relatedness, so
    ``("cup", "coffee")`` scores high) or ``"simlex999"`` (SimLex-999: 999 pairs rated for
    similarity proper, so related but unlike words score low).  The words are lower-cased.
    Raises ``ValueError`` for another name.
    """
    if name not in SIMILARITY:
        raise ValueError(f"name must be one of {', '.join(map(repr, SIMILARITY))}, got {name!r}")
    pairs: list[tuple[str, str, float]] = []
    for number, line in enumerate(load_text(SIMILARITY[name], root).splitlines(), start=1):
        if line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 3 or not _is_number(fields[2]):
            raise DataFileError(f"{SIMILARITY[name]}, line {number}: expected word1<TAB>word2<TAB>score, "
                                f"found {line!r}")
        pairs.append((fields[0].lower(), fields[1].lower(), float(fields[2])))
    return pairs


_IMDB_FILE = re.compile(r"(\d+)_(\d+)\.txt")


def load_imdb(root: str | Path, split: str = "train",
              max_per_class: int | None = None) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Read the IMDB reviews of Maas et al. (2011) from their ``aclImdb`` folder layout.

    ``root`` is the ``aclImdb`` folder: ``root/<split>/neg/<id>_<stars>.txt`` and
    ``root/<split>/pos/<id>_<stars>.txt``, one review per file, ``split`` ``"train"`` or
    ``"test"`` (the unlabelled ``unsup`` reviews are not read).  Returns ``texts`` (the
    negative reviews, then the positive ones, each class in the order of its file ids, with
    the ``<br />`` line breaks turned into spaces), ``labels`` (int64 ``(N,)``: 0 negative,
    1 positive) and ``stars`` (int64 ``(N,)``: the rating in the file name, 1-4 or 7-10).
    ``max_per_class`` reads only that many files of each class.  Raises
    :class:`~course_utils.data.DataFileError` naming a missing folder or a badly named file.
    Reading ``"test"`` counts as a read of the test split (dataset ``"imdb"``, see
    :func:`course_utils.splits.note_test_read`).
    """
    if split not in ("train", "test"):
        raise ValueError(f"split must be 'train' or 'test', got {split!r}")
    texts: list[str] = []
    labels: list[int] = []
    stars: list[int] = []
    for label, name in enumerate(("neg", "pos")):
        folder = Path(root) / split / name
        if not folder.is_dir():
            raise DataFileError(f"{folder} is not a folder: root should be the aclImdb folder of the IMDB "
                                "reviews (https://ai.stanford.edu/~amaas/data/sentiment/), which holds "
                                "train/neg, train/pos, test/neg and test/pos")
        files = []
        for path in folder.iterdir():
            match = _IMDB_FILE.fullmatch(path.name)
            if match is None:
                raise DataFileError(f"{path}: expected a file named <id>_<stars>.txt, as in aclImdb")
            files.append((int(match[1]), int(match[2]), path))
        for _, rating, path in sorted(files)[:max_per_class]:
            texts.append(path.read_text(encoding="utf-8").replace("<br />", " "))
            labels.append(label)
            stars.append(rating)
    if split == "test":
        note_test_read("imdb")
    return texts, np.array(labels, dtype=np.int64), np.array(stars, dtype=np.int64)
