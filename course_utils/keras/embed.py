"""Pretrained embeddings in Keras: an ``Embedding`` layer built from a matrix, and its table back.

The twin of :mod:`course_utils.torch.embed` (Chapter 3).  The matrix usually comes from
:func:`course_utils.vectors.embedding_matrix`: row 0 (``<pad>``) zeros, the rows of the words
found in GloVe their pretrained vectors.
"""

from __future__ import annotations

import keras
import numpy as np


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
