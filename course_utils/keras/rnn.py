"""A vanilla RNN from scratch with Keras ops, and copying its weights into ``keras.layers.SimpleRNN``.

Same conventions as :mod:`course_utils.torch.rnn`: ``X`` is ``(B, T, D)``, ``H`` is
``(B, num_hiddens)``, ``W_xh`` is ``(D, num_hiddens)`` and ``W_hh`` ``(num_hiddens, num_hiddens)``.
"""

from __future__ import annotations

import numpy as np
from keras import layers, ops

from course_utils.checks import check_rnn_step_args, check_shape


def rnn_step(X_t, H_prev, W_xh, W_hh, b_h):
    """One step of a vanilla RNN: ``H_t = tanh(X_t W_xh + H_prev W_hh + b_h)``, shape ``(B, num_hiddens)``."""
    check_rnn_step_args(X_t, H_prev, W_xh, W_hh, b_h)
    return ops.tanh(ops.matmul(X_t, W_xh) + ops.matmul(H_prev, W_hh) + b_h)


def rnn_forward(X, H0, W_xh, W_hh, b_h):
    """Unroll :func:`rnn_step` over ``X`` of shape ``(B, T, D)``.

    Returns every hidden state ``(B, T, num_hiddens)`` and the last one ``(B, num_hiddens)``,
    like ``keras.layers.SimpleRNN(return_sequences=True, return_state=True)``.
    """
    check_shape(X, (H0.shape[0], None, W_xh.shape[0]), "X")
    H, outputs = H0, []
    for t in range(X.shape[1]):
        H = rnn_step(X[:, t], H, W_xh, W_hh, b_h)  # (B, num_hiddens)
        outputs.append(H)
    return ops.stack(outputs, axis=1), H  # (B, T, num_hiddens), (B, num_hiddens)


def load_rnn_weights(layer: layers.SimpleRNN, W_xh, W_hh, b_h) -> None:
    """Copy from-scratch weights into a built ``SimpleRNN``.

    Keras stores ``kernel`` as ``(D, num_hiddens)`` and computes ``x W``, exactly like the
    from-scratch code, and has a single bias, so nothing is transposed.
    """
    kernel, recurrent, bias = (np.asarray(w) for w in (W_xh, W_hh, b_h))
    check_shape(kernel, tuple(layer.get_weights()[0].shape), "W_xh")
    layer.set_weights([kernel, recurrent, bias])
