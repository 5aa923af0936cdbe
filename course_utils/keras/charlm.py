"""A character-level language model in Keras: the models (RNN and LSTM), training, evaluation, sampling,
probing and the longer-trained checkpoints that ship with the course.

:func:`fit` uses Keras' own ``compile`` and ``fit`` and recovers the loss of every
mini-batch, which Keras logs only as a running mean.
"""

from __future__ import annotations

import time
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf
from keras import layers, ops

from course_utils.checkpoints import read_charlm_checkpoint
from course_utils.text import CharVocab, sample_index


class CharRNN(keras.Model):
    """Character-level language model: one-hot characters -> ``SimpleRNN`` -> ``Dense`` logits."""

    def __init__(self, vocab_size: int, num_hiddens: int, **kwargs):
        super().__init__(**kwargs)
        self.vocab_size, self.num_hiddens = vocab_size, num_hiddens
        self.rnn = layers.SimpleRNN(num_hiddens, return_sequences=True, return_state=True)
        self.head = layers.Dense(vocab_size)

    def call(self, X, initial_state=None, return_state: bool = False):
        """Map ids ``(B, T)`` to logits ``(B, T, vocab_size)``; with ``return_state`` also the state ``(B, H)``."""
        X = ops.one_hot(ops.cast(X, "int32"), self.vocab_size)  # (B, T, V)
        outputs, H = self.rnn(X, initial_state=initial_state)  # (B, T, num_hiddens), (B, num_hiddens)
        logits = self.head(outputs)  # (B, T, V)
        return (logits, H) if return_state else logits


class CharLSTM(keras.Model):
    """Character-level language model: one-hot characters -> ``LSTM`` -> ``Dense`` logits.

    Chapter 2's model.  The forget block of the LSTM's bias (Keras packs ``i, f, c, o``, the
    order of PyTorch's ``i, f, g, o``) starts at ``forget_bias``, the rest of the bias at 0;
    the weights keep Keras' initialisation (Glorot, orthogonal).  The same call as
    :class:`CharRNN`; with ``return_state`` the state is ``[H, C]``, ``(B, H)`` each.
    """

    def __init__(self, vocab_size: int, num_hiddens: int, forget_bias: float = 1.0, **kwargs):
        super().__init__(**kwargs)
        self.vocab_size, self.num_hiddens, self.forget_bias = vocab_size, num_hiddens, forget_bias
        self.rnn = layers.LSTM(num_hiddens, return_sequences=True, return_state=True)
        self.head = layers.Dense(vocab_size)

    def build(self, input_shape) -> None:
        """Build both layers for ids of shape ``input_shape`` ``(B, T)`` and set the forget bias."""
        self.rnn.build((None, None, self.vocab_size))  # one-hot inputs (B, T, V)
        self.head.build((None, None, self.num_hiddens))
        bias = np.zeros(4 * self.num_hiddens, dtype="float32")  # (4h,): i, f, c, o
        bias[self.num_hiddens:2 * self.num_hiddens] = self.forget_bias
        self.rnn.cell.bias.assign(bias)

    def call(self, X, initial_state=None, return_state: bool = False):
        """Map ids ``(B, T)`` to logits ``(B, T, vocab_size)``; with ``return_state`` also ``[H, C]``."""
        X = ops.one_hot(ops.cast(X, "int32"), self.vocab_size)  # (B, T, V)
        outputs, H, C = self.rnn(X, initial_state=initial_state)  # (B, T, num_hiddens), (B, num_hiddens) x 2
        logits = self.head(outputs)  # (B, T, V)
        return (logits, [H, C]) if return_state else logits


def fit(model: CharRNN, X_train: np.ndarray, Y_train: np.ndarray, *, train_steps: int, batch_size: int = 32,
        lr: float = 3e-3, max_norm: float = 1.0, seed: int = 0, progress: bool = True) -> list[float]:
    """Train a :class:`CharRNN` with Keras' ``compile`` and ``fit``: Adam, global-norm clipping.

    Same arguments and result as :func:`course_utils.torch.fit` (the cross-entropy of every
    step, the same scheme of random windows); ``progress`` prints Keras' summary line of the
    run.  Keras logs the running mean of the loss after each batch; the last line recovers the
    loss of each batch from it.  Chapter 1 shows these lines one for one.
    """
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=lr, global_clipnorm=max_norm),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    idx = np.random.default_rng(seed).integers(len(X_train), size=train_steps * batch_size)
    running = []  # the epoch's mean loss so far, after every batch
    log_loss = keras.callbacks.LambdaCallback(
        on_train_batch_end=lambda batch, logs: running.append(float(logs["loss"])))
    start = time.perf_counter()
    model.fit(X_train[idx], Y_train[idx], batch_size=batch_size, epochs=1, shuffle=False,
              verbose=2 if progress else 0, callbacks=[log_loss])
    steps = np.arange(1, len(running) + 1)
    history = list(steps * np.array(running) - (steps - 1) * np.array([0.0, *running[:-1]]))  # undo the running mean
    print(f"Keras: {train_steps} steps in {time.perf_counter() - start:.1f} s, "
          f"mean loss of the last 20 steps {np.mean(history[-20:]):.3f}")
    return history


def evaluate_loss(model: CharRNN, X: np.ndarray, Y: np.ndarray, batch_size: int = 256) -> float:
    """Return the mean per-character cross-entropy, in nats, of ``model`` on every window of ``(X, Y)``.

    ``X`` and ``Y`` are id arrays ``(N, T)``; each window is read from a zero state, without
    gradients (no tape records the calls), ``batch_size`` windows at a time.  ``exp(loss)``
    is the perplexity and ``loss / ln 2`` the bits per character.
    """
    total = 0.0
    for start in range(0, len(X), batch_size):
        logits = model(X[start:start + batch_size])  # (B, T, V)
        losses = ops.sparse_categorical_crossentropy(Y[start:start + batch_size], logits, from_logits=True)  # (B, T)
        total += float(ops.sum(losses))
    return total / np.size(Y)


def generate(model: CharRNN, vocab: CharVocab, prefix: str, num_chars: int, temperature: float = 1.0,
             seed: int = 0) -> str:
    """Return ``prefix`` followed by ``num_chars`` characters sampled at ``temperature``.

    The prefix is read once; after that each sampled character is fed back in with
    the carried hidden state, so every step costs one RNN step.
    """
    rng = np.random.default_rng(seed)
    # One traced graph for the one-character step: calling a Keras model eagerly costs
    # milliseconds of Python overhead per character, the graph a fraction of that.
    step = tf.function(lambda X, H: model(X, initial_state=H, return_state=True))
    ids: list[int] = []
    logits, H = model(vocab.encode(prefix)[None], return_state=True)  # (1, T, V), (1, num_hiddens)
    for _ in range(num_chars):
        ids.append(sample_index(ops.convert_to_numpy(logits[0, -1]), temperature, rng))
        logits, H = step(tf.constant([[ids[-1]]], dtype=tf.int32), H)  # (1, 1, V), (1, num_hiddens)
    return prefix + vocab.decode(ids)


def hidden_states(model: CharRNN, vocab: CharVocab, text: str) -> np.ndarray:
    """Return the hidden state after each character of ``text``, read from a zero state.

    The result has shape ``(len(text), num_hiddens)``: row ``t`` is ``h_t`` after reading
    ``text[t]``, for plotting what each trained unit responds to.
    """
    X = ops.one_hot(vocab.encode(text)[None].astype("int32"), model.vocab_size)  # (1, T, V)
    outputs = model.rnn(X)[0]  # (1, T, num_hiddens); the final state(s) follow
    return ops.convert_to_numpy(outputs[0])  # (T, num_hiddens)


def load_charlm_checkpoint(vocab: CharVocab, path: str | Path | None = None) -> CharRNN:
    """Return the :class:`CharRNN` saved in ``data/charlm/charrnn_h128.npz``, built and ready to call.

    That is Chapter 1's model (128 hidden units, the same recipe) trained for many more steps
    in PyTorch by ``data/charlm/make_charlm_checkpoint.py``; the same arguments and checks as
    :func:`course_utils.torch.load_charlm_checkpoint`.  PyTorch's weights are converted to the
    row form: ``kernel = weight_ih.T``, ``recurrent_kernel = weight_hh.T``, ``bias = bias_ih +
    bias_hh`` (Keras has one bias where PyTorch adds two), and the ``Dense`` kernel ``head.weight.T``.
    """
    w = read_charlm_checkpoint(vocab, path)
    model = CharRNN(len(vocab), int(w["num_hiddens"]))
    model(np.zeros((1, 1), dtype=np.int64))  # build the layers
    model.rnn.set_weights([w["rnn.weight_ih_l0"].T, w["rnn.weight_hh_l0"].T,  # (V, H), (H, H)
                           w["rnn.bias_ih_l0"] + w["rnn.bias_hh_l0"]])  # (H,)
    model.head.set_weights([w["head.weight"].T, w["head.bias"]])  # (H, V), (V,)
    return model


def load_charlstm_checkpoint(vocab: CharVocab, path: str | Path | None = None) -> CharLSTM:
    """Return the :class:`CharLSTM` saved in ``data/charlm/charlstm_h64.npz``, built and ready to call.

    That is Chapter 2's model (64 hidden units, forget bias 1) trained for many more steps in
    PyTorch by ``data/charlm/make_charlstm_checkpoint.py``; the same arguments and checks as
    :func:`course_utils.torch.load_charlstm_checkpoint`.  Keras packs the gates in PyTorch's
    order (``i, f, c, o``), so the weights only turn to the row form: ``kernel = weight_ih.T``,
    ``recurrent_kernel = weight_hh.T``, ``bias = bias_ih + bias_hh``, the ``Dense`` kernel ``head.weight.T``.
    """
    w = read_charlm_checkpoint(vocab, path, cell="lstm")
    model = CharLSTM(len(vocab), int(w["num_hiddens"]))
    model(np.zeros((1, 1), dtype=np.int64))  # build the layers
    model.rnn.set_weights([w["rnn.weight_ih_l0"].T, w["rnn.weight_hh_l0"].T,  # (V, 4H), (H, 4H)
                           w["rnn.bias_ih_l0"] + w["rnn.bias_hh_l0"]])  # (4H,)
    model.head.set_weights([w["head.weight"].T, w["head.bias"]])  # (H, V), (V,)
    return model
