"""LSTM and GRU reference code: the from-scratch steps match the framework ops, the twins agree.

The from-scratch LSTM and GRU of course_utils.torch.gates and course_utils.keras.gates are
compared with nn.LSTMCell/nn.LSTM/nn.GRUCell/nn.GRU and with Keras' LSTM/GRU layers on
random, non-square sizes (d != h) and non-zero initial states; the framework-free helpers of
course_utils.cells (parameter counts, PyTorch -> Keras weights) are checked against the
frameworks; and course_utils.{torch,keras}.gated's gate values, gradient norms and cuDNN
eligibility are checked on small layers.
"""

import importlib

import keras
import numpy as np
import pytest
import tensorflow as tf
import torch
from keras import layers
from torch import nn

import course_utils.keras as ck
import course_utils.torch as ct
from course_utils import assert_close
from course_utils.cells import (GATE_ORDERS, gru_torch_to_keras, lstm_torch_to_keras, num_params,
                                torch_to_keras_gate_order)

keras_tf_rnn = importlib.import_module("keras.src.backend.tensorflow.rnn")  # Keras' cuDNN conditions
B, T, D, H = 3, 5, 7, 4  # batch, steps, inputs, hiddens: d != h and d != 4h, so a transpose cannot hide
ATOL = 1e-5


def _arrays(num_gates: int, seed: int = 0) -> dict[str, np.ndarray]:
    """Inputs, non-zero initial states and weights (row form) for a cell with ``num_gates`` blocks."""
    rng = np.random.default_rng(seed)
    shapes = {"X": (B, T, D), "H0": (B, H), "C0": (B, H), "W_x": (D, num_gates * H),
              "W_h": (H, num_gates * H), "b": (num_gates * H,), "b_x": (num_gates * H,), "b_h": (num_gates * H,)}
    return {k: (0.5 * rng.standard_normal(s)).astype(np.float32) for k, s in shapes.items()}


def _t(a: dict[str, np.ndarray]) -> dict[str, torch.Tensor]:
    return {k: torch.tensor(v) for k, v in a.items()}


def _keras_layer(kind, units: int = H, **kwargs):
    layer = kind(units, return_sequences=True, return_state=True, **kwargs)
    layer.build((None, None, D))
    return layer


# --- LSTM ------------------------------------------------------------------------------


def test_lstm_step_matches_lstm_cell_in_both_twins():
    a = _arrays(4)
    w = _t(a)
    cell = nn.LSTMCell(D, H)
    with torch.no_grad():
        cell.weight_ih.copy_(w["W_x"].T)
        cell.weight_hh.copy_(w["W_h"].T)
        cell.bias_ih.copy_(w["b"])
        cell.bias_hh.zero_()
    X_t = w["X"][:, 0]  # (B, D)
    want_h, want_c = cell(X_t, (w["H0"], w["C0"]))  # (B, H), (B, H)
    got_h, got_c = ct.lstm_step(X_t, w["H0"], w["C0"], w["W_x"], w["W_h"], w["b"])
    assert_close(got_h, want_h, "torch H_t", atol=ATOL)
    assert_close(got_c, want_c, "torch C_t", atol=ATOL)
    keras_h, keras_c = ck.lstm_step(a["X"][:, 0], a["H0"], a["C0"], a["W_x"], a["W_h"], a["b"])
    assert_close(keras_h, want_h, "keras H_t", atol=ATOL)
    assert_close(keras_c, want_c, "keras C_t", atol=ATOL)


def test_lstm_forward_matches_nn_lstm_and_keras_lstm():
    a = _arrays(4, seed=1)
    w = _t(a)
    torch_layer = nn.LSTM(D, H, batch_first=True)
    ct.load_lstm_weights(torch_layer, w["W_x"], w["W_h"], w["b"])
    with torch.no_grad():
        want, (want_h, want_c) = torch_layer(w["X"], (w["H0"][None], w["C0"][None]))  # (B, T, H), (1, B, H) x 2
    got, (got_h, got_c) = ct.lstm_forward(w["X"], w["H0"], w["C0"], w["W_x"], w["W_h"], w["b"])
    for name, g, e in [("outputs", got, want), ("H_T", got_h, want_h[0]), ("C_T", got_c, want_c[0])]:
        assert_close(g, e, f"torch {name}", atol=ATOL)
    keras_layer = _keras_layer(layers.LSTM)
    ck.load_lstm_weights(keras_layer, a["W_x"], a["W_h"], a["b"])
    layer_out, layer_h, layer_c = keras_layer(a["X"], initial_state=[a["H0"], a["C0"]])
    ours, (ours_h, ours_c) = ck.lstm_forward(a["X"], a["H0"], a["C0"], a["W_x"], a["W_h"], a["b"])
    for name, g, e in [("outputs", ours, layer_out), ("H_T", ours_h, layer_h), ("C_T", ours_c, layer_c)]:
        assert_close(g, e, f"keras {name} vs keras.layers.LSTM", atol=ATOL)
    assert_close(ours, want, "keras twin vs torch twin", atol=ATOL)


# --- GRU -------------------------------------------------------------------------------


def test_gru_step_matches_gru_cell_in_both_twins():
    a = _arrays(3, seed=2)
    w = _t(a)
    cell = nn.GRUCell(D, H)
    with torch.no_grad():
        for name, value in [("weight_ih", w["W_x"].T), ("weight_hh", w["W_h"].T), ("bias_ih", w["b_x"]),
                            ("bias_hh", w["b_h"])]:
            getattr(cell, name).copy_(value)
    want = cell(w["X"][:, 0], w["H0"])  # (B, H)
    assert_close(ct.gru_step(w["X"][:, 0], w["H0"], w["W_x"], w["W_h"], w["b_x"], w["b_h"]), want, "torch H_t",
                 atol=ATOL)
    assert_close(ck.gru_step(a["X"][:, 0], a["H0"], a["W_x"], a["W_h"], a["b_x"], a["b_h"]), want, "keras H_t",
                 atol=ATOL)


def test_gru_forward_matches_nn_gru_and_keras_gru():
    a = _arrays(3, seed=3)
    w = _t(a)
    torch_layer = nn.GRU(D, H, batch_first=True)
    ct.load_gru_weights(torch_layer, w["W_x"], w["W_h"], w["b_x"], w["b_h"])
    with torch.no_grad():
        want, want_h = torch_layer(w["X"], w["H0"][None])  # (B, T, H), (1, B, H)
    got, got_h = ct.gru_forward(w["X"], w["H0"], w["W_x"], w["W_h"], w["b_x"], w["b_h"])
    assert_close(got, want, "torch outputs", atol=ATOL)
    assert_close(got_h, want_h[0], "torch H_T", atol=ATOL)
    keras_layer = _keras_layer(layers.GRU)
    ck.load_gru_weights(keras_layer, a["W_x"], a["W_h"], a["b_x"], a["b_h"])
    layer_out, layer_h = keras_layer(a["X"], initial_state=a["H0"])
    ours, ours_h = ck.gru_forward(a["X"], a["H0"], a["W_x"], a["W_h"], a["b_x"], a["b_h"])
    assert_close(ours, layer_out, "keras outputs vs keras.layers.GRU", atol=ATOL)
    assert_close(ours_h, layer_h, "keras H_T vs keras.layers.GRU", atol=ATOL)
    assert_close(ours, want, "keras twin vs torch twin", atol=ATOL)


def test_keras_load_gru_weights_needs_reset_after():
    a = _arrays(3)
    layer = _keras_layer(layers.GRU, reset_after=False)
    with pytest.raises(ValueError, match="reset_after"):
        ck.load_gru_weights(layer, a["W_x"], a["W_h"], a["b_x"], a["b_h"])


# --- shape errors ----------------------------------------------------------------------

TWINS = {"torch": (ct, torch.tensor), "keras": (ck, tf.constant)}


@pytest.mark.parametrize("twin", sorted(TWINS))
@pytest.mark.parametrize("bad, shape, pattern", [
    ("X_t", (B, D + 1), r"X_t should have shape \(3, 7\), got \(3, 8\)"),
    ("C_prev", (B, H + 1), r"C_prev should have shape \(3, 4\), got \(3, 5\)"),
    ("W_h", (H, 3 * H), r"W_h should have shape \(4, 16\), got \(4, 12\)"),
    ("b", (1, 4 * H), r"b should have shape \(16,\), got \(1, 16\)"),
])
def test_lstm_step_wrong_shape(twin, bad, shape, pattern):
    module, to_tensor = TWINS[twin]
    a = _arrays(4)
    args = {"X_t": a["X"][:, 0], "H_prev": a["H0"], "C_prev": a["C0"], "W_x": a["W_x"], "W_h": a["W_h"], "b": a["b"]}
    args[bad] = np.zeros(shape, dtype=np.float32)
    with pytest.raises(AssertionError, match=pattern):
        module.lstm_step(**{k: to_tensor(v) for k, v in args.items()})


@pytest.mark.parametrize("twin", sorted(TWINS))
def test_gru_wrong_shapes(twin):
    module, to_tensor = TWINS[twin]
    a = {k: to_tensor(v) for k, v in _arrays(3).items()}
    with pytest.raises(AssertionError, match=r"b_h should have shape \(12,\), got \(16,\)"):
        module.gru_step(a["X"][:, 0], a["H0"], a["W_x"], a["W_h"], a["b_x"], to_tensor(np.zeros(16, np.float32)))
    with pytest.raises(AssertionError, match=r"W_x should have shape \('any', 12\), got \(7, 16\)"):
        module.gru_step(a["X"][:, 0], a["H0"], to_tensor(np.zeros((D, 16), np.float32)), a["W_h"], a["b_x"],
                        a["b_h"])
    with pytest.raises(AssertionError, match=r"X should have shape \(3, 'any', 7\), got \(3, 7\)"):
        module.gru_forward(a["X"][:, 0], a["H0"], a["W_x"], a["W_h"], a["b_x"], a["b_h"])


# --- course_utils.cells ----------------------------------------------------------------


def test_gate_orders_and_reordering():
    assert GATE_ORDERS == {("torch", "lstm"): ("i", "f", "g", "o"), ("keras", "lstm"): ("i", "f", "c", "o"),
                           ("torch", "gru"): ("r", "z", "n"), ("keras", "gru"): ("z", "r", "h")}
    blocks = np.repeat(np.arange(3.0), 2)[None]  # (1, 6): blocks r=0, z=1, n=2 of width 2
    assert torch_to_keras_gate_order(blocks, "gru").tolist() == [[1, 1, 0, 0, 2, 2]]
    lstm = np.repeat(np.arange(4.0), 2)  # (8,)
    assert torch_to_keras_gate_order(lstm, "lstm").tolist() == lstm.tolist()
    with pytest.raises(ValueError, match="'lstm', 'gru'"):
        torch_to_keras_gate_order(lstm, "rnn")


def _torch_count(cell: str, d: int, h: int) -> int:
    layer = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[cell](d, h)
    return sum(p.numel() for p in layer.parameters())


def _keras_count(cell: str, d: int, h: int) -> int:
    layer = {"rnn": layers.SimpleRNN, "lstm": layers.LSTM, "gru": layers.GRU}[cell](h)
    layer.build((None, None, d))
    return layer.count_params()


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("d, h", [(1, 1), (3, 5), (7, 4), (28, 64)])
def test_num_params_matches_the_frameworks(cell, d, h):
    assert num_params(cell, d, h, framework="torch") == _torch_count(cell, d, h)
    assert num_params(cell, d, h, framework="keras") == _keras_count(cell, d, h)
    assert num_params(cell, d, h) == num_params(cell, d, h, framework="keras")  # the default


@pytest.mark.parametrize("args, pattern", [
    (("LSTM", 3, 4), r"cell must be one of 'rnn', 'lstm', 'gru'; got 'LSTM'"),
    (("lstm", 3, 4, "tf"), r"framework must be one of 'torch', 'keras'; got 'tf'"),
    (("lstm", 3, 4, "pytorch"), r"framework must be one of 'torch', 'keras'"),
])
def test_num_params_errors(args, pattern):
    with pytest.raises(ValueError, match=pattern):
        num_params(*args)


def _random_torch(kind):
    torch.manual_seed(0)
    layer = kind(D, H, batch_first=True)
    with torch.no_grad():
        for p in layer.parameters():
            p.uniform_(-0.6, 0.6)  # larger than the default, so both biases matter
    return layer


def test_lstm_torch_to_keras_same_outputs():
    torch_layer, keras_layer = _random_torch(nn.LSTM), _keras_layer(layers.LSTM)
    lstm_torch_to_keras(torch_layer, keras_layer)
    a = _arrays(4, seed=4)
    with torch.no_grad():
        want, (want_h, want_c) = torch_layer(torch.tensor(a["X"]), (torch.tensor(a["H0"])[None],
                                                                    torch.tensor(a["C0"])[None]))
    got, got_h, got_c = keras_layer(a["X"], initial_state=[a["H0"], a["C0"]])
    for name, g, e in [("outputs", got, want), ("H_T", got_h, want_h[0]), ("C_T", got_c, want_c[0])]:
        assert_close(g, e, f"Keras LSTM {name} after lstm_torch_to_keras", atol=ATOL)


def test_gru_torch_to_keras_same_outputs():
    torch_layer, keras_layer = _random_torch(nn.GRU), _keras_layer(layers.GRU)
    gru_torch_to_keras(torch_layer, keras_layer)
    a = _arrays(3, seed=5)
    with torch.no_grad():
        want, want_h = torch_layer(torch.tensor(a["X"]), torch.tensor(a["H0"])[None])
    got, got_h = keras_layer(a["X"], initial_state=a["H0"])
    assert_close(got, want, "Keras GRU outputs after gru_torch_to_keras", atol=ATOL)
    assert_close(got_h, want_h[0], "Keras GRU H_T after gru_torch_to_keras", atol=ATOL)


def test_conversion_errors():
    with pytest.raises(ValueError, match="reset_after"):
        gru_torch_to_keras(_random_torch(nn.GRU), _keras_layer(layers.GRU, reset_after=False))
    with pytest.raises(ValueError, match="build the Keras LSTM first"):
        lstm_torch_to_keras(_random_torch(nn.LSTM), layers.LSTM(H))
    with pytest.raises(ValueError, match="one-layer"):
        lstm_torch_to_keras(nn.LSTM(D, H, num_layers=2), _keras_layer(layers.LSTM))
    with pytest.raises(AssertionError, match=r"kernel should have shape \(7, 20\), got \(7, 16\)"):
        lstm_torch_to_keras(_random_torch(nn.LSTM), _keras_layer(layers.LSTM, units=H + 1))


# --- course_utils.{torch,keras}.gated: gate values -------------------------------------


def _check_gate_values(values, shape):
    assert sorted(values) == ["c", "f", "g", "h", "i", "o"]
    for name, value in values.items():
        assert isinstance(value, np.ndarray) and value.shape == shape, name
    for name in "ifo":
        assert np.all((values[name] > 0) & (values[name] < 1)), name
    assert np.all(np.abs(values["g"]) < 1) and np.all(np.abs(values["h"]) < 1)
    assert_close(values["h"], values["o"] * np.tanh(values["c"]), "h = o * tanh(c)", atol=1e-6)


def test_gate_activations_torch():
    layer = _random_torch(nn.LSTM)
    X = _arrays(4)["X"]
    values = ct.gate_activations(layer, X)
    _check_gate_values(values, (B, T, H))
    with torch.no_grad():
        assert_close(values["h"], layer(torch.tensor(X))[0], "h vs nn.LSTM", atol=1e-5)

    class Shifted(nn.LSTM):
        def forward(self, X, hx=None):
            output, state = super().forward(X, hx)
            return output + 1e-3, state

    shifted = Shifted(D, H, batch_first=True)
    with pytest.raises(AssertionError, match="differs from the layer's output"):
        ct.gate_activations(shifted, X)  # the check of h against the layer can fail
    with pytest.raises(ValueError, match="batch_first=True"):
        ct.gate_activations(nn.LSTM(D, H), X)


def test_gate_activations_keras():
    X = _arrays(4)["X"]
    for layer in (layers.LSTM(H), layers.LSTM(H, return_sequences=True, return_state=True)):
        values = ck.gate_activations(layer, X)  # builds the first layer itself
        _check_gate_values(values, (B, T, H))
    assert_close(values["h"], layer(X)[0], "h vs keras.layers.LSTM", atol=1e-5)
    with pytest.raises(ValueError, match="tanh, sigmoid"):
        ck.gate_activations(layers.LSTM(H, activation="relu"), X)


# --- gradient norms through time -------------------------------------------------------


@pytest.mark.parametrize("twin", sorted(TWINS))
def test_grad_norms_by_cell_shape_and_errors(twin):
    module = TWINS[twin][0]
    for cell in ("rnn", "lstm", "gru"):
        norms = module.grad_norms_by_cell(cell, num_steps=12, num_inputs=3, num_hiddens=5, seed=1)
        assert isinstance(norms, np.ndarray) and norms.shape == (12,)
        assert norms[0] == pytest.approx(np.sqrt(5))  # dL/dh_T = 1 for L = sum(h_T)
        assert np.all(np.isfinite(norms)) and np.all(norms > 0)
    with pytest.raises(ValueError, match="'rnn', 'lstm' or 'gru'"):
        module.grad_norms_by_cell("LSTM")
    with pytest.raises(ValueError, match="LSTM only"):
        module.grad_norms_by_cell("gru", forget_bias=1.0)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_torch_rnn_gradient_vanishes_faster_than_lstm_with_forget_bias_1(seed):
    rnn = ct.grad_norms_by_cell("rnn", seed=seed)
    lstm = ct.grad_norms_by_cell("lstm", seed=seed, forget_bias=1.0)
    assert rnn.shape == lstm.shape == (100,)
    assert np.all(rnn >= 0) and np.all(rnn[:50] > 0)  # far back, float32 may underflow to exactly 0
    assert np.all(lstm > 0)
    # Close to the loss the RNN's gradient is larger (k < 8 for seeds 0..2); from k = 10 on it is smaller.
    assert np.all(rnn[10:] < lstm[10:])
    assert rnn[99] < 1e-15 < 1e-9 < lstm[99]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_keras_orthogonal_simple_rnn_keeps_more_gradient_than_lstm(seed):
    # With Keras' defaults (orthogonal recurrent_kernel) SimpleRNN's gradient shrinks by
    # about 0.9 per step on these inputs, more slowly than the LSTM's with forget bias 1.
    rnn = ck.grad_norms_by_cell("rnn", seed=seed)
    lstm = ck.grad_norms_by_cell("lstm", seed=seed, forget_bias=1.0)
    assert np.all(lstm > 0) and np.all(rnn > 0)
    assert np.all(rnn[1:] > lstm[1:])
    assert rnn[99] > 10 * lstm[99]
    if seed == 0:  # unit_forget_bias=True already gives 1.0
        assert np.array_equal(ck.grad_norms_by_cell("lstm", seed=seed), lstm)


# --- cuDNN eligibility -----------------------------------------------------------------


def _keras_args_ok(layer) -> bool:
    """Keras' own predicate on the arguments (keras.src.backend.tensorflow.rnn), without the GPU check."""
    cell = layer.cell
    args = dict(activation=cell.activation, recurrent_activation=cell.recurrent_activation,
                unroll=layer.unroll, use_bias=cell.use_bias)
    if isinstance(layer, layers.GRU):
        return bool(keras_tf_rnn._do_gru_arguments_support_cudnn(**args, reset_after=cell.reset_after))
    return bool(keras_tf_rnn._do_lstm_arguments_support_cudnn(**args))


CUDNN_CASES = [  # (keyword arguments, how the one reason starts; None: eligible)
    ({}, None),
    ({"activation": keras.ops.tanh, "recurrent_activation": tf.sigmoid, "dropout": 0.3, "go_backwards": True},
     None),
    ({"activation": "relu"}, "activation=relu"),
    ({"recurrent_activation": "hard_sigmoid"}, "recurrent_activation=hard_sigmoid"),
    ({"recurrent_dropout": 0.1}, "recurrent_dropout=0.1"),
    ({"unroll": True}, "unroll=True"),
    ({"use_bias": False}, "use_bias=False"),
    ({"use_cudnn": False}, "use_cudnn=False"),
]


@pytest.mark.parametrize("kind, kwargs, reason", [
    pytest.param(kind, kwargs, reason, id=f"{kind.__name__}-{reason or 'eligible'}")
    for kind, kwargs, reason in [*[(layers.LSTM, *case) for case in CUDNN_CASES],
                                 *[(layers.GRU, *case) for case in CUDNN_CASES],
                                 (layers.GRU, {"reset_after": False}, "reset_after=False")]])
def test_keras_cudnn_eligible(kind, kwargs, reason):
    layer = kind(H, **kwargs)
    eligible, reasons = ck.cudnn_eligible(layer)
    assert eligible is (reason is None)
    assert (reasons == []) if reason is None else (len(reasons) == 1 and reasons[0].startswith(reason)), reasons
    if not {"recurrent_dropout", "use_cudnn"} & set(kwargs):  # the arguments Keras' predicate sees
        assert eligible == _keras_args_ok(layer)


def test_keras_cudnn_eligible_other_layers():
    assert ck.cudnn_eligible(layers.Bidirectional(layers.LSTM(H))) == (True, [])
    assert ck.cudnn_eligible(layers.Bidirectional(layers.GRU(H, return_sequences=True))) == (True, [])
    eligible, reasons = ck.cudnn_eligible(layers.Bidirectional(layers.LSTM(H, unroll=True)))
    assert not eligible and [r.split(":")[0] for r in reasons] == ["forward layer", "backward layer"]
    assert ck.cudnn_eligible(layers.SimpleRNN(H)) == (False, ["Keras has no cuDNN kernel for SimpleRNN"])
    eligible, reasons = ck.cudnn_eligible(layers.RNN(layers.LSTMCell(H)))
    assert not eligible and "step by step" in reasons[0]
    eligible, reasons = ck.cudnn_eligible(layers.LSTM(H, activation="relu", use_bias=False))
    assert not eligible and len(reasons) == 2  # every failed condition is listed
    assert ck.cudnn_eligible(layers.Dense(H))[0] is False


def test_torch_cudnn_eligible():
    for layer in (nn.RNN(D, H), nn.LSTM(D, H, num_layers=2, bidirectional=True), nn.GRU(D, H, dropout=0.0)):
        assert ct.cudnn_eligible(layer) == (True, [])
    for cell in (nn.RNNCell(D, H), nn.LSTMCell(D, H), nn.GRUCell(D, H)):
        eligible, reasons = ct.cudnn_eligible(cell)
        assert not eligible and "step by step" in reasons[0] and type(cell).__name__ in reasons[0]
    assert ct.cudnn_eligible(nn.Linear(D, H))[0] is False


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_recurrent_classifier_twins_have_the_same_shapes_and_parameters(cell):
    torch_model = ct.recurrent_classifier(cell, 6, 3, 5)
    keras_model = ck.recurrent_classifier(cell, 6, 3, 5)
    X = np.eye(6, dtype=np.float32)[np.random.default_rng(0).integers(0, 6, size=(2, 7))]  # (B, T, V)
    assert tuple(torch_model(torch.tensor(X)).shape) == (2, 3)
    assert tuple(keras_model(X).shape) == (2, 3)
    dense = 5 * 3 + 3
    assert sum(p.numel() for p in torch_model.parameters()) == num_params(cell, 6, 5, "torch") + dense
    assert keras_model.count_params() == num_params(cell, 6, 5, "keras") + dense
    if cell != "rnn":
        assert ck.cudnn_eligible(keras_model.layers[0])[0]
    for module in (ct, ck):
        with pytest.raises(ValueError, match="cell must be 'rnn', 'lstm' or 'gru'"):
            module.recurrent_classifier("LSTM", 6, 3, 5)
