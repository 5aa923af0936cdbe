"""Bidirectional and multilayer LSTMs in PyTorch: from scratch, in ``nn.LSTM``, and read out right.

The twin of :mod:`course_utils.keras.stacked` (Chapter 4).  A stack's weights are
``layers_weights``: a list over layers of a list over directions (forward, then backward
when bidirectional) of ``(W_x, W_h, b)`` in the row form of :mod:`course_utils.torch.gates`
(blocks ``[i | f | g | o]``).  Layer 0's ``W_x`` is ``(d, 4h)``; layer ``l > 0`` reads the
previous layer's output, so its ``W_x`` is ``(num_directions * h, 4h)``.

A padded batch comes with ``lengths`` (the number of real tokens of each sequence, padding
on the right).  The backward direction then reads each sequence's real tokens reversed,
starting at its last real token, as ``nn.LSTM`` does on a packed sequence; outputs at padded
positions are zero and the final states are those after each sequence's own last step.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch
from torch import nn

from course_utils.checks import check_lengths, check_shape, to_numpy
from course_utils.torch.gates import lstm_forward

CELLS = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}
_DIRECTIONS = ("forward", "backward")


def _one_direction(X: torch.Tensor, lengths: list[int], W_x: torch.Tensor, W_h: torch.Tensor,
                   b: torch.Tensor, reverse: bool) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """One direction of one layer over a padded batch: outputs ``(B, T, h)``, last ``H``, ``C`` ``(B, h)``.

    The sequences of equal length run together through :func:`lstm_forward` on their real
    tokens only (reversed for the backward direction), as a packed sequence would.
    """
    num_steps, num_hiddens = X.shape[1], W_h.shape[0]
    order, outputs, Hs, Cs = [], [], [], []
    for length in sorted(set(lengths)):
        rows = [k for k, n in enumerate(lengths) if n == length]
        X_real = X[rows, :length]  # (n, L, d)
        if reverse:
            X_real = X_real.flip(1)  # (n, L, d): last real token first
        zeros = X.new_zeros((len(rows), num_hiddens))  # (n, h)
        out, (H, C) = lstm_forward(X_real, zeros, zeros, W_x, W_h, b)  # (n, L, h), (n, h), (n, h)
        if reverse:
            out = out.flip(1)  # (n, L, h): step t has read tokens L-1, ..., t
        outputs.append(nn.functional.pad(out, (0, 0, 0, num_steps - length)))  # (n, T, h), zero padding
        order += rows
        Hs.append(H)
        Cs.append(C)
    inverse = torch.argsort(torch.tensor(order))  # (B,): back to the batch's own order
    return torch.cat(outputs)[inverse], torch.cat(Hs)[inverse], torch.cat(Cs)[inverse]


def stacked_lstm_forward(X: torch.Tensor, layers_weights: Sequence[Sequence[Sequence[torch.Tensor]]],
                         bidirectional: bool = False, lengths: Any = None
                         ) -> tuple[torch.Tensor, tuple[torch.Tensor, torch.Tensor]]:
    """A multilayer, optionally bidirectional LSTM from zero states, built from :func:`lstm_forward`.

    ``X`` is ``(B, T, d)``; ``layers_weights[l][k]`` is ``(W_x, W_h, b)`` of layer ``l``,
    direction ``k`` (0 forward, 1 backward).  The output of layer ``l`` is the input of layer
    ``l + 1``; a bidirectional layer's output is ``[forward | backward]`` along the last axis.
    With ``lengths`` ``(B,)`` (right padding) each direction reads only the real tokens.

    Returns ``output`` ``(B, T, num_directions * h)`` (zero at padded positions) and
    ``(h_n, c_n)``, each ``(num_layers * num_directions, B, h)`` with index
    ``layer * num_directions + direction``, exactly like ``nn.LSTM(batch_first=True)`` (on a
    packed sequence when ``lengths`` is given).  Dropout between layers is not applied:
    compare with a module in ``eval()`` mode.
    """
    check_shape(X, (None, None, None), "X")
    if len(layers_weights) < 1:
        raise AssertionError("layers_weights should hold at least one layer, got none")
    num_directions = 2 if bidirectional else 1
    lengths = check_lengths(lengths, X.shape[0], X.shape[1])
    H_n, C_n = [], []
    for l, directions in enumerate(layers_weights):
        if len(directions) != num_directions:
            raise AssertionError(f"layers_weights[{l}] should hold {num_directions} direction(s) of "
                                 f"(W_x, W_h, b), got {len(directions)}")
        outputs = []
        for k, (W_x, W_h, b) in enumerate(directions):
            check_shape(W_x, (X.shape[-1], None), f"W_x of layer {l}, {_DIRECTIONS[k]}")
            out, H, C = _one_direction(X, lengths, W_x, W_h, b, reverse=k == 1)  # (B, T, h), (B, h), (B, h)
            outputs.append(out)
            H_n.append(H)
            C_n.append(C)
        X = torch.cat(outputs, dim=-1)  # (B, T, num_directions * h): the next layer's input
    return X, (torch.stack(H_n), torch.stack(C_n))  # (B, T, D*h), ((L*D, B, h), (L*D, B, h))


def _check_module(stack: nn.LSTM) -> None:
    if not isinstance(stack, nn.LSTM) or stack.proj_size or not stack.bias:
        raise ValueError("expected an nn.LSTM with bias=True and no projection (proj_size=0)")


def load_stacked_lstm_weights(stack: nn.LSTM,
                              layers_weights: Sequence[Sequence[Sequence[torch.Tensor]]]) -> None:
    """Copy ``layers_weights`` (see :func:`stacked_lstm_forward`) into ``nn.LSTM(num_layers=L, ...)``.

    Layer ``l``'s forward direction goes to ``weight_ih_l{l}``, ``weight_hh_l{l}``,
    ``bias_ih_l{l}``, ``bias_hh_l{l}``, its backward direction to the same names with
    ``_reverse``; the matrices are transposed and ``b`` goes to ``bias_ih`` (``bias_hh`` gets
    zeros).  The number of layers and of directions must match the module's.
    """
    _check_module(stack)
    num_directions = 2 if stack.bidirectional else 1
    if len(layers_weights) != stack.num_layers or any(len(ws) != num_directions for ws in layers_weights):
        raise AssertionError(f"layers_weights should hold num_layers = {stack.num_layers} layers of "
                             f"{num_directions} direction(s), got {[len(ws) for ws in layers_weights]}")
    with torch.no_grad():
        for l, directions in enumerate(layers_weights):
            for k, (W_x, W_h, b) in enumerate(directions):
                suffix = f"_l{l}" + ("_reverse" if k else "")
                values = {"weight_ih": W_x.T, "weight_hh": W_h.T, "bias_ih": b, "bias_hh": torch.zeros_like(b)}
                for name, value in values.items():
                    parameter = getattr(stack, name + suffix)
                    check_shape(value, tuple(parameter.shape), f"{name}{suffix}")
                    parameter.copy_(value)


def stacked_lstm_weights(stack: nn.LSTM) -> list[list[tuple[torch.Tensor, torch.Tensor, torch.Tensor]]]:
    """Read an ``nn.LSTM``'s weights as ``layers_weights`` (see :func:`stacked_lstm_forward`).

    ``W_x = weight_ih_l{l}.T``, ``W_h = weight_hh_l{l}.T`` and ``b = bias_ih_l{l} + bias_hh_l{l}``
    (``_reverse`` for the backward direction), detached copies.
    """
    _check_module(stack)
    suffixes = ("", "_reverse") if stack.bidirectional else ("",)

    def read(name: str) -> torch.Tensor:
        return getattr(stack, name).detach().clone()

    return [[(read(f"weight_ih_l{l}{s}").T, read(f"weight_hh_l{l}{s}").T,  # (d, 4h), (h, 4h)
              read(f"bias_ih_l{l}{s}") + read(f"bias_hh_l{l}{s}"))  # (4h,)
             for s in suffixes] for l in range(stack.num_layers)]


def final_states(h_n: torch.Tensor, num_layers: int, bidirectional: bool) -> torch.Tensor:
    """The last layer's final states: ``[forward | backward]`` ``(B, 2h)``, or ``(B, h)`` unidirectional.

    ``h_n`` is PyTorch's layout ``(num_layers * num_directions, B, h)``; viewed as
    ``(num_layers, num_directions, B, h)``, the last layer is ``[-1]``.  Do not take
    ``h_n[-1]``: for a bidirectional stack that is the last layer's backward direction only.
    """
    num_directions = 2 if bidirectional else 1
    if h_n.ndim != 3 or h_n.shape[0] != num_layers * num_directions:
        raise AssertionError(f"h_n should have shape (num_layers * num_directions, B, h) = "
                             f"({num_layers * num_directions}, any, any), got {tuple(h_n.shape)}")
    last = h_n.reshape(num_layers, num_directions, *h_n.shape[1:])[-1]  # (D, B, h)
    return torch.cat(list(last), dim=-1)  # (B, D*h)


def last_forward_first_backward(output: torch.Tensor, lengths: Any = None) -> torch.Tensor:
    """A sentence vector ``(B, 2h)`` from a padded bidirectional ``output`` ``(B, T, 2h)``.

    The forward half at each sequence's last real step ``lengths - 1`` and the backward half at
    step 0: the two states that have read the whole sentence (equal to :func:`final_states`).
    ``output[:, -1]`` is wrong: its backward half has read one token only (the last), and with
    padding its forward half is read at a padded step (zero, or a state that has read padding).
    ``lengths`` None means no padding.
    """
    check_shape(output, (None, None, None), "output")
    if output.shape[-1] % 2:
        raise AssertionError(f"output should have shape (B, T, 2h), got {tuple(output.shape)}: odd last axis")
    num_hiddens = output.shape[-1] // 2
    lengths = check_lengths(lengths, output.shape[0], output.shape[1])
    last = torch.tensor(lengths, device=output.device) - 1  # (B,)
    forward = output[torch.arange(output.shape[0], device=output.device), last, :num_hiddens]  # (B, h)
    return torch.cat([forward, output[:, 0, num_hiddens:]], dim=-1)  # (B, 2h)


def masked_token_accuracy(Y_hat: torch.Tensor, Y: torch.Tensor, pad_id: int) -> float:
    """The share of non-padding positions ``Y != pad_id`` where the prediction equals ``Y``.

    ``Y`` is ``(B, T)`` gold ids; ``Y_hat`` is logits ``(B, T, q)`` (the arg-max is taken) or
    predicted ids ``(B, T)``.  Padding counts neither as right nor as wrong.  Raises
    ``ValueError`` when ``Y`` holds padding only.
    """
    check_shape(Y, (None, None), "Y")
    pred = Y_hat.argmax(dim=-1) if Y_hat.ndim == 3 else Y_hat  # (B, T)
    check_shape(pred, tuple(Y.shape), "Y_hat.argmax(-1)" if Y_hat.ndim == 3 else "Y_hat")
    real = Y != pad_id  # (B, T)
    if not bool(real.any()):
        raise ValueError(f"Y holds padding (pad_id={pad_id}) only: no token to score")
    return float(((pred == Y) & real).sum()) / float(real.sum())


def bidirectional_stack(cell: str, num_inputs: int, num_hiddens: int, num_layers: int,
                        bidirectional: bool = True, dropout: float = 0.0, merge_mode: str = "concat") -> nn.RNNBase:
    """``nn.RNN``/``nn.LSTM``/``nn.GRU(num_inputs, num_hiddens, num_layers, batch_first=True, ...)``.

    ``cell`` is "rnn", "lstm" or "gru"; ``dropout`` acts on the outputs of every layer but the
    last (training mode only).  PyTorch always concatenates the two directions, so
    ``merge_mode`` must be "concat" (a ``ValueError`` otherwise; Keras' twin has more modes).
    """
    if cell not in CELLS:
        raise ValueError(f"cell must be 'rnn', 'lstm' or 'gru', got {cell!r}")
    if merge_mode != "concat":
        raise ValueError(f"nn.{CELLS[cell].__name__} concatenates the directions: merge_mode must be "
                         f"'concat', got {merge_mode!r}")
    return CELLS[cell](num_inputs, num_hiddens, num_layers=num_layers, batch_first=True,
                       bidirectional=bidirectional, dropout=dropout)


class _Tagger(nn.Module):
    """Embedding, a packed recurrent stack, a linear layer: see :func:`sequence_tagger`."""

    def __init__(self, vocab_size: int, num_tags: int, embed_dim: int, num_hiddens: int, num_layers: int,
                 bidirectional: bool, cell: str) -> None:
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed_dim, padding_idx=0)
        self.rnn = bidirectional_stack(cell, embed_dim, num_hiddens, num_layers, bidirectional)
        self.head = nn.Linear(num_hiddens * (2 if bidirectional else 1), num_tags)

    def forward(self, X: torch.Tensor, lengths: Any) -> torch.Tensor:
        """Logits ``(B, T, num_tags)`` for ids ``X`` ``(B, T)`` padded on the right to ``lengths``."""
        packed = nn.utils.rnn.pack_padded_sequence(self.embedding(X), torch.as_tensor(lengths).cpu(),
                                                   batch_first=True, enforce_sorted=False)
        out, _ = self.rnn(packed)
        out, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=True, total_length=X.shape[1])  # (B, T, D*h)
        return self.head(out)  # (B, T, num_tags)


def sequence_tagger(vocab_size: int, num_tags: int, embed_dim: int, num_hiddens: int, num_layers: int,
                    bidirectional: bool = True, cell: str = "lstm") -> nn.Module:
    """A tagger: ``nn.Embedding(padding_idx=0)``, a packed recurrent stack, ``nn.Linear`` per token.

    ``model(X, lengths)`` maps ids ``(B, T)`` padded on the right (0 is padding) to logits
    ``(B, T, num_tags)``; packing makes each direction read only the real tokens.
    """
    return _Tagger(vocab_size, num_tags, embed_dim, num_hiddens, num_layers, bidirectional, cell)
