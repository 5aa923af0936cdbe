"""A bidirectional stack over a right-padded batch, from one-direction recurrences (Chapter 4).

The twin of :mod:`course_utils.torch.padded`.  A *direction* here is any function ``run`` that
maps a batch ``(B, T, d)`` to the states ``(B, T, h)`` of one recurrence run left to right from a
zero state over every position (padding included): a from-scratch LSTM loop, or one direction
of a layer of a Keras stack (:func:`direction_runners`).

With padding on the right, the states at the real positions of a left-to-right run never
depend on the padding, so the forward direction needs no care beyond reading its final state
at each sequence's own last real step.  The backward direction must start at the last *real*
step: :func:`reverse_padded` reverses each sequence within its length (the padding stays at
the end), the direction runs left to right over that, and a second :func:`reverse_padded`
puts its states back in the sentence's order.  That is what Keras' ``Bidirectional`` does
under a mask, and ``nn.LSTM`` on a packed sequence.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from keras import layers, ops

from course_utils.checks import check_lengths, check_shape

Direction = Callable[[Any], Any]


def _source_steps(lengths: Any, batch_size: int, num_steps: int) -> tuple[np.ndarray, np.ndarray]:
    """``lengths`` as ``(B,)`` and, per row, the step each position of the reversed row comes from ``(B, T)``."""
    n = np.array(check_lengths(np.asarray(lengths) if isinstance(lengths, (list, tuple)) else lengths,
                                 batch_size, num_steps))[:, None]  # (B, 1)
    steps = np.arange(num_steps)  # (T,)
    return n[:, 0], np.where(steps < n, n - 1 - steps, steps)  # (B,), (B, T)


def reverse_padded(X, lengths: Any):
    """Each sequence of a right-padded batch reversed within its own length, the padding left in place.

    ``X`` is ``(B, T, ...)`` and ``lengths`` ``(B,)`` (each in ``1..T``): row ``b`` of the result
    holds ``X[b, n-1], ..., X[b, 0]`` followed by ``X[b, n:]`` unchanged, with ``n = lengths[b]``.
    It is its own inverse, and it is differentiable (a gather).
    """
    X = ops.convert_to_tensor(X)
    if len(X.shape) < 2:
        raise AssertionError(f"X should have a batch and a time axis, (B, T, ...), got shape {tuple(X.shape)}")
    _, source = _source_steps(lengths, X.shape[0], X.shape[1])  # (B, T)
    index = np.broadcast_to(source.reshape(source.shape + (1,) * (len(X.shape) - 2)), X.shape)  # like X
    return ops.take_along_axis(X, ops.convert_to_tensor(index.astype("int32")), axis=1)  # (B, T, ...)


def bidirectional_rnn(X, lengths: Any, layers: Sequence[tuple[Direction, Direction]]) -> tuple:
    """A stack of bidirectional layers over a right-padded batch, built from one-direction runs.

    ``X`` is ``(B, T, d)``, ``lengths`` ``(B,)``; ``layers[l]`` is ``(forward, backward)``, two
    directions (see the module docstring) of layer ``l``, the first reading ``d`` features,
    every later one the ``2h`` of the layer below.  Layer ``l + 1`` reads ``[forward |
    backward]`` of layer ``l`` at every step.

    Returns ``output`` ``(B, T, 2h)``, the last layer's states, zero at padded positions, and
    ``h_n`` ``(2 * num_layers, B, h)``, row ``2 l + k`` the final state of layer ``l``,
    direction ``k`` (forward: at step ``lengths - 1``; backward: at step 0): PyTorch's layout.
    """
    X = ops.convert_to_tensor(X)  # (B, T, d)
    check_shape(X, (None, None, None), "X")
    if len(layers) < 1:
        raise AssertionError("layers should hold at least one (forward, backward) pair, got none")
    n, _ = _source_steps(lengths, X.shape[0], X.shape[1])  # (B,)
    real = ops.cast((np.arange(X.shape[1]) < n[:, None])[..., None], X.dtype)  # (B, T, 1)
    last = (n - 1)[:, None, None]  # (B, 1, 1)
    H_n = []
    for forward, backward in layers:
        out_f = ops.convert_to_tensor(forward(X))  # (B, T, h): step t has read steps 0..t
        out_b = reverse_padded(backward(reverse_padded(X, n)), n)  # (B, T, h): step t has read n-1..t
        index = np.broadcast_to(last, (X.shape[0], 1, out_f.shape[-1]))  # (B, 1, h)
        H_n += [ops.take_along_axis(out_f, index, axis=1)[:, 0], out_b[:, 0]]  # (B, h) each
        X = ops.concatenate([out_f, out_b], axis=-1) * real  # (B, T, 2h): the next layer's input
    return X, ops.stack(H_n)  # (B, T, 2h), (2L, B, h)


def _without_backwards(layer):
    """A copy of a built recurrent layer that reads left to right, sharing nothing but the weights' values."""
    config = {**layer.get_config(), "go_backwards": False, "return_sequences": True, "return_state": False}
    config.pop("name", None)
    copy = type(layer).from_config(config)
    copy.build((None, None, layer.get_weights()[0].shape[0]))  # kernel (d, g*h): d inputs
    copy.set_weights(layer.get_weights())
    return copy


def direction_runners(stack) -> list[tuple[Direction, ...]]:
    """The directions of every layer of a Keras stack, as functions.

    ``stack`` is a list of built ``SimpleRNN``/``LSTM``/``GRU`` layers, or of ``Bidirectional``
    wrappers of them (``Dropout`` is skipped), as :func:`course_utils.keras.bidirectional_stack`
    returns.  ``runners[l][k]`` runs layer ``l``, direction ``k`` (0 forward, 1 backward), with a
    copy of its weights, left to right from a zero state: ``(B, T, d_l)`` to ``(B, T, h)``.  Feed
    the backward one a reversed sequence (:func:`reverse_padded`), as :func:`bidirectional_rnn`
    does.
    """
    runners = []
    for layer in stack:
        if isinstance(layer, layers.Dropout):
            continue
        if not layer.built:
            raise ValueError(f"build {layer.name} first, e.g. layer.build((None, None, num_inputs))")
        parts = [layer.forward_layer, layer.backward_layer] if isinstance(layer, layers.Bidirectional) else [layer]
        if not all(isinstance(p, (layers.SimpleRNN, layers.LSTM, layers.GRU)) for p in parts):
            raise ValueError(f"expected SimpleRNN, LSTM or GRU layers, or Bidirectional wrappers, got {layer.name}")
        runners.append(tuple(_without_backwards(p) for p in parts))
    return runners

