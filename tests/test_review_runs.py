"""Chapter 3's review-classifier runs that ship as data: the file, its reader, and whether it says what it should.

``data/review_runs/review_runs.npz`` holds what ``data/review_runs/make_review_runs.py`` recorded
for six configurations ({mean, gru} x {scratch, frozen, fine-tuned}) and five seeds: validation
curves, the kept epoch (early stopping) and, per snippet, the kept model's right answers.  The
arrays must agree with each other and with the recipe in the metadata; the first epoch of one
configuration is trained again with the script's own functions and must give the recorded
accuracy; a damaged or foreign file is refused with a message that says what is wrong.
"""

import importlib.util
import json
import sys

import numpy as np
import pytest
import torch

from course_utils import corpora
from course_utils.checkpoints import REVIEW_RUNS, ReviewRuns, read_review_runs
from course_utils.data import DEFAULT_DATA_DIR, DataFileError, read_manifest, sha256_of

SCRIPT = DEFAULT_DATA_DIR / "review_runs" / "make_review_runs.py"
CONFIGS = ["mean/scratch", "mean/frozen", "mean/fine-tuned", "gru/scratch", "gru/frozen", "gru/fine-tuned"]
BOOL_ARRAYS = ("valid_correct", "test_correct", "valid_correct_shuffled", "valid_same_shuffled", "valid_correct_no_oov")


@pytest.fixture(autouse=True)
def _no_data_dir_override(monkeypatch):
    monkeypatch.delenv("COURSE_DATA_DIR", raising=False)


@pytest.fixture(scope="module")
def runs() -> ReviewRuns:
    return read_review_runs()


@pytest.fixture(scope="module")
def script():
    spec = importlib.util.spec_from_file_location("make_review_runs", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks its module up while the class is built
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop(spec.name, None)


def _flat(runs: ReviewRuns) -> dict[str, np.ndarray]:
    """The archive's arrays, as the script writes them."""
    arrays = {name: getattr(runs, name) for name in ("val_curve", "best_epoch", "epochs_run", "seconds",
                                                      "pair_p_positive", "trainable", *BOOL_ARRAYS)}
    return {**arrays, "meta": np.array(json.dumps(runs.meta))}


def test_archive_matches_the_manifest_and_holds_no_pickles():
    entry = read_manifest()[REVIEW_RUNS]
    path = DEFAULT_DATA_DIR / REVIEW_RUNS
    assert path.stat().st_size == entry["bytes"] < 500 * 1024
    assert sha256_of(path) == entry["sha256"]
    assert "review_runs/make_review_runs.py" in entry["source"] and "MIT" in entry["license"]
    with np.load(path, allow_pickle=False) as saved:
        assert all(saved[name].dtype != object for name in saved.files)
        assert json.loads(str(saved["meta"]))["configs"] == CONFIGS


def test_shapes_dtypes_and_metadata_agree_with_the_recipe(runs, script):
    meta, recipe = runs.meta, runs.meta["recipe"]
    assert runs.configs == CONFIGS == list(script.CONFIGS) and runs.seeds == [0, 1, 2, 3, 4]
    assert meta["archs"] == [c.split("/")[0] for c in CONFIGS]
    assert meta["embeddings"] == [c.split("/")[1] for c in CONFIGS]
    assert (recipe["max_len"], recipe["min_freq"], recipe["embed_dim"], recipe["num_hiddens"]) == (50, 1, 50, 64)
    assert (recipe["lr"], recipe["patience"], recipe["threads"], recipe["device"]) == (3e-3, 3, 1, "cpu")
    assert recipe["batch_size"] == {"mean": 64, "gru": 128} and recipe["max_epochs"] == {"mean": 20, "gru": 20}
    assert meta["command"].startswith("data/review_runs/make_review_runs.py") and meta["torch"] and meta["numpy"]
    C, S, Nv, Nt = 6, 5, meta["splits"]["valid"], meta["splits"]["test"]
    assert runs.val_curve.shape == (C, S, 20) and runs.val_curve.dtype == np.float64
    for name in BOOL_ARRAYS:
        assert getattr(runs, name).dtype == bool
        assert getattr(runs, name).shape == (C, S, Nt if name == "test_correct" else Nv)
    assert runs.pair_p_positive.shape == (C, S, 2)
    assert np.all((runs.pair_p_positive > 0) & (runs.pair_p_positive < 1))
    assert np.all(runs.seconds > 0)
    # Trained parameters from the recipe: the table (V x d) when it trains, the GRU, the linear layer.
    V, d, h = meta["vocab_size"], recipe["embed_dim"], recipe["num_hiddens"]
    gru, table = 3 * h * (d + h) + 2 * 3 * h + h * 2 + 2, V * d
    mean = d * 2 + 2
    assert runs.trainable.tolist() == [table + mean, mean, table + mean, table + gru, gru, table + gru]
    assert 0 < meta["glove_rows"] < V and 0 <= meta["no_oov_empty"] <= meta["no_oov_changed"] <= Nv
    assert runs.index("gru/frozen") == 4
    with pytest.raises(KeyError, match="no configuration 'lstm/frozen'"):
        runs.index("lstm/frozen")


def test_every_kept_epoch_is_where_its_curve_peaks_and_early_stopping_held(runs):
    patience = runs.meta["recipe"]["patience"]
    for i, config in enumerate(runs.configs):
        max_epochs = runs.meta["recipe"]["max_epochs"][config.split("/")[0]]
        for j in range(len(runs.seeds)):
            run, best = int(runs.epochs_run[i, j]), int(runs.best_epoch[i, j])
            curve = runs.val_curve[i, j]
            assert np.all(np.isfinite(curve[:run])) and np.all(np.isnan(curve[run:])), (config, j)
            assert best == int(np.argmax(curve[:run])) + 1, (config, j)  # argmax: the first of equal maxima
            # It ran until PATIENCE epochs in a row did not beat the best, or to its last epoch.
            assert run == min(best + patience, max_epochs), (config, j, best, run)


def test_accuracies_recomputed_from_the_answers_equal_the_curve(runs):
    index = runs.best_epoch[..., None] - 1  # (C, S, 1)
    at_best = np.take_along_axis(runs.val_curve, index, axis=2)[..., 0]  # (C, S)
    np.testing.assert_array_equal(runs.valid_correct.mean(axis=2), at_best)
    # Two classes: the shuffled snippet is labelled right exactly when its label is the same and the
    # unshuffled one was right, or it changed and the unshuffled one was wrong.
    np.testing.assert_array_equal(runs.valid_correct_shuffled,
                                  runs.valid_correct == runs.valid_same_shuffled)
    for i, config in enumerate(runs.configs):
        if config.startswith("mean/"):
            # A mean ignores word order: only the order of a float sum changes (label flips are round-off).
            assert runs.valid_same_shuffled[i].mean() > 0.99, config
            # The two sentences have the same words in another order.
            np.testing.assert_allclose(runs.pair_p_positive[i, :, 0], runs.pair_p_positive[i, :, 1], atol=1e-5)
    test_accuracy = runs.test_correct.mean(axis=2)  # (C, S)
    assert np.all((test_accuracy > 0.55) & (test_accuracy < 0.95))  # trained, and the labels not leaked


def test_split_sizes_match_the_snippets(runs):
    sizes = runs.meta["splits"]
    for split, n in [("train", sizes["train"]), ("valid", runs.valid_correct.shape[-1]),
                     ("test", runs.test_correct.shape[-1])]:
        texts, labels = corpora.load_snippets(split)
        assert len(texts) == len(labels) == n == sizes[split], split


def test_the_first_epoch_of_mean_frozen_seed_0_is_reproduced(runs, script):
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # the script's setting: one thread on the CPU is deterministic
    try:
        data = script.load_data(with_test=False)
        result = script.train_run("mean/frozen", 0, data, max_epochs=1)
    finally:
        torch.set_num_threads(threads)
    assert data.test is None and "test_correct" not in result  # the test split stays unread
    assert (len(data.vocab), int(data.found.sum())) == (runs.meta["vocab_size"], runs.meta["glove_rows"])
    assert (data.no_oov_changed, data.no_oov_empty) == (runs.meta["no_oov_changed"], runs.meta["no_oov_empty"])
    assert result["epochs_run"] == 1 and result["trainable"] == runs.trainable[runs.index("mean/frozen")]
    # Exact on the machine and versions that made the file (see meta["torch"]); another CPU may round
    # a sum differently and flip a borderline snippet.
    assert result["val_curve"][0] == runs.val_curve[runs.index("mean/frozen"), 0, 0]


def test_a_corrupt_archive_is_refused(corrupt_data_copy):
    root = corrupt_data_copy(REVIEW_RUNS)
    with pytest.raises(DataFileError, match=r"review_runs\.npz is corrupt: expected \d+ bytes with SHA-256"):
        read_review_runs(root)
    with pytest.raises(DataFileError, match="not a readable NumPy .npz archive"):  # its own CRC-32, unchecked path
        read_review_runs(path=root / REVIEW_RUNS)


def test_files_that_are_no_review_runs_archive_are_refused(runs, tmp_path):
    flat = _flat(runs)
    (tmp_path / "text.npz").write_text("not an archive")
    with pytest.raises(DataFileError, match="not a readable NumPy .npz archive"):
        read_review_runs(path=tmp_path / "text.npz")
    np.savez(tmp_path / "pickled.npz", meta=np.array([{"a": 1}], dtype=object))
    with pytest.raises(DataFileError, match="not a readable NumPy .npz archive"):  # never unpickled
        read_review_runs(path=tmp_path / "pickled.npz")
    with pytest.raises(DataFileError, match="is not a review-runs archive .* no valid metadata"):
        read_review_runs(path=DEFAULT_DATA_DIR / "recall" / "recall_models.npz")  # another course archive
    other = {**flat, "meta": np.array(json.dumps({**runs.meta, "format": "something else"}))}
    np.savez(tmp_path / "format.npz", **other)
    with pytest.raises(DataFileError, match="its format is 'something else'"):
        read_review_runs(path=tmp_path / "format.npz")
    np.savez(tmp_path / "missing.npz", **{k: v for k, v in flat.items() if k != "seconds"})
    with pytest.raises(DataFileError, match=r"missing \['seconds'\], unexpected \[\]"):
        read_review_runs(path=tmp_path / "missing.npz")
    np.savez(tmp_path / "extra.npz", **flat, weights=np.zeros(3))
    with pytest.raises(DataFileError, match=r"missing \[\], unexpected \['weights'\]"):
        read_review_runs(path=tmp_path / "extra.npz")
    np.savez(tmp_path / "shape.npz", **{**flat, "test_correct": flat["test_correct"][:, :, :-1]})
    with pytest.raises(DataFileError, match=r"test_correct has shape \(6, 5, \d+\) and dtype bool, expected"):
        read_review_runs(path=tmp_path / "shape.npz")
    np.savez(tmp_path / "dtype.npz", **{**flat, "valid_correct": flat["valid_correct"].astype(np.float32)})
    with pytest.raises(DataFileError, match="valid_correct has shape .* dtype float32, expected .* kind 'b'"):
        read_review_runs(path=tmp_path / "dtype.npz")
    np.savez(tmp_path / "rebuilt.npz", **{**flat, "seconds": flat["seconds"] + 1.0})  # a rebuilt file: read as it is
    np.testing.assert_array_equal(read_review_runs(path=tmp_path / "rebuilt.npz").seconds, runs.seconds + 1.0)
