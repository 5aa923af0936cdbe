"""Dot-product attention and a padding-aware loss in Keras 3, for encoder-decoders (Chapter 5).

The twin of :mod:`course_utils.torch.attention`, written with ``keras.ops`` so that it runs
on any backend. Shapes: ``queries`` ``(B, T_y, h)``, ``keys`` and ``values`` ``(B, T_x, h)``,
``key_mask`` true at the source's real tokens ``(B, T_x)``.
"""

from __future__ import annotations

from typing import Any

import keras
from keras import ops

from course_utils.checks import check_shape


def dot_product_attention(queries: Any, keys: Any, values: Any, key_mask: Any = None) -> tuple[Any, Any]:
    """Luong's dot-product attention: ``weights = softmax(Q K^T)`` over the real keys, ``context = weights V``.

    What ``keras.layers.Attention()`` computes (no scaling), with the weights returned too.

    Returns:
        ``(context, weights)``: ``(B, T_y, d_v)`` and ``(B, T_y, T_x)``.
    """
    B, T_x, h = keys.shape
    check_shape(queries, (B, None, h), "queries")
    check_shape(values, (B, T_x, None), "values")
    scores = ops.matmul(queries, ops.transpose(keys, (0, 2, 1)))  # (B, T_y, T_x)
    if key_mask is not None:
        check_shape(key_mask, (B, T_x), "key_mask")
        key_mask = ops.cast(key_mask, "bool")
        assert bool(ops.all(ops.any(key_mask, axis=-1))), "every row of key_mask needs at least one real key"
        scores = ops.where(key_mask[:, None, :], scores, float("-inf"))  # (B, T_y, T_x)
    weights = ops.softmax(scores, axis=-1)  # (B, T_y, T_x)
    return ops.matmul(weights, values), weights  # (B, T_y, d_v), (B, T_y, T_x)


def masked_cross_entropy(logits: Any, Y: Any, pad_id: int) -> Any:
    """The mean cross-entropy (nats per token) over the real target tokens ``Y != pad_id``.

    ``logits`` is ``(B, T, V)`` and ``Y`` is ``(B, T)``; a padded position adds nothing to the
    sum and does not count in the mean.
    """
    check_shape(logits, (*Y.shape, None), "logits")
    real = ops.cast(ops.not_equal(Y, pad_id), logits.dtype)  # (B, T)
    assert float(ops.sum(real)) > 0, f"Y holds padding (pad_id={pad_id}) only: no token to score"
    per_token = keras.losses.sparse_categorical_crossentropy(Y, logits, from_logits=True)  # (B, T)
    return ops.sum(per_token * real) / ops.sum(real)
