"""Embeddings in PyTorch: an ``nn.Embedding`` built from a matrix, its table back, and the masked mean.

The twin of :mod:`course_utils.keras.embed` (Chapter 3).  The matrix usually comes from
:func:`course_utils.vectors.embedding_matrix`: row 0 (``<pad>``) zeros, the rows of the words
found in GloVe their pretrained vectors.  :func:`masked_mean` averages a padded batch of
vectors over its real tokens (the bag of embeddings).
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from course_utils.checks import check_shape


def embedding_layer(matrix: np.ndarray, trainable: bool, pad: bool = True) -> nn.Embedding:
    """An ``nn.Embedding`` whose table is ``matrix`` ``(V, d)`` (copied, as float32).

    ``trainable=False`` freezes the table (``weight.requires_grad`` is False).  With ``pad``,
    id 0 is the padding id (``padding_idx=0``): its row always gets a zero gradient, so it
    stays as it is even when the table is trained.
    """
    matrix = np.asarray(matrix, dtype=np.float32)  # (V, d)
    if matrix.ndim != 2:
        raise ValueError(f"matrix should have shape (V, d), got {matrix.shape}")
    weight = torch.tensor(matrix)  # (V, d)
    return nn.Embedding.from_pretrained(weight, freeze=not trainable, padding_idx=0 if pad else None)


def embedding_weights(layer: nn.Embedding) -> np.ndarray:
    """The table of an ``nn.Embedding`` as a NumPy array ``(V, d)`` (a copy, on the CPU)."""
    return layer.weight.detach().cpu().numpy().copy()


def masked_mean(E: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """The mean of ``E`` ``(B, T, d)`` over the positions where ``mask`` ``(B, T)`` is True: ``(B, d)``.

    Chapter 3, Exercise 6's reference.  The padded positions are selected away
    (``torch.where``), never multiplied by 0, so whatever they hold, NaN and inf included,
    reaches neither the result nor the gradient (0 there; 0 × NaN would be NaN).  A row with no
    True gives zeros: the sum is divided by the count clamped to at least 1, so no 0 / 0 is
    computed, forward or backward.  The result has ``E``'s dtype and device; ``E`` and ``mask``
    are left as they are.
    """
    check_shape(E, (None, None, None), "E (B, T, d)")
    check_shape(mask, (E.shape[0], E.shape[1]), "mask (B, T)")
    real = mask.to(device=E.device, dtype=torch.bool).unsqueeze(-1)  # (B, T, 1)
    zero = torch.zeros((), dtype=E.dtype, device=E.device)
    total = torch.where(real, E, zero).sum(dim=1)  # (B, d)
    count = real.sum(dim=1).clamp(min=1).to(E.dtype)  # (B, 1)
    return total / count  # (B, d)


class MaskedMean(nn.Module):
    """``MaskedMean()(E, mask)``: :func:`masked_mean`, or the plain mean over T when ``mask`` is None.

    The twin of the Keras layer, which receives the mask from ``Embedding(mask_zero=True)``.
    """

    def __init__(self) -> None:  # a signature of its own, as the twins' test compares constructors
        super().__init__()

    def forward(self, E: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
        """Map ``(B, T, d)`` vectors and a ``(B, T)`` boolean mask to ``(B, d)``."""
        if mask is None:
            return E.mean(dim=1)  # (B, d)
        return masked_mean(E, mask)
