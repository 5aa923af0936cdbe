"""Chapter 2's recall models that ship as data: the file, its reader, both loaders, and what they learned.

``data/recall/recall_models.npz`` holds every configuration (vanilla RNN, LSTM with forget bias
0 and 1, GRU) and seed that ``data/recall/make_recall_checkpoints.py`` trained on
``course_utils.tasks.distractor_recall_task``.  The loaded models must give, on the script's
validation sequences, the answers the script recorded, so a loader that drops a bias or mixes
up the gates fails here; Keras must compute PyTorch's logits; a damaged or foreign file is
refused with a message that says what is wrong.
"""

import json
import math

import numpy as np
import pytest
import torch

import course_utils.keras as ck
import course_utils.torch as ct
from course_utils import tasks
from course_utils.checkpoints import RECALL_META, RECALL_MODELS, RECALL_WEIGHTS, read_recall_models
from course_utils.data import DEFAULT_DATA_DIR, DataFileError, read_manifest

CONFIGS = ["rnn", "lstm_fb0", "lstm_fb1", "gru"]
CELLS = {"rnn": "rnn", "lstm_fb0": "lstm", "lstm_fb1": "lstm", "gru": "gru"}
BLOCKS = {"rnn": 1, "lstm": 4, "gru": 3}


@pytest.fixture(autouse=True)
def _no_data_dir_override(monkeypatch):
    monkeypatch.delenv("COURSE_DATA_DIR", raising=False)


@pytest.fixture(scope="module")
def archive():
    return read_recall_models()


@pytest.fixture(scope="module")
def torch_models():
    return ct.load_recall_models()


def _correct(model, sets):
    """Right or wrong per sequence of each bin's set, for a PyTorch model."""
    with torch.no_grad():
        return [model(torch.as_tensor(X)).argmax(dim=1).numpy() == y for X, y, _ in sets]


def test_archive_is_listed_small_and_without_pickles():
    entry = read_manifest()[RECALL_MODELS]
    path = DEFAULT_DATA_DIR / RECALL_MODELS
    assert path.stat().st_size == entry["bytes"] < 500 * 1024
    assert "recall/make_recall_checkpoints.py" in entry["source"] and "MIT" in entry["license"]
    with np.load(path, allow_pickle=False) as saved:
        assert all(saved[name].dtype != object for name in saved.files)
        assert set(RECALL_META) <= set(saved.files)


def test_reader_gives_every_configuration_and_seed_with_its_shapes(archive):
    weights, meta = archive
    assert list(weights) == CONFIGS == [str(c) for c in meta["configs"]]
    seeds = [int(s) for s in meta["seeds"]]
    assert len(seeds) >= 3 and len(set(seeds)) == len(seeds)
    V, C, H = int(meta["vocab_size"]), int(meta["num_classes"]), int(meta["num_hiddens"])
    assert (V, C, H) == (int(meta["num_classes"] + meta["num_noise"]), 4, 32)
    for config, models in weights.items():
        assert len(models) == len(seeds)
        G = BLOCKS[CELLS[config]] * H
        for model in models:
            assert set(model) == set(RECALL_WEIGHTS)
            assert model["rnn.weight_ih_l0"].shape == (G, V) and model["rnn.weight_hh_l0"].shape == (G, H)
            assert model["head.weight"].shape == (C, H) and model["head.weight"].dtype == np.float32
    biases = dict(zip(CONFIGS, meta["forget_biases"]))
    assert math.isnan(biases["rnn"]) and math.isnan(biases["gru"])
    assert (biases["lstm_fb0"], biases["lstm_fb1"]) == (0.0, 1.0)
    steps = list(meta["curve_steps"])  # the curves go on past the saved models' steps
    assert int(meta["steps"]) in steps and steps[-1] >= meta["steps"]
    assert meta["curve_accuracy"].shape == (4, len(seeds), len(steps), 8)
    assert meta["curve_loss"].shape == (4, len(seeds), len(steps))


def test_torch_loader_builds_each_model_from_its_own_weights(archive, torch_models):
    weights, meta = archive
    assert list(torch_models) == CONFIGS
    for config, models in torch_models.items():
        assert len(models) == len(meta["seeds"])
        for model, saved in zip(models, weights[config]):
            assert isinstance(model, ct.RecallClassifier) and not model.training
            assert model.cell == CELLS[config]
            assert model.forget_bias == {"lstm_fb0": 0.0, "lstm_fb1": 1.0}.get(config)
            state = model.state_dict()
            for name in RECALL_WEIGHTS:
                np.testing.assert_array_equal(state[name].numpy(), saved[name], err_msg=f"{config} {name}")
        assert not torch.equal(models[0].rnn.weight_hh_l0, models[1].rnn.weight_hh_l0)  # seeds differ


def test_loaded_models_reproduce_the_scripts_validation_answers(archive, torch_models):
    _, meta = archive
    sets = tasks.recall_sets_by_distance(
        meta["edges"], int(meta["val_per_bin"]), seed=int(meta["val_seed"]),
        distractor_rate=float(meta["distractor_rate"]), num_classes=int(meta["num_classes"]),
        num_noise=int(meta["num_noise"]))
    assert sets[-1][0].shape[1] == int(meta["max_distance"])
    at = list(meta["curve_steps"]).index(int(meta["steps"]))  # the curves' entry for the saved models
    for i, config in enumerate(CONFIGS):
        for j, model in enumerate(torch_models[config]):
            counts = np.array([c.sum() for c in _correct(model, sets)])  # (bins,)
            # Exact on the machine that made the file; a borderline sequence may flip on another CPU.
            stored = meta["val_correct"][i, j]
            assert np.abs(counts - stored).max() <= 1, (config, j, counts, stored)
            np.testing.assert_allclose(meta["curve_accuracy"][i, j, at], stored / meta["val_per_bin"])


def test_keras_loader_computes_the_torch_logits(torch_models):
    keras_models = ck.load_recall_models()
    assert list(keras_models) == CONFIGS
    X = tasks.distractor_recall_task(16, 40, seed=5)[0]  # (B, T)
    for config in CONFIGS:
        assert len(keras_models[config]) == len(torch_models[config])
        for keras_model, torch_model in zip(keras_models[config][:2], torch_models[config][:2]):
            with torch.no_grad():
                expected = torch_model(torch.as_tensor(X)).numpy()  # (B, C)
            got = np.asarray(keras_model(X))  # (B, C)
            np.testing.assert_allclose(got, expected, atol=1e-4, rtol=1e-4, err_msg=config)


@pytest.mark.parametrize("module", [ct, ck], ids=["torch", "keras"])
def test_classifier_refuses_a_wrong_cell_or_forget_bias(module):
    with pytest.raises(ValueError, match="cell must be 'rnn', 'lstm' or 'gru'; got 'LSTM'"):
        module.RecallClassifier("LSTM", 8, 4, 4)
    with pytest.raises(ValueError, match="forget_bias applies to the LSTM only, not to 'gru'"):
        module.RecallClassifier("gru", 8, 4, 4, forget_bias=1.0)


def test_torch_classifier_sets_the_forget_bias_and_maps_ids_to_logits():
    torch.manual_seed(0)
    model = ct.RecallClassifier("lstm", 8, 5, 3, forget_bias=2.0)
    np.testing.assert_array_equal(model.rnn.bias_ih_l0[5:10].detach().numpy(), 2.0)
    np.testing.assert_array_equal(model.rnn.bias_hh_l0[5:10].detach().numpy(), 0.0)
    assert model(torch.zeros(6, 9, dtype=torch.int64)).shape == (6, 3)


def test_a_corrupt_archive_is_refused(corrupt_data_copy, monkeypatch):
    root = corrupt_data_copy(RECALL_MODELS)
    monkeypatch.setenv("COURSE_DATA_DIR", str(root))
    with pytest.raises(DataFileError, match=r"recall_models\.npz is corrupt: expected \d+ bytes with SHA-256"):
        ct.load_recall_models()
    with pytest.raises(DataFileError, match="not a readable NumPy .npz archive"):  # its own CRC-32, unchecked path
        read_recall_models(root / RECALL_MODELS)


def test_files_that_are_no_recall_archive_are_refused(archive, tmp_path):
    weights, meta = archive
    flat = {f"{c}/seed{int(s)}/{n}": w[n] for c in weights for s, w in zip(meta["seeds"], weights[c])
            for n in RECALL_WEIGHTS}
    (tmp_path / "text.npz").write_text("not an archive")
    with pytest.raises(DataFileError, match="not a readable NumPy .npz archive"):
        read_recall_models(tmp_path / "text.npz")
    np.savez(tmp_path / "pickled.npz", configs=np.array([{"a": 1}], dtype=object))
    with pytest.raises(DataFileError, match="not a readable NumPy .npz archive"):  # never unpickled
        read_recall_models(tmp_path / "pickled.npz")
    np.savez(tmp_path / "partial.npz", **flat, **{k: v for k, v in meta.items() if k != "edges"})
    with pytest.raises(DataFileError, match=r"is not a recall-models archive: it lacks \['edges'\]"):
        read_recall_models(tmp_path / "partial.npz")
    np.savez(tmp_path / "missing.npz", **{k: v for k, v in flat.items() if k != "gru/seed0/head.bias"}, **meta)
    with pytest.raises(DataFileError, match="lacks gru/seed0/head.bias"):
        read_recall_models(tmp_path / "missing.npz")
    np.savez(tmp_path / "shape.npz", **{**flat, "lstm_fb1/seed0/rnn.bias_hh_l0": np.zeros(32, np.float32)}, **meta)
    with pytest.raises(DataFileError, match=r"lstm_fb1/seed0/rnn.bias_hh_l0 has shape \(32,\), expected \(128,\)"):
        read_recall_models(tmp_path / "shape.npz")
    np.savez(tmp_path / "extra.npz", **flat, **meta, **{"lstm_fb2/seed0/head.bias": np.zeros(4, np.float32)})
    with pytest.raises(DataFileError, match=r"holds arrays of no listed model: \['lstm_fb2/seed0/head.bias'\]"):
        read_recall_models(tmp_path / "extra.npz")
    np.savez(tmp_path / "cell.npz", **flat, **{**meta, "cells": np.array(["rnn", "lstm", "lstm", "transformer"])})
    with pytest.raises(DataFileError, match="should be one of rnn, lstm, gru per configuration"):
        read_recall_models(tmp_path / "cell.npz")
    rebuilt = {**flat, **meta, "gru/seed0/head.bias": flat["gru/seed0/head.bias"] + 1.0}
    np.savez(tmp_path / "rebuilt.npz", **rebuilt)  # e.g. a file the script rebuilt: read as it is
    loaded = ct.load_recall_models(tmp_path / "rebuilt.npz")
    np.testing.assert_array_equal(loaded["gru"][0].head.bias.detach().numpy(), rebuilt["gru/seed0/head.bias"])


def test_manifest_entry_is_valid_json_with_the_script():
    entry = json.loads((DEFAULT_DATA_DIR / "MANIFEST.json").read_text(encoding="utf-8"))["files"][RECALL_MODELS]
    assert {"bytes", "sha256", "source", "license"} <= set(entry)
