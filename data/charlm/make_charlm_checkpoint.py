"""Train Chapter 1's character-level RNN for longer and save it as ``charlm/charrnn_h128.npz``.

Chapter 1 trains its ``CharRNN`` (one ``nn.RNN`` layer of 128 units) on Shakespeare's
tragedies for 400 steps, which is what fits its time budget.  This script trains the same
model with exactly the same recipe for :data:`STEPS` steps, so that the chapter can show
what more training buys:

* the text ``shakespeare/tragedies.txt``, its first 90% for training and the last 10% for
  validation, the vocabulary ``CharVocab.from_text(text)`` of the whole text;
* windows of 64 characters, each read from a zero state; batches of 32 windows drawn at
  random with replacement by a ``torch.Generator`` seeded 0;
* Adam with learning rate 3e-3, the gradient clipped to a global norm of 1.0;
* ``course_utils.set_seed(0)`` before the model is built (the same initial weights).

It runs on the CPU, deterministically (``torch.use_deterministic_algorithms(True)``, one
thread), and prints the validation loss (:func:`course_utils.torch.evaluate_loss` on every
validation window) every 1,000 steps and at the end: 2.14 nats per character after the
chapter's 400 steps, 1.94 after 1,000, 1.69 after 20,000 and 1.673 after :data:`STEPS` = 30,000,
where it has flattened out (a 40,000-step run ends at 1.670).  The output is an ``np.savez`` archive
(no pickled objects): the ``state_dict`` arrays as float32 under their PyTorch names
(``rnn.weight_ih_l0``, ..., ``head.bias``), and the metadata ``steps``, ``num_hiddens``,
``seq_len``, ``batch_size``, ``lr``, ``max_norm``, ``seed``, ``val_loss`` and ``vocab`` (the
vocabulary's characters in id order, as one string, which a loader compares with its own).
``course_utils.torch.load_charlm_checkpoint`` and ``course_utils.keras.load_charlm_checkpoint``
read it.

Rebuild it from the repository root (10 minutes on one core of a shared two-core machine)::

    .venv/bin/python data/charlm/make_charlm_checkpoint.py

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

STEPS = 30_000
NUM_HIDDENS, SEQ_LEN, BATCH_SIZE, LR, MAX_NORM, SEED = 128, 64, 32, 3e-3, 1.0, 0
EVAL_EVERY = 1_000
OUT = Path(__file__).resolve().parent / "charrnn_h128.npz"


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

    # Chapter 1, Section 6, line for line (on the CPU), with a validation loss now and then.
    cu.set_seed(SEED)
    model = ctorch.CharRNN(len(vocab), NUM_HIDDENS)
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
        if step % EVAL_EVERY == 0 or step == args.steps:
            val_loss = ctorch.evaluate_loss(model, X_val, Y_val)  # evaluation draws no random numbers
            print(f"step {step:>6,}: training loss (last 100 steps) {np.mean(history[-100:]):.3f}, "
                  f"validation loss {val_loss:.4f} nats/char, {time.perf_counter() - start:.0f} s", flush=True)

    arrays = {name: value.detach().numpy().astype(np.float32) for name, value in model.state_dict().items()}
    meta = {"steps": np.int64(args.steps), "num_hiddens": np.int64(NUM_HIDDENS), "seq_len": np.int64(SEQ_LEN),
            "batch_size": np.int64(BATCH_SIZE), "lr": np.float64(LR), "max_norm": np.float64(MAX_NORM),
            "seed": np.int64(SEED), "val_loss": np.float64(val_loss), "vocab": np.str_("".join(vocab.itos))}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez(args.out, **arrays, **meta)
    print(f"wrote {args.out.name}: {args.out.stat().st_size:,} bytes, SHA-256 {cu.sha256_of(args.out)}")


if __name__ == "__main__":
    main()
