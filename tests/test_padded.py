"""A bidirectional stack over a padded batch from one-direction runs (Chapter 4, Exercise 2's reference).

course_utils.{torch,keras}.padded reverse each sequence within its length and build a
bidirectional stack from functions that run one direction of one layer.  On the same weights
they are compared with ``nn.RNN``/``nn.LSTM``/``nn.GRU(num_layers, bidirectional=True)`` on a
packed batch, with a masked Keras stack, and with each other; the padding must never reach a
real position, the padded outputs are zero, and gradients reach the input.
"""

import numpy as np
import pytest
import tensorflow as tf
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

import course_utils.keras as ck
import course_utils.torch as ct

ATOL = 1e-5


@pytest.mark.parametrize("twin", [ct, ck], ids=["torch", "keras"])
def test_reverse_padded_by_hand_and_twice(twin):
    X = np.arange(12.0, dtype=np.float32).reshape(3, 4)  # (B, T): rows 0..3, 4..7, 8..11
    got = np.asarray(twin.reverse_padded(X if twin is ck else torch.tensor(X), [4, 1, 2]))
    np.testing.assert_array_equal(got, [[3, 2, 1, 0], [4, 5, 6, 7], [9, 8, 10, 11]])
    X3 = np.random.default_rng(0).standard_normal((3, 5, 2)).astype(np.float32)  # (B, T, d)
    lengths = np.array([5, 3, 1])
    once = twin.reverse_padded(X3 if twin is ck else torch.tensor(X3), lengths)
    np.testing.assert_array_equal(np.asarray(twin.reverse_padded(once, lengths)), X3)
    np.testing.assert_array_equal(np.asarray(once)[1, :3], X3[1, 2::-1])
    np.testing.assert_array_equal(np.asarray(once)[1, 3:], X3[1, 3:])  # the padding stays put


@pytest.mark.parametrize("twin", [ct, ck], ids=["torch", "keras"])
def test_reverse_padded_refuses_bad_lengths(twin):
    X = np.zeros((2, 3, 1), dtype=np.float32)
    X = X if twin is ck else torch.tensor(X)
    with pytest.raises(AssertionError, match="lengths should be between 1 and num_steps = 3"):
        twin.reverse_padded(X, [4, 1])
    with pytest.raises(AssertionError, match=r"lengths should have shape \(2,\), got \(3,\)"):
        twin.reverse_padded(X, [1, 2, 3])
    with pytest.raises(AssertionError, match="batch and a time axis"):
        twin.reverse_padded(X[0, 0], [1])


@pytest.mark.parametrize("cls, num_layers", [(nn.LSTM, 1), (nn.LSTM, 2), (nn.GRU, 3), (nn.RNN, 2)])
def test_torch_stack_matches_the_module_on_a_packed_batch(cls, num_layers):
    torch.manual_seed(num_layers)
    stack = cls(3, 4, num_layers=num_layers, bidirectional=True, batch_first=True)
    X = torch.randn(4, 6, 3, requires_grad=True)  # (B, T, d)
    lengths = torch.tensor([6, 2, 5, 1])  # unsorted, one full, one of a single step
    with torch.no_grad():
        packed, h_n = stack(pack_padded_sequence(X, lengths, batch_first=True, enforce_sorted=False))
        output, _ = pad_packed_sequence(packed, batch_first=True, total_length=6)  # (B, T, 2h)
    h_n = h_n[0] if cls is nn.LSTM else h_n  # (2L, B, h)
    got, got_h = ct.bidirectional_rnn(X, lengths, ct.direction_runners(stack))
    torch.testing.assert_close(got, output, atol=ATOL, rtol=1e-4)
    torch.testing.assert_close(got_h, h_n, atol=ATOL, rtol=1e-4)
    assert got[1, 2:].abs().max().item() == 0.0  # zero at the padding
    got.sum().backward()
    assert X.grad[1, :2].abs().sum() > 0 and X.grad[1, 2:].abs().sum() == 0  # padding reaches nothing


def test_padding_content_never_reaches_a_real_position():
    torch.manual_seed(5)
    stack = nn.LSTM(2, 3, num_layers=2, bidirectional=True, batch_first=True)
    X = torch.randn(2, 5, 2)
    noisy = X.clone()
    noisy[1, 3:] = 100.0  # lengths 5 and 3: garbage in row 1's padding
    runners = ct.direction_runners(stack)
    clean_out, clean_h = ct.bidirectional_rnn(X, [5, 3], runners)
    noisy_out, noisy_h = ct.bidirectional_rnn(noisy, [5, 3], runners)
    torch.testing.assert_close(clean_out, noisy_out)
    torch.testing.assert_close(clean_h, noisy_h)
    flipped_out, _ = ct.bidirectional_rnn(X.flip(1), [5, 5], runners)  # reversing the whole row is not it
    assert (ct.bidirectional_rnn(X, [5, 5], runners)[0] - flipped_out).abs().max() > 1e-3


def test_keras_stack_matches_a_masked_keras_stack_and_the_torch_twin():
    torch.manual_seed(7)
    module = nn.LSTM(3, 4, num_layers=2, bidirectional=True, batch_first=True)
    stack = ck.bidirectional_stack("lstm", 3, 4, 2, True)
    ck.load_stacked_lstm_weights(stack, [[tuple(w.numpy() for w in ws) for ws in layer]
                                         for layer in ct.stacked_lstm_weights(module)])
    X = np.random.default_rng(1).standard_normal((3, 6, 3)).astype(np.float32)  # (B, T, d)
    lengths = np.array([6, 2, 4])
    mask = np.arange(6)[None] < lengths[:, None]  # (B, T)
    masked = tf.constant(X)
    for layer in stack:
        masked = layer(masked, mask=mask)  # (B, T, 2h)
    out, h_n = ck.bidirectional_rnn(X, lengths, ck.direction_runners(stack))
    np.testing.assert_allclose(np.asarray(out)[mask], np.asarray(masked)[mask], atol=ATOL)
    assert np.abs(np.asarray(out)[~mask]).max() == 0.0
    t_out, t_h = ct.bidirectional_rnn(torch.tensor(X), lengths, ct.direction_runners(module))
    np.testing.assert_allclose(np.asarray(out), t_out.detach().numpy(), atol=ATOL)
    np.testing.assert_allclose(np.asarray(h_n), t_h.detach().numpy(), atol=ATOL)


def test_direction_runners_shapes_and_refusals():
    runners = ct.direction_runners(nn.GRU(3, 2, num_layers=3, batch_first=True))
    assert [len(pair) for pair in runners] == [1, 1, 1]
    assert tuple(runners[1][0](torch.zeros(2, 4, 2)).shape) == (2, 4, 2)
    with pytest.raises(ValueError, match="batch_first=True"):
        ct.direction_runners(nn.LSTM(3, 2))
    with pytest.raises(ValueError, match="build"):
        ck.direction_runners([tf.keras.layers.LSTM(2, return_sequences=True)])
    with pytest.raises(AssertionError, match="at least one"):
        ct.bidirectional_rnn(torch.zeros(1, 2, 3), [2], [])


def test_torch_runners_are_modules_that_share_the_stack_parameters():
    torch.manual_seed(8)
    stack = nn.LSTM(3, 2, num_layers=2, bidirectional=True, batch_first=True)
    runners = ct.direction_runners(stack)
    assert all(isinstance(r, nn.Module) for pair in runners for r in pair)
    assert runners[1][1].rnn.weight_ih_l0 is stack.weight_ih_l1_reverse
    X = torch.randn(2, 4, 3, requires_grad=True)
    out, _ = ct.bidirectional_rnn(X, [4, 2], runners)
    out.sum().backward()
    assert stack.weight_hh_l1_reverse.grad is not None and stack.weight_hh_l1_reverse.grad.abs().sum() > 0
    import pickle
    copied = pickle.loads(pickle.dumps(runners[0][0]))
    torch.testing.assert_close(copied(X.detach()), runners[0][0](X.detach()))
