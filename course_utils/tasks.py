"""Synthetic long-range memory tasks (framework-free, NumPy): the recall task and the adding problem.

Both put the information a model needs at the start (recall) or at two random places (adding)
of a long sequence, so that the number of steps ``T`` a model must carry it over is the knob:
a plain RNN's gradients fade over those steps, gated cells (LSTM, GRU) keep them.
"""

from __future__ import annotations

import numpy as np


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
