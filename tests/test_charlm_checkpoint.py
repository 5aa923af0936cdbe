"""The longer-trained character model that ships as data: its file, its two loaders, and what it learned.

``data/charlm/charrnn_h128.npz`` holds Chapter 1's ``CharRNN`` trained far past the chapter's
400 steps.  Both frameworks load the same function from it, the shipped file is checked
against the manifest, a wrong vocabulary is refused, and its validation loss is well below
what the chapter's short run reaches.
"""

import json

import numpy as np
import pytest
import torch

import course_utils.keras as ck
import course_utils.torch as ct
from course_utils import CharVocab, assert_close, load_text, make_lm_windows
from course_utils.checkpoints import CHARLM_CHECKPOINT, CHARLM_WEIGHTS, read_charlm_checkpoint
from course_utils.data import DEFAULT_DATA_DIR, DataFileError, read_manifest

TEXT = "shakespeare/tragedies.txt"
FRAMEWORKS = {"torch": ct, "keras": ck}
# On the first 300 validation windows the chapter's recipe gives 2.16 nats per character after its
# 400 steps and 1.97 after 1,000; the checkpoint's 30,000 steps give 1.70 (1.67 on all windows).
# The bound leaves room for a rebuild elsewhere and none for a run a few times the chapter's.
LONG_RUN_BOUND = 1.80


@pytest.fixture(autouse=True)
def _no_data_dir_override(monkeypatch):
    monkeypatch.delenv("COURSE_DATA_DIR", raising=False)


@pytest.fixture(scope="module")
def corpus():
    """The vocabulary of the whole text and the validation text, split as in Chapter 1."""
    text = load_text(TEXT)
    return CharVocab.from_text(text), text[int(0.9 * len(text)):]


@pytest.fixture(scope="module")
def models(corpus):
    vocab, _ = corpus
    return {name: module.load_charlm_checkpoint(vocab) for name, module in FRAMEWORKS.items()}


def test_checkpoint_is_listed_small_and_without_pickles():
    entry = read_manifest()[CHARLM_CHECKPOINT]
    path = DEFAULT_DATA_DIR / CHARLM_CHECKPOINT
    assert path.stat().st_size == entry["bytes"] < 200 * 1024
    with np.load(path, allow_pickle=False) as archive:
        assert all(archive[name].dtype != object for name in archive.files)
        assert set(CHARLM_WEIGHTS) <= set(archive.files)
        assert int(archive["num_hiddens"]) == 128 and int(archive["steps"]) > 400


def test_torch_loader_gives_the_arrays_of_the_file(models, corpus):
    vocab, _ = corpus
    with np.load(DEFAULT_DATA_DIR / CHARLM_CHECKPOINT, allow_pickle=False) as archive:
        saved = {name: archive[name] for name in archive.files}
        assert str(saved["vocab"]) == "".join(vocab.itos)
    state = models["torch"].state_dict()
    assert set(state) == set(CHARLM_WEIGHTS)
    for name in CHARLM_WEIGHTS:
        assert saved[name].dtype == np.float32
        np.testing.assert_array_equal(state[name].numpy(), saved[name], err_msg=name)
    assert models["torch"].num_hiddens == 128 and models["torch"].vocab_size == len(vocab)


def test_both_loaders_compute_the_same_logits(models, corpus):
    vocab, _ = corpus
    ids = np.random.default_rng(0).integers(0, len(vocab), (4, 50))  # (B, T)
    with torch.no_grad():
        torch_logits, _ = models["torch"](torch.as_tensor(ids))  # (B, T, V)
    keras_logits = models["keras"](ids)  # (B, T, V)
    assert torch_logits.shape == (4, 50, len(vocab))
    assert_close(keras_logits, torch_logits, "Keras logits vs PyTorch logits", atol=1e-4, rtol=1e-4)


def test_the_long_run_beats_the_chapters_short_run(models, corpus):
    vocab, val_text = corpus
    X_val, Y_val = make_lm_windows(vocab.encode(val_text), 64)
    X_val, Y_val = X_val[:300], Y_val[:300]  # (300, 64) each: 19,200 characters
    loss = ct.evaluate_loss(models["torch"], X_val, Y_val)
    assert 1.0 < loss < LONG_RUN_BOUND
    assert ck.evaluate_loss(models["keras"], X_val, Y_val) == pytest.approx(loss, rel=1e-4)
    assert loss < np.log(len(vocab)) - 2.0  # far from a uniform guess (4.14 nats)


@pytest.mark.parametrize("framework", sorted(FRAMEWORKS))
def test_another_vocabulary_is_refused(framework, corpus):
    vocab, _ = corpus
    with pytest.raises(ValueError, match=r"another vocabulary: 63 characters, yours has 3"):
        FRAMEWORKS[framework].load_charlm_checkpoint(CharVocab.from_text("abc"))
    one_different = CharVocab([*vocab.itos[:-1], "\u00e9"])  # as many characters, one of them another
    with pytest.raises(ValueError, match=r"missing from yours: \[.+\], not in the checkpoint's: \['\u00e9'\]"):
        FRAMEWORKS[framework].load_charlm_checkpoint(one_different)


@pytest.mark.parametrize("framework", sorted(FRAMEWORKS))
def test_a_corrupt_checkpoint_is_refused(framework, corpus, corrupt_data_copy, monkeypatch):
    vocab, _ = corpus
    monkeypatch.setenv("COURSE_DATA_DIR", str(corrupt_data_copy(CHARLM_CHECKPOINT)))
    with pytest.raises(DataFileError, match=r"charrnn_h128\.npz is corrupt: expected \d+ bytes with SHA-256"):
        FRAMEWORKS[framework].load_charlm_checkpoint(vocab)


def test_an_explicit_path_is_read_without_the_manifest(corpus, tmp_path, corrupt_data_copy):
    vocab, _ = corpus
    arrays = read_charlm_checkpoint(vocab)  # the shipped file, checked
    arrays["head.bias"] = arrays["head.bias"] + 1.0  # e.g. a file the script rebuilt elsewhere: other bytes
    np.savez(tmp_path / "rebuilt.npz", **arrays)
    for framework, module in FRAMEWORKS.items():
        model = module.load_charlm_checkpoint(vocab, str(tmp_path / "rebuilt.npz"))
        bias = model.state_dict()["head.bias"].numpy() if framework == "torch" else model.head.get_weights()[1]
        np.testing.assert_array_equal(bias, arrays["head.bias"], err_msg=framework)
    # Not checked against the manifest, but a flipped bit still fails the archive's own CRC-32.
    with pytest.raises(DataFileError, match="not a readable NumPy .npz archive"):
        read_charlm_checkpoint(vocab, corrupt_data_copy(CHARLM_CHECKPOINT) / CHARLM_CHECKPOINT)


def test_files_that_are_no_checkpoint_are_refused(corpus, tmp_path):
    vocab, _ = corpus
    (tmp_path / "text.npz").write_text("not an archive")
    with pytest.raises(DataFileError, match="not a readable NumPy .npz archive"):
        read_charlm_checkpoint(vocab, tmp_path / "text.npz")
    np.savez(tmp_path / "pickled.npz", vocab=np.array([{"a": 1}], dtype=object), num_hiddens=np.int64(4),
             **{name: np.zeros(1, np.float32) for name in CHARLM_WEIGHTS})
    with pytest.raises(DataFileError, match="not a readable NumPy .npz archive"):  # never unpickled
        read_charlm_checkpoint(vocab, tmp_path / "pickled.npz")
    np.savez(tmp_path / "partial.npz", vocab=np.str_("".join(vocab.itos)), num_hiddens=np.int64(4))
    with pytest.raises(DataFileError, match=r"is not a CharRNN checkpoint: it lacks \['rnn.weight_ih_l0'"):
        read_charlm_checkpoint(vocab, tmp_path / "partial.npz")
    arrays = {name: np.zeros(shape, np.float32) for name, shape in [
        ("rnn.weight_ih_l0", (4, 5)), ("rnn.weight_hh_l0", (4, 4)), ("rnn.bias_ih_l0", (4,)),
        ("rnn.bias_hh_l0", (4,)), ("head.weight", (len(vocab), 4)), ("head.bias", (len(vocab),))]}
    np.savez(tmp_path / "shapes.npz", vocab=np.str_("".join(vocab.itos)), num_hiddens=np.int64(4), **arrays)
    with pytest.raises(DataFileError, match=r"rnn.weight_ih_l0 has shape \(4, 5\), expected \(4, 63\)"):
        read_charlm_checkpoint(vocab, tmp_path / "shapes.npz")


def test_manifest_entry_names_the_script_and_license():
    entry = json.loads((DEFAULT_DATA_DIR / "MANIFEST.json").read_text(encoding="utf-8"))["files"][CHARLM_CHECKPOINT]
    assert "charlm/make_charlm_checkpoint.py" in entry["source"] and "MIT" in entry["license"]
