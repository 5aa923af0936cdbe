"""Gated cells without a framework: packed gate orders, parameter counts, PyTorch -> Keras weights.

Both frameworks pack the weights of all gates of an LSTM or GRU into one matrix, one block
of ``num_hiddens`` columns per gate, but in different orders and with different biases.
The course stores them in row form (``X_t @ W_x`` works), as Keras does:

* LSTM: ``W_x`` ``(d, 4h)``, ``W_h`` ``(h, 4h)``, ``b`` ``(4h,)``, blocks ``[i | f | g | o]``;
  PyTorch stores the transposes and two biases (``b_ih + b_hh``); Keras names ``g`` ``c``.
* GRU: ``W_x`` ``(d, 3h)``, ``W_h`` ``(h, 3h)``, ``b_x``, ``b_h`` ``(3h,)``, blocks
  ``[r | z | n]`` as in PyTorch; Keras (``reset_after=True``) packs ``[z | r | h]`` and keeps
  both biases as the rows of one ``(2, 3h)`` array.

This module imports no framework: the conversions only call ``.detach().cpu().numpy()`` on
the PyTorch side and ``get_weights``/``set_weights`` on the Keras side (duck typing).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from course_utils.checks import check_shape

#: (framework, cell) -> the gate blocks along the last axis of the packed weights, in order.
GATE_ORDERS: dict[tuple[str, str], tuple[str, ...]] = {
    ("torch", "lstm"): ("i", "f", "g", "o"),
    ("keras", "lstm"): ("i", "f", "c", "o"),
    ("torch", "gru"): ("r", "z", "n"),
    ("keras", "gru"): ("z", "r", "h"),
}

_CELLS = ("rnn", "lstm", "gru")
_FRAMEWORKS = ("torch", "keras")
_NUM_GATES = {"rnn": 1, "lstm": 4, "gru": 3}
_SAME_BLOCK = {"c": "g", "h": "n"}  # Keras' name of a block -> PyTorch's name of the same block


def _check_choice(value: str, allowed: tuple[str, ...], name: str) -> None:
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, allowed))}; got {value!r}")


def num_params(cell: str, num_inputs: int, num_hiddens: int, framework: str = "keras") -> int:
    """The number of trainable parameters of a one-layer ``cell`` ("rnn", "lstm" or "gru").

    With ``g`` gate blocks (1, 4, 3), ``d = num_inputs`` and ``h = num_hiddens``:

    * ``framework="torch"``: ``g (d h + h h + 2 h)``: two biases per block (``b_ih``, ``b_hh``);
    * ``framework="keras"``: ``g h (d + h + 1)`` for ``SimpleRNN`` and ``LSTM``, and
      ``3 h (d + h + 2)`` for ``GRU`` with its default ``reset_after=True`` (two biases).
    """
    _check_choice(cell, _CELLS, "cell")
    _check_choice(framework, _FRAMEWORKS, "framework")
    gates, d, h = _NUM_GATES[cell], num_inputs, num_hiddens
    if framework == "torch":
        return gates * (d * h + h * h + 2 * h)
    num_biases = 2 if cell == "gru" else 1
    return gates * h * (d + h + num_biases)


def predicted_cell_path_gradient(forget_bias: float, num_steps: int) -> float:
    """``dC_T/dC_0`` of one LSTM unit along the cell path when every weight is zero: ``sigmoid(b_f) ** T``.

    With zero weights each forget gate is ``sigmoid(forget_bias)`` at every step, whatever the
    input, and the cell path multiplies the gradient by the forget gate once per step (Chapter 2,
    Section 1).  Small weights change it little; Chapter 2 measures how little.
    """
    return float((1.0 / (1.0 + np.exp(-float(forget_bias)))) ** int(num_steps))


def stacked_num_params(cell: str, num_inputs: int, num_hiddens: int, num_layers: int,
                       bidirectional: bool = False, framework: str = "keras") -> int:
    """The number of trainable parameters of a stack of ``num_layers`` ``cell`` layers.

    Each layer has one :func:`num_params` block per direction (two when ``bidirectional``);
    layer 0 reads ``num_inputs`` features and layer ``l > 0`` the previous layer's output,
    ``num_directions * num_hiddens`` features (both frameworks concatenate the directions).
    So PyTorch's ``nn.LSTM(d, h, num_layers, bidirectional=True)`` has two bias vectors per
    gate block and direction, Keras' ``Bidirectional(LSTM(h))`` layers one.
    """
    if num_layers < 1:
        raise ValueError(f"num_layers must be at least 1; got {num_layers}")
    num_directions = 2 if bidirectional else 1
    first = num_params(cell, num_inputs, num_hiddens, framework)
    later = num_params(cell, num_directions * num_hiddens, num_hiddens, framework)
    return num_directions * (first + (num_layers - 1) * later)


def check_gate_step_args(X_t: Any, H_prev: Any, W_x: Any, W_h: Any, biases: tuple[Any, ...],
                         num_gates: int, C_prev: Any = None) -> None:
    """Check the shapes of one LSTM or GRU step's arguments against ``H_prev`` and ``W_x``.

    With ``H_prev`` ``(B, h)`` and ``W_x`` ``(d, num_gates * h)``: ``X_t`` must be ``(B, d)``,
    ``W_h`` ``(h, num_gates * h)``, every bias ``(num_gates * h,)`` and ``C_prev`` (the LSTM's
    cell state, when given) ``(B, h)``.  The bias names in the messages are ``b`` for one
    bias and ``b_x``, ``b_h`` for two.
    """
    check_shape(H_prev, (None, None), "H_prev")
    batch_size, num_hiddens = (int(s) for s in H_prev.shape)
    packed = num_gates * num_hiddens
    check_shape(W_x, (None, packed), "W_x")
    check_shape(X_t, (batch_size, int(W_x.shape[0])), "X_t")
    if C_prev is not None:
        check_shape(C_prev, (batch_size, num_hiddens), "C_prev")
    check_shape(W_h, (num_hiddens, packed), "W_h")
    names = ("b",) if len(biases) == 1 else ("b_x", "b_h")
    for name, bias in zip(names, biases):
        check_shape(bias, (packed,), name)


def torch_to_keras_gate_order(array: np.ndarray, cell: str) -> np.ndarray:
    """Reorder the gate blocks along the last axis of ``array`` from PyTorch's order to Keras'.

    ``cell`` is "lstm" (``[i|f|g|o]`` -> ``[i|f|c|o]``: the same order) or "gru"
    (``[r|z|n]`` -> ``[z|r|h]``: the first two blocks swap).  ``array`` is row form (already
    transposed), e.g. ``W_x`` ``(d, 3h)`` or a bias ``(3h,)``.
    """
    _check_choice(cell, ("lstm", "gru"), "cell")
    source, target = GATE_ORDERS[("torch", cell)], GATE_ORDERS[("keras", cell)]
    blocks = np.split(np.asarray(array), len(source), axis=-1)  # len(source) x (..., h)
    return np.concatenate([blocks[source.index(_SAME_BLOCK.get(name, name))] for name in target],
                          axis=-1)  # (..., gates * h)


def _torch_weights(layer: Any, kind: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``weight_ih_l0.T``, ``weight_hh_l0.T``, ``bias_ih_l0``, ``bias_hh_l0`` of a one-layer module."""
    if getattr(layer, "num_layers", 1) != 1 or getattr(layer, "bidirectional", False) \
            or getattr(layer, "proj_size", 0):
        raise ValueError(f"expected a one-layer, unidirectional nn.{kind} without projection")
    W_x = layer.weight_ih_l0.detach().cpu().numpy().T  # (d, gates * h)
    W_h = layer.weight_hh_l0.detach().cpu().numpy().T  # (h, gates * h)
    zeros = np.zeros(W_x.shape[1], dtype=W_x.dtype)  # (gates * h,)
    if not getattr(layer, "bias", True):
        return W_x, W_h, zeros, zeros
    return (W_x, W_h, layer.bias_ih_l0.detach().cpu().numpy(),
            layer.bias_hh_l0.detach().cpu().numpy())  # ..., (gates * h,), (gates * h,)


def _set_keras_weights(layer: Any, weights: list[np.ndarray], kind: str) -> None:
    if not layer.built:
        raise ValueError(f"build the Keras {kind} first, e.g. layer.build((None, None, num_inputs))")
    for name, new, old in zip(("kernel", "recurrent_kernel", "bias"), weights, layer.get_weights()):
        check_shape(new, old.shape, f"the Keras {kind}'s {name}")
    layer.set_weights(weights)


def lstm_torch_to_keras(torch_lstm: Any, keras_lstm: Any) -> None:
    """Copy a one-layer ``torch.nn.LSTM``'s weights into a built ``keras.layers.LSTM``.

    The gate order is the same (``i, f, g, o`` = ``i, f, c, o``); the matrices are transposed
    to row form and PyTorch's two biases summed into Keras' one.  Afterwards both layers
    compute the same function (``batch_first=True`` on the PyTorch side).
    """
    W_x, W_h, b_ih, b_hh = _torch_weights(torch_lstm, "LSTM")
    _set_keras_weights(keras_lstm, [W_x, W_h, b_ih + b_hh], "LSTM")  # (d, 4h), (h, 4h), (4h,)


def gru_torch_to_keras(torch_gru: Any, keras_gru: Any) -> None:
    """Copy a one-layer ``torch.nn.GRU``'s weights into a built ``keras.layers.GRU``.

    The Keras GRU must have ``reset_after=True`` (its default, and PyTorch's formula: the reset
    gate multiplies ``H W_hn + b_hn``); with ``reset_after=False`` it computes a different
    function and a ``ValueError`` says so.  Blocks ``r, z, n`` become ``z, r, h``; the two
    biases become the rows of Keras' ``(2, 3h)`` bias (input bias, then recurrent bias).
    """
    if not keras_gru.reset_after:
        raise ValueError("keras_gru has reset_after=False: it applies the reset gate before the "
                         "recurrent matrix, unlike torch.nn.GRU; build it with reset_after=True")
    W_x, W_h, b_ih, b_hh = _torch_weights(torch_gru, "GRU")
    bias = np.stack([b_ih, b_hh])  # (2, 3h)
    _set_keras_weights(keras_gru, [torch_to_keras_gate_order(w, "gru") for w in (W_x, W_h, bias)],
                       "GRU")  # (d, 3h), (h, 3h), (2, 3h)
