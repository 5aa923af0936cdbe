"""Sentence vectors from a padded batch of RNN outputs, in PyTorch (Chapter 6).

The twin of :mod:`course_utils.keras.readout`. ``outputs`` is a one-direction RNN's output
``(B, T, h)`` for a batch padded on the right, ``lengths`` the real lengths ``(B,)``.
"""

from __future__ import annotations

import torch
from torch import nn

from course_utils.checks import check_shape


def _real_steps(outputs: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
    """The ``(B, T)`` boolean mask of the real steps, after checking the shapes and lengths."""
    B, T, _ = outputs.shape
    check_shape(lengths, (B,), "lengths (B,)")
    lengths = lengths.to(outputs.device)
    assert bool(((lengths >= 1) & (lengths <= T)).all()), \
        f"every length should be between 1 and T = {T}, got {lengths.tolist()}"
    return torch.arange(T, device=outputs.device)[None, :] < lengths[:, None]  # (B, T)


def last_real_step(outputs: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
    """Row ``b`` of the ``(B, h)`` result is ``outputs[b, lengths[b] - 1]`` (Exercise 2's reference)."""
    _real_steps(outputs, lengths)
    rows = torch.arange(outputs.shape[0], device=outputs.device)  # (B,)
    return outputs[rows, lengths.to(outputs.device) - 1]  # (B, h)


def masked_pooling(outputs: torch.Tensor, lengths: torch.Tensor, mode: str) -> torch.Tensor:
    """The mean (``mode="mean"``) or unit-wise max (``"max"``) over the real steps: ``(B, h)``.

    Padded steps count neither in the mean's sum nor in its divisor, and never win the max
    (they are filled with ``-inf``). Raises ``ValueError`` for another mode (Exercise 3's
    reference).
    """
    if mode not in ("mean", "max"):
        raise ValueError(f"mode should be 'mean' or 'max', got {mode!r}")
    real = _real_steps(outputs, lengths)  # (B, T)
    if mode == "mean":
        summed = (outputs * real[:, :, None]).sum(dim=1)  # (B, h)
        return summed / real.sum(dim=1, keepdim=True).to(outputs.dtype)  # (B, h)
    return outputs.masked_fill(~real[:, :, None], float("-inf")).amax(dim=1)  # (B, h)


class MaskedMaxPooling(nn.Module):
    """``MaskedMaxPooling()(outputs, lengths)``: :func:`masked_pooling` with ``mode="max"``.

    The twin of the Keras layer, which gets the mask from ``Embedding(mask_zero=True)``
    instead of the lengths.
    """

    def __init__(self) -> None:  # a signature of its own, as the twins' test compares constructors
        super().__init__()

    def forward(self, outputs: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """Map ``(B, T, h)`` outputs and ``(B,)`` lengths to ``(B, h)``."""
        return masked_pooling(outputs, lengths, "max")
