"""Trained weights and training runs that ship with the course: NumPy archives, checked against the manifest, no pickle.

``charlm/charrnn_h128.npz`` is Chapter 1's character-level RNN and ``charlm/charlstm_h64.npz``
Chapter 2's character-level LSTM, each trained far longer than its chapter can (the scripts
``data/charlm/make_charlm_checkpoint.py`` and ``data/charlm/make_charlstm_checkpoint.py`` made
them).  :func:`read_charlm_checkpoint` returns the arrays of either after checking them;
``load_charlm_checkpoint`` and ``load_charlstm_checkpoint`` in ``course_utils.torch`` and
``course_utils.keras`` turn them into a model of either framework.  :func:`read_recall_models`
reads Chapter 2's recall models, and :func:`read_review_runs` what Chapter 3's review
classifiers did in every configuration and seed (``data/review_runs/make_review_runs.py``).
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from course_utils.archives import read_runs_archive
from course_utils.data import DataFileError, data_path
from course_utils.text import CharVocab

#: The shipped RNN checkpoint, relative to the data folder (listed in ``data/MANIFEST.json``).
CHARLM_CHECKPOINT = "charlm/charrnn_h128.npz"
#: The shipped LSTM checkpoint, relative to the data folder (listed in ``data/MANIFEST.json``).
CHARLSTM_CHECKPOINT = "charlm/charlstm_h64.npz"
#: The shipped checkpoint of each cell: ``"rnn"`` (``CharRNN``) and ``"lstm"`` (``CharLSTM``).
CHECKPOINTS = {"rnn": CHARLM_CHECKPOINT, "lstm": CHARLSTM_CHECKPOINT}
#: The arrays of a checkpoint, of either cell: the PyTorch ``state_dict`` names.
CHARLM_WEIGHTS = ("rnn.weight_ih_l0", "rnn.weight_hh_l0", "rnn.bias_ih_l0", "rnn.bias_hh_l0",
                  "head.weight", "head.bias")
_MODELS = {"rnn": "CharRNN", "lstm": "CharLSTM"}
_BLOCKS = {"rnn": 1, "lstm": 4}  # PyTorch stacks an LSTM's four blocks (i, f, g, o) along the rows


def _expected_shapes(vocab_size: int, num_hiddens: int, cell: str = "rnn") -> dict[str, tuple[int, ...]]:
    V, H, G = vocab_size, num_hiddens, _BLOCKS[cell] * num_hiddens
    return {"rnn.weight_ih_l0": (G, V), "rnn.weight_hh_l0": (G, H), "rnn.bias_ih_l0": (G,),
            "rnn.bias_hh_l0": (G,), "head.weight": (V, H), "head.bias": (V,)}


def _check_cell(path: Path, arrays: dict[str, np.ndarray], cell: str) -> None:
    """Refuse the checkpoint of the other cell with a message that names the right loader."""
    rows, num_hiddens = arrays["rnn.weight_hh_l0"].shape[:1], int(arrays["num_hiddens"])
    for other, blocks in _BLOCKS.items():
        if other != cell and rows == (blocks * num_hiddens,):
            raise ValueError(
                f"{path} holds a {_MODELS[other]} (its recurrent weights have {blocks} x {num_hiddens} rows), "
                f"not a {_MODELS[cell]}: load it with load_{'charlm' if other == 'rnn' else 'charlstm'}_checkpoint")


def read_charlm_checkpoint(vocab: CharVocab, path: str | Path | None = None, *,
                           cell: str = "rnn") -> dict[str, np.ndarray]:
    """Return the arrays of a character-model checkpoint, checked against ``vocab``.

    ``cell`` is ``"rnn"`` (a ``CharRNN``, Chapter 1) or ``"lstm"`` (a ``CharLSTM``, Chapter 2).
    ``path=None`` reads that cell's shipped file (:data:`CHECKPOINTS`) through
    :func:`course_utils.data.data_path`, which refuses a missing or corrupt file; another
    ``path`` (e.g. a file a script rebuilt) is read as it is.  The result maps the PyTorch
    names of :data:`CHARLM_WEIGHTS` to float32 arrays, plus the metadata (``steps``,
    ``num_hiddens``, ``vocab``, ...).  Raises :class:`ValueError` when ``vocab`` is not the
    vocabulary the model was trained with (the ids would mean other characters) or the file
    holds the other cell's model, and :class:`course_utils.data.DataFileError` when the file
    is no such checkpoint.
    """
    if cell not in _MODELS:
        raise ValueError(f"cell must be 'rnn' or 'lstm'; got {cell!r}")
    path = data_path(CHECKPOINTS[cell]) if path is None else Path(path)
    try:
        with np.load(path, allow_pickle=False) as archive:  # never unpickle: arrays and strings only
            arrays = {name: archive[name] for name in archive.files}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as err:
        raise DataFileError(f"{path} is not a readable NumPy .npz archive ({err})") from err
    missing = [name for name in (*CHARLM_WEIGHTS, "num_hiddens", "vocab") if name not in arrays]
    if missing:
        raise DataFileError(f"{path} is not a {_MODELS[cell]} checkpoint: it lacks {missing}")
    saved = str(arrays["vocab"])
    ours = "".join(vocab.itos)
    if saved != ours:
        lacking, extra = sorted(set(saved) - set(ours)), sorted(set(ours) - set(saved))
        raise ValueError(
            f"the checkpoint was trained with another vocabulary: {len(saved)} characters, yours has {len(ours)}; "
            f"missing from yours: {lacking!r}, not in the checkpoint's: {extra!r}. Build it as the checkpoint's "
            "script did: CharVocab.from_text(load_text('shakespeare/tragedies.txt'))"
        )
    _check_cell(path, arrays, cell)
    for name, shape in _expected_shapes(len(vocab), int(arrays["num_hiddens"]), cell).items():
        if arrays[name].shape != shape:
            raise DataFileError(f"{path}: {name} has shape {arrays[name].shape}, expected {shape}")
        arrays[name] = arrays[name].astype(np.float32)
    return arrays


#: The Chapter 2 recall models (``data/recall/make_recall_checkpoints.py`` made them).
RECALL_MODELS = "recall/recall_models.npz"
#: The PyTorch ``state_dict`` names of one recall model, stored as ``<config>/seed<k>/<name>``.
RECALL_WEIGHTS = CHARLM_WEIGHTS
#: The metadata every recall archive holds (see the script's docstring for their meaning).
RECALL_META = ("configs", "cells", "forget_biases", "seeds", "vocab_size", "num_classes", "num_noise",
               "num_hiddens", "distractor_rate", "max_distance", "edges", "steps", "batch_size", "lr",
               "max_norm", "limit_threshold", "eval_every", "val_per_bin", "val_seed", "val_correct", "curve_steps",
               "curve_accuracy", "curve_loss")
_RECALL_BLOCKS = {"rnn": 1, "lstm": 4, "gru": 3}


def read_recall_models(path: str | Path | None = None) -> tuple[dict[str, list[dict[str, np.ndarray]]],
                                                                 dict[str, np.ndarray]]:
    """Return the weights and the metadata of the recall models: ``({config: [weights per seed]}, meta)``.

    Every model of the archive is one ``nn.RNN``/``nn.LSTM``/``nn.GRU`` layer and a linear head
    (``course_utils.torch.RecallClassifier``); its weights map the names of
    :data:`RECALL_WEIGHTS` to float32 arrays, checked against the shapes that ``meta``'s
    ``cells``, ``vocab_size``, ``num_hiddens`` and ``num_classes`` imply.  The configurations
    come in the archive's order (``meta["configs"]``) and the seeds in ``meta["seeds"]``'s.
    ``path=None`` reads the shipped :data:`RECALL_MODELS` through
    :func:`course_utils.data.data_path`, which refuses a missing or corrupt file; another ``path``
    is read as it is.  Raises :class:`course_utils.data.DataFileError` when the file is no such
    archive (unreadable, pickled, lacking metadata or weights, or with other shapes).
    """
    path = data_path(RECALL_MODELS) if path is None else Path(path)
    try:
        with np.load(path, allow_pickle=False) as archive:  # never unpickle: arrays and strings only
            arrays = {name: archive[name] for name in archive.files}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as err:
        raise DataFileError(f"{path} is not a readable NumPy .npz archive ({err})") from err
    missing = [name for name in RECALL_META if name not in arrays]
    if missing:
        raise DataFileError(f"{path} is not a recall-models archive: it lacks {missing}")
    meta = {name: arrays.pop(name) for name in RECALL_META}
    configs, cells = [str(c) for c in meta["configs"]], [str(c) for c in meta["cells"]]
    if len(cells) != len(configs) or any(cell not in _RECALL_BLOCKS for cell in cells):
        raise DataFileError(f"{path}: cells {cells} should be one of rnn, lstm, gru per configuration {configs}")
    V, C, H = (int(meta[name]) for name in ("vocab_size", "num_classes", "num_hiddens"))
    weights: dict[str, list[dict[str, np.ndarray]]] = {}
    for config, cell in zip(configs, cells):
        G = _RECALL_BLOCKS[cell] * H
        shapes = {"rnn.weight_ih_l0": (G, V), "rnn.weight_hh_l0": (G, H), "rnn.bias_ih_l0": (G,),
                  "rnn.bias_hh_l0": (G,), "head.weight": (C, H), "head.bias": (C,)}
        weights[config] = []
        for seed in meta["seeds"]:
            prefix, model = f"{config}/seed{int(seed)}/", {}
            for name, shape in shapes.items():
                if prefix + name not in arrays:
                    raise DataFileError(f"{path} lacks {prefix + name}")
                model[name] = arrays.pop(prefix + name)
                if model[name].shape != shape:
                    raise DataFileError(f"{path}: {prefix + name} has shape {model[name].shape}, expected {shape}")
                model[name] = model[name].astype(np.float32)
            weights[config].append(model)
    if arrays:
        raise DataFileError(f"{path} holds arrays of no listed model: {sorted(arrays)[:5]}")
    return weights, meta


#: Chapter 3's review-classifier runs (``data/review_runs/make_review_runs.py`` made them).
REVIEW_RUNS = "review_runs/review_runs.npz"
_REVIEW_FORMAT = "course review runs, version 1"


@dataclass(frozen=True)
class ReviewRuns:
    """What each review classifier of Chapter 3 did, per configuration (``configs``) and seed (``seeds``).

    ``C`` configurations, ``S`` seeds, ``E`` epochs at most, ``Nv`` validation and ``Nt`` test
    snippets.  The boolean arrays say, per snippet, whether the model kept at ``best_epoch``
    labelled it right; ``meta`` holds the recipe, the split sizes and the versions the script
    recorded (see its docstring).
    """

    configs: list[str]
    seeds: list[int]
    meta: dict[str, Any]
    val_curve: np.ndarray  # (C, S, E) float64: validation accuracy after each epoch, NaN after the stop
    best_epoch: np.ndarray  # (C, S) int64: the kept epoch, 1-based
    epochs_run: np.ndarray  # (C, S) int64
    seconds: np.ndarray  # (C, S) float64: the training time of each run
    valid_correct: np.ndarray  # (C, S, Nv) bool
    test_correct: np.ndarray  # (C, S, Nt) bool
    valid_correct_shuffled: np.ndarray  # (C, S, Nv) bool: with the tokens of every snippet shuffled
    valid_same_shuffled: np.ndarray  # (C, S, Nv) bool: the same label with and without the shuffle
    valid_correct_no_oov: np.ndarray  # (C, S, Nv) bool: without the tokens that have no GloVe vector
    pair_p_positive: np.ndarray  # (C, S, 2) float64: P(positive) of meta["pairs"]
    trainable: np.ndarray  # (C,) int64: trained parameters per configuration

    def index(self, config: str) -> int:
        """The row of ``config`` (e.g. ``"gru/frozen"``) in every array."""
        if config not in self.configs:
            raise KeyError(f"no configuration {config!r}; the archive holds {self.configs}")
        return self.configs.index(config)


def _review_shapes(meta: dict[str, Any]) -> dict[str, tuple[tuple[int, ...], str]]:
    """The shape and dtype kind (``f``, ``i``, ``b``) each array of a review-runs archive must have."""
    C, S = len(meta["configs"]), len(meta["seeds"])
    E, Nv, Nt = max(meta["recipe"]["max_epochs"].values()), meta["splits"]["valid"], meta["splits"]["test"]
    shapes = {"val_curve": ((C, S, E), "f"), "best_epoch": ((C, S), "i"), "epochs_run": ((C, S), "i"),
              "seconds": ((C, S), "f"), "test_correct": ((C, S, Nt), "b"), "pair_p_positive": ((C, S, 2), "f"),
              "trainable": ((C,), "i")}
    for name in ("valid_correct", "valid_correct_shuffled", "valid_same_shuffled", "valid_correct_no_oov"):
        shapes[name] = ((C, S, Nv), "b")
    return shapes


def read_review_runs(root: Path | None = None, *, path: str | Path | None = None) -> ReviewRuns:
    """Return the runs of Chapter 3's review classifiers as a :class:`ReviewRuns`.

    By default the shipped :data:`REVIEW_RUNS` of the data folder ``root`` (default: the course's,
    :func:`course_utils.data.data_dir`) is read through :func:`course_utils.data.data_path`, which
    refuses a missing file or one whose size or SHA-256 differs from ``MANIFEST.json``; another
    ``path`` (e.g. a file the script rebuilt) is read as it is.  Raises
    :class:`course_utils.data.DataFileError` when the file is no such archive: unreadable,
    pickled, without the metadata, or with missing, extra or other-shaped arrays.
    """
    path = data_path(REVIEW_RUNS, root) if path is None else Path(path)
    meta, arrays = read_runs_archive(path, _REVIEW_FORMAT, "review-runs", lambda meta, arrays: _review_shapes(meta))
    return ReviewRuns(configs=list(meta["configs"]), seeds=[int(s) for s in meta["seeds"]], meta=meta, **arrays)
