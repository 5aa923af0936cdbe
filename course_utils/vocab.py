"""Framework-free word-level text helpers: a tokenizer, a vocabulary, encoding and padding.

The tokenizer follows the conventions of the text GloVe was trained on (lower case, the
clitics ``'s``, ``n't``, ``'re``, ``'ve``, ``'ll``, ``'d``, ``'m`` split off, punctuation
marks as tokens of their own), so that most tokens of ordinary English text have a GloVe
vector.  The vocabulary reserves id 0 for ``<pad>`` and id 1 for ``<unk>``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np

PAD, UNK = "<pad>", "<unk>"
PAD_ID, UNK_ID = 0, 1

_NEGATION = re.compile(r"(?<=[a-z])n't\b")
_CLITIC = re.compile(r"(?<=[a-z])'(s|re|ve|ll|d|m)\b")
# a clitic kept whole ("n't", "'s"), an abbreviation ("u.s."), an ellipsis, a word (letters and
# digits, with inner hyphens, dots or commas: "well-made", "3.5", "1,000"), or any other
# single non-space character
_TOKEN = re.compile(r"n't|'(?:s|re|ve|ll|d|m)\b|(?:[a-z]\.){2,}|\.{2,}|[a-z0-9]+(?:[-.,][a-z0-9]+)*|\S")


def tokenize(text: str) -> list[str]:
    """Split ``text`` into lower-case word tokens the way GloVe's training text was split.

    >>> tokenize("It isn't the director's best, but it's well-made.")
    ['it', 'is', "n't", 'the', 'director', "'s", 'best', ',', 'but', 'it', "'s", 'well-made', '.']
    """
    text = text.lower().replace("\u2019", "'")
    text = _NEGATION.sub(" n't", text)
    text = _CLITIC.sub(r" '\1", text)
    return _TOKEN.findall(text)


class Vocab:
    """A word vocabulary: ``<pad>`` is id 0, ``<unk>`` id 1, then the words.

    :meth:`build` orders the words by count, most frequent first, ties in alphabetical
    order, so the same corpus always gives the same ids.
    """

    def __init__(self, words: Iterable[str], counts: Counter[str] | None = None):
        words = list(words)
        clash = {PAD, UNK} & set(words)
        if clash:
            raise ValueError(f"{sorted(clash)} are reserved and cannot be words of the vocabulary")
        if len(set(words)) != len(words):
            raise ValueError("the words of a vocabulary must be distinct")
        self.itos: list[str] = [PAD, UNK, *words]
        self.stoi: dict[str, int] = {word: i for i, word in enumerate(self.itos)}
        self.counts: Counter[str] = Counter() if counts is None else counts

    @classmethod
    def build(cls, token_lists: Iterable[Sequence[str]], min_freq: int = 1,
              max_size: int | None = None) -> "Vocab":
        """Build the vocabulary of the tokens that occur at least ``min_freq`` times.

        ``max_size``, when given, keeps only that many words (plus ``<pad>`` and ``<unk>``),
        the most frequent ones.
        """
        counts: Counter[str] = Counter()
        for tokens in token_lists:
            counts.update(tokens)
        return cls(_words_by_count(counts, min_freq)[:max_size], counts)

    def __len__(self) -> int:
        return len(self.itos)

    def __contains__(self, word: object) -> bool:
        return word in self.stoi

    def encode(self, tokens: Sequence[str]) -> list[int]:
        """Return the ids of ``tokens``; a token not in the vocabulary gets ``UNK_ID``."""
        return [self.stoi.get(token, UNK_ID) for token in tokens]

    def decode(self, ids: Iterable[int], skip_pad: bool = True) -> list[str]:
        """Return the tokens of ``ids``, leaving out ``<pad>`` unless ``skip_pad`` is false."""
        return [self.itos[int(i)] for i in ids if not (skip_pad and int(i) == PAD_ID)]


def _words_by_count(counts: Counter[str], min_freq: int) -> list[str]:
    """The words counted at least ``min_freq`` times, most frequent first, ties alphabetical."""
    if min_freq < 1:
        raise ValueError(f"min_freq must be at least 1, got {min_freq}")
    return sorted((w for w, c in counts.items() if c >= min_freq), key=lambda w: (-counts[w], w))


def build_vocab(token_lists: Iterable[Sequence[str]], min_freq: int = 1) -> list[str]:
    """Return the id-to-token list of a vocabulary: ``<pad>``, ``<unk>``, then the words.

    The words are the tokens counted at least ``min_freq`` times over all of ``token_lists``,
    most frequent first, ties in alphabetical order (Chapter 3, Exercise 1's reference;
    ``Vocab.build(...).itos`` is the same list).
    """
    counts: Counter[str] = Counter()
    for tokens in token_lists:
        counts.update(tokens)
    return [PAD, UNK, *_words_by_count(counts, min_freq)]


def pad_batch(seqs: Sequence[Sequence[int]], max_len: int | None = None,
              pad_id: int = PAD_ID) -> tuple[np.ndarray, np.ndarray]:
    """Pad id sequences on the right into one int64 array ``X`` of shape ``(B, T)``.

    ``T`` is the longest length, or ``max_len`` when given (longer sequences are cut to
    their first ``max_len`` ids).  Also returns ``lengths`` of shape ``(B,)``: the number
    of real (not padding) ids in each row, at least 1 for a non-empty sequence.
    """
    if len(seqs) == 0:
        raise ValueError("pad_batch needs at least one sequence")
    lengths = np.array([len(s) if max_len is None else min(len(s), max_len) for s in seqs], dtype=np.int64)
    T = int(lengths.max()) if max_len is None else max_len
    X = np.full((len(seqs), T), pad_id, dtype=np.int64)  # (B, T)
    for row, (seq, n) in enumerate(zip(seqs, lengths)):
        X[row, :n] = seq[:n]
    return X, lengths


def oov_rate(token_lists: Iterable[Sequence[str]], known: Vocab | Iterable[str]) -> tuple[float, int, int]:
    """Return the share of tokens not in ``known``, with the unknown and total token counts."""
    known_words = known.stoi if isinstance(known, Vocab) else set(known)
    total = unknown = 0
    for tokens in token_lists:
        total += len(tokens)
        unknown += sum(1 for token in tokens if token not in known_words)
    return (unknown / total if total else 0.0), unknown, total
