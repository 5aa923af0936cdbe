"""Train Chapter 2's recall models, every cell and seed, and save them as ``recall/recall_models.npz``.

Chapter 2 asks how far a vanilla RNN, an LSTM and a GRU carry a token.  The task is
:func:`course_utils.tasks.distractor_recall_task`: the label is the *first* of 4 class tokens in
the sequence; before it come noise tokens (4 kinds), after it every step is, with probability
0.3, another class token (a distractor) and noise otherwise.  A model must write the first class
token into its state and then keep it while later class tokens go by.  Its distance from the end
runs from 1 to 256, measured in the bins 1, 2-3, 4-7, ..., 128-256.

The recipe, the same for every model:

* four configurations: ``rnn`` (``nn.RNN``, tanh), ``lstm_fb0`` and ``lstm_fb1`` (``nn.LSTM``
  with the forget block of ``bias_ih_l0`` set to 0 or 1 and that of ``bias_hh_l0`` to 0, the
  other biases PyTorch's), ``gru`` (``nn.GRU``): one-hot tokens, one layer of 32 units, a linear
  layer on the last state (``course_utils.torch.RecallClassifier``); seeds 0-4 for each,
  ``torch.manual_seed(seed)`` before the model is built;
* 600 steps of Adam at learning rate 5e-3, the gradient clipped to a global norm of 1, batches
  of 32 sequences.  Each batch has its own length, log-uniform in [1, 256]
  (``np.random.default_rng(seed)``), and distances uniform up to it: over a fifth of the
  sequences have distance 1, one in 30 lies in 128-256, and a batch costs only its own length
  (45 steps on average).  Batch
  ``step`` of seed ``s`` uses task seed ``1,000,000 * (s + 1) + step``, so the four
  configurations of a seed see the same batches;
* the weights after 600 steps are kept; training goes on to 1,500 steps only to record the
  curves: the validation accuracy per bin every 50 steps (64 sequences per bin, task seed
  ``500 + bin``) and the mean training loss of those 50 steps.

A cell's *limit* is the first bin whose accuracy is below 0.625, half-way between a perfect
memory (1) and guessing (1/4).  Results of the saved models on 250 test sequences per bin (task
seeds ``2026 + bin``, 2,000 in all), the five seeds pooled, with 95% bootstrap intervals over
seeds and sequences (:func:`course_utils.tasks.accuracy_by_distance`)::

    model      1     2-3   4-7   8-15  16-31  32-63  64-127  128-256  limit (per seed)
    rnn        1.00  0.99  0.93  0.43  0.26   0.25   0.22    0.26     8-15 (8-15 in all five)
    lstm_fb0   1.00  1.00  1.00  0.89  0.66   0.42   0.33    0.30     32-63 (16-31 x2, 32-63 x3)
    lstm_fb1   1.00  1.00  0.99  0.86  0.59   0.35   0.28    0.27     16-31 (16-31 x3, 32-63 x2)
    gru        1.00  1.00  1.00  1.00  1.00   1.00   1.00    1.00     > 256 (in all five)

The intervals where the cells part: RNN 4-7 [0.89, 0.97], 8-15 [0.29, 0.55]; LSTM with forget
bias 0: 8-15 [0.78, 0.98], 16-31 [0.48, 0.84], 32-63 [0.33, 0.52]; with bias 1: [0.75, 0.97],
[0.43, 0.75], [0.29, 0.43]; the GRU [1.00, 1.00] in every bin.  Guessing scores 0.25.

The mean training loss of steps 551-600 is 0.85-1.10 (RNN), 0.68-0.84 (LSTM, bias 0), 0.54-0.94
(LSTM, bias 1) and 0.002 (GRU), seed by seed; after 1,500 steps 0.90-1.00, 0.001-0.096,
0.001-0.018 and 0.000.  The curves show what the budget does: the GRU's limit passes 256 after
200-300 steps; the LSTMs' limits grow from 4-15 at 100 steps to 16-63 at 600 and pass 256
between 650 and 1,150 steps (seed by seed; one bias-0 seed not by 1,500); the RNN's stays at
8-15 from step 400 to 1,500.  600 steps is where every LSTM seed is under way and none has
arrived, so every cell but the GRU has its limit inside the range.  The forget bias makes no
difference this task can resolve: at 600 steps the two LSTMs' intervals overlap in every bin,
and the steps at which their seeds pass 256 (bias 0: 650, 700, 750, 1,050, > 1,500; bias 1:
700, 800, 950, 1,100, 1,150) mix.  Likely because each batch's short sequences teach the latch
step by step: no gradient has to cross hundreds of steps of a fresh cell, which is where a
forget bias of 1 is meant to help.

How the task was chosen (each variant tried with one seed): the chapter's earlier task, one
class token among noise over 48 steps, gives both LSTMs and the GRU 1.00 at every distance after
its 400 steps; with the label marked by a marker token before it, every cell, the RNN included,
kept the token to 256 within 2,500 steps once the batches mixed short and long distances; with
distances uniform over one fixed length of 200, the RNN stayed below 0.9 already at distance 2-3
after 2,000 steps; with first-token distractors at a rate of 0.1 the RNN's limit kept moving out
(16-31 after 3,000 steps), at 0.3 it stays put for 1,500.  None of these limits is a wall: run
on with this recipe, RNN seeds 0 and 1 learn the latch too and pass 256 after about 6,000 and
7,000 steps (seed 0 lost it again by 8,000).  The limits measure how fast each cell learns to
keep a token.

It runs on the CPU, deterministically (``torch.use_deterministic_algorithms(True)``, one
thread), in 5 minutes on one core of a shared two-core machine (the GRUs take half of it),
printing each model's validation accuracy, the test table above and the limits by training
step.  The output is an ``np.savez_compressed`` archive (no pickled objects, 342 KiB): each
model's ``state_dict`` as float32 under ``<config>/seed<k>/<name>`` (``lstm_fb1/seed0/
rnn.weight_ih_l0``, ...), and the metadata ``configs``, ``cells``, ``forget_biases`` (NaN where
none is set), ``seeds``, ``vocab_size``, ``num_classes``, ``num_noise``, ``num_hiddens``,
``distractor_rate``, ``max_distance``, ``edges``, ``steps``, ``batch_size``, ``lr``,
``max_norm``, ``limit_threshold``, ``eval_every``, ``val_per_bin``, ``val_seed``,
``val_correct`` (right answers per configuration, seed and bin of the saved models),
``curve_steps``, ``curve_accuracy`` (configuration, seed, step, bin) and ``curve_loss``.
``course_utils.torch.load_recall_models`` and ``course_utils.keras.load_recall_models`` read it.

Rebuild it from the repository root::

    .venv/bin/python data/recall/make_recall_checkpoints.py

then update its ``bytes`` and ``sha256`` in ``data/MANIFEST.json``.  Floating-point sums are not
the same on every CPU and library version (it was made with PyTorch 2.13 and NumPy 2.4), so a
rebuild elsewhere may give other bytes and slightly other numbers; the manifest pins the shipped
file.  ``--steps``, ``--curve-steps`` and ``--out`` train a shorter run into another file, e.g.
``--steps 30 --curve-steps 60 --out /tmp/recall.npz`` to time the script.
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
from course_utils import tasks

STEPS, CURVE_STEPS = 600, 1500
NUM_CLASSES, NUM_NOISE, DISTRACTOR_RATE, MAX_DISTANCE = 4, 4, 0.3, 256
NUM_HIDDENS, BATCH_SIZE, LR, MAX_NORM = 32, 32, 5e-3, 1.0
SEEDS = (0, 1, 2, 3, 4)
#: configuration -> (cell, forget bias): the LSTMs differ only in where their forget gates start.
CONFIGS = {"rnn": ("rnn", None), "lstm_fb0": ("lstm", 0.0), "lstm_fb1": ("lstm", 1.0), "gru": ("gru", None)}
EDGES = (1, 2, 4, 8, 16, 32, 64, 128, MAX_DISTANCE + 1)  # distance bins 1, 2-3, ..., 128-256
EVAL_EVERY, VAL_PER_BIN, VAL_SEED = 50, 64, 500
TEST_PER_BIN, TEST_SEED = 250, 2026
#: A cell's limit: the first distance bin whose accuracy is below half-way between perfect (1) and guessing (1/4).
LIMIT_THRESHOLD = (1 + 1 / NUM_CLASSES) / 2
OUT = Path(__file__).resolve().parent / "recall_models.npz"


def batch_length(rng: np.random.Generator) -> int:
    """A training batch's sequence length, log-uniform in ``[1, MAX_DISTANCE]``."""
    return int(min(MAX_DISTANCE, np.exp(rng.uniform(0.0, np.log(MAX_DISTANCE + 1)))))


def correct_by_bin(model: nn.Module, sets: list) -> list[np.ndarray]:
    """Right or wrong, per sequence of each bin's set."""
    model.eval()
    with torch.no_grad():
        return [model(torch.as_tensor(X)).argmax(dim=1).numpy() == y for X, y, _ in sets]


def train(cell: str, forget_bias: float | None, seed: int, steps: int, curve_steps: int, val_sets: list) -> tuple:
    """Train one model for ``curve_steps``; return the model as it was after ``steps``, its validation
    accuracy per bin every EVAL_EVERY steps and the mean training loss of each such stretch."""
    torch.manual_seed(seed)  # the initial weights
    model = ctorch.RecallClassifier(cell, NUM_CLASSES + NUM_NOISE, NUM_HIDDENS, NUM_CLASSES, forget_bias)
    optimizer = torch.optim.Adam(model.parameters(), lr=LR)
    lengths = np.random.default_rng(seed)  # the same batches for every configuration of a seed
    curve, losses, history, saved = [], [], [], {}
    for step in range(1, curve_steps + 1):
        model.train()
        X, y, _ = tasks.distractor_recall_task(BATCH_SIZE, batch_length(lengths), distractor_rate=DISTRACTOR_RATE,
                                               num_classes=NUM_CLASSES, num_noise=NUM_NOISE,
                                               seed=1_000_000 * (seed + 1) + step)  # (B, T), (B,)
        loss = F.cross_entropy(model(torch.as_tensor(X)), torch.as_tensor(y))  # (B, C) vs (B,)
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), MAX_NORM)
        optimizer.step()
        history.append(loss.item())
        if step % EVAL_EVERY == 0 or step in (steps, curve_steps):
            curve.append([c.mean() for c in correct_by_bin(model, val_sets)])
            losses.append(np.mean(history[-EVAL_EVERY:]))
        if step == steps:  # the model that ships; training goes on only to record the curves
            saved = {name: value.detach().clone() for name, value in model.state_dict().items()}
    model.load_state_dict(saved)
    return model.eval(), np.array(curve), np.array(losses)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=STEPS,
                        help=f"training steps of the saved models (default {STEPS})")
    parser.add_argument("--curve-steps", type=int, default=CURVE_STEPS,
                        help=f"training steps of the validation curves, at least --steps (default {CURVE_STEPS})")
    parser.add_argument("--out", type=Path, default=OUT, help="where to write the .npz (default: beside this script)")
    args = parser.parse_args()
    if not 1 <= args.steps <= args.curve_steps:
        parser.error("--steps must be at least 1 and at most --curve-steps")

    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    task_kwargs = dict(distractor_rate=DISTRACTOR_RATE, num_classes=NUM_CLASSES, num_noise=NUM_NOISE)
    val_sets = tasks.recall_sets_by_distance(EDGES, VAL_PER_BIN, seed=VAL_SEED, **task_kwargs)
    test_sets = tasks.recall_sets_by_distance(EDGES, TEST_PER_BIN, seed=TEST_SEED, **task_kwargs)
    test_distance = np.concatenate([d for _, _, d in test_sets])  # (N,)
    curve_steps = [s for s in range(1, args.curve_steps + 1)
                   if s % EVAL_EVERY == 0 or s in (args.steps, args.curve_steps)]  # as train() evaluates
    arrays: dict[str, np.ndarray] = {}
    shape = (len(CONFIGS), len(SEEDS))
    val_correct = np.zeros((*shape, len(EDGES) - 1), np.int64)
    curves, losses = [], []
    start = time.perf_counter()
    for i, (config, (cell, forget_bias)) in enumerate(CONFIGS.items()):
        correct = []
        for j, seed in enumerate(SEEDS):
            run_start = time.perf_counter()
            model, curve, loss = train(cell, forget_bias, seed, args.steps, args.curve_steps, val_sets)
            curves.append(curve)
            losses.append(loss)
            val_correct[i, j] = [c.sum() for c in correct_by_bin(model, val_sets)]
            for name, value in model.state_dict().items():
                arrays[f"{config}/seed{seed}/{name}"] = value.numpy().astype(np.float32)
            correct.append(np.concatenate(correct_by_bin(model, test_sets)))
            at = curve_steps.index(args.steps)  # the curve's entry for the saved model
            print(f"{config:9} seed {seed}: after {args.steps} steps loss {loss[at]:.3f}, validation "
                  + " ".join(f"{a:.2f}" for a in curve[at]) + f"; after {args.curve_steps} loss {loss[-1]:.3f}  "
                  f"({time.perf_counter() - run_start:.0f} s)", flush=True)
        result = tasks.accuracy_by_distance(np.array(correct), test_distance, EDGES, threshold=LIMIT_THRESHOLD)
        per_seed = [tasks.accuracy_by_distance(c, test_distance, EDGES, threshold=LIMIT_THRESHOLD).limit_label()
                    for c in correct]
        print(f"{config:9} test, {len(SEEDS)} seeds x {TEST_PER_BIN} sequences per bin: "
              + " ".join(f"{b} {a:.2f} [{lo:.2f}, {hi:.2f}]" for b, a, lo, hi in
                         zip(result.labels(), result.accuracy, result.low, result.high))
              + f"; limit {result.limit_label()}, per seed {', '.join(per_seed)}", flush=True)
    print(f"trained {len(CONFIGS) * len(SEEDS)} models in {time.perf_counter() - start:.0f} s", flush=True)
    curve_accuracy = np.array(curves, np.float32).reshape(*shape, len(curve_steps), len(EDGES) - 1)
    print(f"limit (first bin whose validation accuracy, mean of the seeds, is below {LIMIT_THRESHOLD}) by step:")
    for e, step in enumerate(curve_steps):
        if step % 100 == 0 or step == args.curve_steps:
            limits = []
            for i in range(len(CONFIGS)):
                below = np.flatnonzero(curve_accuracy[i, :, e].mean(axis=0) < LIMIT_THRESHOLD)
                limits.append(result.labels()[below[0]] if below.size else f"> {MAX_DISTANCE}")
            print(f"  step {step:>5}: " + ", ".join(f"{c} {lim}" for c, lim in zip(CONFIGS, limits)))
    meta = {"configs": np.array(list(CONFIGS)), "cells": np.array([c for c, _ in CONFIGS.values()]),
            "forget_biases": np.array([np.nan if b is None else b for _, b in CONFIGS.values()]),
            "seeds": np.array(SEEDS, np.int64), "vocab_size": np.int64(NUM_CLASSES + NUM_NOISE),
            "num_classes": np.int64(NUM_CLASSES), "num_noise": np.int64(NUM_NOISE),
            "num_hiddens": np.int64(NUM_HIDDENS), "distractor_rate": np.float64(DISTRACTOR_RATE),
            "max_distance": np.int64(MAX_DISTANCE), "edges": np.array(EDGES, np.int64),
            "steps": np.int64(args.steps), "batch_size": np.int64(BATCH_SIZE), "lr": np.float64(LR),
            "max_norm": np.float64(MAX_NORM), "limit_threshold": np.float64(LIMIT_THRESHOLD),
            "eval_every": np.int64(EVAL_EVERY),
            "val_per_bin": np.int64(VAL_PER_BIN), "val_seed": np.int64(VAL_SEED), "val_correct": val_correct,
            "curve_steps": np.array(curve_steps, np.int64),
            "curve_accuracy": curve_accuracy,
            "curve_loss": np.array(losses, np.float32).reshape(*shape, len(curve_steps))}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out, **arrays, **meta)
    print(f"wrote {args.out.name}: {args.out.stat().st_size:,} bytes, SHA-256 {cu.sha256_of(args.out)}")


if __name__ == "__main__":
    main()
