"""Tests for course_utils.torch: every from-scratch piece is checked against PyTorch's own op."""


import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

import course_utils.torch as ct
from course_utils.checks import assert_close
from course_utils.text import CharVocab

B, T, D, H = 3, 7, 5, 4


@pytest.fixture
def weights():
    g = torch.Generator().manual_seed(0)
    return {
        "X": torch.randn(B, T, D, generator=g),
        "H0": 0.5 * torch.randn(B, H, generator=g),
        "W_xh": 0.5 * torch.randn(D, H, generator=g),
        "W_hh": 0.5 * torch.randn(H, H, generator=g),
        "b_h": 0.1 * torch.randn(H, generator=g),
    }


def _torch_rnn(w):
    layer = nn.RNN(D, H, batch_first=True)
    ct.load_rnn_weights(layer, w["W_xh"], w["W_hh"], w["b_h"])
    return layer


# --- get_device -------------------------------------------------------------------------------------------------

def test_get_device_reports_its_choice(capsys):
    device = ct.get_device()
    assert isinstance(device, torch.device)
    if not torch.cuda.is_available():
        assert device == torch.device("cpu")
    out = capsys.readouterr().out
    assert f"PyTorch {torch.__version__} uses {device.type}" in out
    ct.get_device(verbose=False)
    assert capsys.readouterr().out == ""


@pytest.fixture
def _restore_precision():
    """Put the float32 precision flags back after a test that changes them."""
    saved = (torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32,
             torch.get_float32_matmul_precision())
    yield
    torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32 = saved[:2]
    torch.set_float32_matmul_precision(saved[2])


def test_disable_tf32_turns_every_flag_off(_restore_precision):
    torch.backends.cuda.matmul.allow_tf32 = True
    torch.backends.cudnn.allow_tf32 = True
    torch.set_float32_matmul_precision("medium")
    assert ct.disable_tf32() is None
    assert torch.backends.cuda.matmul.allow_tf32 is False
    assert torch.backends.cudnn.allow_tf32 is False
    assert torch.get_float32_matmul_precision() == "highest"


# --- rnn_step, rnn_forward, load_rnn_weights --------------------------------------------------------------------

def test_load_rnn_weights_layout(weights):
    layer = _torch_rnn(weights)
    assert_close(layer.weight_ih_l0, weights["W_xh"].T, "weight_ih_l0")
    assert_close(layer.weight_hh_l0, weights["W_hh"].T, "weight_hh_l0")
    assert_close(layer.bias_ih_l0 + layer.bias_hh_l0, weights["b_h"], "bias_ih_l0 + bias_hh_l0")


def test_load_rnn_weights_wrong_size(weights):
    with pytest.raises(AssertionError, match=r"layer.weight_ih_l0 should have shape \(4, 5\), got \(4, 6\)"):
        ct.load_rnn_weights(nn.RNN(6, H), weights["W_xh"], weights["W_hh"], weights["b_h"])


def test_rnn_step_matches_formula_and_nn_rnn(weights):
    w = weights
    X_t = w["X"][:, 0]
    H_1 = ct.rnn_step(X_t, w["H0"], w["W_xh"], w["W_hh"], w["b_h"])
    assert H_1.shape == (B, H)
    assert_close(H_1, torch.tanh(X_t @ w["W_xh"] + w["H0"] @ w["W_hh"] + w["b_h"]), "rnn_step")
    _, h_n = _torch_rnn(w)(w["X"][:, :1], w["H0"][None])
    assert_close(H_1, h_n[0], "rnn_step vs nn.RNN")


def test_rnn_forward_matches_nn_rnn(weights):
    w = weights
    outputs, H_T = ct.rnn_forward(w["X"], w["H0"], w["W_xh"], w["W_hh"], w["b_h"])
    assert outputs.shape == (B, T, H) and H_T.shape == (B, H)
    expected_outputs, h_n = _torch_rnn(w)(w["X"], w["H0"][None])  # h_n: (1, B, H)
    assert_close(outputs, expected_outputs, "outputs", atol=1e-6)
    assert_close(H_T, h_n[0], "H_T", atol=1e-6)
    assert_close(outputs[:, -1], H_T, "last output")


def test_rnn_forward_gradients_match_nn_rnn(weights):
    w = {k: v.clone().requires_grad_() for k, v in weights.items()}
    outputs, _ = ct.rnn_forward(w["X"], w["H0"], w["W_xh"], w["W_hh"], w["b_h"])
    outputs.square().sum().backward()
    layer = _torch_rnn(weights)
    X = weights["X"].clone().requires_grad_()
    expected, _ = layer(X, weights["H0"][None])
    expected.square().sum().backward()
    assert_close(w["X"].grad, X.grad, "dL/dX")
    assert_close(w["W_xh"].grad, layer.weight_ih_l0.grad.T, "dL/dW_xh")
    assert_close(w["W_hh"].grad, layer.weight_hh_l0.grad.T, "dL/dW_hh")
    assert_close(w["b_h"].grad, layer.bias_ih_l0.grad, "dL/db_h")


# --- clip_grad_norm ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("max_norm", [0.5, 100.0])  # clipped, and under the limit
def test_clip_grad_norm_matches_torch(max_norm):
    g = torch.Generator().manual_seed(1)
    grads = [torch.randn(4, 3, generator=g), torch.randn(5, generator=g)]
    params = [nn.Parameter(torch.zeros_like(x)) for x in grads]
    for p, x in zip(params, grads):
        p.grad = x.clone()
    expected_norm = nn.utils.clip_grad_norm_(params, max_norm)

    clipped, norm = ct.clip_grad_norm(grads, max_norm)
    assert_close(norm, expected_norm, "total norm", atol=1e-6)
    assert_close(norm, torch.cat([x.flatten() for x in grads]).norm(), "total norm")
    for i, (c, p) in enumerate(zip(clipped, params)):
        assert_close(c, p.grad, f"clipped[{i}]", atol=1e-7, rtol=1e-6)
    new_norm = torch.cat([c.flatten() for c in clipped]).norm().item()
    if max_norm < norm:
        assert new_norm == pytest.approx(max_norm, rel=1e-5)
    else:
        assert_close(torch.cat([c.flatten() for c in clipped]), torch.cat([x.flatten() for x in grads]), "unclipped")


# --- grad_norms_through_time ------------------------------------------------------------------------------------

def test_grad_norms_through_time_length_and_start():
    norms = ct.grad_norms_through_time(1.0, num_steps=12)
    assert isinstance(norms, np.ndarray) and norms.shape == (12,)
    assert norms[0] == pytest.approx(np.sqrt(32))  # dL/dh_T = ones of shape (1, 32)
    np.testing.assert_allclose(ct.grad_norms_through_time(1.0, num_steps=12, device=torch.device("cpu")), norms)


def test_grad_norms_vanish_for_small_scale():
    norms = ct.grad_norms_through_time(0.5)
    assert len(norms) == 40
    assert norms[30] < 1e-3 * norms[0]
    assert np.all(np.diff(norms) < 0)


def test_grad_norms_grow_for_large_scale():
    norms = ct.grad_norms_through_time(1.5)
    assert norms[30] > 3 * norms[0]
    assert norms[-1] > norms[30] > norms[10]


def test_grad_norms_match_manual_backprop():
    """dL/dh_{t-1} = (dL/dh_t * (1 - h_t^2)) W_hh^T, written out with NumPy."""
    from course_utils.experiments import bptt_problem

    p = bptt_problem(0.9, num_steps=10)
    h, states = np.zeros((1, 32)), []
    for t in range(10):
        h = np.tanh(p["X"][:, t] @ p["W_xh"] + h @ p["W_hh"] + p["b_h"])
        states.append(h)
    grad, expected = np.ones((1, 32)), []
    for t in reversed(range(10)):
        expected.append(np.linalg.norm(grad))
        grad = (grad * (1 - states[t] ** 2)) @ p["W_hh"].T
    np.testing.assert_allclose(ct.grad_norms_through_time(0.9, num_steps=10), expected, rtol=1e-4)


# --- CharRNN, fit, generate -------------------------------------------------------------------------------------

def test_char_rnn_shapes():
    model = ct.CharRNN(vocab_size=6, num_hiddens=8)
    logits, state = model(torch.randint(0, 6, (2, 9)))
    assert logits.shape == (2, 9, 6)
    assert state.shape == (1, 2, 8)


def test_char_rnn_state_carrying():
    torch.manual_seed(0)
    model = ct.CharRNN(vocab_size=6, num_hiddens=8)
    X = torch.randint(0, 6, (2, 10))
    full, H_full = model(X)
    first, H_half = model(X[:, :4])
    second, H_end = model(X[:, 4:], H_half)
    assert_close(torch.cat([first, second], dim=1), full, "logits in two halves", atol=1e-6)
    assert_close(H_end, H_full, "state after two halves", atol=1e-6)
    other, _ = model(X[:, 4:])  # without the carried state the second half differs
    assert not torch.allclose(other, second)


def test_fit_reproducible_and_reports(abc_data, capsys):
    vocab, X, Y = abc_data
    runs = []
    for _ in range(2):
        torch.manual_seed(3)
        runs.append(ct.fit(ct.CharRNN(len(vocab), 8), X, Y, train_steps=5, batch_size=4, seed=1, progress=False))
    assert runs[0] == runs[1]
    assert "PyTorch: 5 steps in" in capsys.readouterr().out


# --- evaluate_loss, hidden_states -------------------------------------------------------------------------------

@pytest.fixture
def tiny_lm():
    """An untrained CharRNN over 5 characters and 7 windows of 6 ids."""
    torch.manual_seed(4)
    model = ct.CharRNN(vocab_size=5, num_hiddens=3)
    rng = np.random.default_rng(4)
    return model, rng.integers(0, 5, (7, 6)), rng.integers(0, 5, (7, 6))


@pytest.mark.parametrize("batch_size", [256, 3, 1])  # one batch, a short last batch, one window at a time
def test_evaluate_loss_is_the_mean_cross_entropy(tiny_lm, batch_size):
    model, X, Y = tiny_lm
    logits, _ = model(torch.as_tensor(X))  # (N, T, V)
    expected = F.cross_entropy(logits.reshape(-1, 5), torch.as_tensor(Y).reshape(-1)).item()  # (N*T, V)
    loss = ct.evaluate_loss(model, X, Y, batch_size=batch_size)
    assert isinstance(loss, float)
    assert loss == pytest.approx(expected, rel=1e-6)


def test_evaluate_loss_records_no_gradients(tiny_lm):
    model, X, Y = tiny_lm
    ct.evaluate_loss(model, X, Y)
    assert all(p.grad is None for p in model.parameters())


def test_evaluate_loss_of_a_certain_model_is_zero_and_of_a_uniform_one_log_v():
    model = ct.CharRNN(vocab_size=4, num_hiddens=2)
    X = np.zeros((3, 5), dtype=np.int64)
    with torch.no_grad():
        model.head.weight.zero_()
        model.head.bias.zero_()  # equal logits: every character has probability 1/4
    assert ct.evaluate_loss(model, X, X) == pytest.approx(np.log(4), rel=1e-6)
    with torch.no_grad():
        model.head.bias.copy_(torch.tensor([50.0, 0.0, 0.0, 0.0]))  # always predicts id 0
    assert ct.evaluate_loss(model, X, X) == pytest.approx(0.0, abs=1e-6)


def test_hidden_states_shape_and_values(tiny_lm):
    model, _, _ = tiny_lm
    vocab = CharVocab.from_text("abcde")
    text = "abcaed"
    H = ct.hidden_states(model, vocab, text)
    assert isinstance(H, np.ndarray) and H.shape == (len(text), 3)
    X = F.one_hot(torch.as_tensor(vocab.encode(text))[None], 5).float()  # (1, T, V)
    outputs, h_n = model.rnn(X)  # (1, T, 3), (1, 1, 3)
    assert_close(H, outputs[0], "hidden states", atol=1e-6)
    assert_close(H[-1], h_n[0, 0], "last hidden state", atol=1e-6)
    _, H_carried = model(torch.as_tensor(vocab.encode(text[:3]))[None])  # the state after 3 characters
    assert_close(H[2], H_carried[0, 0], "state after 3 characters", atol=1e-6)
