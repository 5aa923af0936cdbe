"""Chapter 4's part-of-speech taggers over five seeds, shipped as data: a NumPy archive, checked, no pickle.

``data/tagger_runs/make_tagger_runs.py`` trained the chapter's taggers (PyTorch and Keras, one or
two layers, one or two directions, and two PyTorch variants that isolate a difference between
the frameworks) with five seeds each, and recorded per run the validation accuracy after every
epoch, the kept epoch, the training seconds and the tag the kept model gives every test word.
:func:`read_tagger_runs` returns them as a :class:`TaggerRuns` after checking the file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from course_utils.archives import read_runs_archive
from course_utils.data import DataFileError, data_path

#: The shipped runs, relative to the data folder (listed in ``data/MANIFEST.json``).
TAGGER_RUNS = "tagger_runs/tagger_runs.npz"
_FORMAT = "course tagger runs, version 1"


class _NotInArchive(KeyError):
    """A ``KeyError`` whose message prints as written (a plain ``KeyError`` shows its repr, quotes escaped)."""

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True)
class TaggerRuns:
    """What each tagger of Chapter 4 did, per configuration (``configs``) and seed (``seeds``).

    ``C`` configurations, ``S`` seeds, ``E`` epochs, ``N`` test words (the test sentences one
    after the other, ``test_lengths`` words each), ``Q`` tags (``tag_names[0]`` is the padding
    tag, never predicted).  ``meta`` holds the recipe, the split sizes, the command and the
    versions the script recorded (see its docstring).
    """

    configs: list[str]
    seeds: list[int]
    tag_names: list[str]
    meta: dict[str, Any]
    test_pred: np.ndarray  # (C, S, N) uint8: the tag id the kept model gives each test word
    valid_acc: np.ndarray  # (C, S, E) float64: validation accuracy after each epoch
    best_epoch: np.ndarray  # (C, S) int64: the kept epoch, 1-based
    seconds: np.ndarray  # (C, S) float64: training (and validation) seconds of each run
    test_gold: np.ndarray  # (N,) uint8: the gold tag id of each test word
    test_lengths: np.ndarray  # (M,) int64: the words of each test sentence, M sentences

    def config_index(self, name: str) -> int:
        """The row of configuration ``name`` (e.g. ``"Keras, 1 layer, bidirectional"``) in every array."""
        if name not in self.configs:
            raise _NotInArchive(f"no configuration {name!r}; the archive holds: " + "; ".join(self.configs))
        return self.configs.index(name)

    def predictions(self, config: str, seed: int) -> list[list[int]]:
        """The tag ids that configuration ``config`` trained with ``seed`` gives the test words, one list per
        sentence in the test split's order (``tag_names`` maps them to tags)."""
        if seed not in self.seeds:
            raise _NotInArchive(f"no seed {seed!r}; the archive holds {self.seeds}")
        flat = self.test_pred[self.config_index(config), self.seeds.index(seed)]  # (N,)
        return [sentence.tolist() for sentence in np.split(flat, np.cumsum(self.test_lengths)[:-1])]


def _shapes(meta: dict[str, Any], num_tags: int) -> dict[str, tuple[tuple[int, ...], str]]:
    """The shape and dtype (a name, or a kind such as ``"U"``) each array of the archive must have;
    ``num_tags`` is the length of its ``tag_names``."""
    C, S, E = len(meta["configs"]), len(meta["seeds"]), int(meta["epochs"])
    N, M = int(meta["splits"]["test_words"]), int(meta["splits"]["test_sentences"])
    return {"test_pred": ((C, S, N), "uint8"), "valid_acc": ((C, S, E), "float64"), "best_epoch": ((C, S), "int64"),
            "seconds": ((C, S), "float64"), "test_gold": ((N,), "uint8"), "test_lengths": ((M,), "int64"),
            "tag_names": ((num_tags,), "U")}


def _check_values(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """Refuse arrays that cannot be what the script wrote: ids out of range, epochs or lengths that do not add up."""
    num_tags = len(arrays["tag_names"])
    problems = []
    if arrays["tag_names"][0] != "<pad>":
        problems.append(f"tag 0 is {arrays['tag_names'][0]!r}, not '<pad>'")
    for name in ("test_pred", "test_gold"):
        if arrays[name].size and not (1 <= arrays[name].min() and arrays[name].max() < num_tags):
            problems.append(f"{name} holds ids outside 1..{num_tags - 1}")
    if int(arrays["test_lengths"].sum()) != arrays["test_gold"].shape[0] or np.any(arrays["test_lengths"] < 1):
        problems.append(f"the test sentence lengths add up to {int(arrays['test_lengths'].sum())} words, "
                        f"not {arrays['test_gold'].shape[0]}")
    epochs = arrays["valid_acc"].shape[-1]
    if np.any((arrays["best_epoch"] < 1) | (arrays["best_epoch"] > epochs)):
        problems.append(f"best_epoch outside 1..{epochs}")
    if problems:
        raise DataFileError(f"{path} holds impossible values: {'; '.join(problems)}")


def read_tagger_runs(root: Path | None = None, *, path: str | Path | None = None) -> TaggerRuns:
    """Return the runs of Chapter 4's taggers as a :class:`TaggerRuns`.

    By default the shipped :data:`TAGGER_RUNS` of the data folder ``root`` (default: the course's,
    :func:`course_utils.data.data_dir`) is read through :func:`course_utils.data.data_path`, which
    refuses a missing file or one whose size or SHA-256 differs from ``MANIFEST.json``; another
    ``path`` (e.g. a file the script rebuilt) is read as it is.  Raises
    :class:`course_utils.data.DataFileError` when the file is no such archive: unreadable,
    pickled, without valid metadata, with missing, extra or other-shaped arrays, or with values
    the script cannot have written (tag ids out of range, lengths that do not add up).
    """
    path = data_path(TAGGER_RUNS, root) if path is None else Path(path)
    meta, arrays = read_runs_archive(
        path, _FORMAT, "tagger-runs",
        lambda meta, arrays: _shapes(meta, len(np.atleast_1d(arrays.get("tag_names", [])))))
    _check_values(path, arrays)
    return TaggerRuns(configs=list(meta["configs"]), seeds=[int(s) for s in meta["seeds"]],
                      tag_names=[str(t) for t in arrays.pop("tag_names")], meta=meta, **arrays)
