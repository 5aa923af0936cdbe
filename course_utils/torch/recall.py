"""Chapter 2's recall classifier in PyTorch and the trained models that ship with the course.

:class:`RecallClassifier` is the chapter's model: one-hot tokens, one ``nn.RNN`` (tanh),
``nn.LSTM`` or ``nn.GRU`` layer, a linear layer on the last state.  :func:`load_recall_models`
returns the models that ``data/recall/make_recall_checkpoints.py`` trained on
:func:`course_utils.tasks.distractor_recall_task`, every configuration and seed.
"""

from __future__ import annotations

import math
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from course_utils.checkpoints import RECALL_WEIGHTS, read_recall_models

_LAYERS = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}


class RecallClassifier(nn.Module):
    """One-hot tokens -> ``nn.RNN``/``nn.LSTM``/``nn.GRU`` -> a linear layer on the last state -> logits.

    ``cell`` is "rnn", "lstm" or "gru" (``ValueError`` otherwise).  ``forget_bias`` (LSTM only)
    sets the forget block, the second of ``i, f, g, o``, of ``bias_ih_l0`` to that value and that
    of ``bias_hh_l0`` to 0, so the forget gates start near ``sigmoid(forget_bias)``; ``None``
    keeps PyTorch's initialisation.
    """

    def __init__(self, cell: str, vocab_size: int, num_hiddens: int, num_classes: int,
                 forget_bias: float | None = None):
        super().__init__()
        if cell not in _LAYERS:
            raise ValueError(f"cell must be 'rnn', 'lstm' or 'gru'; got {cell!r}")
        if forget_bias is not None and cell != "lstm":
            raise ValueError(f"forget_bias applies to the LSTM only, not to {cell!r}")
        self.cell, self.vocab_size, self.forget_bias = cell, vocab_size, forget_bias
        self.rnn = _LAYERS[cell](vocab_size, num_hiddens, batch_first=True)
        self.head = nn.Linear(num_hiddens, num_classes)
        if forget_bias is not None:
            with torch.no_grad():
                self.rnn.bias_ih_l0[num_hiddens:2 * num_hiddens] = forget_bias
                self.rnn.bias_hh_l0[num_hiddens:2 * num_hiddens] = 0.0

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        """Map int64 token ids ``(B, T)`` to logits ``(B, num_classes)`` read off the last step."""
        outputs, _ = self.rnn(F.one_hot(X, self.vocab_size).float())  # (B, T, h)
        return self.head(outputs[:, -1])  # (B, num_classes)


def load_recall_models(path: str | Path | None = None) -> dict[str, list[RecallClassifier]]:
    """Return the trained recall models, ``{config: [one RecallClassifier per seed]}``, on the CPU, in eval mode.

    The configurations are ``"rnn"``, ``"lstm_fb0"``, ``"lstm_fb1"`` (LSTMs whose forget bias
    started at 0 and 1) and ``"gru"``; the seeds are ``read_recall_models(path)[1]["seeds"]``.
    Each model's ``forget_bias`` records its initialisation.  ``path=None`` reads the shipped
    file after checking its SHA-256, see :func:`course_utils.checkpoints.read_recall_models`.
    """
    weights, meta = read_recall_models(path)
    sizes = (int(meta["vocab_size"]), int(meta["num_hiddens"]), int(meta["num_classes"]))
    models: dict[str, list[RecallClassifier]] = {}
    for config, cell, bias in zip(weights, meta["cells"], meta["forget_biases"]):
        models[config] = []
        for arrays in weights[config]:
            model = RecallClassifier(str(cell), *sizes, None if math.isnan(bias) else float(bias))
            model.load_state_dict({name: torch.from_numpy(arrays[name]) for name in RECALL_WEIGHTS})  # strict
            models[config].append(model.eval())
    return models
