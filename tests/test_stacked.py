"""Bidirectional and multilayer LSTMs (Chapter 4): the from-scratch stacks match the frameworks' own.

course_utils.{torch,keras}.stacked build a multilayer, bidirectional LSTM from the
one-layer ``lstm_forward`` of Chapter 2.  On the same weights (random, non-square sizes,
non-zero biases) they are compared with ``nn.LSTM(num_layers, bidirectional=True)`` and with
a stack of Keras ``Bidirectional(LSTM)`` layers: without padding, with padding through
PyTorch's packed sequences, and through Keras masks (``Embedding(mask_zero=True)``,
``Masking``).  Keras 3's ``Bidirectional`` under a mask with right padding reverses each
sequence's real tokens only (the backward direction starts at the last real token), like
PyTorch's packed sequences; without a mask it starts on the padding (both checked).  Also:
the layout of ``h_n``, the ``output[:, -1]`` read-out bug, the masked token accuracy,
parameter counts against both frameworks, the builders and the shape messages.
"""

import keras
import numpy as np
import pytest
import tensorflow as tf
import torch
from keras import layers
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

import course_utils.keras as ck
import course_utils.torch as ct
from course_utils import assert_close
from course_utils.cells import stacked_num_params

ATOL = 1e-5
TWINS = {"torch": (ct, torch.tensor), "keras": (ck, tf.constant)}


def _sizes(seed: int) -> tuple[int, int, int, int]:
    """Random batch, steps, inputs, hiddens with d != h and d != 2h, so no transpose can hide."""
    rng = np.random.default_rng(seed)
    B, T, h = (int(v) for v in rng.integers((3, 4, 2), (6, 8, 6)))
    d = int(rng.choice([n for n in range(2, 10) if n not in (h, 2 * h)]))
    return B, T, d, h


def _layers_weights(d: int, h: int, num_layers: int, bidirectional: bool, seed: int) -> list:
    """Random ``layers_weights`` (NumPy, float32): layer 0 reads d features, later layers D*h."""
    rng, D = np.random.default_rng(seed), 2 if bidirectional else 1
    return [[tuple((0.5 * rng.standard_normal(shape)).astype(np.float32)
                   for shape in ((d if l == 0 else D * h, 4 * h), (h, 4 * h), (4 * h,)))
             for _ in range(D)] for l in range(num_layers)]


def _to_torch(layers_weights: list) -> list:
    return [[tuple(torch.tensor(w) for w in ws) for ws in directions] for directions in layers_weights]


def _X(B: int, T: int, d: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed + 100).standard_normal((B, T, d)).astype(np.float32)


def _lengths(B: int, T: int, seed: int) -> np.ndarray:
    """Unsorted lengths in 1..T with at least one full and one shorter sequence."""
    lengths = np.random.default_rng(seed + 200).integers(1, T + 1, B)
    lengths[0], lengths[-1] = T, max(1, T - 2)
    return lengths


def _keras_apply(stack: list, X, mask=None):
    for layer in stack:
        X = layer(X, mask=mask) if mask is not None else layer(X)
    return X


# --- without padding ----------------------------------------------------------------------


@pytest.mark.parametrize("num_layers, bidirectional, seed", [(2, True, 0), (1, True, 1), (3, False, 2)])
def test_from_scratch_matches_nn_lstm_and_keras_stack(num_layers, bidirectional, seed):
    B, T, d, h = _sizes(seed)
    X, weights = _X(B, T, d, seed), _layers_weights(d, h, num_layers, bidirectional, seed)
    D = 2 if bidirectional else 1
    torch_stack = ct.bidirectional_stack("lstm", d, h, num_layers, bidirectional=bidirectional).eval()
    ct.load_stacked_lstm_weights(torch_stack, _to_torch(weights))
    with torch.no_grad():
        want, (want_h, want_c) = torch_stack(torch.tensor(X))  # (B, T, D*h), (L*D, B, h) x 2
    got, (got_h, got_c) = ct.stacked_lstm_forward(torch.tensor(X), _to_torch(weights), bidirectional)
    assert got.shape == (B, T, D * h) and got_h.shape == got_c.shape == (num_layers * D, B, h)
    for name, g, e in [("output", got, want), ("h_n", got_h, want_h), ("c_n", got_c, want_c)]:
        assert_close(g, e, f"torch from scratch {name} vs nn.LSTM", atol=ATOL)

    keras_stack = ck.bidirectional_stack("lstm", d, h, num_layers, bidirectional=bidirectional)
    ck.load_stacked_lstm_weights(keras_stack, weights)
    ours, (ours_h, ours_c) = ck.stacked_lstm_forward(X, weights, bidirectional)
    assert_close(_keras_apply(keras_stack, X), ours, "keras from scratch output vs the Keras stack", atol=ATOL)
    for name, g, e in [("output", ours, want), ("h_n", ours_h, want_h), ("c_n", ours_c, want_c)]:
        assert_close(g, e, f"keras twin {name} vs nn.LSTM", atol=ATOL)

    for module, stack in ((ct, torch_stack), (ck, keras_stack)):  # the weights read back are the ones loaded
        read = module.stacked_lstm_weights(stack)
        assert [len(ws) for ws in read] == [D] * num_layers
        for l, directions in enumerate(weights):
            for k, ws in enumerate(directions):
                for name, r, w in zip(("W_x", "W_h", "b"), read[l][k], ws):
                    assert_close(r, w, f"{module.__name__} {name} of layer {l}, direction {k}", atol=0)


def test_weights_read_from_a_default_nn_lstm_sum_its_two_biases():
    torch.manual_seed(0)
    stack = nn.LSTM(5, 3, num_layers=2, bidirectional=True, batch_first=True)  # b_ih, b_hh both random
    X = torch.tensor(_X(4, 6, 5, 0))
    with torch.no_grad():
        want, (want_h, want_c) = stack(X)
    got, (got_h, got_c) = ct.stacked_lstm_forward(X, ct.stacked_lstm_weights(stack), bidirectional=True)
    for name, g, e in [("output", got, want), ("h_n", got_h, want_h), ("c_n", got_c, want_c)]:
        assert_close(g, e, f"{name} from stacked_lstm_weights(nn.LSTM)", atol=ATOL)
    keras_stack = ck.bidirectional_stack("lstm", 5, 3, 2)
    ck.load_stacked_lstm_weights(keras_stack, [[tuple(w.numpy() for w in ws) for ws in directions]
                                               for directions in ct.stacked_lstm_weights(stack)])
    assert_close(_keras_apply(keras_stack, X.numpy()), want, "Keras stack with nn.LSTM's weights", atol=ATOL)


# --- padding: packed sequences and masks -----------------------------------------------------


@pytest.mark.parametrize("num_layers, bidirectional, seed", [(2, True, 3), (2, False, 4)])
def test_padded_batch_matches_packed_sequences(num_layers, bidirectional, seed):
    B, T, d, h = _sizes(seed)
    X, lengths = _X(B, T, d, seed), _lengths(B, T, seed)
    X[np.arange(T)[None] >= lengths[:, None]] = 7.0  # padding the real tokens must never see
    weights = _to_torch(_layers_weights(d, h, num_layers, bidirectional, seed))
    stack = nn.LSTM(d, h, num_layers=num_layers, bidirectional=bidirectional, batch_first=True)
    ct.load_stacked_lstm_weights(stack, weights)
    packed = pack_padded_sequence(torch.tensor(X), torch.tensor(lengths), batch_first=True, enforce_sorted=False)
    with torch.no_grad():
        out, (want_h, want_c) = stack(packed)
    want, _ = pad_packed_sequence(out, batch_first=True, total_length=T)  # (B, T, D*h), zeros at padding
    got, (got_h, got_c) = ct.stacked_lstm_forward(torch.tensor(X), weights, bidirectional, torch.tensor(lengths))
    for name, g, e in [("output", got, want), ("h_n", got_h, want_h), ("c_n", got_c, want_c)]:
        assert_close(g, e, f"from scratch {name} with lengths vs packed nn.LSTM", atol=ATOL)
    assert float(got.abs()[torch.arange(T)[None] >= torch.tensor(lengths)[:, None]].max()) == 0.0
    numpy_weights = [[tuple(w.numpy() for w in ws) for ws in directions] for directions in weights]
    ours, (ours_h, ours_c) = ck.stacked_lstm_forward(X, numpy_weights, bidirectional, lengths)
    for name, g, e in [("output", ours, want), ("h_n", ours_h, want_h), ("c_n", ours_c, want_c)]:
        assert_close(g, e, f"keras twin {name} with lengths vs packed nn.LSTM", atol=ATOL)


def test_keras_masked_stack_reverses_each_sequence_like_packed_sequences():
    B, T, d, h = _sizes(5)
    vocab_size, lengths = 11, _lengths(B, T, 5)
    ids = np.random.default_rng(5).integers(1, vocab_size, (B, T))
    ids[np.arange(T)[None] >= lengths[:, None]] = 0  # right padding, id 0
    weights = _layers_weights(d, h, 2, True, 5)
    stack = ck.bidirectional_stack("lstm", d, h, 2)
    ck.load_stacked_lstm_weights(stack, weights)
    model = keras.Sequential([keras.Input((None,), dtype="int32"), layers.Embedding(vocab_size, d, mask_zero=True),
                              *stack])
    X = model.layers[0].embeddings.numpy()[ids]  # (B, T, d): what the stack reads
    got = model(ids)  # (B, T, 2h), zeros at padding (Bidirectional forces zero_output_for_mask)
    want, (h_n, _) = ck.stacked_lstm_forward(X, weights, bidirectional=True, lengths=lengths)
    assert_close(got, want, "Keras stack under Embedding(mask_zero=True) vs from scratch with lengths", atol=ATOL)
    assert_close(ck.last_forward_first_backward(got, lengths), ck.final_states(h_n, 2, True),
                 "Keras sentence vector vs the from-scratch final states", atol=ATOL)
    # Without a mask the backward direction reads the padding first: the from-scratch stack without lengths.
    unmasked, _ = ck.stacked_lstm_forward(X, weights, bidirectional=True)
    assert_close(_keras_apply(stack, X), unmasked, "Keras stack without a mask", atol=ATOL)
    assert np.abs(np.asarray(unmasked) - np.asarray(want))[lengths < T][:, 0, h:].max(axis=-1).min() > 1e-3


def test_keras_bidirectional_masked_final_states():
    B, T, d, h = _sizes(6)
    X, lengths = _X(B, T, d, 6), _lengths(B, T, 6)
    X[np.arange(T)[None] >= lengths[:, None]] = 0.0  # Masking() skips the all-zero steps
    weights = _layers_weights(d, h, 1, True, 6)
    bi = layers.Bidirectional(layers.LSTM(h, return_sequences=True, return_state=True))
    bi.build((None, None, d))
    ck.load_stacked_lstm_weights([bi], weights)
    inputs = keras.Input((None, d))
    model = keras.Model(inputs, bi(layers.Masking(mask_value=0.0)(inputs)))
    output, h_f, c_f, h_b, c_b = model(X)
    want, (h_n, c_n) = ck.stacked_lstm_forward(X, weights, bidirectional=True, lengths=lengths)
    assert_close(output, want, "masked Bidirectional output", atol=ATOL)
    for name, g, e in [("h forward", h_f, h_n[0]), ("c forward", c_f, c_n[0]), ("h backward", h_b, h_n[1]),
                       ("c backward", c_b, c_n[1])]:
        assert_close(g, e, f"masked Bidirectional {name} state", atol=ATOL)
    # The backward layer equals a forward LSTM run on each sequence's real tokens reversed.
    for b, length in enumerate(lengths):
        one = layers.LSTM(h, return_sequences=True)
        one.build((None, None, d))
        one.set_weights(bi.backward_layer.get_weights())
        reversed_out = one(X[b:b + 1, :length][:, ::-1].copy())[0, ::-1]  # (L, h), back in reading order
        assert_close(output[b, :length, h:], reversed_out, f"sequence {b}: backward half", atol=ATOL)


# --- reading the final states ---------------------------------------------------------------


@pytest.mark.parametrize("twin", sorted(TWINS))
def test_final_states_layout_and_the_last_step_bug(twin):
    module, to_tensor = TWINS[twin]
    B, T, d, h = _sizes(7)
    X, lengths = to_tensor(_X(B, T, d, 7)), _lengths(B, T, 7)
    weights = _layers_weights(d, h, 2, True, 7)
    weights = _to_torch(weights) if twin == "torch" else weights
    output, (h_n, _) = module.stacked_lstm_forward(X, weights, bidirectional=True)
    out = np.asarray(output)
    assert_close(h_n[2], out[:, -1, :h], "h_n[2] (last layer, forward) vs output[:, -1, :h]", atol=ATOL)
    assert_close(h_n[3], out[:, 0, h:], "h_n[3] (last layer, backward) vs output[:, 0, h:]", atol=ATOL)
    final = module.final_states(h_n, 2, True)
    assert_close(final, np.concatenate([out[:, -1, :h], out[:, 0, h:]], axis=-1), "final_states", atol=ATOL)
    assert_close(module.last_forward_first_backward(output), final, "read-out without padding", atol=ATOL)
    assert np.abs(out[:, -1, h:] - np.asarray(final)[:, h:]).max(axis=-1).min() > 1e-3  # one token backward

    padded, (h_n, _) = module.stacked_lstm_forward(X, weights, bidirectional=True, lengths=lengths)
    right = module.last_forward_first_backward(padded, to_tensor(lengths))
    assert_close(right, module.final_states(h_n, 2, True), "read-out with padding vs final_states", atol=ATOL)
    wrong = np.asarray(padded)[:, -1]  # (B, 2h): zero for every padded sequence
    short = lengths < T
    assert np.all(wrong[short] == 0) and np.abs(np.asarray(right)[short]).min() > 0

    uni, (h_n, _) = module.stacked_lstm_forward(X, [ws[:1] for ws in weights[:1]], bidirectional=False)
    assert_close(module.final_states(h_n, 1, False), np.asarray(uni)[:, -1], "unidirectional final", atol=ATOL)


@pytest.mark.parametrize("twin", sorted(TWINS))
def test_masked_token_accuracy(twin):
    module, to_tensor = TWINS[twin]
    Y = np.array([[3, 1, 2, 0], [2, 2, 0, 0]])  # pad_id 0: five real tokens
    pred = np.array([[3, 2, 2, 0], [2, 1, 3, 1]])  # right on 3 of them; the padding never counts
    assert module.masked_token_accuracy(to_tensor(pred), to_tensor(Y), 0) == pytest.approx(3 / 5)
    logits = np.eye(4, dtype=np.float32)[pred]  # (2, 4, 4), arg-max = pred
    assert module.masked_token_accuracy(to_tensor(logits), to_tensor(Y), 0) == pytest.approx(3 / 5)
    assert module.masked_token_accuracy(to_tensor(Y), to_tensor(Y), 2) == 1.0
    with pytest.raises(ValueError, match="padding"):
        module.masked_token_accuracy(to_tensor(pred), to_tensor(np.zeros_like(Y)), 0)
    with pytest.raises(AssertionError, match=r"Y_hat should have shape \(2, 4\), got \(2, 3\)"):
        module.masked_token_accuracy(to_tensor(pred[:, :3]), to_tensor(Y), 0)


# --- parameter counts and builders ------------------------------------------------------------


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("num_layers, bidirectional", [(1, False), (1, True), (2, True), (3, False)])
def test_stacked_num_params_matches_the_frameworks(cell, num_layers, bidirectional):
    rng = np.random.default_rng(num_layers * 10 + bidirectional)
    for d, h in rng.integers(1, 20, (2, 2)):
        d, h = int(d), int(h)
        torch_count = sum(p.numel() for p in ct.bidirectional_stack(cell, d, h, num_layers, bidirectional)
                          .parameters())
        keras_count = sum(layer.count_params() for layer in ck.bidirectional_stack(cell, d, h, num_layers,
                                                                                   bidirectional))
        assert stacked_num_params(cell, d, h, num_layers, bidirectional, framework="torch") == torch_count
        assert stacked_num_params(cell, d, h, num_layers, bidirectional, framework="keras") == keras_count
    with pytest.raises(ValueError, match="num_layers must be at least 1"):
        stacked_num_params(cell, 3, 4, 0)


def test_stacked_num_params_by_hand():
    # nn.LSTM(10, 20, num_layers=2, bidirectional=True): layer 0: 2 * 4 * (10*20 + 20*20 + 2*20) = 5120,
    # layer 1 reads 40 features: 2 * 4 * (40*20 + 20*20 + 2*20) = 9920.
    assert stacked_num_params("lstm", 10, 20, 2, True, "torch") == 5120 + 9920
    assert stacked_num_params("lstm", 10, 20, 2, True) == 2 * 4 * 20 * (10 + 20 + 1) + 2 * 4 * 20 * (40 + 20 + 1)


@pytest.mark.parametrize("cell", ["lstm", "gru", "rnn"])
def test_bidirectional_stack_builders(cell):
    torch_stack = ct.bidirectional_stack(cell, 6, 4, 3, dropout=0.2)
    assert isinstance(torch_stack, ct.stacked.CELLS[cell]) and torch_stack.batch_first
    assert (torch_stack.num_layers, torch_stack.bidirectional, torch_stack.dropout) == (3, True, 0.2)
    keras_stack = ck.bidirectional_stack(cell, 6, 4, 3, dropout=0.2)
    assert [type(layer).__name__ for layer in keras_stack] == ["Bidirectional", "Dropout"] * 2 + ["Bidirectional"]
    recurrent = [layer for layer in keras_stack if isinstance(layer, layers.Bidirectional)]
    for layer in recurrent:
        assert layer.return_sequences and layer.built
        if cell != "rnn":  # Keras has no cuDNN kernel for SimpleRNN
            assert ck.cudnn_eligible(layer) == (True, [])
    assert tuple(_keras_apply(keras_stack, np.ones((2, 5, 6), np.float32)).shape) == (2, 5, 8)
    summed = ck.bidirectional_stack(cell, 6, 4, 2, merge_mode="sum")
    assert summed[1].forward_layer.get_weights()[0].shape[0] == 4  # "sum" gives the next layer h features
    plain = ck.bidirectional_stack(cell, 6, 4, 2, bidirectional=False)
    assert all(isinstance(layer, ck.stacked.CELLS[cell]) and layer.return_sequences for layer in plain)
    for module in (ct, ck):
        with pytest.raises(ValueError, match="cell must be 'rnn', 'lstm' or 'gru'"):
            module.bidirectional_stack("LSTM", 6, 4, 2)
    with pytest.raises(ValueError, match="merge_mode must be 'concat'"):
        ct.bidirectional_stack(cell, 6, 4, 2, merge_mode="sum")
    with pytest.raises(ValueError, match="merge_mode must be one of"):
        ck.bidirectional_stack(cell, 6, 4, 2, merge_mode=None)


# --- wrong shapes and structures -------------------------------------------------------------


@pytest.mark.parametrize("twin", sorted(TWINS))
def test_wrong_shapes_say_what_was_expected(twin):
    module, to_tensor = TWINS[twin]
    X = to_tensor(_X(3, 5, 7, 0))  # (B, T, d) = (3, 5, 7), h = 4
    weights = _layers_weights(7, 4, 2, True, 0)
    weights = _to_torch(weights) if twin == "torch" else weights
    with pytest.raises(AssertionError, match=r"layers_weights\[0\] should hold 1 direction\(s\) of \(W_x, W_h, b\), "
                                             r"got 2"):
        module.stacked_lstm_forward(X, weights, bidirectional=False)
    bad = [weights[0], [(weights[0][0][0][:, :],) + tuple(weights[1][0][1:]), weights[1][1]]]  # layer 1: W_x (7, 16)
    with pytest.raises(AssertionError, match=r"W_x of layer 1, forward should have shape \(8, 'any'\), got \(7, 16\)"):
        module.stacked_lstm_forward(X, bad, bidirectional=True)
    with pytest.raises(AssertionError, match=r"lengths should be between 1 and num_steps = 5, got \[5, 0, 3\]"):
        module.stacked_lstm_forward(X, weights, True, to_tensor(np.array([5, 0, 3])))
    with pytest.raises(AssertionError, match=r"lengths should have shape \(3,\), got \(2,\)"):
        module.stacked_lstm_forward(X, weights, True, to_tensor(np.array([5, 3])))
    with pytest.raises(AssertionError, match=r"X should have shape \('any', 'any', 'any'\), got \(3, 7\)"):
        module.stacked_lstm_forward(X[:, 0], weights, True)
    h_n = to_tensor(np.zeros((2, 3, 4), np.float32))
    with pytest.raises(AssertionError, match=r"h_n should have shape \(num_layers \* num_directions, B, h\) = "
                                             r"\(4, any, any\), got \(2, 3, 4\)"):
        module.final_states(h_n, 2, True)
    with pytest.raises(AssertionError, match=r"output should have shape \(B, T, 2h\), got \(3, 5, 7\)"):
        module.last_forward_first_backward(X)


def test_loading_checks_the_structure_and_shapes():
    weights = _layers_weights(7, 4, 2, True, 0)
    with pytest.raises(AssertionError, match=r"num_layers = 3 layers of 2 direction\(s\), got \[2, 2\]"):
        ct.load_stacked_lstm_weights(nn.LSTM(7, 4, num_layers=3, bidirectional=True), _to_torch(weights))
    with pytest.raises(AssertionError, match=r"weight_ih_l1_reverse should have shape \(16, 8\), got \(16, 7\)"):
        bad = _to_torch(weights)
        bad[1][1] = (torch.zeros(7, 16),) + bad[1][1][1:]
        ct.load_stacked_lstm_weights(nn.LSTM(7, 4, num_layers=2, bidirectional=True), bad)
    with pytest.raises(ValueError, match="bias=True and no projection"):
        ct.stacked_lstm_weights(nn.LSTM(7, 4, bias=False))
    with pytest.raises(AssertionError, match=r"should hold \[1, 1\] direction\(s\) per layer, got \[2, 2\]"):
        ck.load_stacked_lstm_weights(ck.bidirectional_stack("lstm", 7, 4, 2, bidirectional=False), weights)
    with pytest.raises(AssertionError, match=r"W_h of layer 0, backward should have shape \(4, 16\), got \(5, 16\)"):
        bad = [list(ws) for ws in weights]
        bad[0][1] = (bad[0][1][0], np.zeros((5, 16), np.float32), bad[0][1][2])
        ck.load_stacked_lstm_weights(ck.bidirectional_stack("lstm", 7, 4, 2), bad)
    with pytest.raises(ValueError, match="expected LSTM or Bidirectional"):
        ck.stacked_lstm_weights(ck.bidirectional_stack("gru", 7, 4, 2))
    with pytest.raises(ValueError, match="build"):
        ck.stacked_lstm_weights([layers.LSTM(4)])


# --- sequence_tagger ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("num_layers, bidirectional", [(1, False), (2, True)])
def test_sequence_taggers_score_every_token_and_ignore_padding(num_layers, bidirectional):
    """Logits (B, T, q) per token; more padding on the right changes no real token's logits."""
    V, q, d, h = 11, 5, 6, 4
    rng = np.random.default_rng(7)
    lengths = np.array([5, 2, 4])
    X = np.zeros((3, 5), dtype=np.int64)
    for row, n in enumerate(lengths):
        X[row, :n] = rng.integers(1, V, n)
    X_more = np.concatenate([X, np.zeros((3, 3), dtype=np.int64)], axis=1)  # (3, 8): three more pads
    torch.manual_seed(0)
    tagger = ct.sequence_tagger(V, q, d, h, num_layers, bidirectional).eval()
    with torch.no_grad():
        logits = tagger(torch.as_tensor(X), lengths)
        logits_more = tagger(torch.as_tensor(X_more), lengths)
    assert tuple(logits.shape) == (3, 5, q) and tuple(logits_more.shape) == (3, 8, q)
    keras.utils.set_random_seed(0)
    k_tagger = ck.sequence_tagger(V, q, d, h, num_layers, bidirectional)
    k_logits, k_more = k_tagger(X), k_tagger(X_more)
    assert tuple(k_logits.shape) == (3, 5, q)
    for row, n in enumerate(lengths):
        assert_close(logits_more[row, :n], logits[row, :n], "PyTorch logits of the real tokens")
        assert_close(k_more[row, :n], k_logits[row, :n], "Keras logits of the real tokens")
    recurrent = [layer for layer in k_tagger.layers if isinstance(layer, (layers.Bidirectional, layers.LSTM))]
    assert len(recurrent) == num_layers
    assert all(ck.cudnn_eligible(layer)[0] for layer in recurrent)
