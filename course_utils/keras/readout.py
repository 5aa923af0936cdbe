"""Sentence vectors from a padded batch of RNN outputs, in Keras 3 (Chapter 6).

The twin of :mod:`course_utils.torch.readout`, written with ``keras.ops`` so that it runs on
any backend and device. :class:`MaskedMaxPooling` is Exercise 4's reference: unlike
``GlobalMaxPooling1D``, it takes the mask that ``Embedding(mask_zero=True)`` makes.
"""

from __future__ import annotations

from typing import Any

import keras
from keras import layers, ops

from course_utils.checks import check_shape


def _real_steps(outputs: Any, lengths: Any) -> Any:
    """The ``(B, T)`` boolean mask of the real steps, after checking the shapes and lengths."""
    B, T, _ = outputs.shape
    check_shape(lengths, (B,), "lengths (B,)")
    lengths = ops.convert_to_tensor(lengths, dtype="int32")
    assert bool(ops.all((lengths >= 1) & (lengths <= T))), \
        f"every length should be between 1 and T = {T}, got {ops.convert_to_numpy(lengths).tolist()}"
    return ops.arange(T)[None, :] < lengths[:, None]  # (B, T)


def last_real_step(outputs: Any, lengths: Any) -> Any:
    """Row ``b`` of the ``(B, h)`` result is ``outputs[b, lengths[b] - 1]``."""
    _real_steps(outputs, lengths)
    index = ops.convert_to_tensor(lengths, dtype="int32")[:, None, None] - 1  # (B, 1, 1)
    return ops.take_along_axis(outputs, index, axis=1)[:, 0]  # (B, h)


def masked_pooling(outputs: Any, lengths: Any, mode: str) -> Any:
    """The mean (``mode="mean"``) or unit-wise max (``"max"``) over the real steps: ``(B, h)``.

    Raises ``ValueError`` for another mode.
    """
    if mode not in ("mean", "max"):
        raise ValueError(f"mode should be 'mean' or 'max', got {mode!r}")
    real = ops.expand_dims(_real_steps(outputs, lengths), -1)  # (B, T, 1)
    if mode == "mean":
        counts = ops.sum(ops.cast(real, outputs.dtype), axis=1)  # (B, 1)
        return ops.sum(ops.where(real, outputs, 0.0), axis=1) / counts  # (B, h)
    return ops.max(ops.where(real, outputs, float("-inf")), axis=1)  # (B, h)


class MaskedMaxPooling(layers.Layer):
    """Max over the real time steps: ``(B, T, h)`` and a ``(B, T)`` mask give ``(B, h)``."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.supports_masking = True  # Keras passes the incoming mask to call()

    def call(self, inputs: Any, mask: Any = None) -> Any:
        """The max over the steps where ``mask`` is true, or over every step without a mask."""
        if mask is None:
            return ops.max(inputs, axis=1)  # (B, h)
        real = ops.expand_dims(ops.cast(mask, "bool"), axis=-1)  # (B, T, 1)
        return ops.max(ops.where(real, inputs, float("-inf")), axis=1)  # (B, h)

    def compute_mask(self, inputs: Any, mask: Any = None) -> None:
        """No mask on the output: it has no time axis left."""
        return None

