"""Train Chapter 2's character-level LSTM for longer and save it as ``charlm/charlstm_h64.npz``.

Chapter 2 trains a ``CharLSTM`` (one ``nn.LSTM`` layer of 64 units, the forget block of
``bias_ih_l0`` at 1 and of ``bias_hh_l0`` at 0) on Shakespeare's tragedies for 500 steps, which
is what fits its time budget, and reads its gates.  This script trains the same model with
exactly the same recipe for :data:`STEPS` steps, so that the chapter reads the gates of a
model that has learned what it can:

* the text ``shakespeare/tragedies.txt``, its first 90% for training and the last 10% for
  validation, the vocabulary ``CharVocab.from_text(text)`` of the whole text;
* windows of 64 characters, each read from a zero state; batches of 32 windows drawn at
  random with replacement by a ``torch.Generator`` seeded 0;
* Adam with learning rate 3e-3, the gradient clipped to a global norm of 1.0;
* ``course_utils.set_seed(0)`` before the model is built (the same initial weights).

It runs on the CPU, deterministically (``torch.use_deterministic_algorithms(True)``, one
thread), and prints the validation loss (:func:`course_utils.torch.evaluate_loss` on every
validation window) after the chapter's 500 steps, every 1,000 steps and at the end: 2.244 nats
per character after 500 steps, 2.103 after 1,000, 1.733 after 10,000, 1.698 after 20,000, 1.683
after 30,000 and 1.683 after :data:`STEPS` = 40,000, where it has flattened out (between 1.678 and
1.686 at every evaluation from step 27,000 on).  On the first 400 validation windows, the
chapter's measure, the 500 steps give 2.283 and the 40,000 steps 1.753.  The output is an
``np.savez`` archive (no pickled objects): the ``state_dict`` arrays as float32 under their
PyTorch names (``rnn.weight_ih_l0``, ..., ``head.bias``), and the metadata ``steps``,
``num_hiddens``, ``seq_len``, ``batch_size``, ``lr``, ``max_norm``, ``seed``, ``forget_bias``,
``val_loss`` (every validation window), ``val_loss_400`` (the first 400 validation windows, the
chapter's measure) and ``vocab`` (the vocabulary's characters in id order, as one string, which
a loader compares with its own).
``course_utils.torch.load_charlstm_checkpoint`` and ``course_utils.keras.load_charlstm_checkpoint``
read it.

Rebuild it from the repository root (10 minutes of CPU time; 16 minutes on one core of a busy
shared two-core machine)::

    .venv/bin/python data/charlm/make_charlstm_checkpoint.py

then update its ``bytes`` and ``sha256`` in ``data/MANIFEST.json``.  Floating-point sums
are not the same on every CPU and library version, so a rebuild elsewhere may give other
bytes (and a slightly different loss); the manifest pins the shipped file.
``--steps`` and ``--out`` train a shorter run into another file, e.g. to time the script.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

import course_utils as cu
import course_utils.torch as ctorch

STEPS = 40_000
NUM_HIDDENS, SEQ_LEN, BATCH_SIZE, LR, MAX_NORM, SEED, FORGET_BIAS = 64, 64, 32, 3e-3, 1.0, 0, 1.0
CHAPTER_STEPS, EVAL_EVERY, CHAPTER_VAL_WINDOWS = 500, 1_000, 400
OUT = Path(__file__).resolve().parent / "charlstm_h64.npz"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=STEPS, help=f"training steps (default {STEPS})")
    parser.add_argument("--out", type=Path, default=OUT, help="where to write the .npz (default: beside this script)")
    args = parser.parse_args()

    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    text = cu.load_text("shakespeare/tragedies.txt")
    split = int(0.9 * len(text))
    train_text, val_text = text[:split], text[split:]
    vocab = cu.CharVocab.from_text(text)
    X_train, Y_train = cu.make_lm_windows(vocab.encode(train_text), SEQ_LEN)  # (N, T) each
    X_val, Y_val = cu.make_lm_windows(vocab.encode(val_text), SEQ_LEN)
    print(f"{len(text):,} characters, vocab_size = {len(vocab)}; {len(X_train):,} training and "
          f"{len(X_val):,} validation windows of {SEQ_LEN}; {args.steps:,} steps", flush=True)

    # Chapter 2, Section 8, line for line (on the CPU), with a validation loss now and then.
    cu.set_seed(SEED)
    model = ctorch.CharLSTM(len(vocab), NUM_HIDDENS, forget_bias=FORGET_BIAS)
    optimizer = torch.optim.Adam(model.parameters(), lr=LR)
    X_all, Y_all = torch.as_tensor(X_train), torch.as_tensor(Y_train)  # (N, T)
    generator = torch.Generator().manual_seed(SEED)
    history, start = [], time.perf_counter()
    val_loss = float("nan")
    for step in range(1, args.steps + 1):
        model.train()
        idx = torch.randint(len(X_all), (BATCH_SIZE,), generator=generator)
        X_batch, Y_batch = X_all[idx], Y_all[idx]  # (B, T) character ids each
        logits, _ = model(X_batch)  # (B, T, V): every window starts from a zero state
        loss = F.cross_entropy(logits.reshape(-1, model.vocab_size), Y_batch.reshape(-1))  # (B*T, V) vs (B*T,)
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), MAX_NORM)
        optimizer.step()
        history.append(loss.item())
        if step % EVAL_EVERY == 0 or step in (CHAPTER_STEPS, args.steps):
            val_loss = ctorch.evaluate_loss(model, X_val, Y_val)  # evaluation draws no random numbers
            print(f"step {step:>6,}: training loss (last 100 steps) {np.mean(history[-100:]):.3f}, "
                  f"validation loss {val_loss:.4f} nats/char, {time.perf_counter() - start:.0f} s", flush=True)
    val_loss_400 = ctorch.evaluate_loss(model, X_val[:CHAPTER_VAL_WINDOWS], Y_val[:CHAPTER_VAL_WINDOWS])
    print(f"validation loss on the first {CHAPTER_VAL_WINDOWS} windows (the chapter's measure): "
          f"{val_loss_400:.4f} nats/char")

    arrays = {name: value.detach().numpy().astype(np.float32) for name, value in model.state_dict().items()}
    meta = {"steps": np.int64(args.steps), "num_hiddens": np.int64(NUM_HIDDENS), "seq_len": np.int64(SEQ_LEN),
            "batch_size": np.int64(BATCH_SIZE), "lr": np.float64(LR), "max_norm": np.float64(MAX_NORM),
            "seed": np.int64(SEED), "forget_bias": np.float64(FORGET_BIAS), "val_loss": np.float64(val_loss),
            "val_loss_400": np.float64(val_loss_400), "vocab": np.str_("".join(vocab.itos))}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez(args.out, **arrays, **meta)
    print(f"wrote {args.out.name}: {args.out.stat().st_size:,} bytes, SHA-256 {cu.sha256_of(args.out)}")


if __name__ == "__main__":
    main()
