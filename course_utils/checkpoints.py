"""Trained weights that ship with the course: NumPy archives, checked against the manifest, read without pickle.

``charlm/charrnn_h128.npz`` is Chapter 1's character-level RNN trained far longer than the
chapter can (``data/charlm/make_charlm_checkpoint.py`` made it).  :func:`read_charlm_checkpoint`
returns its arrays after checking them; ``course_utils.torch.load_charlm_checkpoint`` and
``course_utils.keras.load_charlm_checkpoint`` turn them into a model of either framework.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np

from course_utils.data import DataFileError, data_path
from course_utils.text import CharVocab

#: The shipped checkpoint, relative to the data folder (listed in ``data/MANIFEST.json``).
CHARLM_CHECKPOINT = "charlm/charrnn_h128.npz"
#: The arrays of a ``CharRNN`` checkpoint: the PyTorch ``state_dict`` names.
CHARLM_WEIGHTS = ("rnn.weight_ih_l0", "rnn.weight_hh_l0", "rnn.bias_ih_l0", "rnn.bias_hh_l0",
                  "head.weight", "head.bias")


def _expected_shapes(vocab_size: int, num_hiddens: int) -> dict[str, tuple[int, ...]]:
    V, H = vocab_size, num_hiddens
    return {"rnn.weight_ih_l0": (H, V), "rnn.weight_hh_l0": (H, H), "rnn.bias_ih_l0": (H,),
            "rnn.bias_hh_l0": (H,), "head.weight": (V, H), "head.bias": (V,)}


def read_charlm_checkpoint(vocab: CharVocab, path: str | Path | None = None) -> dict[str, np.ndarray]:
    """Return the arrays of a character-model checkpoint, checked against ``vocab``.

    ``path=None`` reads the shipped :data:`CHARLM_CHECKPOINT` through
    :func:`course_utils.data.data_path`, which refuses a missing or corrupt file; another
    ``path`` (e.g. a file the script rebuilt) is read as it is.  The result maps the PyTorch
    names of :data:`CHARLM_WEIGHTS` to float32 arrays, plus the metadata (``steps``,
    ``num_hiddens``, ``vocab``, ...).  Raises :class:`ValueError` when ``vocab`` is not the
    vocabulary the model was trained with (the ids would mean other characters), and
    :class:`course_utils.data.DataFileError` when the file is no such checkpoint.
    """
    path = data_path(CHARLM_CHECKPOINT) if path is None else Path(path)
    try:
        with np.load(path, allow_pickle=False) as archive:  # never unpickle: arrays and strings only
            arrays = {name: archive[name] for name in archive.files}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as err:
        raise DataFileError(f"{path} is not a readable NumPy .npz archive ({err})") from err
    missing = [name for name in (*CHARLM_WEIGHTS, "num_hiddens", "vocab") if name not in arrays]
    if missing:
        raise DataFileError(f"{path} is not a CharRNN checkpoint: it lacks {missing}")
    saved = str(arrays["vocab"])
    ours = "".join(vocab.itos)
    if saved != ours:
        lacking, extra = sorted(set(saved) - set(ours)), sorted(set(ours) - set(saved))
        raise ValueError(
            f"the checkpoint was trained with another vocabulary: {len(saved)} characters, yours has {len(ours)}; "
            f"missing from yours: {lacking!r}, not in the checkpoint's: {extra!r}. Build it as the checkpoint's "
            "script did: CharVocab.from_text(load_text('shakespeare/tragedies.txt'))"
        )
    for name, shape in _expected_shapes(len(vocab), int(arrays["num_hiddens"])).items():
        if arrays[name].shape != shape:
            raise DataFileError(f"{path}: {name} has shape {arrays[name].shape}, expected {shape}")
        arrays[name] = arrays[name].astype(np.float32)
    return arrays
