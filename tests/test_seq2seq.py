"""Encoder-decoder pieces (Chapter 5): teacher forcing, greedy decoding, beam search, attention, the loss.

The framework-free decoders of course_utils.seq2seq drive a toy "model": a table of
next-token log-probabilities indexed by the position and the last token, so that every
answer can be worked out by hand or by trying every sequence. Beam search is checked against
exhaustive search (an unlimited width finds the best sequence; width 1 is greedy decoding).
The attention and loss twins of course_utils.{torch,keras}.attention are checked against the
frameworks' own ops: ``keras.layers.Attention`` and ``F.cross_entropy(ignore_index=...)``.
"""

import keras
import numpy as np
import pytest
import torch
import torch.nn.functional as F

import course_utils.keras as ck
import course_utils.torch as ct
from course_utils.seq2seq import (beam_search, exhaustive_search, greedy_decode, sequence_log_prob,
                                  teacher_forcing_pair)


def toy_step(table: np.ndarray):
    """A step function over ``table[position, last_token] -> log-probs``; the state is the position."""
    def step(tokens, state):
        (position,) = state
        return table[position, tokens], (position + 1,)
    return step


def random_table(rng, V: int, L: int) -> np.ndarray:
    """Peaked random next-token log-probabilities; row ``V`` of the token axis is ``<start>``."""
    return np.log(rng.dirichlet(np.full(V, 0.5), size=(L + 1, V + 1)))  # (L+1, V+1, V)


# --- teacher forcing --------------------------------------------------------------------------------------------

def test_teacher_forcing_pair_shifts_right_behind_start():
    Y_in, Y_out = teacher_forcing_pair([[5, 6, 7], [8], []], start_id=2, end_id=3, pad_id=0)
    np.testing.assert_array_equal(Y_in, [[2, 5, 6, 7], [2, 8, 0, 0], [2, 0, 0, 0]])
    np.testing.assert_array_equal(Y_out, [[5, 6, 7, 3], [8, 3, 0, 0], [3, 0, 0, 0]])
    assert Y_in.dtype == Y_out.dtype == np.int64
    fed = Y_in[:, 1:] != 0  # every target token is fed one step later
    np.testing.assert_array_equal(Y_in[:, 1:][fed], Y_out[:, :-1][fed])


def test_teacher_forcing_pair_custom_padding():
    Y_in, Y_out = teacher_forcing_pair([[4]], start_id=1, end_id=2, pad_id=9)
    np.testing.assert_array_equal(Y_in, [[1, 4]])
    Y_in, Y_out = teacher_forcing_pair([[4], [4, 4]], start_id=1, end_id=2, pad_id=9)
    np.testing.assert_array_equal(Y_out, [[4, 2, 9], [4, 4, 2]])


# --- greedy decoding --------------------------------------------------------------------------------------------

def test_greedy_decode_by_hand():
    # Position 0: from <start> (id 3) the best is 1; then 2; then <end> (id 0).
    table = np.full((4, 4, 3), np.log(0.1))
    table[0, 3, 1] = table[1, 1, 2] = table[2, 2, 0] = np.log(0.8)
    out = greedy_decode(toy_step(table), (np.zeros(2, int),), 2, start_id=3, end_id=0, max_len=3)
    assert out == [[1, 2], [1, 2]]


def test_greedy_decode_stops_each_row_and_respects_max_len():
    calls = []

    def step(tokens, state):
        calls.append(tokens.copy())
        log_probs = np.full((2, 4), -5.0)
        log_probs[0, 0] = 0.0  # row 0 ends at once
        log_probs[1, 2] = 0.0  # row 1 never ends
        return torch.tensor(log_probs), state  # a framework tensor is fine

    out = greedy_decode(step, (), 2, start_id=3, end_id=0, max_len=4)
    assert out == [[], [2, 2, 2, 2]]
    assert len(calls) == 4 and list(calls[0]) == [3, 3] and list(calls[1]) == [0, 2]


# --- beam search ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", range(12))
def test_beam_search_unlimited_width_is_exhaustive_and_width_one_is_greedy(seed):
    rng = np.random.default_rng(seed)
    V, L = int(rng.integers(3, 5)), int(rng.integers(2, 6))
    step, state, end = toy_step(random_table(rng, V, L)), (np.zeros(1, int),), int(rng.integers(V))
    best, best_score = exhaustive_search(step, state, V, end, V, L)
    tokens, score = beam_search(step, state, V, end, V ** L + 1, L)
    assert tokens == best and score == pytest.approx(best_score)
    assert beam_search(step, state, V, end, 1, L)[0] == greedy_decode(step, state, 1, V, end, L)[0]
    for width in (2, 3):
        tokens, score = beam_search(step, state, V, end, width, L)
        assert score <= best_score + 1e-12 and end not in tokens and len(tokens) <= L
        assert score == pytest.approx(sequence_log_prob(step, state, V, end, tokens, L))


def test_beam_search_beats_greedy_where_greedy_is_trapped():
    # From <start> (id 3): 1 (0.6) or 2 (0.4). After 1 everything is flat (1/3 each); after 2,
    # <end> has 0.9. Greedy takes 1 (best total 0.6 * 1/3 = 0.2); width 2 finds 2 <end> (0.36).
    table = np.full((3, 4, 3), np.log(1 / 3))
    table[0, 3] = np.log([1e-9, 0.6, 0.4])
    table[1, 2] = np.log([0.9, 0.05, 0.05])
    step, state = toy_step(table), (np.zeros(1, int),)
    assert greedy_decode(step, state, 1, 3, 0, 2) == [[1]]  # then a tie: the first id, <end>
    tokens, score = beam_search(step, state, 3, 0, 2, 2)
    assert tokens == [2] and score == pytest.approx(np.log(0.4 * 0.9))


def test_beam_search_reorders_a_tuple_state_of_tensors():
    V = 3
    table = torch.log_softmax(torch.randn(5, V + 1, V, generator=torch.Generator().manual_seed(0)), -1)

    def step(tokens, state):
        position, memory = state  # memory (k, 2): carried along, must follow its hypothesis
        assert torch.equal(memory[:, 0], position.float())
        return table[position, torch.as_tensor(tokens)], (position + 1, memory + 1)

    state = (torch.zeros(1, dtype=torch.long), torch.zeros(1, 2))
    best, best_score = exhaustive_search(step, state, V, 0, V, 4)
    tokens, score = beam_search(step, state, V, 0, V ** 4, 4)  # every hypothesis kept: reordered every step
    assert tokens == best and score == pytest.approx(best_score, abs=1e-5)


def test_sequence_log_prob_by_hand():
    table = np.log(np.full((4, 3, 2), 0.5))  # every next token 1/2
    table[0, 2] = np.log([0.2, 0.8])
    step, state = toy_step(table), (np.zeros(1, int),)
    assert sequence_log_prob(step, state, 2, 0, [1], 3) == pytest.approx(np.log(0.8 * 0.5))  # 1 <end>
    assert sequence_log_prob(step, state, 2, 0, [1, 1, 1], 3) == pytest.approx(np.log(0.8 * 0.25))  # cut off
    assert sequence_log_prob(step, state, 2, 0, [], 3) == pytest.approx(np.log(0.2))


def test_beam_search_rejects_a_zero_width():
    with pytest.raises(AssertionError, match="beam_width"):
        beam_search(toy_step(np.zeros((2, 3, 2))), (np.zeros(1, int),), 2, 0, 0, 2)


# --- attention and the masked loss, against the frameworks' own ------------------------------------------------

@pytest.mark.parametrize("seed", range(3))
def test_dot_product_attention_matches_keras_attention_layer(seed):
    rng = np.random.default_rng(seed)
    B, T_y, T_x, h, d_v = (int(v) for v in rng.integers(2, 7, 5))
    Q, K, V = (rng.normal(size=s).astype(np.float32) for s in [(B, T_y, h), (B, T_x, h), (B, T_x, d_v)])
    lengths = rng.integers(1, T_x + 1, B)
    mask = np.arange(T_x)[None, :] < lengths[:, None]  # (B, T_x)
    want = np.asarray(keras.layers.Attention()([Q, V, K], mask=[None, mask]))  # (B, T_y, d_v)
    for twin, convert in [(ct, torch.tensor), (ck, lambda a: a)]:
        context, weights = twin.dot_product_attention(convert(Q), convert(K), convert(V), convert(mask))
        np.testing.assert_allclose(np.asarray(context), want, atol=1e-5)
        weights = np.asarray(weights)
        assert weights.shape == (B, T_y, T_x)
        np.testing.assert_allclose(weights.sum(-1), 1, atol=1e-6)
        assert np.all(weights[~np.broadcast_to(mask[:, None, :], weights.shape)] == 0)


@pytest.mark.parametrize("twin", [ct, ck], ids=["torch", "keras"])
def test_dot_product_attention_shape_messages(twin):
    Q, K = np.zeros((2, 3, 4), np.float32), np.zeros((2, 5, 4), np.float32)
    convert = torch.tensor if twin is ct else (lambda a: a)
    with pytest.raises(AssertionError, match=r"queries should have shape \(2, 'any', 4\), got \(2, 3, 5\)"):
        twin.dot_product_attention(convert(np.zeros((2, 3, 5), np.float32)), convert(K), convert(K))
    with pytest.raises(AssertionError, match="at least one real key"):
        twin.dot_product_attention(convert(Q), convert(K), convert(K), convert(np.zeros((2, 5), bool)))


@pytest.mark.parametrize("seed", range(3))
def test_masked_cross_entropy_matches_ignore_index(seed):
    rng = np.random.default_rng(seed)
    B, T, V = (int(v) for v in rng.integers(2, 7, 3))
    logits = rng.normal(size=(B, T, V)).astype(np.float32)
    Y = rng.integers(1, V, (B, T))
    Y[:, 1:][rng.random((B, T - 1)) < 0.4] = 0  # padding, never a whole row
    want = F.cross_entropy(torch.tensor(logits).reshape(-1, V), torch.tensor(Y).reshape(-1), ignore_index=0)
    assert float(ct.masked_cross_entropy(torch.tensor(logits), torch.tensor(Y), 0)) == pytest.approx(float(want))
    assert float(ck.masked_cross_entropy(logits, Y, 0)) == pytest.approx(float(want), rel=1e-5)
    with pytest.raises(AssertionError, match="padding"):
        ct.masked_cross_entropy(torch.tensor(logits), torch.zeros((B, T), dtype=torch.long), 0)
