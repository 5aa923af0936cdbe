"""A bidirectional stack over a right-padded batch, from one-direction recurrences (Chapter 4).

The twin of :mod:`course_utils.keras.padded`.  A *direction* here is any function ``run`` that
maps a batch ``(B, T, d)`` to the states ``(B, T, h)`` of one recurrence run left to right from a
zero state over every position (padding included): a from-scratch LSTM loop, or one layer and
direction of an ``nn.RNN``/``nn.LSTM``/``nn.GRU`` (:func:`direction_runners`).

With padding on the right, the states at the real positions of a left-to-right run never
depend on the padding, so the forward direction needs no care beyond reading its final state
at each sequence's own last real step.  The backward direction must start at the last *real*
step: :func:`reverse_padded` reverses each sequence within its length (the padding stays at
the end), the direction runs left to right over that, and a second :func:`reverse_padded`
puts its states back in the sentence's order.  That is what ``nn.LSTM`` does on a packed
sequence, and what Keras' ``Bidirectional`` does under a mask.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import torch
from torch import nn

from course_utils.checks import check_lengths, check_shape

Direction = Callable[[torch.Tensor], torch.Tensor]


def _as_array(lengths: Any) -> Any:
    """A list or tuple of lengths as an array (tensors and arrays pass as they are)."""
    return np.asarray(lengths) if isinstance(lengths, (list, tuple)) else lengths


def reverse_padded(X: torch.Tensor, lengths: Any) -> torch.Tensor:
    """Each sequence of a right-padded batch reversed within its own length, the padding left in place.

    ``X`` is ``(B, T, ...)`` and ``lengths`` ``(B,)`` (each in ``1..T``): row ``b`` of the result
    holds ``X[b, n-1], ..., X[b, 0]`` followed by ``X[b, n:]`` unchanged, with ``n = lengths[b]``.
    It is its own inverse, and it is differentiable (an index, not a copy in place).
    """
    if X.dim() < 2:
        raise AssertionError(f"X should have a batch and a time axis, (B, T, ...), got shape {tuple(X.shape)}")
    n = torch.tensor(check_lengths(_as_array(lengths), X.shape[0], X.shape[1]), device=X.device)[:, None]  # (B, 1)
    steps = torch.arange(X.shape[1], device=X.device)  # (T,)
    source = torch.where(steps < n, n - 1 - steps, steps)  # (B, T): where each step comes from
    rows = torch.arange(X.shape[0], device=X.device)[:, None]  # (B, 1)
    return X[rows, source]  # (B, T, ...)


def bidirectional_rnn(X: torch.Tensor, lengths: Any,
                      layers: Sequence[tuple[Direction, Direction]]) -> tuple[torch.Tensor, torch.Tensor]:
    """A stack of bidirectional layers over a right-padded batch, built from one-direction runs.

    ``X`` is ``(B, T, d)``, ``lengths`` ``(B,)``; ``layers[l]`` is ``(forward, backward)``, two
    directions (see the module docstring) of layer ``l``, the first reading ``d`` features,
    every later one the ``2h`` of the layer below.  Layer ``l + 1`` reads ``[forward |
    backward]`` of layer ``l`` at every step.

    Returns ``output`` ``(B, T, 2h)``, the last layer's states, zero at padded positions, and
    ``h_n`` ``(2 * num_layers, B, h)``, row ``2 l + k`` the final state of layer ``l``,
    direction ``k`` (forward: at step ``lengths - 1``; backward: at step 0), as
    ``nn.LSTM(num_layers, bidirectional=True)`` returns them for a packed batch.
    """
    check_shape(X, (None, None, None), "X")
    if len(layers) < 1:
        raise AssertionError("layers should hold at least one (forward, backward) pair, got none")
    n = torch.tensor(check_lengths(_as_array(lengths), X.shape[0], X.shape[1]), device=X.device)  # (B,)
    real = (torch.arange(X.shape[1], device=X.device) < n[:, None])[..., None]  # (B, T, 1)
    rows = torch.arange(X.shape[0], device=X.device)  # (B,)
    H_n = []
    for forward, backward in layers:
        out_f = forward(X)  # (B, T, h): step t has read steps 0..t
        out_b = reverse_padded(backward(reverse_padded(X, n)), n)  # (B, T, h): step t has read n-1..t
        H_n += [out_f[rows, n - 1], out_b[:, 0]]  # (B, h) each: each direction's own last step
        X = torch.cat([out_f, out_b], dim=-1) * real  # (B, T, 2h): the next layer's input, zero padding
    return X, torch.stack(H_n)  # (B, T, 2h), (2L, B, h)


class _OneDirection(nn.Module):
    """One direction of one layer of a stack, as a module: ``X`` ``(B, T, d)`` to its states ``(B, T, h)``.

    It runs left to right from a zero state over every step it is given; ``rnn`` is a one-layer,
    one-direction ``nn.RNN``/``nn.LSTM``/``nn.GRU(batch_first=True)`` that holds the weights.
    """

    def __init__(self, rnn: nn.RNNBase) -> None:
        super().__init__()
        self.rnn = rnn

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        """The states of every step, ``(B, T, h)``."""
        return self.rnn(X)[0]


def direction_runners(stack: nn.RNNBase) -> list[tuple[_OneDirection, ...]]:
    """The directions of every layer of ``nn.RNN``/``nn.LSTM``/``nn.GRU(batch_first=True)``, as modules.

    ``runners[l][k]`` runs layer ``l``, direction ``k`` (0 forward, 1 backward) of ``stack`` left
    to right from a zero state: ``run(X)`` maps ``(B, T, d_l)`` to ``(B, T, h)``.  Feed the
    backward one a reversed sequence (:func:`reverse_padded`), as :func:`bidirectional_rnn` does.
    The runners hold the stack's own parameters (gradients reach them; a copied runner, e.g. a
    pickled one, holds copies); dropout between layers is not applied.
    """
    if not isinstance(stack, nn.RNNBase) or not stack.batch_first or getattr(stack, "proj_size", 0):
        raise ValueError("expected an nn.RNN, nn.LSTM or nn.GRU with batch_first=True and no projection")
    suffixes = ("", "_reverse") if stack.bidirectional else ("",)
    extra = {"nonlinearity": stack.nonlinearity} if isinstance(stack, nn.RNN) else {}

    def runner(l: int, suffix: str) -> _OneDirection:
        num_inputs = getattr(stack, f"weight_ih_l{l}{suffix}").shape[1]  # d, or D*h above layer 0
        one = type(stack)(num_inputs, stack.hidden_size, batch_first=True, bias=stack.bias, **extra)
        for name in one._flat_weights_names:  # weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0
            setattr(one, name, getattr(stack, name.replace("_l0", f"_l{l}{suffix}")))  # shared
        return _OneDirection(one.to(getattr(stack, f"weight_ih_l{l}{suffix}").device))

    return [tuple(runner(l, s) for s in suffixes) for l in range(stack.num_layers)]
