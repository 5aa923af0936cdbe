"""Framework-free set-ups for experiments that both frameworks run on the same numbers."""

from __future__ import annotations

import numpy as np


def bptt_problem(scale: float, num_steps: int = 40, num_hiddens: int = 32, input_size: int = 8,
                 batch_size: int = 1, seed: int = 0) -> dict[str, np.ndarray]:
    """Return inputs and weights for measuring how gradients flow back through time.

    ``W_hh`` is ``scale`` times a random orthogonal matrix, so all of its singular
    values equal ``scale``: below 1 the repeated product ``W_hh^T ... W_hh^T`` in
    backpropagation through time shrinks gradients, above 1 it can grow them.
    Inputs and ``W_xh`` are small so that ``tanh`` stays close to its linear regime.
    Arrays are float32: ``X`` (B, T, D), ``W_xh`` (D, H), ``W_hh`` (H, H), ``b_h`` (H,).
    """
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.standard_normal((num_hiddens, num_hiddens)))
    return {
        "X": (0.1 * rng.standard_normal((batch_size, num_steps, input_size))).astype(np.float32),
        "W_xh": (0.1 * rng.standard_normal((input_size, num_hiddens))).astype(np.float32),
        "W_hh": (scale * Q).astype(np.float32),
        "b_h": np.zeros(num_hiddens, dtype=np.float32),
    }
