"""Chapter 2's recall classifier in Keras and the trained models that ship with the course.

The twin of :mod:`course_utils.torch.recall`: the same model and the same trained weights
(made in PyTorch by ``data/recall/make_recall_checkpoints.py``), copied into Keras layers.
The recurrent layers keep their defaults, so the LSTM and the GRU stay cuDNN-eligible.
"""

from __future__ import annotations

import math
from pathlib import Path

import keras
import numpy as np
from keras import layers, ops

from course_utils.checkpoints import read_recall_models
from course_utils.keras.gates import load_gru_weights, load_lstm_weights
from course_utils.keras.rnn import load_rnn_weights

_LAYERS = {"rnn": layers.SimpleRNN, "lstm": layers.LSTM, "gru": layers.GRU}


class RecallClassifier(keras.Model):
    """One-hot tokens -> ``SimpleRNN``/``LSTM``/``GRU`` -> ``Dense`` on the last state -> logits.

    The same arguments as :class:`course_utils.torch.RecallClassifier`; the model is built
    when made.  ``forget_bias`` (LSTM only) sets the forget block, the second of ``i, f, c, o``,
    of the LSTM's single bias; ``None`` keeps Keras' initialisation, which already starts it at
    1 (``unit_forget_bias=True``) where PyTorch's starts near 0.
    """

    def __init__(self, cell: str, vocab_size: int, num_hiddens: int, num_classes: int,
                 forget_bias: float | None = None, **kwargs):
        super().__init__(**kwargs)
        if cell not in _LAYERS:
            raise ValueError(f"cell must be 'rnn', 'lstm' or 'gru'; got {cell!r}")
        if forget_bias is not None and cell != "lstm":
            raise ValueError(f"forget_bias applies to the LSTM only, not to {cell!r}")
        self.cell, self.vocab_size, self.forget_bias = cell, vocab_size, forget_bias
        self.rnn = _LAYERS[cell](num_hiddens)  # the last output only: (B, num_hiddens)
        self.head = layers.Dense(num_classes)
        self.rnn.build((None, None, vocab_size))  # one-hot inputs (B, T, V)
        self.head.build((None, num_hiddens))
        if forget_bias is not None:
            bias = self.rnn.cell.bias.numpy()  # (4h,): i, f, c, o
            bias[num_hiddens:2 * num_hiddens] = forget_bias
            self.rnn.cell.bias.assign(bias)

    def call(self, X):
        """Map int token ids ``(B, T)`` to logits ``(B, num_classes)`` read off the last step."""
        X = ops.one_hot(ops.cast(X, "int32"), self.vocab_size)  # (B, T, V)
        return self.head(self.rnn(X))  # (B, num_classes)


def load_recall_models(path: str | Path | None = None) -> dict[str, list[RecallClassifier]]:
    """Return the trained recall models, ``{config: [one RecallClassifier per seed]}``, built and ready to call.

    The same models, arguments and checks as :func:`course_utils.torch.load_recall_models`.
    The weights turn to the row form (``kernel = weight_ih.T``, ...); the SimpleRNN and the
    LSTM add their two biases into Keras' one, the GRU keeps both and its blocks move from
    PyTorch's ``r, z, n`` to Keras' ``z, r, h`` (:func:`course_utils.keras.load_gru_weights`).
    """
    weights, meta = read_recall_models(path)
    sizes = (int(meta["vocab_size"]), int(meta["num_hiddens"]), int(meta["num_classes"]))
    models: dict[str, list[RecallClassifier]] = {}
    for config, cell, bias in zip(weights, meta["cells"], meta["forget_biases"]):
        models[config] = []
        for w in weights[config]:
            model = RecallClassifier(str(cell), *sizes, None if math.isnan(bias) else float(bias))
            W_x, W_h = w["rnn.weight_ih_l0"].T, w["rnn.weight_hh_l0"].T  # (V, G), (H, G)
            if cell == "gru":
                load_gru_weights(model.rnn, W_x, W_h, w["rnn.bias_ih_l0"], w["rnn.bias_hh_l0"])
            else:
                load = load_lstm_weights if cell == "lstm" else load_rnn_weights
                load(model.rnn, W_x, W_h, w["rnn.bias_ih_l0"] + w["rnn.bias_hh_l0"])  # (G,)
            model.head.set_weights([w["head.weight"].T, w["head.bias"]])  # (H, C), (C,)
            models[config].append(model)
    return models
