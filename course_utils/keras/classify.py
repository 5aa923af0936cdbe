"""A sequence classifier in Keras: one recurrent layer that returns its last output, then Dense logits.

The twin of :mod:`course_utils.torch.classify` and the reference of Chapter 2, Exercise 5. The
recurrent layers keep their defaults, so the LSTM and the GRU stay cuDNN-eligible on a GPU
(see :func:`course_utils.keras.gated.cudnn_eligible`).
"""

from __future__ import annotations

import keras
from keras import layers

CELLS = {"rnn": layers.SimpleRNN, "lstm": layers.LSTM, "gru": layers.GRU}


def recurrent_classifier(cell: str, vocab_size: int, num_classes: int, num_hiddens: int) -> keras.Sequential:
    """``Input((None, vocab_size))`` -> SimpleRNN/LSTM/GRU(num_hiddens) -> ``Dense(num_classes)`` logits.

    ``cell`` is "rnn", "lstm" or "gru"; the model maps ``(B, T, vocab_size)`` to ``(B, num_classes)``.
    Raises ``ValueError`` for any other ``cell``.
    """
    if cell not in CELLS:
        raise ValueError(f"cell must be 'rnn', 'lstm' or 'gru', got {cell!r}")
    return keras.Sequential([
        keras.Input(shape=(None, vocab_size)),
        CELLS[cell](num_hiddens),  # the last output only: (B, num_hiddens)
        layers.Dense(num_classes),  # logits: (B, num_classes)
    ])
