"""Framework-free word-vector helpers: cosine similarity, neighbours, analogies, evaluation, PCA.

``words`` is a list of words in frequency order (most frequent first, as in GloVe's files) and
``E`` the matching ``(V, d)`` matrix: row ``i`` is the vector of ``words[i]``.  Words are
compared exactly as given: lower-case the questions and pairs of a test set before using them
with GloVe's lower-case vocabulary.  When a word occurs twice, its first row is used.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from course_utils.vocab import PAD_ID, UNK_ID

Question = tuple[str, str, str, str]


def normalize_rows(E: np.ndarray) -> np.ndarray:
    """Return ``E`` with every row (the last axis) scaled to unit L2 norm; a zero row stays zero."""
    E = np.asarray(E)
    if not np.issubdtype(E.dtype, np.floating):
        E = E.astype(np.float64)
    norms = np.linalg.norm(E, axis=-1, keepdims=True)  # (..., 1)
    return E / np.where(norms > 0, norms, 1).astype(E.dtype)


def cosine_similarity(a: np.ndarray, b: np.ndarray) -> float | np.ndarray:
    """``cos(a, b) = a . b / (|a| |b|)``, 0 where a vector is zero.

    Two vectors give a float; ``(n, d)`` and ``(m, d)`` matrices an ``(n, m)`` matrix; a vector
    and an ``(m, d)`` matrix an ``(m,)`` array (an ``(n, d)`` matrix and a vector: ``(n,)``).
    """
    a, b = np.asarray(a), np.asarray(b)
    for name, x in (("a", a), ("b", b)):
        if x.ndim not in (1, 2):
            raise ValueError(f"{name} should be a vector (d,) or a matrix (n, d), got shape {x.shape}")
    S = normalize_rows(np.atleast_2d(a)) @ normalize_rows(np.atleast_2d(b)).T  # (n, m)
    if a.ndim == 1 and b.ndim == 1:
        return float(S[0, 0])
    return S[0] if a.ndim == 1 else S[:, 0] if b.ndim == 1 else S


def _index(words: Iterable[str]) -> dict[str, int]:
    """``word -> row``, the first row of a word that occurs twice."""
    index: dict[str, int] = {}
    for i, word in enumerate(words):
        index.setdefault(word, i)
    return index


def _row(word: str, index: Mapping[str, int]) -> int:
    if word not in index:
        raise KeyError(f"{word!r} is not in the vocabulary of the word vectors")
    return index[word]


def _top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """The indices of the ``k`` highest finite scores, best first, ties broken by the lower index."""
    finite = np.flatnonzero(np.isfinite(scores))
    k = min(k, len(finite))
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    kth = np.partition(scores[finite], len(finite) - k)[len(finite) - k]  # the k-th highest score
    candidates = finite[scores[finite] >= kth]  # every index tied with the k-th stays in
    order = np.lexsort((candidates, -scores[candidates]))  # by score descending, then index
    return candidates[order[:k]]


def _nearest(q: np.ndarray, words: Sequence[str], E_hat: np.ndarray, k: int,
             left_out: set[int]) -> list[tuple[str, float]]:
    """The ``k`` rows of unit-norm ``E_hat`` most cosine-similar to ``q``, except those in ``left_out``."""
    scores = E_hat @ normalize_rows(q)  # (V,)
    scores[list(left_out)] = -np.inf
    return [(words[i], float(scores[i])) for i in _top_k(scores, k)]


def nearest_neighbors(query: str | np.ndarray, words: Sequence[str], E: np.ndarray, k: int = 10,
                      exclude: Iterable[str] = ()) -> list[tuple[str, float]]:
    """The ``k`` words whose vectors have the highest cosine similarity to ``query``, best first.

    ``query`` is a word (itself left out of the answer) or a vector ``(d,)``; the words in
    ``exclude`` are left out too (those not in ``words`` are ignored).  Ties go to the more
    frequent word (the lower index).  Raises ``KeyError`` when the query word has no vector.
    """
    index = _index(words)
    left_out = {index[w] for w in exclude if w in index}
    if isinstance(query, str):
        left_out.add(_row(query, index))
        query = np.asarray(E)[index[query]]  # (d,)
    return _nearest(np.asarray(query), words, normalize_rows(E), k, left_out)


def analogy(a: str, b: str, c: str, words: Sequence[str], E: np.ndarray, k: int = 1,
            restrict: int | None = None) -> list[tuple[str, float]]:
    """The ``k`` best answers ``x`` to "``a`` is to ``b`` as ``c`` is to ``x``" by 3CosAdd.

    3CosAdd (Mikolov et al., 2013): ``x = argmax cos(x, b - a + c)`` over unit-normalised
    vectors, leaving out ``a``, ``b`` and ``c`` themselves; the scores are these cosines.  With
    ``restrict``, only the first ``restrict`` (most frequent) words are candidates, while
    ``a``, ``b``, ``c`` may be any word.  Raises ``KeyError`` when one of them has no vector.
    """
    index = _index(words)
    E_hat = normalize_rows(E)  # (V, d)
    rows = [_row(w, index) for w in (a, b, c)]
    target = E_hat[rows[1]] - E_hat[rows[0]] + E_hat[rows[2]]  # (d,)
    n = len(words) if restrict is None else restrict
    return _nearest(target, words, E_hat[:n], k, {r for r in rows if r < n})


def answer_analogies(questions: Mapping[str, Sequence[Question]], words: Sequence[str], E: np.ndarray,
                     restrict: int | None = 30000, exclude_inputs: bool = True,
                     batch: int = 256) -> dict[str, np.ndarray]:
    """3CosAdd's answer to every analogy question ``(a, b, c, d)``, as arrays of word rows.

    Only the first ``restrict`` words (all of them with ``None``) count: a question with a word
    outside them is not answered, and the answer is searched among them, leaving out ``a``,
    ``b`` and ``c`` unless ``exclude_inputs`` is False.  Returns, for the ``N`` questions in
    order: ``category`` ``(N,)`` (the position of the question's category in ``questions``),
    ``rows`` ``(N, 4)`` (the rows of a, b, c, d in ``words``, -1 for a word it lacks),
    ``answered`` ``(N,)`` and ``predicted`` ``(N,)`` (the answer's row, -1 when not answered).
    The questions are answered ``batch`` at a time with one matrix product each.
    """
    n = len(words) if restrict is None else min(restrict, len(words))
    index = _index(words)
    W = normalize_rows(np.asarray(E[:n], dtype=np.float32))  # (n, d)
    flat = [(j, q) for j, qs in enumerate(questions.values()) for q in qs]
    rows = np.array([[index.get(w, -1) for w in q] for _, q in flat], dtype=np.int64).reshape(-1, 4)  # (N, 4)
    answered = ((rows >= 0) & (rows < n)).all(axis=1)  # (N,)
    predicted = np.full(len(rows), -1, dtype=np.int64)  # (N,)
    Q = rows[answered]  # (M, 4)
    picks = np.empty(len(Q), dtype=np.int64)  # (M,)
    for start in range(0, len(Q), batch):
        a, b, c, _ = Q[start:start + batch].T  # 4 x (B,)
        scores = (W[b] - W[a] + W[c]) @ W.T  # (B, n)
        if exclude_inputs:
            scores[np.arange(len(a))[:, None], Q[start:start + batch, :3]] = -np.inf  # a, b, c out
        picks[start:start + len(a)] = scores.argmax(axis=1)  # argmax: the lower index on a tie
    predicted[answered] = picks
    category = np.array([j for j, _ in flat], dtype=np.int64)  # (N,)
    return {"category": category, "rows": rows, "answered": answered, "predicted": predicted}


def evaluate_analogies(questions: Mapping[str, Sequence[Question]], words: Sequence[str], E: np.ndarray,
                       restrict: int | None = 30000, batch: int = 256) -> list[dict]:
    """Top-1 accuracy of 3CosAdd on analogy questions ``(a, b, c, d)``, category by category.

    The answers of :func:`answer_analogies` (the first ``restrict`` words count, all with
    ``None``; a question with a word outside them is skipped; ``a``, ``b``, ``c`` left out, as
    gensim's ``evaluate_word_analogies``).  Returns one dict per category, in order, with
    ``category``, ``correct``, ``total`` (the questions answered), ``skipped`` and ``accuracy``
    (``correct / total``, nan when ``total`` is 0).  :func:`summarize_analogies` adds up the
    categories.
    """
    answers = answer_analogies(questions, words, E, restrict=restrict, batch=batch)
    hits = answers["answered"] & (answers["predicted"] == answers["rows"][:, 3])  # (N,)
    results = []
    for j, (category, qs) in enumerate(questions.items()):
        mine = answers["category"] == j
        total, correct = int(answers["answered"][mine].sum()), int(hits[mine].sum())
        results.append({"category": category, "correct": correct, "total": total,
                        "skipped": len(qs) - total,
                        "accuracy": correct / total if total else float("nan")})
    return results


def summarize_analogies(results: Sequence[Mapping]) -> dict[str, dict]:
    """Add up :func:`evaluate_analogies`' categories into "semantic", "syntactic" and "total".

    As in Mikolov et al.'s test set, a category whose name starts with ``gram`` (e.g.
    ``gram3-comparative``) is syntactic, any other (``capital-world``, ``family``, ...)
    semantic.  Each value is a dict with ``correct``, ``total``, ``skipped`` and ``accuracy``.
    """
    groups = {"semantic": [r for r in results if not r["category"].startswith("gram")],
              "syntactic": [r for r in results if r["category"].startswith("gram")],
              "total": list(results)}
    summary = {}
    for name, rows in groups.items():
        correct, total = sum(r["correct"] for r in rows), sum(r["total"] for r in rows)
        summary[name] = {"correct": correct, "total": total, "skipped": sum(r["skipped"] for r in rows),
                         "accuracy": correct / total if total else float("nan")}
    return summary


def average_ranks(x: Sequence[float]) -> np.ndarray:
    """Ranks 1..n of the values ``x`` (n,); tied values share the mean of the ranks they span."""
    x = np.asarray(x)
    order = np.argsort(x, kind="stable")
    x_sorted = x[order]  # (n,)
    starts = np.flatnonzero(np.r_[True, x_sorted[1:] != x_sorted[:-1]])  # first position of each value
    ends = np.r_[starts[1:], len(x)]  # one past its last position
    mean_rank = (starts + ends + 1) / 2  # the mean of ranks starts+1 .. ends
    ranks = np.empty(len(x))  # (n,)
    ranks[order] = np.repeat(mean_rank, ends - starts)
    return ranks


def spearman(x: Sequence[float], y: Sequence[float]) -> float:
    """Spearman's rank correlation: the Pearson correlation of the ranks (ties: average ranks).

    Returns nan for fewer than two values or when either side is constant.
    """
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    if x.shape != y.shape or x.ndim != 1:
        raise ValueError(f"x and y should be two vectors of the same length, got {x.shape} and {y.shape}")
    if len(x) < 2:
        return float("nan")
    rx, ry = average_ranks(x) - (len(x) + 1) / 2, average_ranks(y) - (len(y) + 1) / 2  # centred ranks
    denominator = np.sqrt((rx @ rx) * (ry @ ry))
    return float(rx @ ry / denominator) if denominator > 0 else float("nan")


def evaluate_similarity(pairs: Sequence[tuple[str, str, float]], words: Sequence[str],
                        E: np.ndarray) -> dict:
    """Spearman correlation between human similarity scores and the cosines of the word pairs.

    ``pairs`` holds ``(word1, word2, score)`` (WordSim-353, SimLex-999, ...); a pair with a
    word that has no vector is skipped, as in gensim's ``evaluate_word_pairs``.  Returns
    ``{"spearman", "pairs_used", "pairs_total"}``.
    """
    index = _index(words)
    used = [(index[w1], index[w2], float(s)) for w1, w2, s in pairs if w1 in index and w2 in index]
    if not used:
        return {"spearman": float("nan"), "pairs_used": 0, "pairs_total": len(pairs)}
    i, j, human = (np.array(column) for column in zip(*used))  # 3 x (P,)
    E_hat = normalize_rows(np.asarray(E, dtype=np.float64))  # (V, d)
    cosines = np.einsum("pd,pd->p", E_hat[i], E_hat[j])  # (P,)
    return {"spearman": spearman(human, cosines), "pairs_used": len(used), "pairs_total": len(pairs)}


def project_2d(X: np.ndarray) -> np.ndarray:
    """PCA to two dimensions: the centred rows of ``X`` ``(n, d)`` on the top two principal axes.

    Computed from the SVD of the centred matrix, ``X - mean = U S V^T``: the result is
    ``U[:, :2] S[:2]``, shape ``(n, 2)``.  The sign of each column is fixed so that its entry
    of largest absolute value is positive, so the same points always give the same picture.
    """
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or min(X.shape) < 2:
        raise ValueError(f"X should be a matrix (n, d) with n >= 2 and d >= 2, got shape {X.shape}")
    X_c = X - X.mean(axis=0)  # (n, d)
    U, S, _ = np.linalg.svd(X_c, full_matrices=False)  # (n, r), (r,)
    Z = U[:, :2] * S[:2]  # (n, 2)
    signs = np.sign(Z[np.abs(Z).argmax(axis=0), [0, 1]])  # (2,): the sign of each column's largest entry
    return Z * np.where(signs == 0, 1, signs)


def embedding_matrix(itos: Sequence[str], words: Sequence[str], E: np.ndarray,
                     seed: int | np.random.Generator = 0) -> tuple[np.ndarray, np.ndarray]:
    """The ``(len(itos), d)`` float32 initial embedding matrix of a vocabulary, and its ``found`` mask.

    ``itos`` lists the vocabulary's words by id, ``<pad>`` at ``PAD_ID`` = 0 and ``<unk>`` at
    ``UNK_ID`` = 1 (:class:`course_utils.vocab.Vocab`).  Row 0 is zeros; the row of a word with
    a pretrained vector is that vector; every other row, ``<unk>``'s included, is drawn from
    ``N(0, sigma^2)``, ``sigma`` the standard deviation of the entries of ``E``: one call
    ``rng.normal(0, sigma, size=(len(itos), d))`` makes every row, then row 0 is zeroed and the
    pretrained rows copied in (``rng`` is ``seed`` itself when it is a ``Generator``, else
    ``np.random.default_rng(seed)``; Chapter 3, Exercise 5's reference).  ``found``
    ``(len(itos),)`` is True where a pretrained vector was copied.
    """
    E = np.asarray(E)
    index = _index(words)
    rng = np.random.default_rng(seed)
    M = rng.normal(0.0, float(E.std()), size=(len(itos), E.shape[1])).astype(np.float32)  # (V, d)
    found = np.array([i not in (PAD_ID, UNK_ID) and w in index for i, w in enumerate(itos)], dtype=bool)
    rows = [index[w] for w, f in zip(itos, found) if f]
    M[found] = E[rows]  # (num_found, d)
    M[PAD_ID] = 0.0
    return M, found
