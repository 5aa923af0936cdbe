"""Backpropagation through time in PyTorch: gradient clipping and gradient norms along the sequence."""

from __future__ import annotations

import numpy as np
import torch

from course_utils.experiments import bptt_problem
from course_utils.torch.rnn import rnn_step


def clip_grad_norm(grads: list[torch.Tensor], max_norm: float) -> tuple[list[torch.Tensor], torch.Tensor]:
    """Rescale ``grads`` so that their global L2 norm is at most ``max_norm``.

    Returns the clipped gradients and the norm before clipping, like
    ``torch.nn.utils.clip_grad_norm_`` (which works in place on parameters).
    """
    total_norm = torch.sqrt(sum((g.detach() ** 2).sum() for g in grads))
    scale = torch.clamp(max_norm / (total_norm + 1e-6), max=1.0)
    return [g * scale for g in grads], total_norm


def grad_norms_through_time(scale: float, num_steps: int = 40, seed: int = 0,
                            device: torch.device | None = None) -> np.ndarray:
    """Return ``||dL/dh_t||`` for ``t = T, T-1, ..., 1`` with ``L = sum(h_T)``.

    Index ``k`` of the result is the distance ``T - t`` from the loss.  The weights
    come from :func:`course_utils.experiments.bptt_problem` with ``W_hh`` scaled by ``scale``.
    """
    device = device if device is not None else torch.device("cpu")
    problem = {k: torch.tensor(v, device=device) for k, v in bptt_problem(scale, num_steps, seed=seed).items()}
    problem["W_hh"].requires_grad_()  # so that autograd records the chain through time
    H = torch.zeros(problem["X"].shape[0], problem["W_hh"].shape[0], device=device)  # (B, num_hiddens)
    states = []
    for t in range(num_steps):
        H = rnn_step(problem["X"][:, t], H, problem["W_xh"], problem["W_hh"], problem["b_h"])
        H.retain_grad()  # keep dL/dh_t, which autograd would otherwise free
        states.append(H)
    H.sum().backward()
    norms = [states[t].grad.norm().item() for t in range(num_steps)]
    return np.asarray(norms[::-1])
