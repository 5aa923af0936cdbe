"""Tests for course_utils.keras: every from-scratch piece is checked against Keras/TensorFlow's own op.

The last tests compare the Keras helpers with their PyTorch twins on the same numbers.
"""

import keras
import numpy as np
import pytest
import tensorflow as tf
import torch

import course_utils.keras as ck
import course_utils.torch as ct
from course_utils.checks import assert_close
from course_utils.text import CharVocab, make_lm_windows

B, T, D, H = 3, 7, 5, 4


@pytest.fixture
def weights():
    rng = np.random.default_rng(0)
    arrays = {
        "X": rng.standard_normal((B, T, D)),
        "H0": 0.5 * rng.standard_normal((B, H)),
        "W_xh": 0.5 * rng.standard_normal((D, H)),
        "W_hh": 0.5 * rng.standard_normal((H, H)),
        "b_h": 0.1 * rng.standard_normal(H),
    }
    return {k: tf.constant(v, dtype=tf.float32) for k, v in arrays.items()}


def _keras_rnn(w):
    layer = keras.layers.SimpleRNN(H, return_sequences=True, return_state=True)
    layer.build((None, None, D))
    ck.load_rnn_weights(layer, w["W_xh"], w["W_hh"], w["b_h"])
    return layer


# --- get_device -------------------------------------------------------------------------------------------------

def test_get_device_reports_its_choice(capsys):
    device = ck.get_device()
    gpus = tf.config.list_physical_devices("GPU")
    assert device == ("/GPU:0" if gpus else "/CPU:0")
    out = capsys.readouterr().out
    assert f"TensorFlow {tf.__version__}" in out and f"it uses {device}" in out
    ck.get_device(verbose=False)
    assert capsys.readouterr().out == ""


def test_disable_tf32_turns_tensor_float_32_off():
    saved = tf.config.experimental.tensor_float_32_execution_enabled()
    try:
        tf.config.experimental.enable_tensor_float_32_execution(True)
        assert ck.disable_tf32() is None
        assert tf.config.experimental.tensor_float_32_execution_enabled() is False
    finally:
        tf.config.experimental.enable_tensor_float_32_execution(saved)


# --- rnn_step, rnn_forward, load_rnn_weights --------------------------------------------------------------------

def test_load_rnn_weights_layout(weights):
    kernel, recurrent, bias = _keras_rnn(weights).get_weights()
    assert_close(kernel, weights["W_xh"], "kernel")
    assert_close(recurrent, weights["W_hh"], "recurrent_kernel")
    assert_close(bias, weights["b_h"], "bias")


def test_load_rnn_weights_wrong_size(weights):
    layer = keras.layers.SimpleRNN(H)
    layer.build((None, None, D + 1))
    with pytest.raises(AssertionError, match=r"W_xh should have shape \(6, 4\), got \(5, 4\)"):
        ck.load_rnn_weights(layer, weights["W_xh"], weights["W_hh"], weights["b_h"])


def test_rnn_step_matches_formula_and_simple_rnn(weights):
    w = weights
    X_t = w["X"][:, 0]
    H_1 = ck.rnn_step(X_t, w["H0"], w["W_xh"], w["W_hh"], w["b_h"])
    assert tuple(H_1.shape) == (B, H)
    assert_close(H_1, tf.tanh(X_t @ w["W_xh"] + w["H0"] @ w["W_hh"] + w["b_h"]), "rnn_step")
    _, h_n = _keras_rnn(w)(w["X"][:, :1], initial_state=w["H0"])
    assert_close(H_1, h_n, "rnn_step vs SimpleRNN")


def test_rnn_forward_matches_simple_rnn(weights):
    w = weights
    outputs, H_T = ck.rnn_forward(w["X"], w["H0"], w["W_xh"], w["W_hh"], w["b_h"])
    assert tuple(outputs.shape) == (B, T, H) and tuple(H_T.shape) == (B, H)
    expected_outputs, h_n = _keras_rnn(w)(w["X"], initial_state=w["H0"])
    assert_close(outputs, expected_outputs, "outputs", atol=1e-6)
    assert_close(H_T, h_n, "H_T", atol=1e-6)


def test_rnn_forward_gradients_match_simple_rnn(weights):
    w = {k: tf.Variable(v) for k, v in weights.items()}
    with tf.GradientTape() as tape:
        outputs, _ = ck.rnn_forward(w["X"], w["H0"], w["W_xh"], w["W_hh"], w["b_h"])
        loss = tf.reduce_sum(outputs ** 2)
    ours = tape.gradient(loss, [w["X"], w["W_xh"], w["W_hh"], w["b_h"]])
    layer = _keras_rnn(weights)
    X = tf.Variable(weights["X"])
    with tf.GradientTape() as tape:
        expected, _ = layer(X, initial_state=weights["H0"])
        loss = tf.reduce_sum(expected ** 2)
    theirs = tape.gradient(loss, [X, *layer.trainable_variables])  # kernel, recurrent_kernel, bias
    for name, a, b in zip(["dL/dX", "dL/dW_xh", "dL/dW_hh", "dL/db_h"], ours, theirs):
        assert_close(a, b, name)


# --- clip_grad_norm ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("max_norm", [0.5, 100.0])  # clipped, and under the limit
def test_clip_grad_norm_matches_tf(max_norm):
    rng = np.random.default_rng(1)
    grads = [tf.constant(rng.standard_normal((4, 3)), tf.float32), tf.constant(rng.standard_normal(5), tf.float32)]
    expected, expected_norm = tf.clip_by_global_norm(grads, max_norm)
    clipped, norm = ck.clip_grad_norm(grads, max_norm)
    assert_close(norm, expected_norm, "total norm", atol=1e-6)
    for i, (c, e) in enumerate(zip(clipped, expected)):
        assert_close(c, e, f"clipped[{i}]", atol=1e-6, rtol=1e-5)
    new_norm = float(tf.linalg.global_norm(clipped))
    assert new_norm == pytest.approx(min(max_norm, float(norm)), rel=1e-5)


@pytest.mark.parametrize("max_norm", [0.5, 100.0])
def test_clip_grad_norm_same_as_torch(max_norm):
    rng = np.random.default_rng(2)
    arrays = [rng.standard_normal((4, 3)).astype(np.float32), rng.standard_normal(5).astype(np.float32)]
    k_clipped, k_norm = ck.clip_grad_norm([tf.constant(a) for a in arrays], max_norm)
    t_clipped, t_norm = ct.clip_grad_norm([torch.tensor(a) for a in arrays], max_norm)
    assert_close(k_norm, t_norm, "total norm")
    for i, (k, t) in enumerate(zip(k_clipped, t_clipped)):
        assert_close(k, t, f"clipped[{i}]")


# --- grad_norms_through_time ------------------------------------------------------------------------------------

def test_grad_norms_through_time_length_and_start():
    norms = ck.grad_norms_through_time(1.0, num_steps=12)
    assert isinstance(norms, np.ndarray) and norms.shape == (12,)
    assert norms[0] == pytest.approx(np.sqrt(32))  # dL/dh_T = ones of shape (1, 32)
    np.testing.assert_allclose(ck.grad_norms_through_time(1.0, num_steps=12, device="/CPU:0"), norms)


def test_grad_norms_vanish_for_small_scale():
    norms = ck.grad_norms_through_time(0.5)
    assert len(norms) == 40
    assert norms[30] < 1e-3 * norms[0]


def test_grad_norms_grow_for_large_scale():
    norms = ck.grad_norms_through_time(1.5)
    assert norms[30] > 3 * norms[0]
    assert norms[-1] > norms[30] > norms[10]


@pytest.mark.parametrize("scale", [0.5, 1.0, 1.5])
def test_grad_norms_same_as_torch(scale):
    np.testing.assert_allclose(ck.grad_norms_through_time(scale), ct.grad_norms_through_time(scale), rtol=1e-4)


# --- CharRNN, fit, generate -------------------------------------------------------------------------------------

def test_char_rnn_shapes():
    model = ck.CharRNN(vocab_size=6, num_hiddens=8)
    X = np.random.default_rng(0).integers(0, 6, (2, 9))
    assert tuple(model(X).shape) == (2, 9, 6)
    logits, state = model(X, return_state=True)
    assert tuple(logits.shape) == (2, 9, 6) and tuple(state.shape) == (2, 8)


def test_char_rnn_is_not_registered_so_a_notebook_can_define_its_own():
    assert "get_config" not in vars(ck.CharRNN)
    assert keras.saving.get_registered_name(ck.CharRNN) == "CharRNN"  # the plain class name: not registered
    assert keras.saving.get_registered_object("course_utils>CharRNN") is None

    class CharRNN(keras.Model):  # what the chapter does, under the same name
        pass

    assert CharRNN is not ck.CharRNN


def test_char_rnn_state_carrying():
    keras.utils.set_random_seed(0)
    model = ck.CharRNN(vocab_size=6, num_hiddens=8)
    X = np.random.default_rng(0).integers(0, 6, (2, 10))
    full, H_full = model(X, return_state=True)
    first, H_half = model(X[:, :4], return_state=True)
    second, H_end = model(X[:, 4:], initial_state=H_half, return_state=True)
    assert_close(tf.concat([first, second], axis=1), full, "logits in two halves", atol=1e-6)
    assert_close(H_end, H_full, "state after two halves", atol=1e-6)
    assert not np.allclose(model(X[:, 4:]), second)  # without the carried state the second half differs


def test_fit_records_each_batch_loss(capsys):
    """With lr=0 the weights stay put, so step k's loss is the model's loss on batch k."""
    text = "".join(np.random.default_rng(0).choice(list("abcde"), 400))
    vocab = CharVocab.from_text(text)
    X, Y = make_lm_windows(vocab.encode(text), seq_len=10)
    keras.utils.set_random_seed(1)
    model = ck.CharRNN(len(vocab), 8)
    history = ck.fit(model, X, Y, train_steps=6, batch_size=4, lr=0.0, seed=2, progress=False)
    assert "Keras: 6 steps in" in capsys.readouterr().out
    idx = np.random.default_rng(2).integers(len(X), size=6 * 4).reshape(6, 4)
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    expected = [float(loss_fn(Y[i], model(X[i]))) for i in idx]
    np.testing.assert_allclose(history, expected, rtol=1e-4)
    assert np.ptp(expected) > 1e-3  # the batches differ, so a plain running mean would not pass


# --- evaluate_loss, hidden_states -------------------------------------------------------------------------------

@pytest.fixture
def tiny_lm():
    """An untrained CharRNN over 5 characters and 7 windows of 6 ids."""
    keras.utils.set_random_seed(4)
    model = ck.CharRNN(vocab_size=5, num_hiddens=3)
    rng = np.random.default_rng(4)
    return model, rng.integers(0, 5, (7, 6)), rng.integers(0, 5, (7, 6))


@pytest.mark.parametrize("batch_size", [256, 3, 1])  # one batch, a short last batch, one window at a time
def test_evaluate_loss_is_the_mean_cross_entropy(tiny_lm, batch_size):
    model, X, Y = tiny_lm
    expected = float(keras.losses.SparseCategoricalCrossentropy(from_logits=True)(Y, model(X)))
    loss = ck.evaluate_loss(model, X, Y, batch_size=batch_size)
    assert isinstance(loss, float)
    assert loss == pytest.approx(expected, rel=1e-5)


def test_evaluate_loss_of_a_uniform_model_is_log_v():
    model = ck.CharRNN(vocab_size=4, num_hiddens=2)
    X = np.zeros((3, 5), dtype=np.int64)
    model(X)  # build
    model.head.set_weights([np.zeros((2, 4)), np.zeros(4)])  # equal logits: every character has probability 1/4
    assert ck.evaluate_loss(model, X, X) == pytest.approx(np.log(4), rel=1e-6)


def test_hidden_states_shape_and_values(tiny_lm):
    model, _, _ = tiny_lm
    vocab = CharVocab.from_text("abcde")
    text = "abcaed"
    H = ck.hidden_states(model, vocab, text)
    assert isinstance(H, np.ndarray) and H.shape == (len(text), 3)
    outputs, h_T = model.rnn(keras.ops.one_hot(vocab.encode(text)[None], 5))  # (1, T, 3), (1, 3)
    assert_close(H, outputs[0], "hidden states", atol=1e-6)
    assert_close(H[-1], h_T[0], "last hidden state", atol=1e-6)
    _, H_carried = model(vocab.encode(text[:3])[None], return_state=True)  # the state after 3 characters
    assert_close(H[2], H_carried[0], "state after 3 characters", atol=1e-6)


# --- importing without scikit-learn -----------------------------------------------------------------------------


def test_import_leaves_sklearn_out_and_importable():
    """``import course_utils.keras`` does not load scikit-learn, and ``import sklearn`` still works."""
    import os
    import subprocess
    import sys

    code = ("import sys\nimport course_utils.keras\n"
            "assert 'sklearn' not in sys.modules, 'Keras loaded scikit-learn'\n"
            "import sklearn.linear_model\nprint(sklearn.linear_model.LogisticRegression.__name__)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=dict(os.environ),
                         timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "LogisticRegression"


def test_without_module_blocks_only_inside_and_spares_loaded_modules():
    import sys

    from course_utils.keras._quiet import without_module

    with without_module("course_test_absent_module"):
        with pytest.raises(ImportError):
            import course_test_absent_module  # noqa: F401
    assert "course_test_absent_module" not in sys.modules
    with without_module("json"):  # already imported: left alone
        import json  # noqa: F401
    assert sys.modules["json"] is json


def test_import_and_masked_layers_write_nothing_to_stderr():
    """nbgrader scores a test cell that writes to stderr 0: TensorFlow's native log lines
    (start-up, and oneDNN's one-time line on CPUs without AVX-512) must not reach it."""
    import subprocess
    import sys

    code = ("import course_utils.keras as ck, keras, numpy as np\n"
            "x = keras.layers.Embedding(5, 3, mask_zero=True)\n"
            "ids = np.array([[1, 2, 0]])\n"
            "keras.layers.GRU(2, return_sequences=True)(x(ids), mask=x.compute_mask(ids))\n"
            "keras.layers.Bidirectional(keras.layers.LSTM(2))(x(ids), mask=x.compute_mask(ids))\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stderr.strip() == "", f"importing course_utils.keras and masked RNNs wrote to stderr:\n{proc.stderr}"
