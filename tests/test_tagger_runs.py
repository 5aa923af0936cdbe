"""Chapter 4's tagger runs that ship as data: the file, its reader, and whether it says what it should.

``data/tagger_runs/tagger_runs.npz`` holds what ``data/tagger_runs/make_tagger_runs.py`` recorded
for nine tagger configurations and five seeds: validation accuracy per epoch, the kept epoch,
the seconds and the tag the kept model gives every test word, with the test split's gold tags
and sentence lengths.  The arrays must agree with each other, with the recipe in the metadata
and with the shipped test split; the first epoch of one configuration is trained again with the
script's own functions and must give the recorded accuracy; the script's quick mode writes an
archive the reader accepts; a damaged or foreign file is refused with a message that says what
is wrong.
"""

import importlib.util
import json
import subprocess
import sys

import numpy as np
import pytest
import torch

from course_utils import tagging
from course_utils.data import DEFAULT_DATA_DIR, DataFileError, read_manifest, sha256_of
from course_utils.tagger_runs import TAGGER_RUNS, TaggerRuns, read_tagger_runs

SCRIPT = DEFAULT_DATA_DIR / "tagger_runs" / "make_tagger_runs.py"
CONFIGS = ["PyTorch, 1 layer, forward only", "PyTorch, 2 layers, forward only", "PyTorch, 1 layer, bidirectional",
           "PyTorch, 2 layers, bidirectional", "PyTorch, 1 layer, bidirectional, dense Adam on the table",
           "PyTorch, 1 layer, bidirectional, Keras' initial values", "Keras, 1 layer, forward only",
           "Keras, 1 layer, bidirectional", "Keras, 2 layers, bidirectional"]
ARRAYS = ("test_pred", "valid_acc", "best_epoch", "seconds", "test_gold", "test_lengths")


@pytest.fixture(autouse=True)
def _no_data_dir_override(monkeypatch):
    monkeypatch.delenv("COURSE_DATA_DIR", raising=False)


@pytest.fixture(scope="module")
def runs() -> TaggerRuns:
    return read_tagger_runs()


@pytest.fixture(scope="module")
def script():
    spec = importlib.util.spec_from_file_location("make_tagger_runs", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks its module up while the class is built
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop(spec.name, None)


def _flat(runs: TaggerRuns) -> dict[str, np.ndarray]:
    """The archive's arrays, as the script writes them."""
    arrays = {name: getattr(runs, name) for name in ARRAYS}
    return {**arrays, "tag_names": np.array(runs.tag_names), "meta": np.array(json.dumps(runs.meta))}


def test_archive_matches_the_manifest_and_holds_no_pickles():
    entry = read_manifest()[TAGGER_RUNS]
    path = DEFAULT_DATA_DIR / TAGGER_RUNS
    assert path.stat().st_size == entry["bytes"] < 2 * 1024 * 1024
    assert sha256_of(path) == entry["sha256"]
    assert "tagger_runs/make_tagger_runs.py" in entry["source"] and "MIT" in entry["license"]
    with np.load(path, allow_pickle=False) as saved:
        assert all(saved[name].dtype != object for name in saved.files)
        assert json.loads(str(saved["meta"]))["configs"] == CONFIGS


def test_shapes_dtypes_and_metadata_agree_with_the_recipe(runs, script):
    meta, recipe = runs.meta, runs.meta["recipe"]
    assert runs.configs == CONFIGS == list(script.CONFIGS) and runs.seeds == [0, 1, 2, 3, 4]
    assert meta["frameworks"] == [c.split(",")[0].lower().replace("pytorch", "torch") for c in CONFIGS]
    assert meta["num_layers"] == [int(c.split(", ")[1][0]) for c in CONFIGS]
    assert meta["bidirectional"] == [", bidirectional" in c for c in CONFIGS]
    assert meta["variants"] == ["chapter"] * 4 + ["dense adam", "keras init"] + ["chapter"] * 3
    assert (meta["epochs"], meta["quick"]) == (5, False)
    assert (recipe["embed_dim"], recipe["num_hiddens"], recipe["batch_size"], recipe["lr"]) == (50, 64, 32, 5e-3)
    assert (recipe["valid_sentences"], recipe["table_seed"], recipe["threads"], recipe["device"]) == (200, 0, 1, "cpu")
    assert recipe["text"] == script.recipe_text()
    assert meta["command"] == "data/tagger_runs/make_tagger_runs.py"
    assert all(meta[name] for name in ("torch", "keras", "tensorflow", "numpy"))
    splits = meta["splits"]
    assert (splits["train_sentences"], splits["valid_sentences"], splits["test_sentences"]) == (1801, 200, 2077)
    C, S, E, N = 9, 5, 5, splits["test_words"]
    assert runs.test_pred.shape == (C, S, N) and runs.test_pred.dtype == np.uint8
    assert runs.valid_acc.shape == (C, S, E) and runs.valid_acc.dtype == np.float64
    assert runs.best_epoch.shape == runs.seconds.shape == (C, S)
    assert runs.test_gold.shape == (N,) and runs.test_lengths.shape == (2077,) and runs.test_lengths.sum() == N
    assert np.all(runs.seconds > 0)
    assert runs.config_index("Keras, 1 layer, bidirectional") == 7
    with pytest.raises(KeyError) as err:
        runs.config_index("Keras, 3 layers")
    assert str(err.value) == "no configuration 'Keras, 3 layers'; the archive holds: " + "; ".join(CONFIGS)
    with pytest.raises(KeyError, match="no seed 5"):
        runs.predictions(CONFIGS[0], 5)


def test_gold_tags_and_lengths_are_the_shipped_test_split(runs):
    words, tags = tagging.load_ud_ewt("test")
    assert runs.tag_names == ["<pad>", *tagging.UPOS_TAGS]
    tag_id = {tag: i for i, tag in enumerate(runs.tag_names)}
    assert runs.test_lengths.tolist() == [len(sentence) for sentence in words]
    assert runs.test_gold.tolist() == [tag_id[tag] for sentence in tags for tag in sentence]


def test_predictions_are_tag_ids_in_sentences(runs):
    assert runs.test_pred.min() >= 1 and runs.test_pred.max() < len(runs.tag_names)  # never the padding tag
    predicted = runs.predictions("Keras, 2 layers, bidirectional", 3)
    assert [len(sentence) for sentence in predicted] == runs.test_lengths.tolist()
    assert sum(predicted, []) == runs.test_pred[8, 3].tolist()
    accuracy = (runs.test_pred == runs.test_gold).mean(axis=2)  # (C, S)
    assert np.all((accuracy > 0.80) & (accuracy < 0.95))  # trained, and the gold tags not leaked
    # Every seed gives another tagger, and each variant another tagger than the chapter's.
    for i in range(len(CONFIGS)):
        assert len({runs.test_pred[i, j].tobytes() for j in range(5)}) == 5, CONFIGS[i]
    for variant in (4, 5):
        assert not np.array_equal(runs.test_pred[variant], runs.test_pred[2]), CONFIGS[variant]


def test_every_kept_epoch_is_the_first_best_validation_accuracy(runs):
    np.testing.assert_array_equal(runs.best_epoch, np.argmax(runs.valid_acc, axis=2) + 1)
    assert np.all((runs.valid_acc > 0.3) & (runs.valid_acc < 1.0))
    # 200 validation sentences of 2,380 words: every accuracy is a whole number of words.
    words = runs.meta["splits"]["valid_words"]
    np.testing.assert_allclose(runs.valid_acc * words, np.round(runs.valid_acc * words), atol=1e-9)


def test_the_first_epoch_of_a_pytorch_tagger_is_reproduced(runs, script):
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # the script's setting: one thread on the CPU is deterministic
    try:
        data = script.load_data()
        result = script.train_run("PyTorch, 1 layer, forward only", 0, data, epochs=1)
    finally:
        torch.set_num_threads(threads)
    assert (len(data.M_init), data.train_forms) == (runs.meta["vocab_size"], runs.meta["train_forms"])
    assert len(result["valid_acc"]) == 1 and result["best_epoch"] == 1
    # Exact on the machine and versions that made the file (see meta["torch"]); another CPU may round
    # a sum differently and flip a borderline word.
    assert result["valid_acc"][0] == runs.valid_acc[0, 0, 0]


def test_the_script_documents_its_options_and_its_quick_mode_writes_a_readable_archive(script, tmp_path):
    doc = script.__doc__
    assert doc.splitlines()[0].endswith("save the runs as ``tagger_runs/tagger_runs.npz``.")
    for config in CONFIGS:
        assert f'"{config}"' in " ".join(doc.split()), config
    assert "IndexedSlices" in doc and "unit_forget_bias=True" in doc  # what Keras does, read in its source
    run = [sys.executable, str(SCRIPT)]
    usage = subprocess.run([*run, "--help"], capture_output=True, text=True, timeout=120, check=True).stdout
    for option in ("--configs", "--seeds", "--out", "--quick"):
        assert option in usage
    out = tmp_path / "quick.npz"
    subprocess.run([*run, "--quick", "--configs", CONFIGS[0], "--seeds", "0", "1", "--out", str(out)],
                   capture_output=True, text=True, timeout=300, check=True)
    quick = read_tagger_runs(path=out)
    assert quick.configs == CONFIGS[:1] and quick.seeds == [0, 1] and quick.meta["quick"] is True
    assert quick.valid_acc.shape == (1, 2, 1) and quick.meta["splits"]["train_sentences"] == script.QUICK_SENTENCES
    assert quick.meta["command"] == (f"data/tagger_runs/make_tagger_runs.py --quick --configs {CONFIGS[0]} "
                                     "--seeds 0 1 --out quick.npz")
    np.testing.assert_array_equal(quick.test_gold, read_tagger_runs().test_gold)


def test_a_corrupt_archive_is_refused(corrupt_data_copy):
    root = corrupt_data_copy(TAGGER_RUNS)
    with pytest.raises(DataFileError, match=r"tagger_runs\.npz is corrupt: expected \d+ bytes with SHA-256"):
        read_tagger_runs(root)
    with pytest.raises(DataFileError, match="not a readable NumPy .npz archive"):  # its own CRC-32, unchecked path
        read_tagger_runs(path=root / TAGGER_RUNS)


def test_files_that_are_no_tagger_runs_archive_are_refused(runs, tmp_path):
    flat = _flat(runs)

    def refused(name: str, arrays: dict, match: str) -> None:
        np.savez(tmp_path / name, **arrays)
        with pytest.raises(DataFileError, match=match):
            read_tagger_runs(path=tmp_path / name)

    (tmp_path / "text.npz").write_text("not an archive")
    with pytest.raises(DataFileError, match="not a readable NumPy .npz archive"):
        read_tagger_runs(path=tmp_path / "text.npz")
    refused("pickled.npz", {"meta": np.array([{"a": 1}], dtype=object)}, "not a readable NumPy .npz archive")
    for other in ("review_runs/review_runs.npz", "recall/recall_models.npz"):  # other course archives
        with pytest.raises(DataFileError, match="is not a tagger-runs archive .* no valid metadata"):
            read_tagger_runs(path=DEFAULT_DATA_DIR / other)
    refused("format.npz", {**flat, "meta": np.array(json.dumps({**runs.meta, "format": "something else"}))},
            "its format is 'something else'")
    refused("missing.npz", {k: v for k, v in flat.items() if k != "seconds"}, r"missing \['seconds'\], unexpected \[\]")
    refused("extra.npz", {**flat, "weights": np.zeros(3)}, r"missing \[\], unexpected \['weights'\]")
    refused("shape.npz", {**flat, "test_pred": flat["test_pred"][:, :, :-1]},
            r"test_pred has shape \(9, 5, \d+\) and dtype uint8, expected")
    refused("dtype.npz", {**flat, "test_pred": flat["test_pred"].astype(np.int64)},
            "test_pred has shape .* dtype int64, expected .* dtype 'uint8'")
    refused("names.npz", {**flat, "tag_names": np.arange(18)}, "tag_names has shape .* expected .* kind 'U'")
    padding = flat["test_pred"].copy()
    padding[0, 0, 0] = 0
    refused("padding.npz", {**flat, "test_pred": padding}, r"impossible values: test_pred holds ids outside 1\.\.17")
    lengths = flat["test_lengths"].copy()
    lengths[0] += 1
    refused("lengths.npz", {**flat, "test_lengths": lengths}, "lengths add up to 25095 words, not 25094")
    np.savez(tmp_path / "rebuilt.npz", **{**flat, "seconds": flat["seconds"] + 1.0})  # a rebuilt file: read as it is
    np.testing.assert_array_equal(read_tagger_runs(path=tmp_path / "rebuilt.npz").seconds, runs.seconds + 1.0)
