"""Dot-product attention and a padding-aware loss in PyTorch, for encoder-decoders (Chapter 5).

The twin of :mod:`course_utils.keras.attention`. Shapes follow the chapter: ``queries`` are
the decoder's states ``(B, T_y, h)``, ``keys`` and ``values`` the encoder's outputs
``(B, T_x, h)``, ``key_mask`` is ``True`` at the source's real tokens ``(B, T_x)``.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from course_utils.checks import check_shape


def dot_product_attention(queries: torch.Tensor, keys: torch.Tensor, values: torch.Tensor,
                          key_mask: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """Luong's dot-product attention: ``weights = softmax(Q K^T)`` over the real keys, ``context = weights V``.

    Args:
        queries: ``(B, T_y, h)``; keys: ``(B, T_x, h)``; values: ``(B, T_x, d_v)``.
        key_mask: ``(B, T_x)``, true where a key is a real token; padded keys get weight 0.

    Returns:
        ``(context, weights)``: ``(B, T_y, d_v)`` and ``(B, T_y, T_x)``, each row of
        ``weights`` summing to 1.
    """
    B, T_x, h = keys.shape
    check_shape(queries, (B, None, h), "queries")
    check_shape(values, (B, T_x, None), "values")
    scores = queries @ keys.transpose(1, 2)  # (B, T_y, T_x)
    if key_mask is not None:
        check_shape(key_mask, (B, T_x), "key_mask")
        assert bool(key_mask.any(-1).all()), "every row of key_mask needs at least one real key"
        scores = scores.masked_fill(~key_mask.bool()[:, None, :], float("-inf"))  # (B, T_y, T_x)
    weights = scores.softmax(dim=-1)  # (B, T_y, T_x)
    return weights @ values, weights  # (B, T_y, d_v), (B, T_y, T_x)


def masked_cross_entropy(logits: torch.Tensor, Y: torch.Tensor, pad_id: int) -> torch.Tensor:
    """The mean cross-entropy (nats per token) over the real target tokens ``Y != pad_id``.

    ``logits`` is ``(B, T, V)`` and ``Y`` is ``(B, T)``; a padded position adds nothing to the
    sum and does not count in the mean (``F.cross_entropy(..., ignore_index=pad_id)``).
    """
    check_shape(logits, (*Y.shape, None), "logits")
    assert bool((Y != pad_id).any()), f"Y holds padding (pad_id={pad_id}) only: no token to score"
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), Y.reshape(-1), ignore_index=pad_id)
