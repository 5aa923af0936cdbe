"""A vanilla RNN from scratch in PyTorch, and copying its weights into ``torch.nn.RNN``.

Conventions (the course's naming table): ``X`` is a batch of inputs, batch first,
``(B, T, D)`` with ``D`` the input size; ``H`` a hidden state ``(B, num_hiddens)``;
weights are stored so that ``X_t @ W_xh`` works, i.e. ``W_xh`` is ``(D, num_hiddens)``
and ``W_hh`` is ``(num_hiddens, num_hiddens)``, as in the lectures and in Keras.
"""

from __future__ import annotations

import torch
from torch import nn

from course_utils.checks import check_rnn_step_args, check_shape


def rnn_step(X_t: torch.Tensor, H_prev: torch.Tensor, W_xh: torch.Tensor, W_hh: torch.Tensor,
             b_h: torch.Tensor) -> torch.Tensor:
    """One step of a vanilla RNN: ``H_t = tanh(X_t W_xh + H_prev W_hh + b_h)``, shape ``(B, num_hiddens)``."""
    check_rnn_step_args(X_t, H_prev, W_xh, W_hh, b_h)
    return torch.tanh(X_t @ W_xh + H_prev @ W_hh + b_h)


def rnn_forward(X: torch.Tensor, H0: torch.Tensor, W_xh: torch.Tensor, W_hh: torch.Tensor,
                b_h: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Unroll :func:`rnn_step` over ``X`` of shape ``(B, T, D)``.

    Returns every hidden state ``(B, T, num_hiddens)`` and the last one ``(B, num_hiddens)``,
    like ``torch.nn.RNN(batch_first=True)`` (which adds a leading layer axis to the last state).
    """
    check_shape(X, (H0.shape[0], None, W_xh.shape[0]), "X")
    H, outputs = H0, []
    for t in range(X.shape[1]):
        H = rnn_step(X[:, t], H, W_xh, W_hh, b_h)  # (B, num_hiddens)
        outputs.append(H)
    return torch.stack(outputs, dim=1), H  # (B, T, num_hiddens), (B, num_hiddens)


def load_rnn_weights(layer: nn.RNN, W_xh: torch.Tensor, W_hh: torch.Tensor, b_h: torch.Tensor) -> None:
    """Copy from-scratch weights into a one-layer ``nn.RNN``.

    PyTorch stores ``weight_ih_l0`` as ``(num_hiddens, D)`` and computes ``x W^T``, so the
    matrices are transposed; it has two biases (``b_ih + b_hh``), so one gets ``b_h``
    and the other zeros.
    """
    check_shape(layer.weight_ih_l0, tuple(W_xh.T.shape), "layer.weight_ih_l0")
    with torch.no_grad():
        layer.weight_ih_l0.copy_(W_xh.T)
        layer.weight_hh_l0.copy_(W_hh.T)
        layer.bias_ih_l0.copy_(b_h)
        layer.bias_hh_l0.zero_()
