"""Pretrained embeddings in PyTorch: an ``nn.Embedding`` built from a matrix, and its table back.

The twin of :mod:`course_utils.keras.embed` (Chapter 3).  The matrix usually comes from
:func:`course_utils.vectors.embedding_matrix`: row 0 (``<pad>``) zeros, the rows of the words
found in GloVe their pretrained vectors.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn


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
