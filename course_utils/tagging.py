"""Part-of-speech tagging data and baselines, framework-free: CoNLL-U, UD English EWT, accuracy.

* :func:`read_conllu` parses CoNLL-U (the format of Universal Dependencies) into
  :class:`Sentence` objects: the words (FORM), their universal tags (UPOS) and
  language-specific tags (XPOS);
* :func:`load_ud_ewt` returns the words and UPOS tags of the shipped dev or test split of
  the UD English Web Treebank (checked against ``data/MANIFEST.json`` first);
  :func:`fetch_ud_ewt` downloads any split, the train split included, from GitHub at the
  same pinned commit (optional: the course never calls it);
* :func:`most_frequent_tag_baseline`, :func:`token_accuracy` and :func:`tagging_accuracy`:
  the baseline every tagger must beat, and accuracy over all words and over the words
  seen and unseen in training.

Words and tags are lists of sentences, each a list of strings, as :func:`load_ud_ewt`
returns them.  See ``data/ud_english_ewt/README.md`` for the source and license (CC BY-SA 4.0).
"""

from __future__ import annotations

import hashlib
import os
import re
import urllib.request
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from course_utils.data import DataFileError, load_text
from course_utils.splits import note_test_read

#: The 17 universal part-of-speech tags, in the alphabetical order of the UD documentation
#: (https://universaldependencies.org/u/pos/).
UPOS_TAGS = ("ADJ", "ADP", "ADV", "AUX", "CCONJ", "DET", "INTJ", "NOUN", "NUM", "PART", "PRON",
             "PROPN", "PUNCT", "SCONJ", "SYM", "VERB", "X")
UD_EWT_REPO = "https://github.com/UniversalDependencies/UD_English-EWT"
#: The UD_English-EWT commit the shipped files were copied from, and that fetch_ud_ewt downloads.
UD_EWT_COMMIT = "15d613d8447b3478787d4c278730a1e48a945efb"
UD_EWT_URL = ("https://raw.githubusercontent.com/UniversalDependencies/UD_English-EWT/"
              "{commit}/en_ewt-ud-{split}.conllu")
UD_EWT_FILES = {"dev": "ud_english_ewt/en_ewt-ud-dev.conllu", "test": "ud_english_ewt/en_ewt-ud-test.conllu"}
UD_EWT_SPLITS = ("train", "dev", "test")  # fetch_ud_ewt; only dev and test are shipped
_ID = re.compile(r"(?P<word>[1-9][0-9]*)|(?P<range>[1-9][0-9]*-[1-9][0-9]*)|(?P<empty>[0-9]+\.[1-9][0-9]*)")


@dataclass
class Sentence:
    """One sentence of a CoNLL-U file: its words (FORM), UPOS and XPOS tags, and ``# sent_id``."""

    words: list[str] = field(default_factory=list)
    upos: list[str] = field(default_factory=list)
    xpos: list[str] = field(default_factory=list)
    sent_id: str | None = None


def _bad(name: str, number: int, line: str, problem: str) -> DataFileError:
    """Return the error for line ``number`` of the CoNLL-U source ``name``, saying what is wrong."""
    shown = line if len(line) <= 80 else line[:77] + "..."
    return DataFileError(f"{name}, line {number}: {problem} ({shown!r})")


def read_conllu(path_or_lines: str | os.PathLike[str] | Iterable[str], name: str | None = None) -> list[Sentence]:
    """Parse CoNLL-U from a file (a path) or from lines of text (e.g. ``text.split("\\n")``).

    A word line has 10 tab-separated columns, of which the 1st (ID), 2nd (FORM), 4th (UPOS)
    and 5th (XPOS) are read.  Skipped: ``#`` comment lines (``# sent_id = ...`` is kept),
    multiword-token lines whose ID is a range (``1-2  didn't``: its words follow on their own
    lines) and empty nodes (``8.1``).  A blank line ends a sentence; extra blank lines and a
    missing one at the end are accepted.  ``name`` names the source in errors (default: the
    path, or ``<lines>``).  Raises :class:`~course_utils.data.DataFileError` naming the source
    and line number for a line that does not have 10 columns, an ID that is not 1, 2, 3, ...
    in order, an empty FORM or an UPOS tag not in :data:`UPOS_TAGS`.
    """
    if isinstance(path_or_lines, str) and "\n" in path_or_lines:
        raise ValueError("read_conllu takes a path or a list of lines: pass CoNLL-U text as text.split('\\n')")
    if isinstance(path_or_lines, (str, os.PathLike)):
        with open(path_or_lines, encoding="utf-8", newline="\n") as handle:  # lines end at "\n" only
            return read_conllu(handle, str(path_or_lines) if name is None else name)
    name = "<lines>" if name is None else name
    sentences: list[Sentence] = []
    current = Sentence()
    for number, raw in enumerate(path_or_lines, start=1):
        line = raw.rstrip("\r\n")
        if not line.strip():
            if current.words:
                sentences.append(current)
            current = Sentence()
            continue
        if line.startswith("#"):
            key, _, value = line[1:].partition("=")
            if key.strip() == "sent_id":
                current.sent_id = value.strip()
            continue
        columns = line.split("\t")
        if len(columns) != 10:
            raise _bad(name, number, line, f"expected 10 tab-separated columns, found {len(columns)}")
        match = _ID.fullmatch(columns[0])
        if match is None:
            raise _bad(name, number, line,
                       f"ID {columns[0]!r} is not a word number (1), a range (1-2) or an empty node (8.1)")
        if match["range"] or match["empty"]:
            continue
        if int(columns[0]) != len(current.words) + 1:
            raise _bad(name, number, line, f"word ID {columns[0]} out of order: expected {len(current.words) + 1} "
                                           "(is a blank line missing between two sentences?)")
        if not columns[1]:
            raise _bad(name, number, line, "empty FORM (2nd column)")
        if columns[3] not in UPOS_TAGS:
            raise _bad(name, number, line,
                       f"unknown UPOS tag {columns[3]!r} (4th column); expected one of {' '.join(UPOS_TAGS)}")
        current.words.append(columns[1])
        current.upos.append(columns[3])
        current.xpos.append(columns[4])
    if current.words:
        sentences.append(current)
    return sentences


def _words_and_tags(sentences: list[Sentence]) -> tuple[list[list[str]], list[list[str]]]:
    """Split sentences into their words and their UPOS tags."""
    return [s.words for s in sentences], [s.upos for s in sentences]


def load_ud_ewt(split: str, root: Path | None = None) -> tuple[list[list[str]], list[list[str]]]:
    """Return the words and UPOS tags of the shipped ``"dev"`` or ``"test"`` split of UD English EWT.

    Returns ``(words, tags)``, two lists with one list of strings per sentence, in the file's
    order: ``words[i][j]`` is the j-th word (FORM) of sentence i, ``tags[i][j]`` its UPOS tag.
    A contraction is two words (``did``, ``n't``), as in the treebank.  The file is checked
    against its size and SHA-256 first.  Raises ``ValueError`` for another split name (the
    train split is not shipped: :func:`fetch_ud_ewt` downloads it).  Reading ``"test"`` counts
    as a read of the test split (dataset ``"ud_ewt"``, see :func:`course_utils.splits.note_test_read`).
    """
    if split not in UD_EWT_FILES:
        hint = " (the train split is not shipped: fetch_ud_ewt('train') downloads it)" if split == "train" else ""
        raise ValueError(f"split must be one of {', '.join(map(repr, UD_EWT_FILES))}, got {split!r}{hint}")
    name = UD_EWT_FILES[split]
    result = _words_and_tags(read_conllu(load_text(name, root).split("\n"), name))
    if split == "test":
        note_test_read("ud_ewt")
    return result


def _default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/course_utils/ud_english_ewt``, by default under ``~/.cache``."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "course_utils" / "ud_english_ewt"


def fetch_ud_ewt(split: str = "train", url: str | None = None, cache_dir: str | Path | None = None,
                 sha256: str | None = None, timeout: float = 60.0) -> tuple[list[list[str]], list[list[str]]]:
    """Download a split of UD English EWT once, cache it, and return its words and UPOS tags.

    Optional and online: the course never calls it.  ``split`` is ``"train"``, ``"dev"`` or
    ``"test"``; the file comes from ``url``, by default GitHub's raw copy at the pinned commit
    :data:`UD_EWT_COMMIT` (the one the shipped dev and test files come from).  It is saved in
    ``cache_dir`` (default ``~/.cache/course_utils/ud_english_ewt``, or under
    ``$XDG_CACHE_HOME``) and read from there next time.  When ``sha256`` is given, the file
    must match it.  Returns ``(words, tags)`` like :func:`load_ud_ewt`.  Raises ``ValueError``
    for an unknown split, ``OSError`` naming the URL when the download fails, and
    :class:`~course_utils.data.DataFileError` for a checksum mismatch or malformed CoNLL-U.
    Reading ``"test"`` counts as a read of the test split, as with :func:`load_ud_ewt`.
    """
    if split not in UD_EWT_SPLITS:
        raise ValueError(f"split must be one of {', '.join(map(repr, UD_EWT_SPLITS))}, got {split!r}")
    if url is None:
        url = UD_EWT_URL.format(commit=UD_EWT_COMMIT, split=split)
    key = hashlib.sha256(url.encode("utf-8")).hexdigest()[:12]  # one cache file per URL
    folder = Path(cache_dir) if cache_dir is not None else _default_cache_dir()
    path = folder / f"{key}-en_ewt-ud-{split}.conllu"
    if not path.is_file():
        folder.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".part")
        try:
            with urllib.request.urlopen(url, timeout=timeout) as response:
                partial.write_bytes(response.read())
        except OSError as err:  # urllib.error.URLError and HTTPError are OSErrors
            partial.unlink(missing_ok=True)
            raise OSError(f"could not download the UD English EWT {split} split from {url} ({err}); "
                          "check the connection, or pass url= to another copy") from err
        os.replace(partial, path)
    if sha256 is not None:
        found = hashlib.sha256(path.read_bytes()).hexdigest()
        if found != sha256:
            path.unlink()
            raise DataFileError(f"{url} (saved as {path}) has SHA-256 {found}, expected {sha256}; "
                                "the file was deleted")
    result = _words_and_tags(read_conllu(path, name=f"{url} (saved as {path})"))
    if split == "test":
        note_test_read("ud_ewt")
    return result


def _check_sentences(what: str, sentences: Sequence[Sequence[str]]) -> None:
    """Raise ``TypeError`` unless ``sentences`` is a sequence of sentences (not a flat list of strings)."""
    if isinstance(sentences, str) or any(isinstance(s, str) for s in sentences):
        raise TypeError(f"{what} must be a list of sentences, each a list of strings, "
                        "such as load_ud_ewt returns; got strings")


def _check_aligned(what: str, other: Sequence[Sequence[str]],
                   gold_name: str, gold: Sequence[Sequence[str]]) -> None:
    """Raise ``ValueError`` unless ``other`` has as many sentences as ``gold``, each of the same length."""
    _check_sentences(what, other)
    _check_sentences(gold_name, gold)
    if len(other) != len(gold):
        raise ValueError(f"expected as many sentences of {what} as of {gold_name} ({len(gold)}), got {len(other)}")
    for i, (a, b) in enumerate(zip(other, gold)):
        if len(a) != len(b):
            raise ValueError(f"sentence {i}: expected {len(b)} {what} (as many as {gold_name}), got {len(a)}")


@dataclass
class MostFrequentTagger:
    """Tags each word with its most frequent tag in training, and an unseen word with ``default``."""

    table: dict[str, str]
    default: str

    def __call__(self, word: str) -> str:
        """Return the tag of one word."""
        return self.table.get(word, self.default)

    def tag(self, words: Sequence[str]) -> list[str]:
        """Return the tags of one sentence's words."""
        if isinstance(words, str):
            raise TypeError("tag() takes a sentence, a list of words; call the tagger on a single word")
        return [self.table.get(word, self.default) for word in words]


def most_frequent_tag_baseline(train_words: Sequence[Sequence[str]],
                               train_tags: Sequence[Sequence[str]]) -> MostFrequentTagger:
    """Return the most-frequent-tag baseline learned from training sentences.

    Each training word gets the tag it has most often in training; a tie goes to the tag it
    had first.  A word never seen in training gets the most frequent tag of all training
    words (ties again to the first seen).  Words are compared exactly as written, so ``The``
    and ``the`` are two words.  Raises ``ValueError`` when the words and tags do not align
    (both are lists of sentences) or when there is no training word.
    """
    _check_aligned("training tags", train_tags, "training words", train_words)
    per_word: defaultdict[str, Counter[str]] = defaultdict(Counter)
    overall: Counter[str] = Counter()
    for words, tags in zip(train_words, train_tags):
        for word, tag in zip(words, tags):
            per_word[word][tag] += 1
            overall[tag] += 1
    if not overall:
        raise ValueError("no training words: the baseline needs at least one tagged word")
    table = {word: counts.most_common(1)[0][0] for word, counts in per_word.items()}
    return MostFrequentTagger(table, overall.most_common(1)[0][0])


def token_accuracy(pred_tags: Sequence[Sequence[str]], gold_tags: Sequence[Sequence[str]]) -> float:
    """Return the share of words whose predicted tag equals the gold tag, over all sentences.

    Both are lists of sentences of tags; every sentence must have as many predicted as gold
    tags (``ValueError`` otherwise).  Returns ``nan`` when there is no word.
    """
    _check_aligned("predicted tags", pred_tags, "gold tags", gold_tags)
    total = sum(len(sentence) for sentence in gold_tags)
    right = sum(p == g for ps, gs in zip(pred_tags, gold_tags) for p, g in zip(ps, gs))
    return right / total if total else float("nan")


def tagging_accuracy(pred_tags: Sequence[Sequence[str]], gold_tags: Sequence[Sequence[str]],
                     words: Sequence[Sequence[str]], train_vocab: Collection[str]) -> dict[str, float]:
    """Return the accuracy on all words, on words seen in training and on unseen ones.

    ``words`` are the sentences that were tagged, ``train_vocab`` the words of the training
    sentences (a set is fastest).  Returns ``{"all": ..., "seen": ..., "unseen": ...,
    "unseen_share": ...}``: three accuracies (``nan`` where there is no such word) and the
    share of words not in ``train_vocab``.  Raises ``ValueError`` when predictions, gold tags
    and words do not align.
    """
    _check_aligned("predicted tags", pred_tags, "gold tags", gold_tags)
    _check_aligned("words", words, "gold tags", gold_tags)
    counts = {"seen": [0, 0], "unseen": [0, 0]}  # [right, total]
    for ps, gs, ws in zip(pred_tags, gold_tags, words):
        for p, g, w in zip(ps, gs, ws):
            entry = counts["seen" if w in train_vocab else "unseen"]
            entry[0] += p == g
            entry[1] += 1
    right = counts["seen"][0] + counts["unseen"][0]
    total = counts["seen"][1] + counts["unseen"][1]
    result = {"all": right / total if total else float("nan")}
    for kind, (k_right, k_total) in counts.items():
        result[kind] = k_right / k_total if k_total else float("nan")
    result["unseen_share"] = counts["unseen"][1] / total if total else float("nan")
    return result


def tag_counts(tags: Iterable[Sequence[str]]) -> dict[str, int]:
    """Return how often each UPOS tag occurs in the sentences ``tags``, in :data:`UPOS_TAGS` order.

    Every one of the 17 tags is a key (0 when absent); a tag not in :data:`UPOS_TAGS` is added
    after them, in the order first seen.
    """
    counts = Counter(tag for sentence in tags for tag in sentence)
    return {**{tag: counts.get(tag, 0) for tag in UPOS_TAGS}, **counts}
