"""Tests for course_utils.vocab: the tokenizer, the word vocabulary, padding and OOV rates."""

import numpy as np
import pytest

from course_utils.vocab import PAD, PAD_ID, UNK, UNK_ID, Vocab, oov_rate, pad_batch, tokenize


@pytest.mark.parametrize(
    "text, tokens",
    [
        ("It isn't the director's best.", ["it", "is", "n't", "the", "director", "'s", "best", "."]),
        ("We'll see; I'm sure they've won't", ["we", "'ll", "see", ";", "i", "'m", "sure", "they", "'ve",
                                               "wo", "n't"]),
        ("A well-made, 3.5-star film (1,000 seats)!", ["a", "well-made", ",", "3.5-star", "film", "(",
                                                         "1,000", "seats", ")", "!"]),
        ("The U.S. version... ok", ["the", "u.s.", "version", "...", "ok"]),
        ("don\u2019t 'quoted'", ["do", "n't", "'", "quoted", "'"]),
        ("", []),
    ],
)
def test_tokenize(text, tokens):
    assert tokenize(text) == tokens


def test_build_orders_by_count_then_alphabet():
    docs = [["b", "a", "c"], ["a", "c", "d"], ["a"]]
    vocab = Vocab.build(docs)
    assert vocab.itos == [PAD, UNK, "a", "c", "b", "d"]
    assert vocab.stoi["a"] == 2 and len(vocab) == 6
    assert vocab.counts["a"] == 3


def test_build_min_freq_is_inclusive_and_max_size():
    docs = [["x", "y", "y", "z", "z", "z"]]
    assert Vocab.build(docs, min_freq=2).itos == [PAD, UNK, "z", "y"]
    assert Vocab.build(docs, min_freq=3).itos == [PAD, UNK, "z"]
    assert Vocab.build(docs, max_size=2).itos == [PAD, UNK, "z", "y"]
    with pytest.raises(ValueError, match="min_freq"):
        Vocab.build(docs, min_freq=0)


def test_reserved_and_duplicate_words_refused():
    with pytest.raises(ValueError, match="reserved"):
        Vocab(["a", PAD])
    with pytest.raises(ValueError, match="distinct"):
        Vocab(["a", "a"])


def test_encode_decode_unknown_and_pad():
    vocab = Vocab(["good", "film"])
    ids = vocab.encode(["good", "bad", "film"])
    assert ids == [2, UNK_ID, 3]
    assert vocab.decode(ids) == ["good", UNK, "film"]
    assert vocab.decode([2, 3, PAD_ID, PAD_ID]) == ["good", "film"]
    assert vocab.decode([2, PAD_ID], skip_pad=False) == ["good", PAD]
    assert "good" in vocab and "bad" not in vocab


def test_pad_batch_shapes_and_lengths():
    X, lengths = pad_batch([[5, 6, 7], [8], [9, 10]])
    assert X.dtype == np.int64 and X.shape == (3, 3)
    np.testing.assert_array_equal(X, [[5, 6, 7], [8, 0, 0], [9, 10, 0]])
    np.testing.assert_array_equal(lengths, [3, 1, 2])
    X, lengths = pad_batch([[5, 6, 7], [8]], max_len=2)
    np.testing.assert_array_equal(X, [[5, 6], [8, 0]])
    np.testing.assert_array_equal(lengths, [2, 1])
    X, _ = pad_batch([[1]], max_len=3, pad_id=9)
    np.testing.assert_array_equal(X, [[1, 9, 9]])
    with pytest.raises(ValueError, match="at least one"):
        pad_batch([])


def test_oov_rate():
    vocab = Vocab(["a", "b"])
    rate, unknown, total = oov_rate([["a", "c"], ["b", "d", "d"]], vocab)
    assert (unknown, total) == (3, 5) and rate == pytest.approx(0.6)
    assert oov_rate([["a"]], {"a"}) == (0.0, 0, 1)
    assert oov_rate([], vocab) == (0.0, 0, 0)


def test_build_vocab_is_vocab_build_itos():
    from course_utils.vocab import build_vocab

    docs = [["b", "a", "c"], ["a", "c", "d"], ["a"], ["e", "e"]]
    for min_freq in (1, 2, 3):
        assert build_vocab(docs, min_freq) == Vocab.build(docs, min_freq=min_freq).itos
    assert build_vocab(docs, 2) == [PAD, UNK, "a", "c", "e"]
    with pytest.raises(ValueError, match="min_freq"):
        build_vocab(docs, 0)
