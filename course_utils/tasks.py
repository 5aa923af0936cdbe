"""Synthetic long-range memory tasks (framework-free, NumPy): recall tasks, the adding problem, and
accuracy by distance.

They put the information a model needs at the start (recall), at a random distance from the end
(delayed recall, recall with distractors) or at two random places (adding) of a long sequence, so
that the number of steps a model must carry it over is the knob: a plain RNN's gradients fade over
those steps, gated cells (LSTM, GRU) keep them.  :func:`accuracy_by_distance` measures how far a
trained model's memory reaches: accuracy per distance bin with bootstrap intervals, and the first
bin where it falls below a threshold.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike


def _check_int(name: str, value: int, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an int, got {type(value).__name__} {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")


def recall_task(num_sequences: int, num_steps: int, *, num_classes: int = 4, num_noise: int = 4,
                seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Return sequences whose label is their first token, followed by ``num_steps - 1`` noise tokens.

    ``X`` (int64, shape ``(N, T)`` with ``N = num_sequences``, ``T = num_steps``): ``X[:, 0]`` is the
    class ``c`` in ``[0, num_classes)``, ``X[:, 1:]`` are noise tokens drawn uniformly from
    ``[num_classes, num_classes + num_noise)``, so they never look like a class.  ``y`` (int64,
    ``(N,)``) is ``c``; classes are drawn uniformly.  The vocabulary has
    ``num_classes + num_noise`` tokens.  A model that reads left to right and predicts from its
    last state must carry the first token over ``T - 1`` steps of noise; guessing scores
    ``1 / num_classes`` on average.  The same ``seed`` gives the same arrays.
    Raises ``TypeError``/``ValueError`` unless every size is an int with ``num_sequences >= 1``,
    ``num_steps >= 1``, ``num_classes >= 2`` and ``num_noise >= 1``.
    """
    _check_int("num_sequences", num_sequences, 1)
    _check_int("num_steps", num_steps, 1)
    _check_int("num_classes", num_classes, 2)
    _check_int("num_noise", num_noise, 1)
    rng = np.random.default_rng(seed)
    y = rng.integers(0, num_classes, size=num_sequences, dtype=np.int64)  # (N,)
    noise = rng.integers(num_classes, num_classes + num_noise, size=(num_sequences, num_steps - 1),
                         dtype=np.int64)  # (N, T - 1)
    X = np.concatenate([y[:, None], noise], axis=1)  # (N, T)
    return X, y


def delayed_recall_task(num_sequences: int, num_steps: int, *, num_classes: int = 4, num_noise: int = 4,
                        seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return :func:`recall_task` sequences with the class token at a random place, and its distance.

    Every sequence has ``num_steps`` tokens: noise everywhere except one class token ``c`` at a
    step drawn uniformly from ``[0, T)``.  ``distance`` (int64, ``(N,)``) is ``T - step``, in
    ``[1, T]``: how many steps, the class token's own included, a model reading left to right
    must carry ``c`` to its last state.  One training run therefore covers every distance up to
    ``T``, and accuracy can be measured per distance.  Returns ``(X, y, distance)`` with ``X``
    int64 ``(N, T)`` and ``y`` int64 ``(N,)``; same argument checks as :func:`recall_task`.
    """
    _check_int("num_sequences", num_sequences, 1)
    _check_int("num_steps", num_steps, 1)
    _check_int("num_classes", num_classes, 2)
    _check_int("num_noise", num_noise, 1)
    rng = np.random.default_rng(seed)
    y = rng.integers(0, num_classes, size=num_sequences, dtype=np.int64)  # (N,)
    X = rng.integers(num_classes, num_classes + num_noise, size=(num_sequences, num_steps),
                     dtype=np.int64)  # (N, T) noise
    step = rng.integers(0, num_steps, size=num_sequences)  # (N,) where the class token goes
    X[np.arange(num_sequences), step] = y
    return X, y, (num_steps - step).astype(np.int64)


def adding_task(num_sequences: int, num_steps: int, *, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Return the adding problem: add the two numbers that a marker channel points at.

    The task of Hochreiter & Schmidhuber (1997), in the form of Le, Jaitly & Hinton (2015).
    ``X`` (float32, shape ``(N, T, 2)``): channel 0 holds numbers drawn uniformly from
    ``[0, 1)``; channel 1 is 0 everywhere except exactly two 1s, one at a uniformly drawn
    step of the first half ``[0, T // 2)`` and one in the second half ``[T // 2, T)``.
    ``y`` (float32, ``(N,)``) is the sum of the two marked numbers, in ``[0, 2)``.
    A model that predicts from its last state must carry the first marked number over at least
    ``T - T // 2`` steps to the end of the sequence.

    Baseline: the sum of two independent uniform numbers has mean 1 and variance
    ``2 * 1/12 = 1/6``, so always predicting ``1.0`` scores a mean squared error of about
    ``1/6 ≈ 0.167``; a model has learnt the task only when it gets well below that.
    The same ``seed`` gives the same arrays.  Raises ``TypeError``/``ValueError`` unless
    ``num_sequences >= 1`` and ``num_steps >= 2`` are ints.
    """
    _check_int("num_sequences", num_sequences, 1)
    _check_int("num_steps", num_steps, 2)
    rng = np.random.default_rng(seed)
    half = num_steps // 2
    numbers = rng.random((num_sequences, num_steps), dtype=np.float32)  # (N, T)
    first = rng.integers(0, half, size=num_sequences)  # (N,) a step in [0, T // 2)
    second = rng.integers(half, num_steps, size=num_sequences)  # (N,) a step in [T // 2, T)
    rows = np.arange(num_sequences)
    markers = np.zeros((num_sequences, num_steps), dtype=np.float32)  # (N, T)
    markers[rows, first] = 1.0
    markers[rows, second] = 1.0
    X = np.stack([numbers, markers], axis=-1)  # (N, T, 2)
    y = numbers[rows, first] + numbers[rows, second]  # (N,) float32
    return X, y


def distractor_recall_task(num_sequences: int, num_steps: int, *, distractor_rate: float = 0.3,
                           min_distance: int = 1, max_distance: int | None = None, num_classes: int = 4,
                           num_noise: int = 4, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return sequences whose label is their *first* class token, with later class tokens as distractors.

    Like :func:`delayed_recall_task`, each sequence of ``num_steps`` tokens has a first class
    token ``c`` at ``distance`` steps from the end (``T - step``, its own step included), drawn
    uniformly from ``[min_distance, max_distance]`` (``max_distance=None`` means ``T``); every
    step before it is a noise token.  Every step *after* it is, with probability
    ``distractor_rate``, a distractor (a class token drawn uniformly, possibly ``c`` again), and
    noise otherwise.  The label is ``c``: a model must store the first class token and then
    keep it while later class tokens pass, so a cell that writes whatever class token it reads
    is right at distance ``d`` only when none came after it (about ``(1 - rate) ** (d - 1)``).
    Returns ``(X, y, distance)``, int64 arrays of shapes ``(N, T)``, ``(N,)``, ``(N,)``; the
    vocabulary is ``num_classes + num_noise`` tokens, classes first.  The same ``seed`` gives the
    same arrays.  Raises ``TypeError``/``ValueError`` for sizes as :func:`recall_task` does, a
    ``distractor_rate`` outside ``[0, 1)``, or distances not within ``1 <= min <= max <= T``.
    """
    _check_int("num_sequences", num_sequences, 1)
    _check_int("num_steps", num_steps, 1)
    _check_int("num_classes", num_classes, 2)
    _check_int("num_noise", num_noise, 1)
    max_distance = num_steps if max_distance is None else max_distance
    _check_int("min_distance", min_distance, 1)
    _check_int("max_distance", max_distance, min_distance)
    if max_distance > num_steps:
        raise ValueError(f"max_distance must be at most num_steps = {num_steps}, got {max_distance}")
    if not 0.0 <= distractor_rate < 1.0:
        raise ValueError(f"distractor_rate must be in [0, 1), got {distractor_rate!r}")
    rng = np.random.default_rng(seed)
    N, T = num_sequences, num_steps
    y = rng.integers(0, num_classes, size=N, dtype=np.int64)  # (N,)
    distance = rng.integers(min_distance, max_distance + 1, size=N, dtype=np.int64)  # (N,)
    step = T - distance  # (N,) where the first class token goes
    X = rng.integers(num_classes, num_classes + num_noise, size=(N, T), dtype=np.int64)  # (N, T) noise
    after = np.arange(T)[None, :] > step[:, None]  # (N, T) the steps after the first class token
    distract = after & (rng.random((N, T)) < distractor_rate)  # (N, T)
    X[distract] = rng.integers(0, num_classes, size=int(distract.sum()), dtype=np.int64)
    X[np.arange(N), step] = y
    return X, y, distance


def recall_sets_by_distance(edges: ArrayLike, num_per_bin: int, *, seed: int = 0, **task_kwargs
                            ) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Return one :func:`distractor_recall_task` set per distance bin, each as short as its bin allows.

    Bin ``k`` holds the distances ``edges[k] <= d < edges[k + 1]``; its set has ``num_per_bin``
    sequences of ``edges[k + 1] - 1`` steps with distances uniform in the bin, drawn with
    ``seed + k``.  Reading sequences no longer than their bin needs costs a fraction of one set
    of full-length sequences.  ``task_kwargs`` (``distractor_rate``, ``num_classes``,
    ``num_noise``) go to the task.  Raises ``ValueError`` unless ``edges`` are increasing ints
    from 1 up.
    """
    edges = _check_edges(edges)
    return [distractor_recall_task(num_per_bin, int(hi) - 1, min_distance=int(lo), max_distance=int(hi) - 1,
                                   seed=seed + k, **task_kwargs)
            for k, (lo, hi) in enumerate(zip(edges[:-1], edges[1:]))]


def _check_edges(edges: ArrayLike) -> np.ndarray:
    edges = np.asarray(edges)
    if edges.ndim != 1 or len(edges) < 2 or not np.issubdtype(edges.dtype, np.integer):
        raise ValueError(f"edges must be at least two ints, got {edges.tolist()!r}")
    if edges[0] < 1 or np.any(np.diff(edges) <= 0):
        raise ValueError(f"edges must increase from at least 1, got {edges.tolist()!r}")
    return edges.astype(np.int64)


@dataclass(frozen=True)
class DistanceAccuracy:
    """Accuracy per distance bin, from :func:`accuracy_by_distance`.

    ``edges`` ``(K + 1,)``: bin ``k`` holds the distances ``edges[k] <= d < edges[k + 1]``;
    ``accuracy``, ``low``, ``high`` and ``count`` ``(K,)``: the share of right answers over every
    seed and sequence of the bin, its 95% bootstrap interval, and the number of sequences (per
    seed); ``limit``: the index of the first bin whose accuracy is below ``threshold``, ``None``
    when no bin is (the limit lies beyond the measured range).
    """

    edges: np.ndarray
    accuracy: np.ndarray
    low: np.ndarray
    high: np.ndarray
    count: np.ndarray
    threshold: float
    limit: int | None

    def labels(self) -> list[str]:
        """The bins as text, ``"1"``, ``"2-3"``, ..., ``"128-256"``."""
        return [f"{lo}" if hi - lo == 1 else f"{lo}-{hi - 1}" for lo, hi in zip(self.edges[:-1], self.edges[1:])]

    def limit_label(self) -> str:
        """The limit as text: ``"8-15"`` (the first bin below the threshold) or ``"> 256"``."""
        return self.labels()[self.limit] if self.limit is not None else f"> {self.edges[-1] - 1}"


def accuracy_by_distance(correct: ArrayLike, distance: ArrayLike, edges: ArrayLike, *, threshold: float,
                         num_resamples: int = 2000, seed: int = 0) -> DistanceAccuracy:
    """Return accuracy per distance bin with 95% bootstrap intervals, and where it first falls below ``threshold``.

    ``correct`` is right (1/True) or wrong per test sequence, ``(N,)`` for one model or ``(S, N)``
    for ``S`` models (seeds) answering the same ``N`` sequences; ``distance`` ``(N,)`` is each
    sequence's distance; ``edges`` as in :class:`DistanceAccuracy`, covering every distance.
    Each bin's accuracy is the mean over its ``S x n`` answers.  The interval is the 2.5th to
    97.5th percentile of ``num_resamples`` bootstrap means that draw, with replacement, ``S``
    seeds and the bin's ``n`` sequences, so it includes the spread between training runs as
    well as the test-set noise.  ``threshold`` defines the limit; ``(1 + 1 / num_classes) / 2``,
    half-way between a perfect memory and guessing, is the recall models' (their metadata's
    ``limit_threshold``).  The same ``seed`` gives the same intervals.  Raises
    ``ValueError`` for mismatched shapes, answers other than 0/1, distances outside the edges,
    an empty bin, or a ``threshold`` outside ``(0, 1]``.
    """
    correct = np.asarray(correct)
    correct = correct[None, :] if correct.ndim == 1 else correct  # (S, N)
    distance = np.asarray(distance)
    edges = _check_edges(edges)
    if correct.ndim != 2 or distance.shape != correct.shape[1:]:
        raise ValueError(f"correct must be (N,) or (S, N) and distance (N,); got {np.shape(correct)} "
                         f"and {distance.shape}")
    if not np.isin(correct, (0, 1)).all():
        raise ValueError("correct must hold only right (1/True) or wrong (0/False) answers")
    if not 0.0 < threshold <= 1.0:
        raise ValueError(f"threshold must be in (0, 1], got {threshold!r}")
    _check_int("num_resamples", num_resamples, 1)
    if distance.size and (distance.min() < edges[0] or distance.max() >= edges[-1]):
        raise ValueError(f"distances {distance.min()}..{distance.max()} are not all within the edges "
                         f"[{edges[0]}, {edges[-1]})")
    bins = np.searchsorted(edges, distance, side="right") - 1  # (N,) bin of each sequence
    rng = np.random.default_rng(seed)
    S, K = correct.shape[0], len(edges) - 1
    accuracy, low, high, count = (np.zeros(K) for _ in range(4))
    for k in range(K):
        answers = correct[:, bins == k].astype(np.float64)  # (S, n)
        n = answers.shape[1]
        if n == 0:
            raise ValueError(f"bin {edges[k]}..{edges[k + 1] - 1} holds no sequence")
        draws = rng.multinomial(n, np.full(n, 1.0 / n), size=num_resamples)  # (R, n) times each sequence is drawn
        seeds = rng.integers(0, S, size=(num_resamples, S))  # (R, S) resampled seeds
        per_seed = answers @ draws.T / n  # (S, R): each seed's mean on each resample of the sequences
        means = per_seed[seeds, np.arange(num_resamples)[:, None]].mean(axis=1)  # (R,)
        accuracy[k], count[k] = answers.mean(), n
        low[k], high[k] = np.percentile(means, [2.5, 97.5])
    below = np.flatnonzero(accuracy < threshold)
    return DistanceAccuracy(edges=edges, accuracy=accuracy, low=low, high=high, count=count.astype(np.int64),
                            threshold=float(threshold), limit=int(below[0]) if below.size else None)
