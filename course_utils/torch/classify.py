"""A sequence classifier in PyTorch: one recurrent layer read at its last step, then a linear layer.

The twin of :mod:`course_utils.keras.classify` (Chapter 2, Exercise 5's reference): inputs are
one-hot (or any) vectors ``(B, T, vocab_size)``, outputs are logits ``(B, num_classes)``.
"""

from __future__ import annotations

import torch
from torch import nn

CELLS = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}


class _LastStepClassifier(nn.Module):
    """``cell`` layer over ``(B, T, d)`` inputs, a linear layer on the output of the last step."""

    def __init__(self, cell: str, vocab_size: int, num_classes: int, num_hiddens: int):
        super().__init__()
        self.rnn = CELLS[cell](vocab_size, num_hiddens, batch_first=True)
        self.head = nn.Linear(num_hiddens, num_classes)

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        """Map ``(B, T, vocab_size)`` inputs to logits ``(B, num_classes)``."""
        outputs, _ = self.rnn(X)  # (B, T, num_hiddens)
        return self.head(outputs[:, -1])  # (B, num_classes)


def recurrent_classifier(cell: str, vocab_size: int, num_classes: int, num_hiddens: int) -> nn.Module:
    """One ``nn.RNN``/``nn.LSTM``/``nn.GRU`` layer (``cell`` = "rnn"/"lstm"/"gru") and a linear layer.

    The model maps ``(B, T, vocab_size)`` to logits ``(B, num_classes)`` from the last step's
    output. Raises ``ValueError`` for any other ``cell``.
    """
    if cell not in CELLS:
        raise ValueError(f"cell must be 'rnn', 'lstm' or 'gru', got {cell!r}")
    return _LastStepClassifier(cell, vocab_size, num_classes, num_hiddens)
