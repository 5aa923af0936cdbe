"""Backpropagation through time with TensorFlow: gradient clipping and gradient norms along the sequence."""

from __future__ import annotations

import numpy as np
import tensorflow as tf
from keras import ops

from course_utils.experiments import bptt_problem
from course_utils.keras.rnn import rnn_step


def clip_grad_norm(grads: list, max_norm: float) -> tuple[list, tf.Tensor]:
    """Rescale ``grads`` so that their global L2 norm is at most ``max_norm``.

    Returns the clipped gradients and the norm before clipping, like
    ``tf.clip_by_global_norm`` (which Keras optimizers use for ``global_clipnorm``).
    """
    total_norm = ops.sqrt(sum(ops.sum(ops.square(g)) for g in grads))
    scale = ops.minimum(1.0, max_norm / (total_norm + 1e-6))
    return [g * scale for g in grads], total_norm


def grad_norms_through_time(scale: float, num_steps: int = 40, seed: int = 0, device: str | None = None) -> np.ndarray:
    """Return ``||dL/dh_t||`` for ``t = T, T-1, ..., 1`` with ``L = sum(h_T)``.

    Index ``k`` of the result is the distance ``T - t`` from the loss; the numbers match
    :func:`course_utils.torch.grad_norms_through_time` for the same arguments.
    """
    problem = {k: tf.constant(v) for k, v in bptt_problem(scale, num_steps, seed=seed).items()}
    with tf.device(device or "/CPU:0"), tf.GradientTape() as tape:
        H = tf.zeros((problem["X"].shape[0], problem["W_hh"].shape[0]))  # (B, num_hiddens)
        states = []
        for t in range(num_steps):
            tape.watch(H)  # ask the tape for dL/dh_t, not only dL/dweights
            states.append(H)
            H = rnn_step(problem["X"][:, t], H, problem["W_xh"], problem["W_hh"], problem["b_h"])
        loss = ops.sum(H)
    # states[t] is h_{t-1}; dL/dh_T is 1 everywhere, the rest come from the tape.
    grads = tape.gradient(loss, states[1:])
    norms = [float(ops.norm(g)) for g in grads] + [float(np.sqrt(H.shape[0] * H.shape[1]))]
    return np.asarray(norms[::-1])
