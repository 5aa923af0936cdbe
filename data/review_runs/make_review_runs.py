"""Train Chapter 3's review classifiers, every configuration and seed; save the runs as ``review_runs/review_runs.npz``.

Chapter 3 compares review classifiers (Rotten Tomatoes snippets, fresh or rotten) on an
embedding table that is learned from scratch, GloVe frozen or GloVe fine-tuned, read out by the
mean of the embeddings or by a GRU.  The chapter cannot train them all in its time budget, so the
runs ship as data: six configurations (``mean/scratch``, ``mean/frozen``, ``mean/fine-tuned``,
``gru/scratch``, ``gru/frozen``, ``gru/fine-tuned``) times five seeds (0-4).

The recipe is the chapter's (Section 1 and Section 5, "The classifiers"), line for line:

* the vocabulary of the training tokens (``course_utils.vocab.tokenize``, ``min_freq=1``), ids
  padded or cut to 50, lengths clamped at 1 (``encode_split``); the GloVe rows from
  ``course_utils.vectors.embedding_matrix(vocab.itos, glove_words, glove_E,
  np.random.default_rng(0))``, the same for every seed;
* the table: ``nn.Embedding(V, 50, padding_idx=0)`` (scratch) or
  ``course_utils.torch.embedding_layer(M, trainable=...)`` (frozen, fine-tuned), with
  ``sparse = True``; the read-out: the chapter's ``MeanClassifier`` (the mean of the embeddings
  of the ids that are not padding, a linear layer) or ``GRUClassifier`` (a GRU of 64 units over
  the packed sequence, a linear layer on its final state), copied below;
* ``torch.manual_seed(seed)`` right before the model is built (the scratch table, the layers and
  the order of the batches follow the seed); Adam at 3e-3 on the layers and SparseAdam at 3e-3 on
  a trained table; batches of 64 (mean) or 128 (GRU); one thread on the CPU.

What differs from the chapter's single run is how long each model trains: up to 20 epochs,
the validation accuracy after every epoch, training stopped once 3 epochs in a row have not
beaten the best, and the epoch with the best validation accuracy kept (the first one on ties).
The test split is read once, by the kept model.

Results (the mean over the five seeds, their range in brackets; ``kept epoch`` is the epoch of
the best validation accuracy, ``s/run`` the seconds of training and validation per run on one
core of a shared two-core machine)::

    config             kept epoch                valid                 test epochs run  s/run
    mean/scratch       8.8 (6-14)  75.4% (73.1%-77.0%)  74.9% (73.9%-76.4%)       9-17    3.2
    mean/frozen         5.8 (3-8)  68.1% (67.0%-68.5%)  67.0% (66.4%-67.5%)       6-11    0.9
    mean/fine-tuned     7.0 (6-9)  77.8% (76.6%-78.7%)  76.2% (75.5%-76.8%)       9-12    2.7
    gru/scratch         8.4 (7-9)  72.9% (70.4%-74.8%)  72.6% (70.1%-74.5%)      10-12   25.4
    gru/frozen         8.2 (4-13)  75.1% (74.4%-76.2%)  72.2% (71.6%-72.9%)       7-16   22.7
    gru/fine-tuned      3.8 (2-5)  77.0% (75.3%-78.3%)  75.9% (73.8%-77.5%)        5-8   15.4

Every run stopped because 3 epochs in a row brought no better validation accuracy, never at the
20-epoch cap (an earlier cap of 12 epochs for the GRU stopped two frozen-table runs one epoch
after their best).  The frozen GRU's validation accuracy is 2.9 points above its test accuracy on
average (0.2 to 1.5 points for the other configurations): the epoch picked on 1,076 validation
snippets flatters it most.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

import course_utils as cu
import course_utils.torch as ctorch
from course_utils.archives import write_npz
from course_utils import corpora, vectors
from course_utils.vocab import PAD_ID, UNK_ID, Vocab, build_vocab, pad_batch, tokenize

#: configuration -> (read-out, embedding table), in the archive's order.
CONFIGS = {"mean/scratch": ("mean", "scratch"), "mean/frozen": ("mean", "frozen"),
           "mean/fine-tuned": ("mean", "fine-tuned"), "gru/scratch": ("gru", "scratch"),
           "gru/frozen": ("gru", "frozen"), "gru/fine-tuned": ("gru", "fine-tuned")}
SEEDS = (0, 1, 2, 3, 4)
MAX_LEN, MIN_FREQ, EMBED_DIM, NUM_HIDDENS, LR = 50, 1, 50, 64, 3e-3
BATCH_SIZE = {"mean": 64, "gru": 128}
MAX_EPOCHS = {"mean": 20, "gru": 20}
PATIENCE = 3  # stop after this many epochs in a row that do not beat the best validation accuracy
EVAL_BATCH = 512  # the chapter's accuracy() batch
GLOVE_SEED, SHUFFLE_SEED = 0, 3
PAIRS = ("a good cast , but the film is bad", "a bad cast , but the film is good")
OUT = Path(__file__).resolve().parent / "review_runs.npz"
FORMAT = "course review runs, version 1"


# --- The chapter's models (Chapter 3, Section 5, "The classifiers"), copied line for line -----------------------

class MeanClassifier(nn.Module):
    """Embedding, the mean over the real tokens, a linear layer."""

    def __init__(self, embedding, num_classes=2):
        super().__init__()
        self.embedding = embedding
        self.head = nn.Linear(embedding.embedding_dim, num_classes)

    def forward(self, X, lengths):
        E = self.embedding(X)  # (B, T, d)
        real = (X != PAD_ID).unsqueeze(-1).to(E.dtype)  # (B, T, 1)
        mean = (E * real).sum(dim=1) / lengths.to(E.device).unsqueeze(1)  # (B, d)
        return self.head(mean)  # (B, num_classes)


class GRUClassifier(nn.Module):
    """Embedding, a GRU packed to each sequence's length, a linear layer on its final state."""

    def __init__(self, embedding, num_hiddens, num_classes=2):
        super().__init__()
        self.embedding = embedding
        self.rnn = nn.GRU(embedding.embedding_dim, num_hiddens, batch_first=True)
        self.head = nn.Linear(num_hiddens, num_classes)

    def forward(self, X, lengths):
        packed = nn.utils.rnn.pack_padded_sequence(
            self.embedding(X), lengths.cpu(), batch_first=True, enforce_sorted=False
        )
        _, H_n = self.rnn(packed)  # (1, B, h): the state after each sequence's last token
        return self.head(H_n[0])  # (B, num_classes)


# --- The data, as Section 1 and Section 5 build it ---------------------------------------------------------------

def encode_split(vocab: Vocab, token_lists, labels) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Padded ids (N, MAX_LEN), lengths (N,) clamped at 1 and labels (N,), as the chapter's encode_split."""
    X, lengths = pad_batch([vocab.encode(tokens) for tokens in token_lists], max_len=MAX_LEN)
    return torch.tensor(X), torch.tensor(lengths).clamp(min=1), torch.tensor(labels)


def shuffle_tokens(X: torch.Tensor, lengths: torch.Tensor, rng: np.random.Generator) -> torch.Tensor:
    """``X`` with the real tokens of each row in a random order (one ``rng.permutation`` per row, in
    row order); the padding stays at the end."""
    shuffled = X.clone()
    for row, n in enumerate(lengths.tolist()):
        shuffled[row, :n] = X[row, :n][torch.as_tensor(rng.permutation(n))]
    return shuffled


def keep_ids(X: torch.Tensor, lengths: torch.Tensor, keep: np.ndarray) -> tuple[torch.Tensor, torch.Tensor, int, int]:
    """``X`` with every real token whose id has ``keep[id]`` False removed and the rest moved left.

    Returns the new ids, the new lengths (a row left empty keeps length 1 of padding, as
    ``encode_split`` clamps them), how many rows lost a token and how many were left empty.
    """
    kept = torch.zeros_like(X)
    new_lengths = torch.zeros_like(lengths)
    changed = 0
    for row, n in enumerate(lengths.tolist()):
        ids = [i for i in X[row, :n].tolist() if i != PAD_ID and keep[i]]
        kept[row, :len(ids)] = torch.tensor(ids, dtype=X.dtype)
        new_lengths[row] = len(ids)
        changed += len(ids) < int((X[row, :n] != PAD_ID).sum())
    empty = int((new_lengths == 0).sum())
    return kept, new_lengths.clamp(min=1), changed, empty


@dataclass
class ReviewData:
    """Everything the runs read: the vocabulary, the GloVe rows and the encoded splits (ids, lengths, labels)."""

    vocab: Vocab
    M_glove: np.ndarray  # (V, d) float32
    found: np.ndarray  # (V,) bool: the rows that hold a GloVe vector
    train: tuple
    valid: tuple
    test: tuple | None
    valid_shuffled: torch.Tensor  # (N_valid, MAX_LEN): the validation ids, tokens shuffled per snippet
    valid_no_oov: tuple  # (ids, lengths): the validation snippets without the tokens that lack a GloVe vector
    no_oov_changed: int
    no_oov_empty: int
    pairs: tuple  # (ids, lengths) of PAIRS


def load_data(with_test: bool = True) -> ReviewData:
    """Build the chapter's vocabulary (training tokens, ``min_freq=1``), GloVe rows and encoded splits.

    ``with_test=False`` leaves the test split unread (``test`` is None).
    """
    splits = ("train", "valid", "test") if with_test else ("train", "valid")
    loaded = {split: corpora.load_snippets(split) for split in splits}  # the test split is read once, here
    tokens = {split: [tokenize(text) for text in texts] for split, (texts, _) in loaded.items()}
    vocab = Vocab(build_vocab(tokens["train"], min_freq=MIN_FREQ)[2:])
    glove_words, glove_E, _ = corpora.load_glove()
    M_glove, found = vectors.embedding_matrix(vocab.itos, glove_words, glove_E, np.random.default_rng(GLOVE_SEED))
    encoded = {split: encode_split(vocab, tokens[split], loaded[split][1]) for split in splits}
    X_valid, lengths_valid, _ = encoded["valid"]
    no_oov_X, no_oov_lengths, changed, empty = keep_ids(X_valid, lengths_valid, found)  # found: False for <pad>, <unk>
    assert not found[UNK_ID] and not found[PAD_ID]
    pair_X, pair_lengths = pad_batch([vocab.encode(tokenize(text)) for text in PAIRS], max_len=MAX_LEN)
    return ReviewData(vocab=vocab, M_glove=M_glove, found=found, train=encoded["train"], valid=encoded["valid"],
                      test=encoded.get("test"),
                      valid_shuffled=shuffle_tokens(X_valid, lengths_valid, np.random.default_rng(SHUFFLE_SEED)),
                      valid_no_oov=(no_oov_X, no_oov_lengths), no_oov_changed=changed, no_oov_empty=empty,
                      pairs=(torch.tensor(pair_X), torch.tensor(pair_lengths).clamp(min=1)))


# --- One run: the chapter's make_embedding and train_classifier, with early stopping ------------------------------

def make_embedding(kind: str, data: ReviewData) -> nn.Embedding:
    """The embedding table for ``kind``: "scratch", "frozen" or "fine-tuned" (the chapter's make_embedding)."""
    if kind == "scratch":
        embedding = nn.Embedding(len(data.vocab), EMBED_DIM, padding_idx=PAD_ID)
    else:
        embedding = ctorch.embedding_layer(data.M_glove, trainable=(kind == "fine-tuned"))
    embedding.sparse = True  # backward gives only the rows of the batch's ids
    return embedding


def build_model(config: str, seed: int, data: ReviewData) -> nn.Module:
    """The model of ``config``, its random weights (and the scratch table) drawn after ``torch.manual_seed(seed)``."""
    arch, kind = CONFIGS[config]
    torch.manual_seed(seed)
    if arch == "mean":
        return MeanClassifier(make_embedding(kind, data))
    return GRUClassifier(make_embedding(kind, data), num_hiddens=NUM_HIDDENS)


def logits_of(model: nn.Module, X: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
    """The logits (N, 2) of ``model`` in eval mode, in batches of EVAL_BATCH as the chapter's accuracy()."""
    model.eval()
    with torch.no_grad():
        return torch.cat([model(X[i : i + EVAL_BATCH], lengths[i : i + EVAL_BATCH])
                          for i in range(0, len(X), EVAL_BATCH)])


def correct_of(model: nn.Module, X: torch.Tensor, lengths: torch.Tensor, Y: torch.Tensor) -> np.ndarray:
    """Right (True) or wrong per snippet, (N,) bool."""
    return (logits_of(model, X, lengths).argmax(dim=1) == Y).numpy()


def train_run(config: str, seed: int, data: ReviewData, max_epochs: int | None = None) -> dict:
    """Train one model; keep the epoch with the best validation accuracy (the first on ties).

    Training stops after ``max_epochs`` (default: MAX_EPOCHS of the read-out) or once PATIENCE
    epochs in a row have not beaten the best.  The result holds the validation curve, the kept
    epoch and, for the kept model, its right answers on the validation split (as it is, with the
    tokens shuffled, without the tokens GloVe lacks) and, when ``data.test`` is loaded, on the
    test split (read once, after training), and P(positive) for the two PAIRS.
    """
    arch, _ = CONFIGS[config]
    max_epochs = MAX_EPOCHS[arch] if max_epochs is None else max_epochs
    batch_size = BATCH_SIZE[arch]
    model = build_model(config, seed, data)
    table = [p for p in model.embedding.parameters() if p.requires_grad]  # sparse gradients
    rest = [p for name, p in model.named_parameters() if p.requires_grad and not name.startswith("embedding.")]
    optimizers = [torch.optim.Adam(rest, lr=LR)]
    if table:
        optimizers.append(torch.optim.SparseAdam(table, lr=LR))
    X, lengths, Y = data.train
    best, best_epoch, best_state, best_correct, curve = -1.0, 0, None, None, []
    start = time.perf_counter()
    for epoch in range(max_epochs):
        model.train()
        order = torch.randperm(len(Y))
        for i in range(0, len(Y), batch_size):
            batch = order[i : i + batch_size]
            logits = model(X[batch], lengths[batch])  # (B, 2)
            loss = F.cross_entropy(logits, Y[batch])
            for optimizer in optimizers:
                optimizer.zero_grad()
            loss.backward()
            for optimizer in optimizers:
                optimizer.step()
        correct = correct_of(model, *data.valid)  # (N_valid,)
        curve.append(float(correct.mean()))
        if curve[-1] > best:
            best, best_epoch, best_correct = curve[-1], epoch + 1, correct
            best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
        elif epoch + 1 - best_epoch >= PATIENCE:
            break
    model.load_state_dict(best_state)
    seconds = time.perf_counter() - start
    if not np.array_equal(correct_of(model, *data.valid), best_correct):
        raise RuntimeError(f"{config} seed {seed}: the restored model does not give its epoch's answers")
    X_valid, lengths_valid, Y_valid = data.valid
    shuffled = logits_of(model, data.valid_shuffled, lengths_valid).argmax(dim=1)
    result = {
        "val_curve": curve, "best_epoch": best_epoch, "epochs_run": len(curve), "seconds": seconds,
        "valid_correct": best_correct,
        "valid_correct_shuffled": (shuffled == Y_valid).numpy(),
        "valid_same_shuffled": (shuffled == logits_of(model, X_valid, lengths_valid).argmax(dim=1)).numpy(),
        "valid_correct_no_oov": correct_of(model, *data.valid_no_oov, Y_valid),
        "pair_p_positive": torch.softmax(logits_of(model, *data.pairs), dim=1)[:, 1].numpy().astype(np.float64),
        "trainable": sum(p.numel() for p in model.parameters() if p.requires_grad),
    }
    if data.test is not None:
        result["test_correct"] = correct_of(model, *data.test)
    return result


# --- The archive ----------------------------------------------------------------------------------------------------


def summary(configs: list[str], arrays: dict[str, np.ndarray]) -> str:
    """Per configuration, the mean and range over seeds of the kept epoch, validation and test accuracy."""
    lines = [f"{'config':16} {'kept epoch':>12} {'valid':>20} {'test':>20} {'epochs run':>10} {'s/run':>6}"]
    for i, config in enumerate(configs):
        epoch, run = arrays["best_epoch"][i], arrays["epochs_run"][i]
        valid, test = arrays["valid_correct"][i].mean(axis=1), arrays["test_correct"][i].mean(axis=1)  # (S,)
        lines.append(f"{config:16} {f'{epoch.mean():.1f} ({epoch.min()}-{epoch.max()})':>12} "
                     f"{f'{valid.mean():.1%} ({valid.min():.1%}-{valid.max():.1%})':>20} "
                     f"{f'{test.mean():.1%} ({test.min():.1%}-{test.max():.1%})':>20} "
                     f"{f'{run.min()}-{run.max()}':>10} {arrays['seconds'][i].mean():6.1f}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--configs", nargs="+", choices=list(CONFIGS), default=list(CONFIGS),
                        help="the configurations to train (default: all six, in the archive's order)")
    parser.add_argument("--seeds", nargs="+", type=int, default=list(SEEDS), help="the seeds (default 0-4)")
    parser.add_argument("--out", type=Path, default=OUT, help="where to write the .npz (default: beside this script)")
    args = parser.parse_args()
    configs = [c for c in CONFIGS if c in args.configs]

    torch.set_num_threads(1)
    data = load_data()
    sizes = {name: len(split[2]) for name, split in [("train", data.train), ("valid", data.valid),
                                                     ("test", data.test)]}
    print(f"vocabulary {len(data.vocab)} ids, {int(data.found.sum())} rows from GloVe; splits {sizes}; "
          f"without the tokens GloVe lacks, {data.no_oov_changed} validation snippets change and "
          f"{data.no_oov_empty} are left empty", flush=True)
    width = max(MAX_EPOCHS[CONFIGS[c][0]] for c in configs)
    runs = {name: [] for name in ("val_curve", "best_epoch", "epochs_run", "seconds", "valid_correct", "test_correct",
                                  "valid_correct_shuffled", "valid_same_shuffled", "valid_correct_no_oov",
                                  "pair_p_positive")}
    trainable = []
    start = time.perf_counter()
    for config in configs:
        for seed in args.seeds:
            result = train_run(config, seed, data)
            result["val_curve"] = np.pad(np.array(result["val_curve"]), (0, width - result["epochs_run"]),
                                         constant_values=np.nan)
            for name in runs:
                runs[name].append(result[name])
            print(f"{config:16} seed {seed}: kept epoch {result['best_epoch']:2d} of {result['epochs_run']:2d}, "
                  f"valid {result['valid_correct'].mean():.1%}, test {result['test_correct'].mean():.1%}, "
                  f"shuffled {result['valid_correct_shuffled'].mean():.1%} "
                  f"(same label {result['valid_same_shuffled'].mean():.1%}), without OOV "
                  f"{result['valid_correct_no_oov'].mean():.1%}, P(positive) of the pairs "
                  f"{result['pair_p_positive'][0]:.2f} {result['pair_p_positive'][1]:.2f}  "
                  f"({result['seconds']:.0f} s)", flush=True)
        trainable.append(result["trainable"])
    print(f"trained {len(configs) * len(args.seeds)} models in {time.perf_counter() - start:.0f} s", flush=True)
    shape = (len(configs), len(args.seeds))
    dtypes = {"val_curve": np.float64, "best_epoch": np.int64, "epochs_run": np.int64, "seconds": np.float64,
              "pair_p_positive": np.float64}
    arrays = {name: np.array(values, dtype=dtypes.get(name, bool)).reshape(*shape, *np.shape(values[0]))
              for name, values in runs.items()}
    arrays["trainable"] = np.array(trainable, np.int64)
    meta = {
        "format": FORMAT, "configs": configs, "archs": [CONFIGS[c][0] for c in configs],
        "embeddings": [CONFIGS[c][1] for c in configs], "seeds": list(args.seeds), "splits": sizes,
        "vocab_size": len(data.vocab), "glove_rows": int(data.found.sum()),
        "no_oov_changed": data.no_oov_changed, "no_oov_empty": data.no_oov_empty, "pairs": list(PAIRS),
        "recipe": {"max_len": MAX_LEN, "min_freq": MIN_FREQ, "embed_dim": EMBED_DIM, "num_hiddens": NUM_HIDDENS,
                   "lr": LR, "batch_size": BATCH_SIZE, "max_epochs": MAX_EPOCHS, "patience": PATIENCE,
                   "eval_batch": EVAL_BATCH, "glove_seed": GLOVE_SEED, "shuffle_seed": SHUFFLE_SEED,
                   "threads": 1, "device": "cpu"},
        "torch": torch.__version__, "numpy": np.__version__,
        "command": " ".join(["data/review_runs/make_review_runs.py",
                             *(a if a != str(args.out) else args.out.name for a in sys.argv[1:])]),
    }
    arrays["meta"] = np.array(json.dumps(meta, sort_keys=True))
    print(summary(configs, arrays))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    write_npz(args.out, arrays)
    print(f"wrote {args.out.name}: {args.out.stat().st_size:,} bytes, SHA-256 {cu.sha256_of(args.out)}")


if __name__ == "__main__":
    main()
