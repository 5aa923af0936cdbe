"""Embeddings in Keras: an ``Embedding`` layer built from a matrix, its table back, and the masked mean.

The twin of :mod:`course_utils.torch.embed` (Chapter 3).  The matrix usually comes from
:func:`course_utils.vectors.embedding_matrix`: row 0 (``<pad>``) zeros, the rows of the words
found in GloVe their pretrained vectors.  :class:`MaskedMean` averages over the real steps that
the mask of ``Embedding(mask_zero=True)`` marks, and passes no mask on.
"""

from __future__ import annotations

from typing import Any

import keras
import numpy as np
from keras import layers, ops

from course_utils.checks import check_shape


def embedding_layer(matrix: np.ndarray, trainable: bool, pad: bool = True) -> keras.layers.Embedding:
    """A built ``keras.layers.Embedding`` whose table is ``matrix`` ``(V, d)`` (as float32).

    The table is set with ``embeddings_initializer=keras.initializers.Constant(matrix)``, as in
    the Keras guide to pretrained word embeddings, and the layer is built at once, so its weights
    exist before the first call.  ``trainable=False`` freezes it.  With ``pad``, id 0 is the
    padding id (``mask_zero=True``): the layer passes a mask ``X != 0`` to the recurrent layers
    after it, which then skip the padded steps.
    """
    matrix = np.asarray(matrix, dtype=np.float32)  # (V, d)
    if matrix.ndim != 2:
        raise ValueError(f"matrix should have shape (V, d), got {matrix.shape}")
    V, d = matrix.shape
    layer = keras.layers.Embedding(V, d, embeddings_initializer=keras.initializers.Constant(matrix),
                                   mask_zero=pad, trainable=trainable)
    layer.build()
    return layer


def embedding_weights(layer: keras.layers.Embedding) -> np.ndarray:
    """The table of a built ``keras.layers.Embedding`` as a NumPy array ``(V, d)`` (a copy)."""
    if not layer.built:
        raise ValueError("the Embedding layer is not built yet: call it on a batch of ids first")
    return np.array(keras.ops.convert_to_numpy(layer.embeddings))


def masked_mean(E: Any, mask: Any) -> Any:
    """The mean of ``E`` ``(B, T, d)`` over the steps where ``mask`` ``(B, T)`` is True: ``(B, d)``.

    Written with ``keras.ops``, so it also runs on a model's symbolic tensors.  The masked steps
    are selected away (``ops.where``), never multiplied by 0, so NaN or inf there stays out of
    the result; a row with no True gives zeros (the count is raised to at least 1).
    """
    E = ops.convert_to_tensor(E)
    check_shape(mask, (E.shape[0], E.shape[1]), "mask (B, T)")
    real = ops.expand_dims(ops.cast(mask, "bool"), axis=-1)  # (B, T, 1)
    total = ops.sum(ops.where(real, E, ops.zeros_like(E)), axis=1)  # (B, d)
    count = ops.sum(ops.cast(real, E.dtype), axis=1)  # (B, 1)
    return total / ops.maximum(count, 1.0)  # (B, d)


class MaskedMean(layers.Layer):
    """The mean over the real time steps: ``(B, T, d)`` and a ``(B, T)`` mask give ``(B, d)``.

    Chapter 3, Exercise 6's reference.  After ``Embedding(mask_zero=True)`` Keras hands the
    layer the embedding's mask; the layer passes no mask on, as its output has no time axis (a
    ``(B, T)`` mask on it would reach the loss, which weights each of the ``B`` losses by the mask
    it finds: a shape error in ``fit``).  It has no weights.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.supports_masking = True  # it takes the incoming mask; compute_mask says what goes on

    def call(self, inputs: Any, mask: Any = None) -> Any:
        """:func:`masked_mean` over the steps where ``mask`` is True, the plain mean without a mask."""
        if mask is None:
            return ops.mean(inputs, axis=1)  # (B, d)
        return masked_mean(inputs, mask)

    def compute_mask(self, inputs: Any, mask: Any = None) -> None:
        """No mask on the output: it has no time axis left."""
        return None
