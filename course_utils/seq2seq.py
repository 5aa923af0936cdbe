"""Framework-free pieces of an encoder-decoder: teacher forcing, greedy decoding, beam search.

The decoding functions talk to a model only through a ``step`` function:
``step(tokens, state) -> (log_probs, state)``, where ``tokens`` is an int array ``(k,)`` (the
last token of each of ``k`` hypotheses), ``log_probs`` is ``(k, V)`` (NumPy or a framework
tensor: log-probabilities of the next token) and ``state`` is a tuple of arrays or tensors
whose first axis runs over the ``k`` hypotheses (for example the decoder's ``h`` and ``c``,
and the encoder's outputs when the decoder attends to them). So the same decoder drives a
PyTorch model, a Keras model or a toy table.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from course_utils.checks import to_numpy

Step = Callable[[np.ndarray, Any], tuple[Any, Any]]


def teacher_forcing_pair(target_ids: Sequence[Sequence[int]], start_id: int, end_id: int,
                         pad_id: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The decoder's input and target for teacher forcing, padded on the right.

    For a target ``t_1 ... t_n`` the decoder reads ``<start> t_1 ... t_n`` and must predict
    ``t_1 ... t_n <end>``: the input is the target shifted one step right behind ``<start>``.

    Args:
        target_ids: the ids of each target sentence, without ``<start>`` or ``<end>``.
        start_id, end_id, pad_id: the ids of ``<start>``, ``<end>`` and the padding.

    Returns:
        ``(Y_in, Y_out)``, int64 arrays of shape ``(B, T)`` with ``T = max(n) + 1``.
    """
    num_steps = max((len(ids) for ids in target_ids), default=0) + 1
    Y_in = np.full((len(target_ids), num_steps), pad_id, dtype=np.int64)  # (B, T)
    Y_out = np.full((len(target_ids), num_steps), pad_id, dtype=np.int64)  # (B, T)
    for b, ids in enumerate(target_ids):
        Y_in[b, : len(ids) + 1] = [start_id, *ids]
        Y_out[b, : len(ids) + 1] = [*ids, end_id]
    return Y_in, Y_out


def greedy_decode(step: Step, state: Any, batch_size: int, start_id: int, end_id: int,
                  max_len: int) -> list[list[int]]:
    """Decode a batch greedily: feed back the most likely token until ``<end>`` or ``max_len`` steps.

    Returns, for each sequence, the tokens it produced before its first ``<end>`` (``<start>``
    and ``<end>`` excluded). A sequence that has ended is no longer extended; the loop stops
    as soon as every sequence has ended.
    """
    tokens = np.full(batch_size, start_id, dtype=np.int64)  # (B,)
    outputs: list[list[int]] = [[] for _ in range(batch_size)]
    done = np.zeros(batch_size, dtype=bool)  # (B,)
    for _ in range(max_len):
        log_probs, state = step(tokens, state)  # (B, V)
        tokens = to_numpy(log_probs).argmax(-1).astype(np.int64)  # (B,)
        for b in np.flatnonzero(~done):
            if tokens[b] == end_id:
                done[b] = True
            else:
                outputs[b].append(int(tokens[b]))
        if done.all():
            break
    return outputs


def _take(state: Any, rows: np.ndarray) -> Any:
    """The rows ``rows`` of every array in ``state`` (a tuple or list of arrays or tensors)."""
    return type(state)(s[rows] for s in state)


def beam_search(step: Step, state: Any, start_id: int, end_id: int, beam_width: int,
                max_len: int) -> tuple[list[int], float]:
    """The most likely output of one input sentence found by beam search of width ``beam_width``.

    At every step each of the ``k`` open hypotheses is extended by every token; of the
    ``k * V`` extensions the ``beam_width`` with the highest total log-probability are kept.
    Those that end with ``<end>`` are finished; the others stay open. The search stops after
    ``max_len`` steps, when no hypothesis is open, or when the best finished one scores at least
    as high as the best open one (log-probabilities only fall as a hypothesis grows). An
    open hypothesis left after ``max_len`` steps competes with its score so far.

    Args:
        step: ``step(tokens (k,), state) -> (log_probs (k, V), state)``.
        state: the decoder's state for this one sentence: arrays with a first axis of size 1.

    Returns:
        ``(tokens, log_prob)``: the best hypothesis without ``<start>`` and ``<end>``, and its
        total log-probability (``<end>`` included when it ended).
    """
    assert beam_width >= 1, f"beam_width must be at least 1, got {beam_width}"
    sequences, scores = [[]], np.zeros(1)  # open hypotheses and their total log-probabilities
    tokens = np.array([start_id], dtype=np.int64)  # (k,)
    finished: list[tuple[float, list[int]]] = []
    for _ in range(max_len):
        log_probs, state = step(tokens, state)  # (k, V)
        total = scores[:, None] + to_numpy(log_probs).astype(np.float64)  # (k, V)
        best = np.argsort(-total, axis=None, kind="stable")[:beam_width]  # flat indices
        rows, words = np.unravel_index(best, total.shape)
        keep = []
        for row, word in zip(rows, words):
            if word == end_id:
                finished.append((float(total[row, word]), sequences[row]))
            else:
                keep.append((row, word))
        if not keep:
            break
        rows = np.array([row for row, _ in keep])
        sequences = [sequences[row] + [int(word)] for row, word in keep]
        scores = np.array([total[row, word] for row, word in keep])
        tokens = np.array([word for _, word in keep], dtype=np.int64)
        state = _take(state, rows)
        if finished and max(f[0] for f in finished) >= scores.max():
            break
    else:
        finished += [(float(s), seq) for s, seq in zip(scores, sequences)]
    score, best_sequence = max(finished, key=lambda f: f[0])
    return best_sequence, score


def sequence_log_prob(step: Step, state: Any, start_id: int, end_id: int, tokens: Sequence[int],
                      max_len: int) -> float:
    """The total log-probability of ``tokens`` under ``step``, replayed one step at a time.

    ``<end>`` is scored after the tokens when there are fewer than ``max_len`` of them (a
    hypothesis of ``max_len`` tokens was cut off, as :func:`beam_search` counts it).
    """
    fed, wanted = [start_id, *tokens], [*tokens, end_id]
    if len(tokens) == max_len:
        fed, wanted = fed[:-1], wanted[:-1]
    total = 0.0
    for token, target in zip(fed, wanted):
        log_probs, state = step(np.array([token], dtype=np.int64), state)  # (1, V)
        total += float(to_numpy(log_probs)[0, target])
    return total


def exhaustive_search(step: Step, state: Any, start_id: int, end_id: int, vocab_size: int,
                      max_len: int) -> tuple[list[int], float]:
    """The most likely output by trying every sequence (tiny vocabularies only: ``V ** max_len``).

    The candidates are the same as :func:`beam_search`'s with an unlimited width: every
    sequence that ends with ``<end>`` within ``max_len`` steps, and every sequence of
    ``max_len`` tokens without ``<end>``. Returns ``(tokens, log_prob)`` as beam search does.
    """
    assert vocab_size ** max_len <= 200_000, "exhaustive_search is for tiny vocabularies"
    others = [v for v in range(vocab_size) if v != end_id]
    best: tuple[float, list[int]] = (-np.inf, [])
    for length in range(max_len + 1):
        for body in itertools.product(others, repeat=length):
            ended = length < max_len
            fed = [start_id, *body]  # one step per token fed
            run_state, score = state, 0.0
            for t, token in enumerate(fed[: length + 1] if ended else fed[:length]):
                log_probs, run_state = step(np.array([token]), run_state)
                target = body[t] if t < length else end_id
                score += float(to_numpy(log_probs)[0, target])
            if score > best[0]:
                best = (score, list(body))
    return best[1], best[0]
