"""LSTM and GRU steps from scratch with Keras ops, and copying their weights into ``LSTM``/``GRU`` layers.

Same conventions as :mod:`course_utils.torch.gates` (row form, PyTorch's gate orders
``[i | f | g | o]`` and ``[r | z | n]``); the arguments may be NumPy arrays or tensors.
Keras' ``LSTM`` stores exactly this layout (it calls ``g`` ``c``); its ``GRU`` packs
``[z | r | h]``, so :func:`load_gru_weights` reorders the blocks.
"""

from __future__ import annotations

import numpy as np
from keras import layers, ops

from course_utils.cells import check_gate_step_args, torch_to_keras_gate_order
from course_utils.checks import check_shape, to_numpy


def _lstm_cell(X_t, H_prev, C_prev, W_x, W_h, b) -> tuple:
    """The gates and new state of one LSTM step: ``(I, F, G, O, C_t, H_t)``, each ``(B, h)``."""
    gates = ops.matmul(X_t, W_x) + ops.matmul(H_prev, W_h) + b  # (B, 4h)
    I, F, G, O = ops.split(gates, 4, axis=-1)  # (B, h) each
    I, F, G, O = ops.sigmoid(I), ops.sigmoid(F), ops.tanh(G), ops.sigmoid(O)  # (B, h) each
    C_t = F * C_prev + I * G  # (B, h)
    H_t = O * ops.tanh(C_t)  # (B, h)
    return I, F, G, O, C_t, H_t


def lstm_step(X_t, H_prev, C_prev, W_x, W_h, b):
    """One LSTM step; returns ``(H_t, C_t)``, each ``(B, h)``, like ``keras.layers.LSTMCell``.

    ``I, F, O = sigmoid(...)`` and ``G = tanh(...)`` of the blocks of
    ``X_t W_x + H_prev W_h + b``; ``C_t = F * C_prev + I * G`` and ``H_t = O * tanh(C_t)``.
    """
    check_gate_step_args(X_t, H_prev, W_x, W_h, (b,), 4, C_prev=C_prev)
    *_, C_t, H_t = _lstm_cell(X_t, H_prev, C_prev, W_x, W_h, b)  # (B, h), (B, h)
    return H_t, C_t


def lstm_forward(X, H0, C0, W_x, W_h, b):
    """Unroll :func:`lstm_step` over ``X`` ``(B, T, d)``.

    Returns every hidden state ``(B, T, h)`` and the last state ``(H_T, C_T)``, like
    ``keras.layers.LSTM(return_sequences=True, return_state=True)``.
    """
    check_shape(X, (H0.shape[0], None, W_x.shape[0]), "X")
    H, C, outputs = H0, C0, []
    for t in range(X.shape[1]):
        H, C = lstm_step(X[:, t], H, C, W_x, W_h, b)  # (B, h), (B, h)
        outputs.append(H)
    return ops.stack(outputs, axis=1), (H, C)  # (B, T, h), ((B, h), (B, h))


def gru_step(X_t, H_prev, W_x, W_h, b_x, b_h):
    """One GRU step in PyTorch's convention (Keras' ``reset_after=True``); returns ``H_t`` ``(B, h)``.

    ``R = sigmoid(X_t W_xr + b_xr + H_prev W_hr + b_hr)``, ``Z`` likewise,
    ``N = tanh(X_t W_xn + b_xn + R * (H_prev W_hn + b_hn))`` and ``H_t = (1 - Z) * N + Z * H_prev``.
    """
    check_gate_step_args(X_t, H_prev, W_x, W_h, (b_x, b_h), 3)
    X_r, X_z, X_n = ops.split(ops.matmul(X_t, W_x) + b_x, 3, axis=-1)  # (B, h) each
    H_r, H_z, H_n = ops.split(ops.matmul(H_prev, W_h) + b_h, 3, axis=-1)  # (B, h) each
    R, Z = ops.sigmoid(X_r + H_r), ops.sigmoid(X_z + H_z)  # (B, h), (B, h)
    N = ops.tanh(X_n + R * H_n)  # (B, h)
    return (1 - Z) * N + Z * H_prev  # (B, h)


def gru_forward(X, H0, W_x, W_h, b_x, b_h):
    """Unroll :func:`gru_step` over ``X`` ``(B, T, d)``.

    Returns every hidden state ``(B, T, h)`` and the last one ``(B, h)``, like
    ``keras.layers.GRU(return_sequences=True, return_state=True)``.
    """
    check_shape(X, (H0.shape[0], None, W_x.shape[0]), "X")
    H, outputs = H0, []
    for t in range(X.shape[1]):
        H = gru_step(X[:, t], H, W_x, W_h, b_x, b_h)  # (B, h)
        outputs.append(H)
    return ops.stack(outputs, axis=1), H  # (B, T, h), (B, h)


def _set_weights(layer: layers.RNN, weights: list) -> None:
    for name, new, old in zip(("W_x", "W_h", "bias"), weights, layer.get_weights()):
        check_shape(new, old.shape, name)
    layer.set_weights(weights)


def load_lstm_weights(layer: layers.LSTM, W_x, W_h, b) -> None:
    """Copy from-scratch LSTM weights into a built ``keras.layers.LSTM``.

    Keras' ``kernel`` ``(d, 4h)``, ``recurrent_kernel`` ``(h, 4h)`` and ``bias`` ``(4h,)`` are
    exactly ``W_x``, ``W_h``, ``b`` in the same gate order (``i, f, c, o``), so nothing moves.
    """
    _set_weights(layer, [to_numpy(w) for w in (W_x, W_h, b)])  # (d, 4h), (h, 4h), (4h,)


def load_gru_weights(layer: layers.GRU, W_x, W_h, b_x, b_h) -> None:
    """Copy from-scratch GRU weights (PyTorch's convention) into a built ``keras.layers.GRU``.

    The layer must have ``reset_after=True`` (the default): with ``reset_after=False`` Keras
    applies the reset gate before the recurrent matrix, a different function, and a
    ``ValueError`` says so.  Keras packs ``[z | r | h]``, so the blocks ``r, z, n`` are
    reordered, and its bias is ``(2, 3h)``: row 0 the input bias, row 1 the recurrent bias.
    """
    if not layer.reset_after:
        raise ValueError("the GRU has reset_after=False: it applies the reset gate before the "
                         "recurrent matrix, unlike these weights (PyTorch's GRU); use reset_after=True")
    W_x, W_h, b_x, b_h = (to_numpy(w) for w in (W_x, W_h, b_x, b_h))  # (d, 3h), (h, 3h), (3h,), (3h,)
    check_shape(b_x, (W_x.shape[-1],), "b_x")
    check_shape(b_h, (W_x.shape[-1],), "b_h")
    bias = np.stack([b_x, b_h])  # (2, 3h)
    kernels = [torch_to_keras_gate_order(w, "gru") for w in (W_x, W_h, bias)]  # (d, 3h), (h, 3h), (2, 3h)
    _set_weights(layer, kernels)
