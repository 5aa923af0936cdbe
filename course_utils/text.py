"""Framework-free text helpers: a character vocabulary, training windows, sampling."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np


class CharVocab:
    """A character-level vocabulary: ``encode`` maps text to integer ids, ``decode`` back.

    Ids are assigned in sorted character order, so the same text always gives the
    same vocabulary.
    """

    def __init__(self, chars: Iterable[str]):
        self.itos: list[str] = sorted(set(chars))
        self.stoi: dict[str, int] = {ch: i for i, ch in enumerate(self.itos)}

    @classmethod
    def from_text(cls, text: str) -> "CharVocab":
        """Build the vocabulary of every character that occurs in ``text``."""
        return cls(text)

    def __len__(self) -> int:
        return len(self.itos)

    def encode(self, text: str) -> np.ndarray:
        """Return the ids of ``text`` as an int64 array of shape ``(len(text),)``."""
        # Ids follow sorted characters, that is sorted code points: a binary search over the
        # vocabulary's code points encodes a whole book at NumPy speed.
        codes = np.frombuffer(text.encode("utf-32-le"), dtype="<u4")  # (len(text),)
        known = np.array([ord(ch) for ch in self.itos], dtype=np.uint32)  # (V,), increasing
        ids = np.minimum(np.searchsorted(known, codes), len(known) - 1) if len(known) else codes
        if len(codes) and (not len(known) or (known[ids] != codes).any()):
            unknown = sorted(set(text) - self.stoi.keys())
            raise ValueError(f"characters not in the vocabulary: {unknown!r}")
        return ids.astype(np.int64)

    def decode(self, ids: Sequence[int] | np.ndarray) -> str:
        """Return the text whose ids are ``ids``."""
        return "".join(self.itos[int(i)] for i in ids)


def make_lm_windows(ids: np.ndarray, seq_len: int, stride: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Cut a long id sequence into inputs ``X`` and next-character targets ``Y``.

    Window ``k`` covers ``ids[k*stride : k*stride + seq_len]``; its target is the
    same window shifted one step to the right.  Both arrays have shape
    ``(num_windows, seq_len)``; ``stride`` defaults to ``seq_len`` (no overlap).
    """
    stride = seq_len if stride is None else stride
    if seq_len < 1 or stride < 1:
        raise ValueError(f"seq_len and stride must be positive, got {seq_len} and {stride}")
    num_windows = (len(ids) - 1 - seq_len) // stride + 1
    if num_windows < 1:
        raise ValueError(f"a text of {len(ids)} ids is too short for windows of {seq_len} (+1 target)")
    starts = np.arange(num_windows) * stride
    offsets = np.arange(seq_len)
    X = ids[starts[:, None] + offsets]  # (N, T)
    Y = ids[starts[:, None] + offsets + 1]  # (N, T)
    return X, Y


def softmax_temperature(logits: np.ndarray, temperature: float) -> np.ndarray:
    """Return ``softmax(logits / temperature)`` along the last axis, computed stably.

    A temperature below 1 sharpens the distribution, above 1 flattens it.
    """
    if temperature <= 0:
        raise ValueError(f"temperature must be positive, got {temperature}")
    z = np.asarray(logits, dtype=np.float64) / temperature
    z = z - z.max(axis=-1, keepdims=True)  # avoids overflow in exp; softmax is shift-invariant
    p = np.exp(z)
    return p / p.sum(axis=-1, keepdims=True)


def sample_index(logits: np.ndarray, temperature: float, rng: np.random.Generator) -> int:
    """Draw one index from ``softmax(logits / temperature)`` (``logits`` of shape ``(V,)``)."""
    p = softmax_temperature(logits, temperature)
    return int(rng.choice(len(p), p=p))
