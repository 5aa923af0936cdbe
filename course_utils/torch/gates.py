"""LSTM and GRU steps from scratch in PyTorch, and copying their weights into ``nn.LSTM``/``nn.GRU``.

Row form, gate blocks packed along the last axis (see :mod:`course_utils.cells`):

* LSTM: ``W_x`` ``(d, 4h)``, ``W_h`` ``(h, 4h)``, ``b`` ``(4h,)``, blocks ``[i | f | g | o]``:
  the transposes of ``weight_ih_l0``/``weight_hh_l0``, in PyTorch's order;
* GRU: ``W_x`` ``(d, 3h)``, ``W_h`` ``(h, 3h)``, ``b_x``, ``b_h`` ``(3h,)``, blocks
  ``[r | z | n]``, PyTorch's order and its two biases.
"""

from __future__ import annotations

import torch
from torch import nn

from course_utils.cells import check_gate_step_args
from course_utils.checks import check_shape


def _lstm_cell(X_t: torch.Tensor, H_prev: torch.Tensor, C_prev: torch.Tensor, W_x: torch.Tensor,
               W_h: torch.Tensor, b: torch.Tensor) -> tuple[torch.Tensor, ...]:
    """The gates and new state of one LSTM step: ``(I, F, G, O, C_t, H_t)``, each ``(B, h)``."""
    gates = X_t @ W_x + H_prev @ W_h + b  # (B, 4h)
    I, F, G, O = gates.chunk(4, dim=-1)  # (B, h) each
    I, F, G, O = torch.sigmoid(I), torch.sigmoid(F), torch.tanh(G), torch.sigmoid(O)  # (B, h) each
    C_t = F * C_prev + I * G  # (B, h)
    H_t = O * torch.tanh(C_t)  # (B, h)
    return I, F, G, O, C_t, H_t


def lstm_step(X_t: torch.Tensor, H_prev: torch.Tensor, C_prev: torch.Tensor, W_x: torch.Tensor,
              W_h: torch.Tensor, b: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """One LSTM step; returns ``(H_t, C_t)``, each ``(B, h)``, like ``nn.LSTMCell``.

    ``I, F, O = sigmoid(...)`` and ``G = tanh(...)`` of the blocks of
    ``X_t W_x + H_prev W_h + b``; ``C_t = F * C_prev + I * G`` and ``H_t = O * tanh(C_t)``.
    """
    check_gate_step_args(X_t, H_prev, W_x, W_h, (b,), 4, C_prev=C_prev)
    *_, C_t, H_t = _lstm_cell(X_t, H_prev, C_prev, W_x, W_h, b)  # (B, h), (B, h)
    return H_t, C_t


def lstm_forward(X: torch.Tensor, H0: torch.Tensor, C0: torch.Tensor, W_x: torch.Tensor, W_h: torch.Tensor,
                 b: torch.Tensor) -> tuple[torch.Tensor, tuple[torch.Tensor, torch.Tensor]]:
    """Unroll :func:`lstm_step` over ``X`` ``(B, T, d)``.

    Returns every hidden state ``(B, T, h)`` and the last state ``(H_T, C_T)``, like
    ``nn.LSTM(batch_first=True)`` (which adds a leading layer axis to the last state).
    """
    check_shape(X, (H0.shape[0], None, W_x.shape[0]), "X")
    H, C, outputs = H0, C0, []
    for t in range(X.shape[1]):
        H, C = lstm_step(X[:, t], H, C, W_x, W_h, b)  # (B, h), (B, h)
        outputs.append(H)
    return torch.stack(outputs, dim=1), (H, C)  # (B, T, h), ((B, h), (B, h))


def gru_step(X_t: torch.Tensor, H_prev: torch.Tensor, W_x: torch.Tensor, W_h: torch.Tensor,
             b_x: torch.Tensor, b_h: torch.Tensor) -> torch.Tensor:
    """One GRU step, exactly ``nn.GRUCell``; returns ``H_t`` ``(B, h)``.

    ``R = sigmoid(X_t W_xr + b_xr + H_prev W_hr + b_hr)``, ``Z`` likewise,
    ``N = tanh(X_t W_xn + b_xn + R * (H_prev W_hn + b_hn))`` and ``H_t = (1 - Z) * N + Z * H_prev``.
    """
    check_gate_step_args(X_t, H_prev, W_x, W_h, (b_x, b_h), 3)
    X_r, X_z, X_n = (X_t @ W_x + b_x).chunk(3, dim=-1)  # (B, h) each
    H_r, H_z, H_n = (H_prev @ W_h + b_h).chunk(3, dim=-1)  # (B, h) each
    R, Z = torch.sigmoid(X_r + H_r), torch.sigmoid(X_z + H_z)  # (B, h), (B, h)
    N = torch.tanh(X_n + R * H_n)  # (B, h)
    return (1 - Z) * N + Z * H_prev  # (B, h)


def gru_forward(X: torch.Tensor, H0: torch.Tensor, W_x: torch.Tensor, W_h: torch.Tensor, b_x: torch.Tensor,
                b_h: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Unroll :func:`gru_step` over ``X`` ``(B, T, d)``.

    Returns every hidden state ``(B, T, h)`` and the last one ``(B, h)``, like
    ``nn.GRU(batch_first=True)``.
    """
    check_shape(X, (H0.shape[0], None, W_x.shape[0]), "X")
    H, outputs = H0, []
    for t in range(X.shape[1]):
        H = gru_step(X[:, t], H, W_x, W_h, b_x, b_h)  # (B, h)
        outputs.append(H)
    return torch.stack(outputs, dim=1), H  # (B, T, h), (B, h)


def _copy_weights(layer: nn.RNNBase, W_x: torch.Tensor, W_h: torch.Tensor, b_ih: torch.Tensor,
                  b_hh: torch.Tensor) -> None:
    check_shape(W_x.T, tuple(layer.weight_ih_l0.shape), "W_x.T")
    check_shape(W_h.T, tuple(layer.weight_hh_l0.shape), "W_h.T")
    with torch.no_grad():
        layer.weight_ih_l0.copy_(W_x.T)
        layer.weight_hh_l0.copy_(W_h.T)
        layer.bias_ih_l0.copy_(b_ih)
        layer.bias_hh_l0.copy_(b_hh)


def load_lstm_weights(layer: nn.LSTM, W_x: torch.Tensor, W_h: torch.Tensor, b: torch.Tensor) -> None:
    """Copy from-scratch LSTM weights into a one-layer ``nn.LSTM``.

    PyTorch stores ``weight_ih_l0`` ``(4h, d)`` and computes ``x W^T``, so the matrices are
    transposed; the gate order ``i, f, g, o`` is the same.  Of its two biases
    (``b_ih + b_hh``) one gets ``b`` and the other zeros.
    """
    _copy_weights(layer, W_x, W_h, b, torch.zeros_like(b))


def load_gru_weights(layer: nn.GRU, W_x: torch.Tensor, W_h: torch.Tensor, b_x: torch.Tensor,
                     b_h: torch.Tensor) -> None:
    """Copy from-scratch GRU weights into a one-layer ``nn.GRU``: transposed, biases as given.

    The two biases are not interchangeable: ``b_hn`` sits inside the reset gate's product.
    """
    _copy_weights(layer, W_x, W_h, b_x, b_h)
