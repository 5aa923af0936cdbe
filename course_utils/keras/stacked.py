"""Bidirectional and multilayer LSTMs in Keras: from scratch, in stacked layers, and read out right.

The twin of :mod:`course_utils.torch.stacked` (Chapter 4), with the same ``layers_weights``:
a list over layers of a list over directions (forward, then backward when bidirectional) of
``(W_x, W_h, b)`` in the row form of :mod:`course_utils.keras.gates` (blocks ``[i | f | g | o]``,
which is Keras' ``[i | f | c | o]``).  Layer 0's ``W_x`` is ``(d, 4h)``; layer ``l > 0`` reads
the previous layer's output, so its ``W_x`` is ``(num_directions * h, 4h)``.  The final
states use PyTorch's layout ``(num_layers * num_directions, B, h)`` in both twins.

Keras' stack is a list of layers, ``Bidirectional(LSTM(h, return_sequences=True))`` or
``LSTM(h, return_sequences=True)``, as :func:`bidirectional_stack` builds it.  With a mask
(``Embedding(mask_zero=True)`` or ``Masking``) and padding on the right, Keras 3's
``Bidirectional`` reverses each sequence's real tokens only: its backward layer
(``go_backwards=True``) reverses the whole padded sequence and its mask, skips the leading
padded steps with its state unchanged (still the zero initial state), and the output is
flipped back, so it matches PyTorch's packed sequences and :func:`stacked_lstm_forward`
with ``lengths`` (tested).  Without a mask the backward direction starts on the padding.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import keras
import numpy as np
from keras import layers, ops

from course_utils.checks import check_lengths, check_shape, to_numpy
from course_utils.keras.gates import lstm_forward

CELLS = {"rnn": layers.SimpleRNN, "lstm": layers.LSTM, "gru": layers.GRU}
_DIRECTIONS = ("forward", "backward")
_MERGE_SIZES = {"concat": 2, "sum": 1, "ave": 1, "mul": 1}  # Bidirectional output size, in units of h



def _one_direction(X, lengths: list[int], W_x, W_h, b, reverse: bool) -> tuple:
    """One direction of one layer over a padded batch: outputs ``(B, T, h)``, last ``H``, ``C`` ``(B, h)``.

    The sequences of equal length run together through :func:`lstm_forward` on their real
    tokens only (reversed for the backward direction), as a packed sequence would.
    """
    num_steps, num_hiddens = X.shape[1], W_h.shape[0]
    order, outputs, Hs, Cs = [], [], [], []
    for length in sorted(set(lengths)):
        rows = [k for k, n in enumerate(lengths) if n == length]
        X_real = ops.take(X, rows, axis=0)[:, :length]  # (n, L, d)
        if reverse:
            X_real = ops.flip(X_real, axis=1)  # (n, L, d): last real token first
        zeros = ops.zeros((len(rows), num_hiddens), dtype=X.dtype)  # (n, h)
        out, (H, C) = lstm_forward(X_real, zeros, zeros, W_x, W_h, b)  # (n, L, h), (n, h), (n, h)
        if reverse:
            out = ops.flip(out, axis=1)  # (n, L, h): step t has read tokens L-1, ..., t
        outputs.append(ops.pad(out, [[0, 0], [0, num_steps - length], [0, 0]]))  # (n, T, h), zero padding
        order += rows
        Hs.append(H)
        Cs.append(C)
    inverse = np.argsort(order)  # (B,): back to the batch's own order
    return tuple(ops.take(ops.concatenate(parts), inverse, axis=0) for parts in (outputs, Hs, Cs))


def stacked_lstm_forward(X, layers_weights: Sequence[Sequence[Sequence[Any]]], bidirectional: bool = False,
                         lengths: Any = None) -> tuple:
    """A multilayer, optionally bidirectional LSTM from zero states, built from :func:`lstm_forward`.

    ``X`` is ``(B, T, d)``; ``layers_weights[l][k]`` is ``(W_x, W_h, b)`` of layer ``l``,
    direction ``k`` (0 forward, 1 backward).  The output of layer ``l`` is the input of layer
    ``l + 1``; a bidirectional layer's output is ``[forward | backward]`` along the last axis.
    With ``lengths`` ``(B,)`` (right padding) each direction reads only the real tokens.

    Returns ``output`` ``(B, T, num_directions * h)`` (zero at padded positions) and
    ``(h_n, c_n)``, each ``(num_layers * num_directions, B, h)`` with index
    ``layer * num_directions + direction`` (PyTorch's layout).  ``output`` equals the Keras
    stack's (masked when ``lengths`` is given); Keras returns the states per layer instead
    (``return_state=True``: ``h`` and ``c`` forward, then backward).  No dropout is applied.
    """
    X = ops.convert_to_tensor(X)  # (B, T, d)
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
        X = ops.concatenate(outputs, axis=-1)  # (B, T, num_directions * h): the next layer's input
    return X, (ops.stack(H_n), ops.stack(C_n))  # (B, T, D*h), ((L*D, B, h), (L*D, B, h))


def _recurrent_layers(stack) -> list:
    """The LSTM and Bidirectional(LSTM) layers of a list of layers or a model, in order (Dropout skipped)."""
    found = [layer for layer in (stack.layers if isinstance(stack, keras.Model) else stack)
             if not isinstance(layer, (layers.Dropout, layers.InputLayer))]
    for layer in found:
        inner = layer.forward_layer if isinstance(layer, layers.Bidirectional) else layer
        if not isinstance(inner, layers.LSTM) or (inner is layer and layer.go_backwards):
            raise ValueError(f"expected LSTM or Bidirectional(LSTM) layers (and Dropout), got {layer.name}")
        if not layer.built:
            raise ValueError(f"build {layer.name} first, e.g. layer.build((None, None, num_inputs))")
    return [[layer.forward_layer, layer.backward_layer] if isinstance(layer, layers.Bidirectional) else [layer]
            for layer in found]


def load_stacked_lstm_weights(stack, layers_weights: Sequence[Sequence[Sequence[Any]]]) -> None:
    """Copy ``layers_weights`` (see :func:`stacked_lstm_forward`) into a stack of built Keras layers.

    ``stack`` is a list of ``LSTM`` or ``Bidirectional(LSTM)`` layers (``Dropout`` in between is
    skipped), as :func:`bidirectional_stack` returns, or a model holding them.  Each
    direction's ``kernel``, ``recurrent_kernel`` and ``bias`` are ``W_x``, ``W_h``, ``b`` as
    they are; a ``Bidirectional``'s ``forward_layer`` gets direction 0, its ``backward_layer``
    direction 1.  The number of layers and of directions must match the stack's.
    """
    stack = _recurrent_layers(stack)
    if [len(ws) for ws in layers_weights] != [len(ls) for ls in stack]:
        raise AssertionError(f"layers_weights should hold {[len(ls) for ls in stack]} direction(s) per layer, "
                             f"got {[len(ws) for ws in layers_weights]}")
    for l, (directions, keras_layers) in enumerate(zip(layers_weights, stack)):
        for k, (weights, layer) in enumerate(zip(directions, keras_layers)):
            weights = [to_numpy(w) for w in weights]  # (d, 4h), (h, 4h), (4h,)
            for name, new, old in zip(("W_x", "W_h", "b"), weights, layer.get_weights()):
                check_shape(new, old.shape, f"{name} of layer {l}, {_DIRECTIONS[k]}")
            layer.set_weights(weights)


def stacked_lstm_weights(stack) -> list[list[tuple[np.ndarray, np.ndarray, np.ndarray]]]:
    """Read a stack's weights as ``layers_weights`` (see :func:`load_stacked_lstm_weights` for ``stack``).

    Each direction's ``(kernel, recurrent_kernel, bias)`` as NumPy arrays: Keras stores the
    row form and the gate order ``[i | f | c | o]`` of the from-scratch code already.
    """
    return [[tuple(layer.get_weights()) for layer in directions] for directions in _recurrent_layers(stack)]


def final_states(h_n, num_layers: int, bidirectional: bool):
    """The last layer's final states: ``[forward | backward]`` ``(B, 2h)``, or ``(B, h)`` unidirectional.

    ``h_n`` is PyTorch's layout ``(num_layers * num_directions, B, h)`` (what
    :func:`stacked_lstm_forward` returns); viewed as ``(num_layers, num_directions, B, h)``,
    the last layer is ``[-1]``.  ``h_n[-1]`` alone would be the backward direction only.
    """
    num_directions = 2 if bidirectional else 1
    h_n = ops.convert_to_tensor(h_n)  # (L*D, B, h)
    if len(h_n.shape) != 3 or h_n.shape[0] != num_layers * num_directions:
        raise AssertionError(f"h_n should have shape (num_layers * num_directions, B, h) = "
                             f"({num_layers * num_directions}, any, any), got {tuple(h_n.shape)}")
    last = ops.reshape(h_n, (num_layers, num_directions, *h_n.shape[1:]))[-1]  # (D, B, h)
    return ops.concatenate([last[k] for k in range(num_directions)], axis=-1)  # (B, D*h)


def last_forward_first_backward(output, lengths: Any = None):
    """A sentence vector ``(B, 2h)`` from a padded bidirectional ``output`` ``(B, T, 2h)``.

    The forward half at each sequence's last real step ``lengths - 1`` and the backward half at
    step 0: the two states that have read the whole sentence (equal to :func:`final_states`).
    ``output[:, -1]`` is wrong: its backward half has read one token only (the last), and with
    padding its forward half is read at a padded step (zero under a mask, or a state that has
    read padding).  ``lengths`` None means no padding.
    """
    output = ops.convert_to_tensor(output)  # (B, T, 2h)
    check_shape(output, (None, None, None), "output")
    batch_size, num_steps, size = output.shape
    if size % 2:
        raise AssertionError(f"output should have shape (B, T, 2h), got {tuple(output.shape)}: odd last axis")
    num_hiddens = size // 2
    last = np.array(check_lengths(lengths, batch_size, num_steps)) - 1  # (B,)
    index = np.broadcast_to(last[:, None, None], (batch_size, 1, num_hiddens))  # (B, 1, h)
    forward = ops.take_along_axis(output[:, :, :num_hiddens], index, axis=1)[:, 0]  # (B, h)
    return ops.concatenate([forward, output[:, 0, num_hiddens:]], axis=-1)  # (B, 2h)


def masked_token_accuracy(Y_hat, Y, pad_id: int) -> float:
    """The share of non-padding positions ``Y != pad_id`` where the prediction equals ``Y``.

    ``Y`` is ``(B, T)`` gold ids; ``Y_hat`` is logits ``(B, T, q)`` (the arg-max is taken) or
    predicted ids ``(B, T)``.  Padding counts neither as right nor as wrong.  Raises
    ``ValueError`` when ``Y`` holds padding only.
    """
    Y, Y_hat = to_numpy(Y), to_numpy(Y_hat)
    check_shape(Y, (None, None), "Y")
    pred = Y_hat.argmax(axis=-1) if Y_hat.ndim == 3 else Y_hat  # (B, T)
    check_shape(pred, Y.shape, "Y_hat.argmax(-1)" if Y_hat.ndim == 3 else "Y_hat")
    real = Y != pad_id  # (B, T)
    if not real.any():
        raise ValueError(f"Y holds padding (pad_id={pad_id}) only: no token to score")
    return float(((pred == Y) & real).sum()) / float(real.sum())


def bidirectional_stack(cell: str, num_inputs: int, num_hiddens: int, num_layers: int,
                        bidirectional: bool = True, dropout: float = 0.0, merge_mode: str = "concat") -> list:
    """``num_layers`` built recurrent layers, each ``return_sequences=True``, to put in a model.

    ``cell`` is "rnn", "lstm" or "gru" (``SimpleRNN``, ``LSTM``, ``GRU`` with their defaults,
    cuDNN-eligible); each is wrapped in ``Bidirectional(merge_mode=...)`` when
    ``bidirectional``.  Layer 0 is built for ``num_inputs`` features and layer ``l > 0`` for
    the previous layer's output, so weights can be loaded at once.  With ``dropout > 0`` a
    ``Dropout`` layer sits between two recurrent layers, as ``nn.LSTM(dropout=...)`` does.
    """
    if cell not in CELLS:
        raise ValueError(f"cell must be 'rnn', 'lstm' or 'gru', got {cell!r}")
    if merge_mode not in _MERGE_SIZES:
        raise ValueError(f"merge_mode must be one of {', '.join(map(repr, _MERGE_SIZES))}, got {merge_mode!r}")
    stack, size = [], num_inputs
    for l in range(num_layers):
        if l and dropout:
            stack.append(layers.Dropout(dropout))
        layer = CELLS[cell](num_hiddens, return_sequences=True)
        if bidirectional:
            layer = layers.Bidirectional(layer, merge_mode=merge_mode)
        layer.build((None, None, size))
        stack.append(layer)
        size = num_hiddens * (_MERGE_SIZES[merge_mode] if bidirectional else 1)
    return stack


def sequence_tagger(vocab_size: int, num_tags: int, embed_dim: int, num_hiddens: int, num_layers: int,
                    bidirectional: bool = True, cell: str = "lstm") -> keras.Model:
    """A tagger: ``Embedding(mask_zero=True)``, ``num_layers`` recurrent layers, ``Dense(num_tags)``.

    Ids ``(B, T)`` (0 is padding) -> logits ``(B, T, num_tags)``, one score vector per token.
    The mask reaches every recurrent layer (each ``return_sequences=True``, wrapped in
    ``Bidirectional`` when ``bidirectional``), so padding changes no real token's logits.
    """
    ids = keras.Input((None,), dtype="int32")  # (B, T)
    X = layers.Embedding(vocab_size, embed_dim, mask_zero=True)(ids)  # (B, T, d), with the mask
    for layer in bidirectional_stack(cell, embed_dim, num_hiddens, num_layers, bidirectional):
        X = layer(X)  # (B, T, D*h)
    return keras.Model(ids, layers.Dense(num_tags)(X))  # logits (B, T, num_tags)
