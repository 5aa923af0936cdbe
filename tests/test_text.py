"""Tests for course_utils.text: vocabulary, language-model windows, temperature softmax and sampling."""

import numpy as np
import pytest
import torch

from course_utils.text import CharVocab, make_lm_windows, sample_index, softmax_temperature

# --- CharVocab --------------------------------------------------------------------------------------------------


def test_vocab_round_trip():
    text = "To be, or not to be:\nthat is the question."
    vocab = CharVocab.from_text(text)
    ids = vocab.encode(text)
    assert ids.dtype == np.int64 and ids.shape == (len(text),)
    assert vocab.decode(ids) == text
    assert vocab.decode(ids.tolist()) == text
    assert len(vocab) == len(set(text))


def test_vocab_ids_are_sorted_and_deterministic():
    a = CharVocab.from_text("banana")
    b = CharVocab("nab")
    assert a.itos == b.itos == ["a", "b", "n"]
    assert a.stoi == {"a": 0, "b": 1, "n": 2}
    np.testing.assert_array_equal(a.encode("nab"), [2, 0, 1])
    np.testing.assert_array_equal(a.encode("banana"), b.encode("banana"))


def test_vocab_empty_text():
    vocab = CharVocab.from_text("ab")
    assert vocab.encode("").shape == (0,)
    assert vocab.decode([]) == ""


def test_vocab_unknown_character():
    vocab = CharVocab.from_text("abc")
    with pytest.raises(ValueError, match=r"not in the vocabulary: \['x', 'z'\]"):
        vocab.encode("abzx")



def test_vocab_encode_matches_a_lookup_beyond_ascii():
    # Accents, Cyrillic, a character above U+FFFF and characters past the vocabulary's last one.
    text = "Café — Как дела? 🙂 naïve\ttabs\n" * 3
    vocab = CharVocab.from_text(text)
    want = [vocab.stoi[ch] for ch in text]
    np.testing.assert_array_equal(vocab.encode(text), want)
    with pytest.raises(ValueError, match=r"not in the vocabulary: \['\U0001f600'\]"):
        vocab.encode("Café\U0001f600")  # after every known code point
    with pytest.raises(ValueError, match=r"not in the vocabulary: \['\\x00'\]"):
        vocab.encode("\x00Café")  # before every known code point
    with pytest.raises(ValueError, match="not in the vocabulary"):
        CharVocab("").encode("a")

# --- make_lm_windows --------------------------------------------------------------------------------------------

def test_windows_shapes_and_shift():
    ids = np.arange(100)
    X, Y = make_lm_windows(ids, seq_len=10)
    assert X.shape == Y.shape == (9, 10)  # 9 * 10 + 1 target <= 100
    np.testing.assert_array_equal(Y[:, :-1], X[:, 1:])
    np.testing.assert_array_equal(Y, X + 1)
    np.testing.assert_array_equal(X[:, 0], np.arange(0, 90, 10))  # no overlap by default


def test_windows_exact_fit():
    X, Y = make_lm_windows(np.arange(11), seq_len=5)
    assert X.shape == (2, 5)
    np.testing.assert_array_equal(Y[-1], [6, 7, 8, 9, 10])


def test_windows_stride():
    ids = np.arange(20) * 3
    X, Y = make_lm_windows(ids, seq_len=4, stride=2)
    assert X.shape == (8, 4)  # starts 0, 2, ..., 14; start 14 needs ids up to index 18
    np.testing.assert_array_equal(X[:, 0], ids[np.arange(0, 16, 2)])
    np.testing.assert_array_equal(X[1], ids[2:6])
    np.testing.assert_array_equal(Y[1], ids[3:7])


def test_windows_too_short():
    with pytest.raises(ValueError, match="too short"):
        make_lm_windows(np.arange(10), seq_len=10)
    with pytest.raises(ValueError, match="too short"):
        make_lm_windows(np.arange(3), seq_len=5, stride=2)


@pytest.mark.parametrize("seq_len, stride", [(0, None), (3, 0), (-1, 1)])
def test_windows_non_positive_sizes(seq_len, stride):
    with pytest.raises(ValueError, match="must be positive"):
        make_lm_windows(np.arange(50), seq_len=seq_len, stride=stride)


# --- softmax_temperature ----------------------------------------------------------------------------------------

LOGITS = np.array([2.0, 1.0, 0.1, -1.5])


@pytest.mark.parametrize("temperature", [0.1, 0.5, 1.0, 2.0, 10.0])
def test_softmax_sums_to_one_and_matches_manual_and_torch(temperature):
    p = softmax_temperature(LOGITS, temperature)
    assert p.shape == LOGITS.shape
    assert np.isclose(p.sum(), 1.0)
    manual = np.exp(LOGITS / temperature) / np.exp(LOGITS / temperature).sum()
    np.testing.assert_allclose(p, manual, rtol=1e-12)
    expected = torch.softmax(torch.tensor(LOGITS, dtype=torch.float64) / temperature, dim=-1).numpy()
    np.testing.assert_allclose(p, expected, rtol=1e-12)


def test_softmax_last_axis_of_batch():
    logits = np.random.default_rng(0).standard_normal((3, 5))
    p = softmax_temperature(logits, 0.7)
    np.testing.assert_allclose(p.sum(axis=-1), np.ones(3))
    np.testing.assert_allclose(p, torch.softmax(torch.tensor(logits) / 0.7, dim=-1).numpy(), rtol=1e-12)


def test_temperature_sharpens_and_flattens():
    p1 = softmax_temperature(LOGITS, 1.0)
    cold, hot = softmax_temperature(LOGITS, 0.3), softmax_temperature(LOGITS, 3.0)
    assert cold[0] > p1[0] > hot[0]  # the most likely index gains mass when T < 1
    assert cold[-1] < p1[-1] < hot[-1]  # the least likely gains mass when T > 1
    assert np.argmax(cold) == np.argmax(hot) == 0  # the order is kept
    assert softmax_temperature(LOGITS, 1e-3)[0] > 0.999  # T -> 0: argmax
    np.testing.assert_allclose(softmax_temperature(LOGITS, 1e6), np.full(4, 0.25), atol=1e-5)  # T -> inf: uniform


@pytest.mark.parametrize("temperature", [0.0, -1.0])
def test_softmax_rejects_non_positive_temperature(temperature):
    with pytest.raises(ValueError, match="temperature must be positive"):
        softmax_temperature(LOGITS, temperature)


def test_softmax_stable_for_huge_logits():
    p = softmax_temperature(np.array([1000.0, 999.0, -1000.0]), 0.5)
    assert np.all(np.isfinite(p))
    np.testing.assert_allclose(p[:2], [1 / (1 + np.exp(-2.0)), np.exp(-2.0) / (1 + np.exp(-2.0))])
    assert p[2] == 0.0
    np.testing.assert_allclose(softmax_temperature(np.array([1e308, 1e308]), 1.0), [0.5, 0.5])


# --- sample_index -----------------------------------------------------------------------------------------------

def test_sample_index_reproducible_with_seeded_rng():
    draws = [[sample_index(LOGITS, 1.0, rng) for _ in range(50)] for rng in
             (np.random.default_rng(7), np.random.default_rng(7))]
    assert draws[0] == draws[1]
    assert all(isinstance(i, int) and 0 <= i < len(LOGITS) for i in draws[0])
    rng = np.random.default_rng(8)
    assert [sample_index(LOGITS, 1.0, rng) for _ in range(50)] != draws[0]  # another seed, other draws


def test_sample_index_follows_distribution():
    rng = np.random.default_rng(0)
    n = 20_000
    counts = np.bincount([sample_index(LOGITS, 1.5, rng) for _ in range(n)], minlength=len(LOGITS))
    np.testing.assert_allclose(counts / n, softmax_temperature(LOGITS, 1.5), atol=0.015)


def test_sample_index_low_temperature_is_greedy():
    rng = np.random.default_rng(0)
    assert {sample_index(LOGITS, 1e-3, rng) for _ in range(100)} == {0}
