"""Train Chapter 4's POS taggers, every configuration and seed; save the runs as ``tagger_runs/tagger_runs.npz``.

Chapter 4 (Section 5) trains LSTM taggers on UD English EWT and compares one or two layers, one
or two directions and two frameworks.  One seed cannot carry those comparisons, and five seeds of
each would add minutes to the chapter, so the runs ship as data: nine configurations times five
seeds (0-4).  Run ``python data/tagger_runs/make_tagger_runs.py`` from the repository root (about
six minutes on one core); ``--quick`` checks the script in a few seconds per run (one epoch on
64 training sentences) and writes an archive the reader accepts, not the shipped data.

* "PyTorch, 1 layer, forward only", "PyTorch, 2 layers, forward only", "PyTorch, 1 layer,
  bidirectional", "PyTorch, 2 layers, bidirectional": the chapter's ``TorchTagger``, as it is;
* "PyTorch, 1 layer, bidirectional, dense Adam on the table": the same tagger, but the table's
  gradient dense (``sparse = False``) and one ``torch.optim.Adam`` over every parameter, the
  table included, instead of Adam on the layers and ``SparseAdam`` on the table;
* "PyTorch, 1 layer, bidirectional, Keras' initial values": the chapter's tagger with its LSTM
  and linear layer initialised as Keras initialises its ``LSTM`` and ``Dense`` by default (see
  :func:`keras_initial_values`);
* "Keras, 1 layer, forward only", "Keras, 1 layer, bidirectional", "Keras, 2 layers,
  bidirectional": ``course_utils.keras.sequence_tagger``, trained as the chapter trains it.

The recipe is the chapter's (Section 5, "Words to ids, tags to ids", "The PyTorch taggers" and
the Keras tagger's cell), line for line:

* train = dev[:-200] (1,801 sentences), valid = dev[-200:], test = the test split;
* the vocabulary: the training word forms (most frequent first), then every other word of the
  GloVe subset; the initial table ``M_init`` (V, 50): ``np.random.default_rng(0)`` normal rows
  scaled to GloVe's standard deviation, the GloVe vector of the word (or of its lower-case
  form) where there is one, row 0 zero; the same table for every seed, fine-tuned;
* tags 1-17 the UPOS tags in ``course_utils.tagging.UPOS_TAGS``' order, 0 padding;
* LSTMs of 64 units per direction; batches of 32 sentences of similar length
  (``length_batches``), in an order that one ``np.random.default_rng(seed)`` per run draws anew
  every epoch;
  5 epochs; Adam (and SparseAdam on the table in PyTorch) at 5e-3; the validation accuracy
  after every epoch and the epoch with the best one kept (the first on ties); the test
  predictions of the kept model, never the padding tag;
* ``torch.manual_seed(seed)`` right before a PyTorch tagger is built and
  ``keras.utils.set_random_seed(seed)`` right before a Keras one (the chapter's seed is 0);
  PyTorch on the CPU with one thread; a Keras batch padded to a multiple of 16 steps.

Seed 0 of the chapter's five configurations reproduces the chapter's own runs: the same best
validation accuracy and the same tag for every one of the 25,094 test words, in PyTorch and in
Keras (compared with the notebook executed on the same machine).

What Keras' Adam does with the embedding's gradient (Keras 3.15, TensorFlow backend, read in
``keras/src/optimizers/adam.py``, ``keras/src/backend/tensorflow/optimizer.py`` and
``keras/src/backend/tensorflow/sparse.py``): the table's gradient arrives as a
``tf.IndexedSlices`` (the rows of the batch), but ``Adam.update_step`` computes
``m += (g - m) * (1 - beta_1)`` with ``ops.subtract(gradient, m)``, whose sparse wrapper
(``elementwise_binary_union``) turns the ``IndexedSlices`` into a dense tensor when the other
operand (the moment ``m``) is dense; the same for ``v``.  So every row's moments decay at every
step, and ``variable -= alpha * m / (sqrt(v) + epsilon)`` is a dense update: a row keeps moving
from its momentum after it leaves the batch, as a dense ``torch.optim.Adam`` on the table does
(``SparseAdam`` touches the rows of the batch only).  A two-step check agrees: in Keras, the rows of
the first batch move again in a second step whose batch holds other rows only.  Keras' update is
otherwise PyTorch's, with epsilon 1e-7 added to ``sqrt(v)`` rather than 1e-8 to the bias-corrected
``sqrt(v_hat)``.

Keras' default initial values (Keras 3.15, ``keras/src/layers/rnn/lstm.py`` and
``keras/src/layers/core/dense.py``): ``LSTM(kernel_initializer="glorot_uniform",
recurrent_initializer="orthogonal", bias_initializer="zeros", unit_forget_bias=True)``, the last
setting the forget block of the one bias to 1; ``Dense(kernel_initializer="glorot_uniform",
bias_initializer="zeros")``.  PyTorch draws every LSTM weight and bias from U(-1/sqrt(h), 1/sqrt(h))
(h = 64 units) and the linear layer's from U(-1/sqrt(fan_in), 1/sqrt(fan_in)) instead.

Results (test accuracy in %, mean ± standard deviation over the five seeds, on all 25,094 test
words and on the words seen and unseen (18.6%) in training, ``course_utils.tagging.tagging_accuracy``;
``kept`` the range of kept epochs, ``s/run`` the seconds of training and validation per run, all
45 runs in one process on one core of a shared two-core machine, 354 s of training)::

    config                                                          all       seen     unseen  kept s/run
    PyTorch, 1 layer, forward only                           84.9 ± 0.2 90.1 ± 0.1 61.9 ± 1.1   5-5   2.2
    PyTorch, 2 layers, forward only                          84.3 ± 0.6 89.7 ± 0.3 60.6 ± 1.9   5-5   4.3
    PyTorch, 1 layer, bidirectional                          87.8 ± 0.5 92.5 ± 0.4 67.0 ± 0.6   4-5   3.8
    PyTorch, 2 layers, bidirectional                         88.0 ± 0.3 92.7 ± 0.2 67.1 ± 0.9   5-5   6.5
    PyTorch, 1 layer, bidirectional, dense Adam on the table 88.5 ± 0.3 94.4 ± 0.2 63.1 ± 0.9   5-5   8.2
    PyTorch, 1 layer, bidirectional, Keras' initial values   87.8 ± 0.5 92.4 ± 0.5 67.7 ± 0.8   4-5   3.1
    Keras, 1 layer, forward only                             86.2 ± 0.5 92.5 ± 0.3 58.7 ± 1.4   4-5   8.3
    Keras, 1 layer, bidirectional                            88.6 ± 0.1 94.3 ± 0.1 63.3 ± 0.5   5-5  10.3
    Keras, 2 layers, bidirectional                           88.6 ± 0.4 94.3 ± 0.2 63.7 ± 1.0   4-5  19.4

The dense Adam on the table gives PyTorch's bidirectional tagger Keras' profile (94.4 and 63.1 on
seen and unseen words against Keras' 94.3 and 63.3, where the sparse table gives 92.5 and 67.0);
Keras' initial values move the accuracy on all words by less than 0.1 points.  A second layer moves
it by -0.6 points (PyTorch, forward only), +0.2 (PyTorch, bidirectional) and +0.0 (Keras,
bidirectional), about one standard deviation of the seeds or less.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import NamedTuple

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

import course_utils as cu
import course_utils.torch as ctorch
from course_utils.archives import write_npz
from course_utils import corpora, tagging
from course_utils.vocab import PAD_ID, UNK_ID, Vocab, pad_batch


class Config(NamedTuple):
    """A tagger: its framework, layers, directions and what differs from the chapter's recipe."""

    framework: str  # "torch" or "keras"
    num_layers: int
    bidirectional: bool
    variant: str  # "chapter", "dense adam" or "keras init"


#: configuration -> Config, in the archive's order.
CONFIGS = {
    "PyTorch, 1 layer, forward only": Config("torch", 1, False, "chapter"),
    "PyTorch, 2 layers, forward only": Config("torch", 2, False, "chapter"),
    "PyTorch, 1 layer, bidirectional": Config("torch", 1, True, "chapter"),
    "PyTorch, 2 layers, bidirectional": Config("torch", 2, True, "chapter"),
    "PyTorch, 1 layer, bidirectional, dense Adam on the table": Config("torch", 1, True, "dense adam"),
    "PyTorch, 1 layer, bidirectional, Keras' initial values": Config("torch", 1, True, "keras init"),
    "Keras, 1 layer, forward only": Config("keras", 1, False, "chapter"),
    "Keras, 1 layer, bidirectional": Config("keras", 1, True, "chapter"),
    "Keras, 2 layers, bidirectional": Config("keras", 2, True, "chapter"),
}
SEEDS = (0, 1, 2, 3, 4)
EPOCHS, BATCH_SIZE, LR, EMBED_DIM, NUM_HIDDENS = 5, 32, 5e-3, 50, 64
VALID_SENTENCES = 200  # the last 200 dev sentences; the rest is the training split
TABLE_SEED = 0  # np.random.default_rng(TABLE_SEED) draws the rows GloVe lacks, for every seed
PREDICT_BATCH, KERAS_STEPS = 256, 16  # the chapter's prediction batches; Keras pads to a multiple of 16
QUICK_SENTENCES = 64  # --quick: one epoch on this many training sentences
TAG_PAD = 0
OUT = Path(__file__).resolve().parent / "tagger_runs.npz"
FORMAT = "course tagger runs, version 1"


# --- The data, as Section 5 builds it ----------------------------------------------------------------------------

@dataclass
class TaggerData:
    """The table, the tag names and the encoded splits: (word ids, tag ids), one list per sentence."""

    M_init: np.ndarray  # (V, 50) float32
    tag_itos: list[str]
    train_forms: int
    train: tuple[list[list[int]], list[list[int]]]
    valid: tuple[list[list[int]], list[list[int]]]
    test: tuple[list[list[int]], list[list[int]]]
    test_words: list[list[str]]
    train_vocab: set[str]


def load_data(train_sentences: int | None = None) -> TaggerData:
    """The chapter's splits, vocabulary, ``M_init`` and ids; ``train_sentences`` keeps the first that many
    training sentences (the vocabulary and the table stay the chapter's)."""
    dev_words, dev_tags = tagging.load_ud_ewt("dev")
    test_words, test_tags = tagging.load_ud_ewt("test")  # the test split is read once, here
    train_words, train_tags = dev_words[:-VALID_SENTENCES], dev_tags[:-VALID_SENTENCES]
    valid_words, valid_tags = dev_words[-VALID_SENTENCES:], dev_tags[-VALID_SENTENCES:]
    glove_words, glove_E, _ = corpora.load_glove()
    glove_row = {word: i for i, word in enumerate(glove_words)}
    train_forms = [w for w, _ in Counter(w for sent in train_words for w in sent).most_common()]
    in_train = set(train_forms)
    word_vocab = Vocab(train_forms + [w for w in glove_words if w not in in_train])
    word_id = {word: i for i, word in enumerate(word_vocab.itos)}
    M_init = np.random.default_rng(TABLE_SEED).normal(0, glove_E.std(), (len(word_vocab.itos), EMBED_DIM))
    M_init = M_init.astype(np.float32)  # (V, 50)
    M_init[PAD_ID] = 0.0
    for i, word in enumerate(word_vocab.itos[2:], start=2):  # rows 0, 1: <pad>, <unk>
        row = glove_row.get(word, glove_row.get(word.lower()))
        if row is not None:
            M_init[i] = glove_E[row]
    tag_itos = ["<pad>", *tagging.UPOS_TAGS]
    tag_ids = {tag: i for i, tag in enumerate(tag_itos)}

    def encode(words_list, tags_list):
        ids = [[word_id.get(w, word_id.get(w.lower(), UNK_ID)) for w in sent] for sent in words_list]
        return ids, [[tag_ids[t] for t in tags] for tags in tags_list]

    train = encode(train_words, train_tags)
    if train_sentences is not None:
        train = (train[0][:train_sentences], train[1][:train_sentences])
    return TaggerData(M_init=M_init, tag_itos=tag_itos, train_forms=len(train_forms), train=train,
                      valid=encode(valid_words, valid_tags), test=encode(test_words, test_tags),
                      test_words=test_words, train_vocab={w for sent in train_words for w in sent})


def length_batches(ids, batch_size, rng=None):
    """Lists of sentence indices of similar length; in a random order when ``rng`` is given."""
    by_length = sorted(range(len(ids)), key=lambda j: len(ids[j]))
    chunks = [by_length[i : i + batch_size] for i in range(0, len(ids), batch_size)]
    return [chunks[k] for k in rng.permutation(len(chunks))] if rng is not None else chunks


# --- PyTorch (the chapter's TorchTagger, batches, predict_tags and training loop) --------------------------------

class TorchTagger(nn.Module):
    """Embedding (GloVe-initialised, fine-tuned) -> packed LSTM stack -> a linear layer per word."""

    def __init__(self, M_init, num_tags, num_layers, bidirectional, num_hiddens=NUM_HIDDENS):
        super().__init__()
        self.embedding = ctorch.embedding_layer(M_init, trainable=True)  # (V, 50)
        self.embedding.sparse = True  # backward gives only the rows of the batch's words
        self.rnn = nn.LSTM(M_init.shape[1], num_hiddens, num_layers=num_layers,
                           bidirectional=bidirectional, batch_first=True)
        self.head = nn.Linear(num_hiddens * (2 if bidirectional else 1), num_tags)

    def forward(self, X, lengths):
        packed = nn.utils.rnn.pack_padded_sequence(self.embedding(X), lengths, batch_first=True,
                                                   enforce_sorted=False)
        outputs, _ = self.rnn(packed)
        outputs, _ = nn.utils.rnn.pad_packed_sequence(outputs, batch_first=True, total_length=X.shape[1])
        return self.head(outputs)  # (B, T, num_tags)


def batches(ids, tag_id_lists, batch_size, rng=None):
    """Padded (chosen, X, lengths, Y) batches: X, Y (B, T) int64 tensors, lengths on the CPU."""
    for chosen in length_batches(ids, batch_size, rng):
        X_b, lengths_b = pad_batch([ids[j] for j in chosen])  # (B, T), (B,)
        Y_b, _ = pad_batch([tag_id_lists[j] for j in chosen], pad_id=TAG_PAD)  # (B, T)
        yield chosen, torch.as_tensor(X_b), torch.as_tensor(lengths_b), torch.as_tensor(Y_b)


def predict_tags(model, ids):
    """The predicted tag ids of every sentence, in their order (never the padding id)."""
    model.eval()
    predicted = [None] * len(ids)
    with torch.no_grad():
        for chosen, X_b, lengths_b, _ in batches(ids, ids, PREDICT_BATCH):
            best = model(X_b, lengths_b)[..., 1:].argmax(dim=-1) + 1  # (B, T): never the padding id
            for j, row, n in zip(chosen, best, lengths_b):
                predicted[j] = row[:n].tolist()
    return predicted


def keras_initial_values(model: TorchTagger) -> None:
    """Draw the LSTM's and the linear layer's values as Keras' defaults do, from PyTorch's generator.

    Keras' ``kernel`` (d, 4h) is ``weight_ih`` (4h, d) transposed, glorot_uniform over its
    fan-in d and fan-out 4h, as ``xavier_uniform_`` of the transpose; ``recurrent_kernel``
    (h, 4h) orthogonal (orthonormal rows), ``weight_hh`` (4h, h) with orthonormal columns; the
    one bias zero but the forget block (i, f, g, o: the second) 1, so ``bias_hh`` is all zero;
    ``Dense``: glorot_uniform kernel, zero bias.
    """
    h = model.rnn.hidden_size
    with torch.no_grad():
        for name, value in model.rnn.named_parameters():
            if name.startswith("weight_ih"):
                nn.init.xavier_uniform_(value)
            elif name.startswith("weight_hh"):
                nn.init.orthogonal_(value)
            else:
                value.zero_()
                if name.startswith("bias_ih"):
                    value[h : 2 * h] = 1.0  # unit_forget_bias
        nn.init.xavier_uniform_(model.head.weight)
        model.head.bias.zero_()


def train_torch(config: Config, seed: int, data: TaggerData, epochs: int = EPOCHS) -> dict:
    """One PyTorch tagger, the chapter's loop: validation accuracy per epoch, the best epoch kept."""
    torch.manual_seed(seed)
    num_tags = len(data.tag_itos)
    model = TorchTagger(data.M_init, num_tags, config.num_layers, config.bidirectional)
    if config.variant == "keras init":
        keras_initial_values(model)
    if config.variant == "dense adam":
        model.embedding.sparse = False  # a dense gradient: every row of the table, zero outside the batch
        optimizers = [torch.optim.Adam(model.parameters(), lr=LR)]
    else:
        rest = [p for n, p in model.named_parameters() if not n.startswith("embedding.")]
        optimizers = [torch.optim.Adam(rest, lr=LR),
                      torch.optim.SparseAdam(list(model.embedding.parameters()), lr=LR)]
    order_rng = np.random.default_rng(seed)
    curve, best_valid, best_state, start = [], -1.0, None, time.perf_counter()
    for _ in range(epochs):
        model.train()
        for _, X_b, lengths_b, Y_b in batches(*data.train, BATCH_SIZE, order_rng):
            logits = model(X_b, lengths_b)  # (B, T, num_tags)
            loss = F.cross_entropy(logits.reshape(-1, num_tags), Y_b.reshape(-1), ignore_index=TAG_PAD)
            for optimizer in optimizers:
                optimizer.zero_grad()
            loss.backward()
            for optimizer in optimizers:
                optimizer.step()
        model.eval()
        with torch.no_grad():
            _, X_v, lengths_v, Y_v = next(batches(*data.valid, len(data.valid[0])))
            curve.append(ctorch.masked_token_accuracy(model(X_v, lengths_v), Y_v, TAG_PAD))
        if curve[-1] > best_valid:
            best_valid = curve[-1]
            best_state = {k: v.clone() for k, v in model.state_dict().items()}
    model.load_state_dict(best_state)
    seconds = time.perf_counter() - start
    return {"valid_acc": curve, "seconds": seconds, "test_pred": predict_tags(model, data.test[0])}


# --- Keras (the chapter's keras_batch, keras_predict and training loop) ------------------------------------------

def keras_batch(ids, tag_id_lists, chosen):
    """Ids and tags of the chosen sentences, padded to a multiple of 16 steps: (B, T) each."""
    steps = KERAS_STEPS * -(-max(len(ids[j]) for j in chosen) // KERAS_STEPS)
    X_b, _ = pad_batch([ids[j] for j in chosen], max_len=steps)  # (B, T)
    Y_b, _ = pad_batch([tag_id_lists[j] for j in chosen], max_len=steps, pad_id=TAG_PAD)
    return X_b, Y_b


def keras_predict(model, ids):
    """The predicted tag ids of every sentence, in their order (never the padding id)."""
    from course_utils.checks import to_numpy

    predicted = [None] * len(ids)
    for chosen in length_batches(ids, PREDICT_BATCH):
        X_b, _ = keras_batch(ids, ids, chosen)
        best = to_numpy(model.predict_on_batch(X_b))[..., 1:].argmax(-1) + 1  # (B, T)
        for j, row in zip(chosen, best):
            predicted[j] = row[: len(ids[j])].tolist()
    return predicted


def train_keras(config: Config, seed: int, data: TaggerData, epochs: int = EPOCHS) -> dict:
    """One Keras tagger (``course_utils.keras.sequence_tagger``), trained as the chapter trains it."""
    import course_utils.keras as ckeras  # first: it sets the backend and quiets TensorFlow
    import keras

    keras.backend.clear_session()  # a fresh graph per run; the seed below fixes every initial value
    keras.utils.set_random_seed(seed)
    k_model = ckeras.sequence_tagger(len(data.M_init), len(data.tag_itos), EMBED_DIM, NUM_HIDDENS,
                                     config.num_layers, config.bidirectional)
    k_embedding = next(layer for layer in k_model.layers if isinstance(layer, keras.layers.Embedding))
    k_embedding.set_weights([data.M_init])  # the same initial table as in PyTorch, fine-tuned
    k_model.compile(optimizer=keras.optimizers.Adam(LR),
                    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    order_rng = np.random.default_rng(seed)
    curve, best_valid, best_weights, start = [], -1.0, None, time.perf_counter()
    for _ in range(epochs):
        for chosen in length_batches(data.train[0], BATCH_SIZE, order_rng):
            k_model.train_on_batch(*keras_batch(*data.train, chosen))
        curve.append(tagging.token_accuracy(keras_predict(k_model, data.valid[0]), data.valid[1]))
        if curve[-1] > best_valid:
            best_valid, best_weights = curve[-1], k_model.get_weights()
    k_model.set_weights(best_weights)
    seconds = time.perf_counter() - start
    return {"valid_acc": curve, "seconds": seconds, "test_pred": keras_predict(k_model, data.test[0])}


def train_run(config_name: str, seed: int, data: TaggerData, epochs: int = EPOCHS) -> dict:
    """Train configuration ``config_name`` with ``seed``: ``valid_acc`` per epoch, ``seconds``, ``test_pred``
    (the kept model's tag ids, one list per test sentence) and ``best_epoch`` (1-based, the first of ties)."""
    config = CONFIGS[config_name]
    result = (train_torch if config.framework == "torch" else train_keras)(config, seed, data, epochs)
    result["best_epoch"] = int(np.argmax(result["valid_acc"])) + 1
    return result


# --- The archive ----------------------------------------------------------------------------------------------------


def scores_of(predicted: list[list[int]], data: TaggerData) -> dict[str, float]:
    """``tagging.tagging_accuracy`` of tag ids on the test split: all, seen and unseen words."""
    names = [[data.tag_itos[i] for i in sent] for sent in predicted]
    gold = [[data.tag_itos[i] for i in sent] for sent in data.test[1]]
    return tagging.tagging_accuracy(names, gold, data.test_words, data.train_vocab)


def summary(configs: list[str], arrays: dict[str, np.ndarray], data: TaggerData) -> str:
    """Per configuration, mean ± sd over the seeds of the test accuracy (all, seen, unseen words), the
    kept epochs and the seconds per run."""
    splits = np.cumsum(arrays["test_lengths"])[:-1]
    lines = [f"{'config':57} {'all':>13} {'seen':>13} {'unseen':>13} {'kept':>9} {'s/run':>6}"]
    for i, config in enumerate(configs):
        scores = [scores_of([s.tolist() for s in np.split(pred, splits)], data) for pred in arrays["test_pred"][i]]
        values = {k: 100 * np.array([s[k] for s in scores]) for k in ("all", "seen", "unseen")}  # (S,) each
        cells = [f"{v.mean():5.1f} ± {v.std(ddof=1):4.1f}" if len(v) > 1 else f"{v[0]:5.1f}" for v in values.values()]
        epochs = arrays["best_epoch"][i]
        lines.append(f"{config:57} {cells[0]:>13} {cells[1]:>13} {cells[2]:>13} "
                     f"{f'{epochs.min()}-{epochs.max()}':>9} {arrays['seconds'][i].mean():6.1f}")
    return "\n".join(lines)


def recipe_text() -> str:
    """The recipe's bullet points, from this docstring."""
    return __doc__.split("line for line:\n\n", 1)[1].split("\n\n", 1)[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--configs", nargs="+", choices=list(CONFIGS), default=list(CONFIGS), metavar="CONFIG",
                        help=f"the configurations to train (default: all nine, in the archive's order): "
                             f"{list(CONFIGS)}")
    parser.add_argument("--seeds", nargs="+", type=int, default=list(SEEDS), help="the seeds (default 0-4)")
    parser.add_argument("--out", type=Path, default=OUT, help="where to write the .npz (default: beside this script)")
    parser.add_argument("--quick", action="store_true",
                        help=f"a check of the script, not the data: 1 epoch on the first {QUICK_SENTENCES} training "
                             "sentences")
    args = parser.parse_args()
    configs = [c for c in CONFIGS if c in args.configs]
    epochs = 1 if args.quick else EPOCHS

    torch.set_num_threads(1)  # as the chapter: small matrices, one CPU thread
    ctorch.disable_tf32()
    if any(CONFIGS[c].framework == "keras" for c in configs):
        import course_utils.keras as ckeras
        import tensorflow as tf

        ckeras.disable_tf32()
        tf.get_logger().setLevel("ERROR")  # not a warning per new batch shape that Keras traces
    data = load_data(QUICK_SENTENCES if args.quick else None)
    splits = {f"{name}_{unit}": count for name, (ids, _) in [("train", data.train), ("valid", data.valid),
                                                              ("test", data.test)]
              for unit, count in [("sentences", len(ids)), ("words", sum(map(len, ids)))]}
    print(f"vocabulary {len(data.M_init):,} words ({data.train_forms:,} from training); splits {splits}", flush=True)
    runs = {name: [] for name in ("test_pred", "valid_acc", "best_epoch", "seconds")}
    start = time.perf_counter()
    for config in configs:
        for seed in args.seeds:
            result = train_run(config, seed, data, epochs)
            result["test_pred"] = np.concatenate([np.asarray(s, dtype=np.uint8) for s in result["test_pred"]])
            for name in runs:
                runs[name].append(result[name])
            test = float(np.mean(result["test_pred"] == np.concatenate(data.test[1])))
            print(f"{config:57} seed {seed}: valid {' '.join(f'{a:.1%}' for a in result['valid_acc'])}, kept epoch "
                  f"{result['best_epoch']}, test {test:.1%}  ({result['seconds']:.1f} s)", flush=True)
    total = time.perf_counter() - start
    print(f"trained {len(configs) * len(args.seeds)} taggers in {total:.0f} s", flush=True)
    shape = (len(configs), len(args.seeds))
    dtypes = {"test_pred": np.uint8, "valid_acc": np.float64, "best_epoch": np.int64, "seconds": np.float64}
    arrays = {name: np.array(values, dtype=dtypes[name]).reshape(*shape, *np.shape(values[0]))
              for name, values in runs.items()}
    arrays["test_gold"] = np.concatenate([np.asarray(s, dtype=np.uint8) for s in data.test[1]])
    arrays["test_lengths"] = np.array([len(s) for s in data.test[1]], dtype=np.int64)
    arrays["tag_names"] = np.array(data.tag_itos)
    meta = {
        "format": FORMAT, "configs": configs, "seeds": list(args.seeds), "epochs": epochs, "quick": args.quick,
        "frameworks": [CONFIGS[c].framework for c in configs], "num_layers": [CONFIGS[c].num_layers for c in configs],
        "bidirectional": [CONFIGS[c].bidirectional for c in configs],
        "variants": [CONFIGS[c].variant for c in configs], "splits": splits, "vocab_size": len(data.M_init),
        "train_forms": data.train_forms, "total_seconds": total,
        "recipe": {"embed_dim": EMBED_DIM, "num_hiddens": NUM_HIDDENS, "batch_size": BATCH_SIZE, "lr": LR,
                   "epochs": epochs, "valid_sentences": VALID_SENTENCES, "table_seed": TABLE_SEED,
                   "predict_batch": PREDICT_BATCH, "keras_steps": KERAS_STEPS, "threads": 1, "device": "cpu",
                   "text": recipe_text()},
        "torch": torch.__version__, "keras": version("keras"), "tensorflow": version("tensorflow"),
        "numpy": np.__version__,
        "command": " ".join(["data/tagger_runs/make_tagger_runs.py",
                             *(a if a != str(args.out) else args.out.name for a in sys.argv[1:])]),
    }
    arrays["meta"] = np.array(json.dumps(meta, sort_keys=True))
    print(summary(configs, arrays, data))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    write_npz(args.out, arrays)
    print(f"wrote {args.out.name}: {args.out.stat().st_size:,} bytes, SHA-256 {cu.sha256_of(args.out)}")


if __name__ == "__main__":
    main()
