"""The longer-trained character LSTM that ships as data: its file, its two loaders, and what it learned.

``data/charlm/charlstm_h64.npz`` holds Chapter 2's ``CharLSTM`` (64 units, forget bias 1)
trained far past the chapter's 500 steps, for the chapter's gate heatmap.  Both frameworks load
the same function from it, its validation loss is the one the script measured, a wrong
vocabulary is refused, and an RNN checkpoint and an LSTM checkpoint each go to their own loader only.
"""

import json

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

import course_utils.keras as ck
import course_utils.torch as ct
from course_utils import CharVocab, assert_close, load_text, make_lm_windows, set_seed
from course_utils.checkpoints import CHARLM_CHECKPOINT, CHARLM_WEIGHTS, CHARLSTM_CHECKPOINT, read_charlm_checkpoint
from course_utils.data import DEFAULT_DATA_DIR, DataFileError, read_manifest

TEXT = "shakespeare/tragedies.txt"
FRAMEWORKS = {"torch": ct, "keras": ck}
# Chapter 2's 500 steps give 2.283 nats per character on the first 400 validation windows, a
# unigram model 3.326.  The bound leaves room for a rebuild elsewhere and none for a short run.
LONG_RUN_BOUND = 1.85


@pytest.fixture(autouse=True)
def _no_data_dir_override(monkeypatch):
    monkeypatch.delenv("COURSE_DATA_DIR", raising=False)


@pytest.fixture(scope="module")
def corpus():
    """The vocabulary of the whole text and the first 400 validation windows, split as in Chapter 2."""
    text = load_text(TEXT)
    vocab = CharVocab.from_text(text)
    X_val, Y_val = make_lm_windows(vocab.encode(text[int(0.9 * len(text)):]), 64)  # (N, T) each
    return vocab, X_val[:400], Y_val[:400]


@pytest.fixture(scope="module")
def saved():
    with np.load(DEFAULT_DATA_DIR / CHARLSTM_CHECKPOINT, allow_pickle=False) as archive:
        return {name: archive[name] for name in archive.files}


@pytest.fixture(scope="module")
def models(corpus):
    vocab = corpus[0]
    return {name: module.load_charlstm_checkpoint(vocab) for name, module in FRAMEWORKS.items()}


def test_checkpoint_is_listed_small_and_without_pickles(saved):
    entry = read_manifest()[CHARLSTM_CHECKPOINT]
    assert (DEFAULT_DATA_DIR / CHARLSTM_CHECKPOINT).stat().st_size == entry["bytes"] < 200 * 1024
    assert "charlm/make_charlstm_checkpoint.py" in entry["source"] and "MIT" in entry["license"]
    assert all(value.dtype != object for value in saved.values())
    assert set(CHARLM_WEIGHTS) <= set(saved)
    assert int(saved["num_hiddens"]) == 64 and int(saved["steps"]) > 500 and float(saved["forget_bias"]) == 1.0
    assert (int(saved["seq_len"]), int(saved["batch_size"]), float(saved["lr"]), float(saved["max_norm"]),
            int(saved["seed"])) == (64, 32, 3e-3, 1.0, 0)


def test_torch_loader_gives_an_lstm_with_the_arrays_of_the_file(models, corpus, saved):
    vocab = corpus[0]
    model = models["torch"]
    assert isinstance(model, ct.CharLSTM) and not model.training
    assert isinstance(model.rnn, nn.LSTM) and model.rnn.batch_first
    assert (model.rnn.input_size, model.rnn.hidden_size, model.rnn.num_layers) == (len(vocab), 64, 1)
    assert isinstance(model.head, nn.Linear) and (model.head.in_features, model.head.out_features) == (64, len(vocab))
    state = model.state_dict()
    assert set(state) == set(CHARLM_WEIGHTS)
    for name in CHARLM_WEIGHTS:
        assert saved[name].dtype == np.float32
        np.testing.assert_array_equal(state[name].numpy(), saved[name], err_msg=name)
    assert state["rnn.weight_ih_l0"].shape == (4 * 64, len(vocab))  # the blocks i, f, g, o


def test_forward_takes_ids_and_carries_the_state(models, corpus):
    vocab = corpus[0]
    ids = torch.as_tensor(np.random.default_rng(0).integers(0, len(vocab), (3, 20)))  # (B, T) int64
    with torch.no_grad():
        logits, (H, C) = models["torch"](ids)  # (B, T, V), (1, B, h) each
        first, state = models["torch"](ids[:, :12])  # (B, 12, V)
        rest, _ = models["torch"](ids[:, 12:], state)  # (B, 8, V): continued from the carried state
    assert logits.shape == (3, 20, len(vocab)) and H.shape == C.shape == (1, 3, 64)
    assert_close(torch.cat([first, rest], dim=1), logits, "two halves vs one pass", atol=1e-5, rtol=1e-5)


def test_both_loaders_compute_the_same_logits(models, corpus):
    ids = np.random.default_rng(1).integers(0, len(corpus[0]), (4, 50))  # (B, T)
    with torch.no_grad():
        torch_logits, _ = models["torch"](torch.as_tensor(ids))  # (B, T, V)
    keras_logits = models["keras"](ids)  # (B, T, V)
    assert_close(keras_logits, torch_logits, "Keras logits vs PyTorch logits", atol=1e-4, rtol=1e-4)


def test_validation_loss_is_the_stored_one_and_far_below_the_chapters_run(models, corpus, saved):
    _, X_val, Y_val = corpus  # (400, 64) each: the chapter's measure
    loss = ct.evaluate_loss(models["torch"], X_val, Y_val)
    assert loss == pytest.approx(float(saved["val_loss_400"]), abs=1e-4)
    assert ck.evaluate_loss(models["keras"], X_val, Y_val) == pytest.approx(loss, rel=1e-4)
    assert 1.0 < loss < LONG_RUN_BOUND
    assert 1.0 < float(saved["val_loss"]) < LONG_RUN_BOUND  # every validation window


def test_the_gates_read_as_the_chapter_reads_them(models, corpus):
    """The chapter's probe: the first 5,000 validation characters through ``gate_activations``."""
    vocab = corpus[0]
    text = load_text(TEXT)
    ids = torch.as_tensor(vocab.encode(text[int(0.9 * len(text)):][:5000]))[None]  # (1, T)
    gates = ct.gate_activations(models["torch"].rnn, F.one_hot(ids, len(vocab)).float())  # checks h itself
    assert all(gates[g].shape == (1, 5000, 64) and 0.0 <= gates[g].min() <= gates[g].max() <= 1.0 for g in "fio")
    # The trained model shuts its forget gates (below 0.1) on 27% of the (character, unit) pairs;
    # the chapter's 500 steps leave them open, shut on 1.5%.
    assert (gates["f"] < 0.1).mean() > 0.15


@pytest.mark.parametrize("framework", sorted(FRAMEWORKS))
def test_another_vocabulary_is_refused(framework, corpus):
    vocab = corpus[0]
    with pytest.raises(ValueError, match=r"another vocabulary: 63 characters, yours has 3"):
        FRAMEWORKS[framework].load_charlstm_checkpoint(CharVocab.from_text("abc"))
    one_different = CharVocab([*vocab.itos[:-1], "\u00e9"])
    with pytest.raises(ValueError, match=r"not in the checkpoint's: \['\u00e9'\]"):
        FRAMEWORKS[framework].load_charlstm_checkpoint(one_different)


@pytest.mark.parametrize("framework", sorted(FRAMEWORKS))
def test_each_loader_refuses_the_other_cells_checkpoint(framework, corpus):
    vocab, module = corpus[0], FRAMEWORKS[framework]
    with pytest.raises(ValueError, match=r"charlstm_h64\.npz holds a CharLSTM \(its recurrent weights have 4 x 64 "
                                         r"rows\), not a CharRNN: load it with load_charlstm_checkpoint"):
        module.load_charlm_checkpoint(vocab, DEFAULT_DATA_DIR / CHARLSTM_CHECKPOINT)
    with pytest.raises(ValueError, match=r"charrnn_h128\.npz holds a CharRNN \(its recurrent weights have 1 x 128 "
                                         r"rows\), not a CharLSTM: load it with load_charlm_checkpoint"):
        module.load_charlstm_checkpoint(vocab, DEFAULT_DATA_DIR / CHARLM_CHECKPOINT)


def test_reader_defaults_checks_and_bad_files(corpus, tmp_path):
    vocab = corpus[0]
    arrays = read_charlm_checkpoint(vocab, cell="lstm")  # the shipped file, checked against the manifest
    assert arrays["rnn.weight_hh_l0"].shape == (256, 64) and arrays["rnn.weight_hh_l0"].dtype == np.float32
    assert read_charlm_checkpoint(vocab)["rnn.weight_hh_l0"].shape == (128, 128)  # the RNN stays the default
    with pytest.raises(ValueError, match="cell must be 'rnn' or 'lstm'; got 'gru'"):
        read_charlm_checkpoint(vocab, cell="gru")
    del arrays["head.bias"]
    np.savez(tmp_path / "partial.npz", **arrays)
    with pytest.raises(DataFileError, match=r"is not a CharLSTM checkpoint: it lacks \['head.bias'\]"):
        read_charlm_checkpoint(vocab, tmp_path / "partial.npz", cell="lstm")
    arrays["head.bias"] = np.zeros(len(vocab) + 1, np.float32)
    np.savez(tmp_path / "shapes.npz", **arrays)
    with pytest.raises(DataFileError, match=r"head.bias has shape \(64,\), expected \(63,\)"):
        read_charlm_checkpoint(vocab, tmp_path / "shapes.npz", cell="lstm")


def test_manifest_entry_is_in_the_json_as_written():
    entry = json.loads((DEFAULT_DATA_DIR / "MANIFEST.json").read_text(encoding="utf-8"))["files"][CHARLSTM_CHECKPOINT]
    assert set(entry) == {"bytes", "sha256", "source", "license"} and len(entry["sha256"]) == 64


@pytest.mark.parametrize("framework", sorted(FRAMEWORKS))
def test_a_fresh_char_lstm_starts_with_the_forget_bias(framework):
    set_seed(0)
    model = FRAMEWORKS[framework].CharLSTM(7, 4, forget_bias=2.0)
    if framework == "torch":
        bias = (model.rnn.bias_ih_l0 + model.rnn.bias_hh_l0).detach().numpy()  # (4h,)
        np.testing.assert_array_equal(model.rnn.bias_ih_l0.detach().numpy()[4:8], 2.0)
        np.testing.assert_array_equal(model.rnn.bias_hh_l0.detach().numpy()[4:8], 0.0)
        logits, _ = model(torch.zeros(2, 5, dtype=torch.int64))  # (B, T, V)
    else:
        logits = model(np.zeros((2, 5), dtype=np.int64))  # builds it: (B, T, V)
        bias = model.rnn.get_weights()[2]  # (4h,): i, f, c, o
        np.testing.assert_array_equal(bias[[0, 1, 2, 3, 8, 9, 10, 11, 12, 13, 14, 15]], 0.0)
    np.testing.assert_array_equal(bias[4:8], 2.0)
    assert tuple(logits.shape) == (2, 5, 7)


def test_the_shared_helpers_take_the_lstm(models, corpus):
    """hidden_states and generate, written for CharRNN, read a CharLSTM the same way in both frameworks."""
    vocab = corpus[0]
    states = {name: FRAMEWORKS[name].hidden_states(model, vocab, "ROMEO:\nBut soft") for name, model in models.items()}
    assert states["torch"].shape == (15, 64)
    assert_close(states["keras"], states["torch"], "Keras vs PyTorch hidden states", atol=1e-5, rtol=1e-4)
    for name, model in models.items():
        text = FRAMEWORKS[name].generate(model, vocab, "ROMEO:\n", 40, temperature=0.5, seed=0)
        assert len(text) == 47 and text.startswith("ROMEO:\n") and set(text) <= set(vocab.itos), name
