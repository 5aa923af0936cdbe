"""A character-level language model in PyTorch: the models (RNN and LSTM), training, evaluation, sampling,
probing and the longer-trained checkpoints that ship with the course."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from tqdm.auto import tqdm

from course_utils.checkpoints import CHARLM_WEIGHTS, read_charlm_checkpoint
from course_utils.text import CharVocab, sample_index


class CharRNN(nn.Module):
    """Character-level language model: one-hot characters -> ``nn.RNN`` -> linear layer to logits."""

    def __init__(self, vocab_size: int, num_hiddens: int):
        super().__init__()
        self.vocab_size, self.num_hiddens = vocab_size, num_hiddens
        self.rnn = nn.RNN(vocab_size, num_hiddens, batch_first=True)
        self.head = nn.Linear(num_hiddens, vocab_size)

    def forward(self, X: torch.Tensor, H: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        """Map ids ``(B, T)`` to next-character logits ``(B, T, vocab_size)`` and the state ``(1, B, H)``."""
        X = F.one_hot(X, self.vocab_size).float()  # (B, T, V)
        outputs, H = self.rnn(X, H)  # (B, T, num_hiddens), (1, B, num_hiddens)
        return self.head(outputs), H  # (B, T, V)


class CharLSTM(nn.Module):
    """Character-level language model: one-hot characters -> ``nn.LSTM`` -> linear layer to logits.

    Chapter 2's model: the forget block (the second of PyTorch's ``i, f, g, o``) of
    ``rnn.bias_ih_l0`` starts at ``forget_bias`` and that of ``rnn.bias_hh_l0`` at 0, so the
    forget gate starts near ``sigmoid(forget_bias)``; every other weight keeps PyTorch's
    initialisation.  The same call as :class:`CharRNN`, with the state ``(H, C)``.
    """

    def __init__(self, vocab_size: int, num_hiddens: int, forget_bias: float = 1.0):
        super().__init__()
        self.vocab_size, self.num_hiddens = vocab_size, num_hiddens
        self.rnn = nn.LSTM(vocab_size, num_hiddens, batch_first=True)
        self.head = nn.Linear(num_hiddens, vocab_size)
        with torch.no_grad():
            self.rnn.bias_ih_l0[num_hiddens:2 * num_hiddens] = forget_bias
            self.rnn.bias_hh_l0[num_hiddens:2 * num_hiddens] = 0.0

    def forward(self, X: torch.Tensor, state: tuple[torch.Tensor, torch.Tensor] | None = None
                ) -> tuple[torch.Tensor, tuple[torch.Tensor, torch.Tensor]]:
        """Map ids ``(B, T)`` to logits ``(B, T, vocab_size)`` and the state ``(H, C)``, ``(1, B, H)`` each."""
        X = F.one_hot(X, self.vocab_size).float()  # (B, T, V)
        outputs, state = self.rnn(X, state)  # (B, T, num_hiddens), ((1, B, num_hiddens), (1, B, num_hiddens))
        return self.head(outputs), state  # (B, T, V)


def fit(model: CharRNN | CharLSTM, X_train: np.ndarray, Y_train: np.ndarray, *, train_steps: int,
        batch_size: int = 32, lr: float = 3e-3, max_norm: float = 1.0, seed: int = 0, progress: bool = True
        ) -> list[float]:
    """Train a :class:`CharRNN` or :class:`CharLSTM` with Adam and clipping on random windows of ``(X_train, Y_train)``.

    ``X_train`` and ``Y_train`` are id arrays ``(N, T)`` from :func:`course_utils.text.make_lm_windows`.
    Every step draws ``batch_size`` windows with replacement and starts each from a zero state
    (truncated backpropagation through time).  Returns the mini-batch cross-entropy of every
    step.  The model's device is used.  Chapter 1 shows these lines one for one.
    """
    device = next(model.parameters()).device
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    X_all = torch.as_tensor(X_train, device=device)  # (N, T)
    Y_all = torch.as_tensor(Y_train, device=device)  # (N, T)
    generator = torch.Generator().manual_seed(seed)
    history, start = [], time.perf_counter()
    model.train()
    for _ in tqdm(range(train_steps), desc="PyTorch", disable=not progress, mininterval=2):
        idx = torch.randint(len(X_all), (batch_size,), generator=generator).to(device)
        X_batch, Y_batch = X_all[idx], Y_all[idx]  # (B, T) character ids each
        logits, _ = model(X_batch)  # (B, T, V): every window starts from a zero state
        loss = F.cross_entropy(logits.reshape(-1, model.vocab_size), Y_batch.reshape(-1))  # (B*T, V) vs (B*T,)
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), max_norm)
        optimizer.step()
        history.append(loss.item())
    print(f"PyTorch: {train_steps} steps in {time.perf_counter() - start:.1f} s, "
          f"mean loss of the last 20 steps {np.mean(history[-20:]):.3f}")
    return history


def evaluate_loss(model: CharRNN | CharLSTM, X: np.ndarray, Y: np.ndarray, batch_size: int = 256) -> float:
    """Return the mean per-character cross-entropy, in nats, of ``model`` on every window of ``(X, Y)``.

    ``X`` and ``Y`` are id arrays ``(N, T)``; each window is read from a zero state, without
    gradients, ``batch_size`` windows at a time on the model's device.  ``exp(loss)`` is the
    perplexity and ``loss / ln 2`` the bits per character.
    """
    device = next(model.parameters()).device
    model.eval()
    total = 0.0
    with torch.no_grad():
        for start in range(0, len(X), batch_size):
            X_batch = torch.as_tensor(X[start:start + batch_size], device=device)  # (B, T)
            Y_batch = torch.as_tensor(Y[start:start + batch_size], device=device)  # (B, T)
            logits, _ = model(X_batch)  # (B, T, V)
            logits = logits.reshape(-1, model.vocab_size)  # (B*T, V)
            total += F.cross_entropy(logits, Y_batch.reshape(-1), reduction="sum").item()  # vs (B*T,)
    return total / np.size(Y)


def generate(model: CharRNN | CharLSTM, vocab: CharVocab, prefix: str, num_chars: int, temperature: float = 1.0,
             seed: int = 0) -> str:
    """Return ``prefix`` followed by ``num_chars`` characters sampled at ``temperature``.

    The prefix is read once; after that each sampled character is fed back in with
    the carried hidden state, so every step costs one RNN step.
    """
    device = next(model.parameters()).device
    rng = np.random.default_rng(seed)
    model.eval()
    ids: list[int] = []
    with torch.no_grad():
        logits, H = model(torch.as_tensor(vocab.encode(prefix), device=device)[None])  # (1, T, V)
        for _ in range(num_chars):
            ids.append(sample_index(logits[0, -1].cpu().numpy(), temperature, rng))
            logits, H = model(torch.tensor([[ids[-1]]], device=device), H)  # (1, 1, V)
    return prefix + vocab.decode(ids)


def hidden_states(model: CharRNN | CharLSTM, vocab: CharVocab, text: str) -> np.ndarray:
    """Return the hidden state after each character of ``text``, read from a zero state.

    The result has shape ``(len(text), num_hiddens)``: row ``t`` is ``h_t`` after reading
    ``text[t]``, for plotting what each trained unit responds to.
    """
    device = next(model.parameters()).device
    model.eval()
    with torch.no_grad():
        ids = torch.as_tensor(vocab.encode(text), device=device)[None]  # (1, T)
        outputs, _ = model.rnn(F.one_hot(ids, model.vocab_size).float())  # (1, T, num_hiddens)
    return outputs[0].cpu().numpy()  # (T, num_hiddens)


def load_charlm_checkpoint(vocab: CharVocab, path: str | Path | None = None) -> CharRNN:
    """Return the :class:`CharRNN` saved in ``data/charlm/charrnn_h128.npz``, on the CPU, in eval mode.

    That is Chapter 1's model (128 hidden units, the same recipe) trained for many more steps
    by ``data/charlm/make_charlm_checkpoint.py``.  ``vocab`` must be the vocabulary of the whole
    of ``shakespeare/tragedies.txt`` (a different one raises :class:`ValueError`); ``path=None``
    reads the shipped file after checking its SHA-256, see
    :func:`course_utils.checkpoints.read_charlm_checkpoint`.
    """
    arrays = read_charlm_checkpoint(vocab, path)
    model = CharRNN(len(vocab), int(arrays["num_hiddens"]))
    model.load_state_dict({name: torch.from_numpy(arrays[name]) for name in CHARLM_WEIGHTS})  # every name, strict
    return model.eval()


def load_charlstm_checkpoint(vocab: CharVocab, path: str | Path | None = None) -> CharLSTM:
    """Return the :class:`CharLSTM` saved in ``data/charlm/charlstm_h64.npz``, on the CPU, in eval mode.

    That is Chapter 2's model (64 hidden units, forget bias 1, the same recipe) trained for many
    more steps by ``data/charlm/make_charlstm_checkpoint.py``; the arguments and checks are those
    of :func:`load_charlm_checkpoint`, and an RNN checkpoint is refused with a
    :class:`ValueError`.  ``model.rnn`` is the trained ``nn.LSTM(batch_first=True)``, e.g. for
    :func:`course_utils.torch.gate_activations`.
    """
    arrays = read_charlm_checkpoint(vocab, path, cell="lstm")
    model = CharLSTM(len(vocab), int(arrays["num_hiddens"]))
    model.load_state_dict({name: torch.from_numpy(arrays[name]) for name in CHARLM_WEIGHTS})  # every name, strict
    return model.eval()
