"""Scoring binary sentiment classifiers honestly (Chapter 6), without any deep-learning framework.

* :func:`tfidf_baseline`: TF-IDF word uni- and bigrams and a logistic regression, its
  regularisation chosen on the validation split (Exercise 1's reference);
* :func:`binary_f1` and :func:`paired_bootstrap`: F1 of the positive class and a bootstrap
  interval for the difference of two classifiers' accuracies on the same test set
  (Exercise 5's references); :func:`bootstrap_accuracy` gives one classifier's interval;
* :func:`mcnemar_exact`: the exact McNemar test of two classifiers on the same examples;
* :func:`confusion_counts` and :func:`accuracy_by_length`: where the errors are;
* :func:`imdb_baseline`: the TF-IDF baseline on a reader's copy of the IMDB reviews.

Labels are 0 (negative) and 1 (positive); predictions are hard labels, not probabilities.
"""

from __future__ import annotations

from collections.abc import Sequence
from math import comb
from typing import Any

import numpy as np


def _labels(name: str, values: Any, n: int | None = None) -> np.ndarray:
    """``values`` as a 1-D int array of 0s and 1s (of length ``n`` when given), or an AssertionError."""
    array = np.asarray(values)
    assert array.ndim == 1, f"{name} should be a 1-D array of 0/1 labels, got shape {array.shape}"
    assert n is None or len(array) == n, f"{name} should hold {n} labels (one per example), got {len(array)}"
    assert np.isin(array, (0, 1)).all(), f"{name} should hold only the labels 0 and 1"
    return array.astype(np.int64)


def tfidf_baseline(train_texts: Sequence[str], train_labels: Any, valid_texts: Sequence[str],
                   valid_labels: Any, C_values: Sequence[float]) -> tuple[Any, dict[float, float]]:
    """Fit ``TfidfVectorizer(ngram_range=(1, 2)) -> LogisticRegression(C=C, max_iter=1000)`` per ``C``.

    Every pipeline is fitted on the training texts only and scored (accuracy) on the
    validation texts. Returns ``(best, scores)``: ``scores`` maps each ``C`` to its validation
    accuracy, in the order given, and ``best`` is the fitted pipeline of the first ``C`` with
    the highest validation accuracy.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    assert len(C_values) > 0, "C_values should hold at least one value of C"
    y_train = _labels("train_labels", train_labels, len(train_texts))
    y_valid = _labels("valid_labels", valid_labels, len(valid_texts))
    scores: dict[float, float] = {}
    best, best_score = None, -1.0
    for C in C_values:
        pipeline = make_pipeline(TfidfVectorizer(ngram_range=(1, 2)),
                                 LogisticRegression(C=C, max_iter=1000))
        pipeline.fit(list(train_texts), y_train)
        scores[C] = float(np.mean(pipeline.predict(list(valid_texts)) == y_valid))
        if scores[C] > best_score:
            best, best_score = pipeline, scores[C]
    return best, scores


def binary_f1(y_true: Any, y_pred: Any) -> float:
    """F1 of the positive class: ``2 TP / (2 TP + FP + FN)``; 0.0 when there is no positive at all."""
    y_true = _labels("y_true", y_true)
    y_pred = _labels("y_pred", y_pred, len(y_true))
    tp = int(np.sum((y_pred == 1) & (y_true == 1)))
    fp = int(np.sum((y_pred == 1) & (y_true == 0)))
    fn = int(np.sum((y_pred == 0) & (y_true == 1)))
    return 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0


def _interval(samples: np.ndarray, level: float) -> tuple[float, float]:
    assert 0 < level < 1, f"level should be between 0 and 1 (0.95 for a 95% interval), got {level}"
    lo, hi = np.percentile(samples, [100 * (1 - level) / 2, 100 * (1 + level) / 2])
    return float(lo), float(hi)


def paired_bootstrap(y_true: Any, pred_a: Any, pred_b: Any, rng: np.random.Generator,
                     n_boot: int = 1000, level: float = 0.95) -> tuple[float, float, float]:
    """The accuracy of ``pred_a`` minus that of ``pred_b``, with a percentile bootstrap interval.

    One call ``rng.integers(0, n, size=(n_boot, n))`` draws ``n_boot`` resamples of the ``n``
    test examples (with replacement); both classifiers are scored on the same resample, so
    the interval accounts for their errors being paired. Returns ``(diff, lo, hi)``: the
    difference on the whole test set and the ``(1 - level) / 2`` and ``(1 + level) / 2``
    percentiles (``np.percentile``) of the ``n_boot`` resampled differences.
    """
    y_true = _labels("y_true", y_true)
    n = len(y_true)
    right_a = _labels("pred_a", pred_a, n) == y_true  # (n,)
    right_b = _labels("pred_b", pred_b, n) == y_true  # (n,)
    idx = rng.integers(0, n, size=(n_boot, n))  # (n_boot, n)
    diffs = right_a[idx].mean(axis=1) - right_b[idx].mean(axis=1)  # (n_boot,)
    return float(right_a.mean() - right_b.mean()), *_interval(diffs, level)


def bootstrap_accuracy(y_true: Any, y_pred: Any, rng: np.random.Generator, n_boot: int = 1000,
                       level: float = 0.95) -> tuple[float, float, float]:
    """Accuracy with a percentile bootstrap interval: ``(accuracy, lo, hi)``, resampled as in
    :func:`paired_bootstrap` (one call ``rng.integers(0, n, size=(n_boot, n))``)."""
    y_true = _labels("y_true", y_true)
    right = _labels("y_pred", y_pred, len(y_true)) == y_true  # (n,)
    idx = rng.integers(0, len(right), size=(n_boot, len(right)))  # (n_boot, n)
    return float(right.mean()), *_interval(right[idx].mean(axis=1), level)


def mcnemar_exact(y_true: Any, pred_a: Any, pred_b: Any) -> tuple[int, int, float]:
    """McNemar's exact test: ``(a_only, b_only, p)``.

    ``a_only`` counts the examples only ``pred_a`` gets right, ``b_only`` those only
    ``pred_b`` gets right; ``p`` is the two-sided binomial p-value of so uneven a split of the
    ``a_only + b_only`` disagreements if each were equally likely to go either way (1.0 when
    the two never disagree).
    """
    y_true = _labels("y_true", y_true)
    right_a = _labels("pred_a", pred_a, len(y_true)) == y_true
    right_b = _labels("pred_b", pred_b, len(y_true)) == y_true
    a_only, b_only = int(np.sum(right_a & ~right_b)), int(np.sum(right_b & ~right_a))
    n, k = a_only + b_only, min(a_only, b_only)
    if n == 0:
        return a_only, b_only, 1.0
    tail = sum(comb(n, i) for i in range(k + 1)) / 2**n
    return a_only, b_only, min(1.0, 2 * tail)


def confusion_counts(y_true: Any, y_pred: Any) -> np.ndarray:
    """The 2 x 2 confusion matrix: row = true label (0, 1), column = predicted label (0, 1)."""
    y_true = _labels("y_true", y_true)
    y_pred = _labels("y_pred", y_pred, len(y_true))
    counts = np.zeros((2, 2), dtype=np.int64)
    np.add.at(counts, (y_true, y_pred), 1)
    return counts


def accuracy_by_length(lengths: Any, correct: Any, edges: Sequence[int]) -> list[tuple[int, int, int, float]]:
    """Accuracy per length bin: ``(lo, hi, count, accuracy)`` for ``lo <= length < hi``.

    ``edges`` are increasing bin boundaries (``[1, 10, 20, 1000]`` gives three bins); an
    empty bin has accuracy ``nan``.
    """
    lengths, correct = np.asarray(lengths), np.asarray(correct, dtype=bool)
    assert lengths.shape == correct.shape, \
        f"lengths {lengths.shape} and correct {correct.shape} should have the same shape"
    assert len(edges) >= 2 and all(a < b for a, b in zip(edges, edges[1:])), \
        f"edges should be at least two increasing numbers, got {list(edges)}"
    rows = []
    for lo, hi in zip(edges, edges[1:]):
        inside = (lengths >= lo) & (lengths < hi)
        count = int(inside.sum())
        rows.append((int(lo), int(hi), count, float(correct[inside].mean()) if count else float("nan")))
    return rows


def imdb_baseline(root: str, C_values: Sequence[float], max_per_class: int | None = None,
                  valid_share: float = 0.2, seed: int = 0) -> dict[str, Any]:
    """:func:`tfidf_baseline` on the IMDB reviews in ``root`` (an ``aclImdb`` folder).

    Reads ``max_per_class`` reviews of each class from ``train`` and from ``test``
    (:func:`course_utils.corpora.load_imdb`), holds out a random ``valid_share`` of the
    training reviews (``numpy.random.default_rng(seed)``) to choose ``C``, and scores the
    chosen pipeline on the test reviews. Returns a dict with ``C``, ``scores`` (validation
    accuracy per ``C``), ``test_accuracy`` and the numbers of ``train``, ``valid`` and ``test``
    reviews.
    """
    from course_utils.corpora import load_imdb

    texts, labels, _ = load_imdb(root, "train", max_per_class)
    test_texts, test_labels, _ = load_imdb(root, "test", max_per_class)
    order = np.random.default_rng(seed).permutation(len(texts))
    n_valid = int(round(valid_share * len(texts)))
    valid, train = order[:n_valid], order[n_valid:]
    best, scores = tfidf_baseline([texts[i] for i in train], labels[train], [texts[i] for i in valid],
                                  labels[valid], C_values)
    return {"C": best[-1].C, "scores": scores,
            "test_accuracy": float(np.mean(best.predict(test_texts) == test_labels)),
            "train": len(train), "valid": len(valid), "test": len(test_texts)}


__all__ = ["accuracy_by_length", "binary_f1", "bootstrap_accuracy", "confusion_counts", "imdb_baseline",
           "mcnemar_exact", "paired_bootstrap", "tfidf_baseline"]
