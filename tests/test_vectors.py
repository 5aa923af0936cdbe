"""The word-vector helpers on tiny vectors whose answers are known, and against slow or library versions."""

import numpy as np
import pytest
from scipy.stats import spearmanr

from course_utils.vectors import (analogy, answer_analogies, average_ranks, cosine_similarity, embedding_matrix,
                                  evaluate_analogies, evaluate_similarity, nearest_neighbors, normalize_rows, project_2d,
                                  spearman, summarize_analogies)
from course_utils.vocab import PAD_ID, UNK_ID

# a 2-D toy: man -> woman is the same step as king -> queen
TOY_WORDS = ["man", "woman", "king", "queen", "apple", "pear"]
TOY_E = np.array([[1.0, 0.0], [1.0, 1.0], [3.0, 0.2], [3.0, 1.2], [-1.0, -3.0], [-1.2, -3.0]])


def test_normalize_rows_unit_norm_and_zero_row():
    E = np.array([[3.0, 4.0], [0.0, 0.0], [-1.0, 0.0]])
    E_hat = normalize_rows(E)
    np.testing.assert_allclose(E_hat, [[0.6, 0.8], [0.0, 0.0], [-1.0, 0.0]])
    assert not np.isnan(E_hat).any()
    assert normalize_rows(E.astype(np.float32)).dtype == np.float32


def test_cosine_similarity_shapes():
    a, b = np.array([1.0, 0.0]), np.array([1.0, 1.0])
    assert isinstance(cosine_similarity(a, b), float)
    assert cosine_similarity(a, b) == pytest.approx(1 / np.sqrt(2))
    assert cosine_similarity(a, np.zeros(2)) == 0.0
    A, B = np.eye(2), np.array([[1.0, 1.0], [0.0, 2.0], [-3.0, 0.0]])
    S = cosine_similarity(A, B)
    assert S.shape == (2, 3)
    np.testing.assert_allclose(S, [[1 / np.sqrt(2), 0, -1], [1 / np.sqrt(2), 1, 0]], atol=1e-12)
    np.testing.assert_allclose(cosine_similarity(a, B), S[0])
    np.testing.assert_allclose(cosine_similarity(A, B[0]), S[:, 0])


def test_nearest_neighbors_excludes_query_and_orders():
    result = nearest_neighbors("apple", TOY_WORDS, TOY_E, k=2)
    assert [w for w, _ in result] == ["pear", "man"]
    assert result[0][1] == pytest.approx(cosine_similarity(TOY_E[4], TOY_E[5]))
    assert "king" not in [w for w, _ in nearest_neighbors("king", TOY_WORDS, TOY_E, k=10)]
    assert len(nearest_neighbors("king", TOY_WORDS, TOY_E, k=10)) == 5
    best = nearest_neighbors("apple", TOY_WORDS, TOY_E, k=1, exclude=["pear", "nope"])
    assert [w for w, _ in best] == ["man"]
    # a vector query excludes nothing by itself
    assert nearest_neighbors(TOY_E[2], TOY_WORDS, TOY_E, k=1)[0] == ("king", pytest.approx(1.0))


def test_nearest_neighbors_ties_go_to_the_lower_index():
    words = ["a", "b", "c", "d"]
    E = np.array([[1.0, 0.0], [0.0, 2.0], [0.0, 1.0], [0.0, 3.0]])  # b, c and d all have cos 1 to (0, 1)
    assert [w for w, _ in nearest_neighbors(np.array([0.0, 1.0]), words, E, k=2)] == ["b", "c"]
    assert [w for w, _ in nearest_neighbors("c", words, E, k=3)] == ["b", "d", "a"]


def test_nearest_neighbors_unknown_word():
    with pytest.raises(KeyError, match="'banana' is not in the vocabulary"):
        nearest_neighbors("banana", TOY_WORDS, TOY_E)


def test_analogy_on_the_toy():
    assert analogy("man", "woman", "king", TOY_WORDS, TOY_E)[0][0] == "queen"
    assert analogy("king", "queen", "man", TOY_WORDS, TOY_E)[0][0] == "woman"
    best = analogy("man", "woman", "king", TOY_WORDS, TOY_E, k=3)
    assert len(best) == 3 and not {"man", "woman", "king"} & {w for w, _ in best}
    E_hat = normalize_rows(TOY_E)
    assert best[0][1] == pytest.approx(cosine_similarity(E_hat[1] - E_hat[0] + E_hat[2], TOY_E[3]))
    # only the first 3 words are candidates: all of them are question words, so nothing is left
    assert analogy("man", "woman", "king", TOY_WORDS, TOY_E, restrict=3) == []
    assert [w for w, _ in analogy("man", "queen", "woman", TOY_WORDS, TOY_E, k=5, restrict=4)] == ["king"]
    with pytest.raises(KeyError, match="'prince'"):
        analogy("man", "prince", "king", TOY_WORDS, TOY_E)


def test_evaluate_analogies_known_count_and_restrict():
    questions = {
        "family": [("man", "woman", "king", "queen"), ("king", "queen", "man", "woman"),
                   ("man", "woman", "king", "apple"), ("man", "woman", "king", "prince")],
        "gram1-fruit": [("apple", "pear", "man", "woman"), ("pear", "apple", "queen", "king")],
    }
    results = evaluate_analogies(questions, TOY_WORDS, TOY_E)
    assert results[0] == {"category": "family", "correct": 2, "total": 3, "skipped": 1,
                          "accuracy": pytest.approx(2 / 3)}
    assert [r["total"] for r in results] == [3, 2]
    summary = summarize_analogies(results)
    assert summary["semantic"]["total"] == 3 and summary["syntactic"]["total"] == 2
    assert summary["total"]["correct"] == summary["semantic"]["correct"] + summary["syntactic"]["correct"]
    assert summary["total"]["skipped"] == 1
    # restrict=4: the questions with "apple" or "pear" are skipped
    restricted = evaluate_analogies(questions, TOY_WORDS, TOY_E, restrict=4)
    assert [(r["correct"], r["total"], r["skipped"]) for r in restricted] == [(2, 2, 2), (0, 0, 2)]
    assert np.isnan(restricted[1]["accuracy"])


def test_answer_analogies_rows_restrict_and_inputs_kept():
    questions = {"family": [("man", "woman", "king", "queen"), ("man", "woman", "king", "prince")],
                 "gram1-fruit": [("apple", "pear", "man", "woman")]}
    out = answer_analogies(questions, TOY_WORDS, TOY_E, restrict=None)
    assert out["category"].tolist() == [0, 0, 1]
    assert out["rows"].tolist() == [[0, 1, 2, 3], [0, 1, 2, -1], [4, 5, 0, 1]]
    assert out["answered"].tolist() == [True, False, True]
    assert out["predicted"][0] == 3 and out["predicted"][1] == -1
    for i in np.flatnonzero(out["answered"]):  # the same answer as analogy(), one question at a time
        a, b, c = (TOY_WORDS[r] for r in out["rows"][i, :3])
        assert TOY_WORDS[out["predicted"][i]] == analogy(a, b, c, TOY_WORDS, TOY_E)[0][0]
    # restrict=4: only man, woman, king, queen are candidates, and the fruit question is skipped
    out4 = answer_analogies(questions, TOY_WORDS, TOY_E, restrict=4)
    assert out4["answered"].tolist() == [True, False, False]
    # inputs kept: the raw nearest word of b - a + c, which for king + (woman - man) is queen or king
    kept = answer_analogies(questions, TOY_WORDS, TOY_E, restrict=None, exclude_inputs=False)
    E_hat = normalize_rows(TOY_E)
    target = E_hat[1] - E_hat[0] + E_hat[2]
    assert kept["predicted"][0] == int(np.argmax(E_hat @ target))


def _slow_analogy_hits(questions, words, E, restrict):
    """One question at a time, through analogy(): whether the top answer is the expected word."""
    hits = []
    for qs in questions.values():
        for a, b, c, d in qs:
            if all(w in words[:restrict] for w in (a, b, c, d)):
                hits.append(analogy(a, b, c, words, E, restrict=restrict)[0][0] == d)
    return hits


def test_evaluate_analogies_equals_a_loop():
    rng = np.random.default_rng(0)
    V, N, restrict = 300, 400, 500
    E = rng.standard_normal((V, 8))  # (V, 8)
    a, b, c = rng.integers(0, V, (3, N))
    E_hat = normalize_rows(E)
    answers = E_hat[b] - E_hat[a] + E_hat[c] + 0.3 * rng.standard_normal((N, 8))  # (N, 8): often right
    # in frequency order: 200 words, the N answers, then 100 rarer words beyond restrict = 200 + 300
    words = [f"w{i}" for i in range(200)] + [f"t{i}" for i in range(N)] + [f"w{i}" for i in range(200, V)]
    E_all = np.vstack([E[:200], answers, E[200:]])  # (V + N, 8)
    questions = {"cat-a": [], "gram-b": []}
    for i in range(N):
        questions["cat-a" if i % 2 else "gram-b"].append((f"w{a[i]}", f"w{b[i]}", f"w{c[i]}", f"t{i}"))
    results = evaluate_analogies(questions, words, E_all, restrict=restrict, batch=64)
    hits = _slow_analogy_hits(questions, words, E_all, restrict)
    assert sum(r["total"] for r in results) == len(hits) > 50
    assert sum(r["skipped"] for r in results) == N - len(hits) > 0
    assert 0 < sum(r["correct"] for r in results) == sum(hits) < len(hits)


def test_evaluate_analogies_batch_size_does_not_matter():
    rng = np.random.default_rng(1)
    words = [f"w{i}" for i in range(100)]
    E = rng.standard_normal((100, 5))
    Q = rng.integers(0, 100, (300, 4))
    questions = {"x": [tuple(words[i] for i in row) for row in Q]}
    assert evaluate_analogies(questions, words, E, batch=7) == evaluate_analogies(questions, words, E)


@pytest.mark.parametrize("seed", range(4))
def test_spearman_matches_scipy_with_ties(seed):
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 5, 30).astype(float)  # many ties
    y = x + rng.integers(-2, 3, 30)
    assert spearman(x, y) == pytest.approx(spearmanr(x, y).statistic, abs=1e-12)
    assert np.isnan(spearman([1.0, 1.0, 1.0], [1.0, 2.0, 3.0]))


def test_evaluate_similarity_skips_missing_pairs():
    pairs = [("man", "woman", 8.0), ("king", "queen", 8.5), ("apple", "pear", 9.0),
             ("man", "apple", 1.0), ("king", "banana", 3.0)]
    result = evaluate_similarity(pairs, TOY_WORDS, TOY_E)
    assert result["pairs_used"] == 4 and result["pairs_total"] == 5
    vector = dict(zip(TOY_WORDS, TOY_E))
    cosines = [cosine_similarity(vector[w1], vector[w2]) for w1, w2, _ in pairs[:4]]
    assert result["spearman"] == pytest.approx(spearmanr([8.0, 8.5, 9.0, 1.0], cosines).statistic)


def test_project_2d_matches_numpy_svd_and_sign_rule():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((20, 6)) * [5, 3, 1, 1, 1, 1]
    Z = project_2d(X)
    assert Z.shape == (20, 2)
    X_c = X - X.mean(axis=0)
    _, _, Vt = np.linalg.svd(X_c)
    reference = X_c @ Vt[:2].T  # (20, 2)
    for j in range(2):
        assert np.allclose(Z[:, j], reference[:, j]) or np.allclose(Z[:, j], -reference[:, j])
        assert Z[np.abs(Z[:, j]).argmax(), j] > 0
    np.testing.assert_allclose(project_2d(-X), Z, atol=1e-12)  # the same picture whatever the SVD's signs
    with pytest.raises(ValueError):
        project_2d(np.ones(5))


def test_embedding_matrix_rows():
    words = ["the", "cat", "sat", "<unk>"]
    E = np.arange(8, dtype=np.float32).reshape(4, 2) - 3  # (4, 2)
    itos = ["<pad>", "<unk>", "cat", "dog", "the"]
    M, found = embedding_matrix(itos, words, E, seed=0)
    assert M.shape == (5, 2) and M.dtype == np.float32
    assert found.tolist() == [False, False, True, False, True]
    np.testing.assert_array_equal(M[PAD_ID], [0, 0])
    np.testing.assert_array_equal(M[2], E[1])
    np.testing.assert_array_equal(M[4], E[0])
    assert not np.allclose(M[UNK_ID], E[3])  # <unk> is drawn at random, even when the vectors have one
    M_again, _ = embedding_matrix(itos, words, E, seed=0)
    np.testing.assert_array_equal(M, M_again)
    assert not np.array_equal(embedding_matrix(itos, words, E, seed=1)[0][[1, 3]], M[[1, 3]])


def test_embedding_matrix_random_rows_have_the_scale_of_the_vectors():
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(50)]
    E = 0.4 * rng.standard_normal((50, 20))
    itos = ["<pad>", "<unk>", *[f"new{i}" for i in range(2000)]]
    M, found = embedding_matrix(itos, words, E)
    assert not found.any()
    assert M[1:].std() == pytest.approx(E.std(), rel=0.05)


def test_average_ranks_match_scipy_rankdata_with_ties():
    from scipy.stats import rankdata

    x = np.array([3.0, 1.0, 3.0, 2.0, 3.0, 0.5, 1.0])
    np.testing.assert_allclose(average_ranks(x), rankdata(x))
    np.testing.assert_allclose(average_ranks([2, 1]), [2.0, 1.0])
