"""Tests for course_utils.sentiment (scores, intervals, the paired test) and corpora.load_imdb."""

import numpy as np
import pytest
from scipy.stats import binomtest
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import confusion_matrix, f1_score

from course_utils.corpora import load_imdb
from course_utils.data import DataFileError
from course_utils.sentiment import (accuracy_by_length, binary_f1, bootstrap_accuracy, confusion_counts,
                                    imdb_baseline, mcnemar_exact, paired_bootstrap, tfidf_baseline)


def _labels(seed, n=200):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    a = np.where(rng.random(n) < 0.8, y, 1 - y)  # about 80% right
    b = np.where(rng.random(n) < 0.7, y, 1 - y)  # about 70% right
    return y, a, b


@pytest.mark.parametrize("seed", range(5))
def test_binary_f1_matches_sklearn(seed):
    y, a, _ = _labels(seed)
    assert binary_f1(y, a) == pytest.approx(f1_score(y, a))


def test_binary_f1_without_positives_is_zero():
    assert binary_f1([0, 0, 1], [0, 0, 0]) == 0.0
    assert binary_f1([0, 0], [0, 0]) == 0.0


def test_labels_are_checked():
    with pytest.raises(AssertionError, match="1-D"):
        binary_f1([[0, 1]], [[0, 1]])
    with pytest.raises(AssertionError, match="3 labels"):
        binary_f1([0, 1, 1], [0, 1])
    with pytest.raises(AssertionError, match="only the labels 0 and 1"):
        binary_f1([0, 2], [0, 1])


def test_paired_bootstrap_resamples_both_classifiers_together():
    y, a, b = _labels(7)
    diff, lo, hi = paired_bootstrap(y, a, b, np.random.default_rng(3), n_boot=500)
    idx = np.random.default_rng(3).integers(0, len(y), size=(500, len(y)))
    diffs = (a == y)[idx].mean(1) - (b == y)[idx].mean(1)
    assert diff == pytest.approx((a == y).mean() - (b == y).mean())
    assert (lo, hi) == pytest.approx(tuple(np.percentile(diffs, [2.5, 97.5])))
    assert lo < diff < hi


def test_paired_interval_is_narrower_than_unpaired_for_correlated_classifiers():
    y, a, _ = _labels(8, n=1000)
    rng = np.random.default_rng(0)
    b = np.where(rng.random(len(y)) < 0.05, 1 - a, a)  # b copies a, with 5% flipped
    _, lo, hi = paired_bootstrap(y, a, b, np.random.default_rng(1))
    _, lo_a, hi_a = bootstrap_accuracy(y, a, np.random.default_rng(1))
    assert hi - lo < (hi_a - lo_a) / 2


def test_bootstrap_accuracy_interval():
    y, a, _ = _labels(9)
    acc, lo, hi = bootstrap_accuracy(y, a, np.random.default_rng(5), n_boot=300, level=0.9)
    idx = np.random.default_rng(5).integers(0, len(y), size=(300, len(y)))
    assert acc == pytest.approx((a == y).mean())
    assert (lo, hi) == pytest.approx(tuple(np.percentile((a == y)[idx].mean(1), [5, 95])))
    with pytest.raises(AssertionError, match="level"):
        bootstrap_accuracy(y, a, np.random.default_rng(0), level=95)


@pytest.mark.parametrize("seed", range(4))
def test_mcnemar_matches_binomial_test(seed):
    y, a, b = _labels(seed, n=120)
    a_only, b_only, p = mcnemar_exact(y, a, b)
    assert a_only == int(np.sum((a == y) & (b != y)))
    assert b_only == int(np.sum((b == y) & (a != y)))
    assert p == pytest.approx(binomtest(a_only, a_only + b_only, 0.5).pvalue)


def test_mcnemar_without_disagreement():
    assert mcnemar_exact([0, 1], [0, 1], [0, 1]) == (0, 0, 1.0)


def test_confusion_counts_match_sklearn():
    y, a, _ = _labels(11)
    np.testing.assert_array_equal(confusion_counts(y, a), confusion_matrix(y, a, labels=[0, 1]))


def test_accuracy_by_length():
    rows = accuracy_by_length([1, 5, 9, 12, 30], [True, False, True, True, False], [1, 10, 20, 100])
    assert rows[0][:3] == (1, 10, 3) and rows[0][3] == pytest.approx(2 / 3)
    assert rows[1] == (10, 20, 1, 1.0)
    assert rows[2] == (20, 100, 1, 0.0)
    assert np.isnan(accuracy_by_length([1], [True], [5, 9])[0][3])
    with pytest.raises(AssertionError, match="increasing"):
        accuracy_by_length([1], [True], [5, 5])


TRAIN = ["a good film", "a great film", "not good at all", "a bad film", "awful and dull", "great fun",
         "dull , not fun", "good fun"]
Y_TRAIN = [1, 1, 0, 0, 0, 1, 0, 1]
VALID = ["a good fun film", "a dull film", "zebra great", "bad bad"]
Y_VALID = [1, 0, 1, 0]


def test_tfidf_baseline_scores_every_C_on_validation():
    best, scores = tfidf_baseline(TRAIN, Y_TRAIN, VALID, Y_VALID, [0.01, 1.0, 100.0])
    assert list(scores) == [0.01, 1.0, 100.0]
    for C, score in scores.items():
        vec = TfidfVectorizer(ngram_range=(1, 2)).fit(TRAIN)
        clf = LogisticRegression(C=C, max_iter=1000).fit(vec.transform(TRAIN), Y_TRAIN)
        assert score == pytest.approx(np.mean(clf.predict(vec.transform(VALID)) == Y_VALID))
    first_best = next(C for C, s in scores.items() if s == max(scores.values()))
    assert best[-1].C == first_best
    vocabulary = best[0].vocabulary_
    assert "not good" in vocabulary and "zebra" not in vocabulary  # bigrams; training text only


def _write_imdb(root):
    for split in ("train", "test"):
        for name, ratings in (("neg", [1, 3, 4]), ("pos", [10, 7, 8])):
            folder = root / "aclImdb" / split / name
            folder.mkdir(parents=True)
            for i, stars in zip([10, 2, 7], ratings):
                text = f"{split} {name} review {i}.<br />Second line."
                (folder / f"{i}_{stars}.txt").write_text(text, encoding="utf-8")
    (root / "aclImdb" / "train" / "unsup").mkdir()
    (root / "aclImdb" / "train" / "unsup" / "0_0.txt").write_text("unlabelled", encoding="utf-8")


def test_load_imdb_reads_the_aclimdb_layout(tmp_path):
    _write_imdb(tmp_path)
    texts, labels, stars = load_imdb(tmp_path / "aclImdb", "test")
    assert texts[0] == "test neg review 2. Second line."
    assert labels.tolist() == [0, 0, 0, 1, 1, 1]
    assert stars.tolist() == [3, 4, 1, 7, 8, 10]  # files in the order of their ids: 2, 7, 10
    texts, labels, _ = load_imdb(tmp_path / "aclImdb", "train", max_per_class=1)
    assert texts == ["train neg review 2. Second line.", "train pos review 2. Second line."]
    assert labels.dtype == np.int64


def test_load_imdb_names_what_is_wrong(tmp_path):
    with pytest.raises(DataFileError, match="aclImdb"):
        load_imdb(tmp_path / "nowhere")
    _write_imdb(tmp_path)
    (tmp_path / "aclImdb" / "test" / "pos" / "notes.txt").write_text("x", encoding="utf-8")
    with pytest.raises(DataFileError, match="notes.txt"):
        load_imdb(tmp_path / "aclImdb", "test")
    with pytest.raises(ValueError, match="split"):
        load_imdb(tmp_path / "aclImdb", "unsup")


def test_imdb_baseline_on_the_fixture(tmp_path):
    _write_imdb(tmp_path)
    for split in ("train", "test"):  # words that give the class away
        for name, word in (("neg", "awful"), ("pos", "wonderful")):
            for path in (tmp_path / "aclImdb" / split / name).iterdir():
                path.write_text(f"{word} {path.read_text(encoding='utf-8')}", encoding="utf-8")
    result = imdb_baseline(str(tmp_path / "aclImdb"), [1.0, 10.0], valid_share=1 / 3)
    assert (result["train"], result["valid"], result["test"]) == (4, 2, 6)
    assert list(result["scores"]) == [1.0, 10.0] and result["C"] in (1.0, 10.0)
    assert result["test_accuracy"] == 1.0
