"""PyTorch helpers; :mod:`course_utils.keras` has the same names for Keras.

Conventions (the course's naming table): ``X`` is a batch of inputs, batch first,
``(B, T, D)`` with ``D`` the input size; ``H`` a hidden state ``(B, num_hiddens)``;
weights are stored so that ``X_t @ W_xh`` works, i.e. ``W_xh`` is ``(D, num_hiddens)``
and ``W_hh`` is ``(num_hiddens, num_hiddens)``, as in the lectures and in Keras.
"""

from __future__ import annotations

import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from tqdm.auto import tqdm

from course_utils.checks import check_rnn_step_args, check_shape
from course_utils.experiments import bptt_problem
from course_utils.framework_api import FRAMEWORK_API
from course_utils.text import CharVocab, sample_index

__all__ = list(FRAMEWORK_API)


def get_device(verbose: bool = True) -> torch.device:
    """Return the best available device, CUDA first, then Apple's MPS, then the CPU, and say which."""
    if torch.cuda.is_available():
        device, name = torch.device("cuda"), torch.cuda.get_device_name(0)
    elif getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
        device, name = torch.device("mps"), "Apple GPU (Metal)"
    else:
        device, name = torch.device("cpu"), f"{torch.get_num_threads()} CPU threads"
    if verbose:
        print(f"PyTorch {torch.__version__} uses {device.type}: {name}")
    return device


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
    H = torch.zeros(problem["X"].shape[0], problem["W_hh"].shape[0], device=device)
    states = []
    for t in range(num_steps):
        H = rnn_step(problem["X"][:, t], H, problem["W_xh"], problem["W_hh"], problem["b_h"])
        H.retain_grad()  # keep dL/dh_t, which autograd would otherwise free
        states.append(H)
    H.sum().backward()
    norms = [states[t].grad.norm().item() for t in range(num_steps)]
    return np.asarray(norms[::-1])


class CharRNN(nn.Module):
    """Character-level language model: one-hot characters -> ``nn.RNN`` -> linear layer to logits."""

    def __init__(self, vocab_size: int, num_hiddens: int):
        super().__init__()
        self.vocab_size = vocab_size
        self.rnn = nn.RNN(vocab_size, num_hiddens, batch_first=True)
        self.head = nn.Linear(num_hiddens, vocab_size)

    def forward(self, X: torch.Tensor, H: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        """Map ids ``(B, T)`` to next-character logits ``(B, T, vocab_size)`` and the state ``(1, B, H)``."""
        X = F.one_hot(X, self.vocab_size).float()  # (B, T, V)
        outputs, H = self.rnn(X, H)  # (B, T, num_hiddens), (1, B, num_hiddens)
        return self.head(outputs), H  # (B, T, V)


def fit(model: CharRNN, X: np.ndarray, Y: np.ndarray, *, num_steps: int, batch_size: int = 32, lr: float = 3e-3,
        max_norm: float = 1.0, seed: int = 0, progress: bool = True) -> list[float]:
    """Train a :class:`CharRNN` with Adam and gradient clipping on random windows of ``(X, Y)``.

    ``X`` and ``Y`` are id arrays ``(N, T)`` from :func:`course_utils.text.make_lm_windows`.
    Returns the mini-batch cross-entropy of every step.  The model's device is used.
    """
    device = next(model.parameters()).device
    X_all = torch.as_tensor(X, device=device)
    Y_all = torch.as_tensor(Y, device=device)
    generator = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    history, start = [], time.perf_counter()
    for _ in tqdm(range(num_steps), desc="PyTorch", disable=not progress, mininterval=2):
        idx = torch.randint(len(X_all), (batch_size,), generator=generator).to(device)
        logits, _ = model(X_all[idx])  # (B, T, V)
        loss = F.cross_entropy(logits.reshape(-1, model.vocab_size), Y_all[idx].reshape(-1))  # (B*T, V) vs (B*T,)
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), max_norm)
        optimizer.step()
        history.append(loss.item())
    print(f"PyTorch: {num_steps} steps in {time.perf_counter() - start:.1f} s, final loss {np.mean(history[-20:]):.3f}")
    return history


def generate(model: CharRNN, vocab: CharVocab, prefix: str, num_chars: int, temperature: float = 1.0,
             seed: int = 0) -> str:
    """Return ``prefix`` followed by ``num_chars`` characters sampled at ``temperature``.

    The prefix is read once; after that each sampled character is fed back in with
    the carried hidden state, so every step costs one RNN step.
    """
    device = next(model.parameters()).device
    rng = np.random.default_rng(seed)
    model.eval()
    ids: list[int] = []
    with torch.no_grad():
        logits, H = model(torch.as_tensor(vocab.encode(prefix), device=device)[None])  # (1, T, V)
        for _ in range(num_chars):
            ids.append(sample_index(logits[0, -1].cpu().numpy(), temperature, rng))
            logits, H = model(torch.tensor([[ids[-1]]], device=device), H)  # (1, 1, V)
    return prefix + vocab.decode(ids)
