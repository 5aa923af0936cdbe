"""Keras 3 (TensorFlow backend) helpers; :mod:`course_utils.torch` has the same names for PyTorch.

Keras already has ``Model.fit``; :func:`fit` here adds what it lacks for this
course: the loss of every mini-batch (Keras logs a running mean) and a progress
bar that renders on the website.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Iterator

import numpy as np
from tqdm.auto import tqdm

from course_utils.checks import check_rnn_step_args, check_shape
from course_utils.experiments import bptt_problem
from course_utils.framework_api import FRAMEWORK_API
from course_utils.text import CharVocab, sample_index


@contextlib.contextmanager
def _quiet_native_stderr() -> Iterator[None]:
    """Silence what C++ code writes to file descriptor 2 (TensorFlow's start-up log lines).

    TensorFlow prints them before its logging is configured, so ``TF_CPP_MIN_LOG_LEVEL``
    cannot hide them; Python exceptions are unaffected and still reach the user.
    """
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
with _quiet_native_stderr():
    import keras
    import tensorflow as tf

    tf.config.list_physical_devices("GPU")  # probe CUDA now, while its error lines are silenced
from keras import layers, ops  # noqa: E402

__all__ = list(FRAMEWORK_API)


def get_device(verbose: bool = True) -> str:
    """Turn on memory growth for every GPU TensorFlow sees and return ``"/GPU:0"`` or ``"/CPU:0"``.

    Memory growth keeps TensorFlow from claiming the whole GPU, so PyTorch can share it.
    Keras places layers on the GPU by itself; the name is for ``tf.device`` blocks and messages.
    """
    with _quiet_native_stderr():  # without a driver, CUDA's probe logs an error line
        gpus = tf.config.list_physical_devices("GPU")
    for gpu in gpus:
        try:
            tf.config.experimental.set_memory_growth(gpu, True)
        except RuntimeError:  # the GPU was already initialised; growth can no longer change
            pass
    device = "/GPU:0" if gpus else "/CPU:0"
    if verbose:
        found = ", ".join(g.name for g in gpus) or "no GPU"
        print(f"TensorFlow {tf.__version__} (Keras {keras.__version__}) sees {found}; it uses {device}")
    return device


def rnn_step(X_t, H_prev, W_xh, W_hh, b_h):
    """One step of a vanilla RNN: ``H_t = tanh(X_t W_xh + H_prev W_hh + b_h)``, shape ``(B, num_hiddens)``."""
    check_rnn_step_args(X_t, H_prev, W_xh, W_hh, b_h)
    return ops.tanh(ops.matmul(X_t, W_xh) + ops.matmul(H_prev, W_hh) + b_h)


def rnn_forward(X, H0, W_xh, W_hh, b_h):
    """Unroll :func:`rnn_step` over ``X`` of shape ``(B, T, D)``.

    Returns every hidden state ``(B, T, num_hiddens)`` and the last one ``(B, num_hiddens)``,
    like ``keras.layers.SimpleRNN(return_sequences=True, return_state=True)``.
    """
    check_shape(X, (H0.shape[0], None, W_xh.shape[0]), "X")
    H, outputs = H0, []
    for t in range(X.shape[1]):
        H = rnn_step(X[:, t], H, W_xh, W_hh, b_h)  # (B, num_hiddens)
        outputs.append(H)
    return ops.stack(outputs, axis=1), H  # (B, T, num_hiddens), (B, num_hiddens)


def load_rnn_weights(layer: layers.SimpleRNN, W_xh, W_hh, b_h) -> None:
    """Copy from-scratch weights into a built ``SimpleRNN``.

    Keras stores ``kernel`` as ``(D, num_hiddens)`` and computes ``x W``, exactly like the
    from-scratch code, and has a single bias, so nothing is transposed.
    """
    kernel, recurrent, bias = (np.asarray(w) for w in (W_xh, W_hh, b_h))
    check_shape(kernel, tuple(layer.get_weights()[0].shape), "W_xh")
    layer.set_weights([kernel, recurrent, bias])


def clip_grad_norm(grads: list, max_norm: float) -> tuple[list, tf.Tensor]:
    """Rescale ``grads`` so that their global L2 norm is at most ``max_norm``.

    Returns the clipped gradients and the norm before clipping, like
    ``tf.clip_by_global_norm`` (which Keras optimizers use for ``global_clipnorm``).
    """
    total_norm = ops.sqrt(sum(ops.sum(ops.square(g)) for g in grads))
    scale = ops.minimum(1.0, max_norm / (total_norm + 1e-6))
    return [g * scale for g in grads], total_norm


def grad_norms_through_time(scale: float, num_steps: int = 40, seed: int = 0, device: str | None = None) -> np.ndarray:
    """Return ``||dL/dh_t||`` for ``t = T, T-1, ..., 1`` with ``L = sum(h_T)``.

    Index ``k`` of the result is the distance ``T - t`` from the loss; the numbers match
    :func:`course_utils.torch.grad_norms_through_time` for the same arguments.
    """
    problem = {k: tf.constant(v) for k, v in bptt_problem(scale, num_steps, seed=seed).items()}
    with tf.device(device or "/CPU:0"), tf.GradientTape() as tape:
        H = tf.zeros((problem["X"].shape[0], problem["W_hh"].shape[0]))
        states = []
        for t in range(num_steps):
            tape.watch(H)  # ask the tape for dL/dh_t, not only dL/dweights
            states.append(H)
            H = rnn_step(problem["X"][:, t], H, problem["W_xh"], problem["W_hh"], problem["b_h"])
        loss = ops.sum(H)
    # states[t] is h_{t-1}; dL/dh_T is 1 everywhere, the rest come from the tape.
    grads = tape.gradient(loss, states[1:])
    norms = [float(ops.norm(g)) for g in grads] + [float(np.sqrt(H.shape[0] * H.shape[1]))]
    return np.asarray(norms[::-1])


@keras.saving.register_keras_serializable(package="course_utils")
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

    def get_config(self) -> dict:
        """Return the constructor arguments, so the model can be saved and loaded."""
        return {**super().get_config(), "vocab_size": self.vocab_size, "num_hiddens": self.num_hiddens}


class _BatchLoss(keras.callbacks.Callback):
    """Recover each mini-batch's loss from the running mean Keras logs, and show progress."""

    def __init__(self, num_steps: int, progress: bool):
        super().__init__()
        self.history: list[float] = []
        self._bar = tqdm(total=num_steps, desc="Keras", disable=not progress, mininterval=2)

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        mean = float(logs["loss"])  # mean over batches 0..batch of this epoch
        self.history.append((batch + 1) * mean - batch * self._last_mean if batch else mean)
        self._last_mean = mean
        self._bar.update(1)

    def on_train_end(self, logs: dict | None = None) -> None:
        self._bar.close()


def fit(model: CharRNN, X: np.ndarray, Y: np.ndarray, *, num_steps: int, batch_size: int = 32, lr: float = 3e-3,
        max_norm: float = 1.0, seed: int = 0, progress: bool = True) -> list[float]:
    """Train a :class:`CharRNN` with Adam and global-norm clipping on random windows of ``(X, Y)``.

    Same arguments and result as :func:`course_utils.torch.fit`: the cross-entropy of every step.
    """
    rng = np.random.default_rng(seed)
    idx = rng.integers(len(X), size=num_steps * batch_size)  # the same sampling scheme as the PyTorch loop
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=lr, global_clipnorm=max_norm),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    recorder = _BatchLoss(num_steps, progress)
    start = time.perf_counter()
    model.fit(X[idx], Y[idx], batch_size=batch_size, epochs=1, shuffle=False, verbose=0, callbacks=[recorder])
    history = recorder.history
    print(f"Keras: {num_steps} steps in {time.perf_counter() - start:.1f} s, final loss {np.mean(history[-20:]):.3f}")
    return history


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
