"""Behaviour that course_utils.torch and course_utils.keras share, tested once for each.

A wrong input shape stops the reference RNN with a message naming the argument, training
on a repetitive text drives the loss down, and text generation is reproducible, stays
inside the vocabulary and continues a learned pattern.  Given the same weights, the two
character models give the same loss and the same hidden states.
"""

import numpy as np
import pytest
import tensorflow as tf
import torch

import course_utils.keras as ck
import course_utils.torch as ct
from course_utils import CharVocab, assert_close, set_seed

B, T, D, H = 3, 7, 5, 4
FRAMEWORKS = {"torch": (ct, torch.tensor), "keras": (ck, tf.constant)}


@pytest.fixture(scope="module", params=sorted(FRAMEWORKS))
def framework(request):
    """The helper module and a function that turns a float32 NumPy array into its tensor type."""
    return FRAMEWORKS[request.param]


def _weights(to_tensor):
    rng = np.random.default_rng(0)
    shapes = {"X": (B, T, D), "H0": (B, H), "W_xh": (D, H), "W_hh": (H, H), "b_h": (H,)}
    return {k: to_tensor(rng.standard_normal(s).astype(np.float32)) for k, s in shapes.items()}


@pytest.mark.parametrize("bad, shape, pattern", [
    ("X_t", (B, D + 1), r"X_t should have shape \(3, 5\), got \(3, 6\)"),
    ("W_hh", (H, H + 1), r"W_hh should have shape \(4, 4\), got \(4, 5\)"),
    ("b_h", (1, H), r"b_h should have shape \(4,\), got \(1, 4\)"),
])
def test_rnn_step_wrong_shape(framework, bad, shape, pattern):
    module, to_tensor = framework
    w = _weights(to_tensor)
    args = {"X_t": w["X"][:, 0], "H_prev": w["H0"], "W_xh": w["W_xh"], "W_hh": w["W_hh"], "b_h": w["b_h"]}
    args[bad] = to_tensor(np.zeros(shape, dtype=np.float32))
    with pytest.raises(AssertionError, match=pattern):
        module.rnn_step(**args)


def test_rnn_forward_wrong_shape(framework):
    module, to_tensor = framework
    w = _weights(to_tensor)
    with pytest.raises(AssertionError, match=r"X should have shape \(3, 'any', 5\), got \(3, 5\)"):
        module.rnn_forward(w["X"][:, 0], w["H0"], w["W_xh"], w["W_hh"], w["b_h"])  # time axis missing
    with pytest.raises(AssertionError, match=r"X should have shape \(2, 'any', 5\), got \(3, 7, 5\)"):
        module.rnn_forward(w["X"], w["H0"][:2], w["W_xh"], w["W_hh"], w["b_h"])


def test_generate_length_vocab_and_seed(framework):
    module, _ = framework
    vocab = CharVocab.from_text("hello world")
    set_seed(0)
    model = module.CharRNN(len(vocab), 8)
    text = module.generate(model, vocab, "he", 40, temperature=2.0, seed=5)
    assert len(text) == 42 and text.startswith("he")
    assert set(text) <= set(vocab.itos)
    assert module.generate(model, vocab, "he", 40, temperature=2.0, seed=5) == text
    assert module.generate(model, vocab, "he", 40, temperature=2.0, seed=6) != text
    with pytest.raises(ValueError, match="not in the vocabulary"):
        module.generate(model, vocab, "xyz", 5)


@pytest.fixture(scope="module")
def trained(framework, abc_data):
    """A tiny CharRNN fitted on "abcabc..." and its loss history."""
    module, _ = framework
    vocab, X, Y = abc_data
    set_seed(0)
    model = module.CharRNN(len(vocab), 16)
    history = module.fit(model, X, Y, train_steps=40, batch_size=8, lr=3e-2, progress=False)
    return module, model, history


def test_fit_loss_decreases(trained):
    _, _, history = trained
    assert len(history) == 40
    assert all(isinstance(x, float) and np.isfinite(x) for x in history)
    assert history[0] > 0.8  # about log(3) for an untrained model
    assert np.mean(history[-5:]) < 0.1 * np.mean(history[:5])


def test_generate_continues_pattern(trained, abc_data):
    module, model, _ = trained
    vocab, _, _ = abc_data
    assert module.generate(model, vocab, "ab", 30, temperature=0.1) == "ab" + "cab" * 10


def test_evaluate_loss_after_training(trained, abc_data):
    module, model, _ = trained
    vocab, X, Y = abc_data
    loss = module.evaluate_loss(model, X, Y)
    assert isinstance(loss, float) and 0 <= loss < 0.2 * np.log(len(vocab))
    assert np.exp(loss) < 1.5  # perplexity: almost sure of the next character


def test_hidden_states_shape(trained, abc_data):
    module, model, _ = trained
    vocab, _, _ = abc_data
    H = module.hidden_states(model, vocab, "abcab")
    assert isinstance(H, np.ndarray) and H.shape == (5, 16) and np.all(np.abs(H) <= 1)


def _torch_and_keras_with_the_same_weights(vocab_size: int, num_hiddens: int):
    """A PyTorch CharRNN and a Keras CharRNN that compute the same function."""
    torch.manual_seed(5)
    torch_model = ct.CharRNN(vocab_size, num_hiddens)
    keras_model = ck.CharRNN(vocab_size, num_hiddens)
    keras_model(np.zeros((1, 1), dtype=np.int64))  # build the layers
    rnn, head = torch_model.rnn, torch_model.head
    keras_model.rnn.set_weights([rnn.weight_ih_l0.detach().numpy().T, rnn.weight_hh_l0.detach().numpy().T,
                                 (rnn.bias_ih_l0 + rnn.bias_hh_l0).detach().numpy()])  # (V, H), (H, H), (H,)
    keras_model.head.set_weights([head.weight.detach().numpy().T, head.bias.detach().numpy()])  # (H, V), (V,)
    return torch_model, keras_model


def test_same_weights_same_loss_and_hidden_states():
    vocab = CharVocab.from_text("hello world")
    torch_model, keras_model = _torch_and_keras_with_the_same_weights(len(vocab), 6)
    rng = np.random.default_rng(5)
    X, Y = rng.integers(0, len(vocab), (9, 7)), rng.integers(0, len(vocab), (9, 7))
    assert ct.evaluate_loss(torch_model, X, Y, batch_size=4) == pytest.approx(
        ck.evaluate_loss(keras_model, X, Y, batch_size=4), rel=1e-5)
    assert_close(ct.hidden_states(torch_model, vocab, "hello world"),
                 ck.hidden_states(keras_model, vocab, "hello world"), "hidden states", atol=1e-5)
