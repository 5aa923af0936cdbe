"""Tests for course_utils.corpora: the review snippets, the GloVe subset and reader, the word benchmarks."""

import gzip
import hashlib
import importlib.util
import json
import random
import shutil
from pathlib import Path

import numpy as np
import pytest

from course_utils import splits
from course_utils.corpora import (ANALOGIES, GLOVE, GLOVE_RANKS, SIMILARITY, SNIPPETS, load_analogies,
                                  load_glove, load_snippets, load_word_similarity, read_glove)
from course_utils.data import DataFileError, read_manifest
from course_utils.vocab import tokenize

REPO_DATA = Path(__file__).resolve().parent.parent / "data"
SPLIT_SIZES = {"train": 8616, "valid": 1076, "test": 1076}
# The first values of "the" in Stanford's glove.6B.50d.txt.
THE = [0.418, 0.24968, -0.41242, 0.1217, 0.34527, -0.044457, -0.49688, -0.17862, -0.00066023, -0.6566]


@pytest.fixture(autouse=True)
def _no_data_dir_override(monkeypatch):
    monkeypatch.delenv("COURSE_DATA_DIR", raising=False)


@pytest.fixture(scope="module")
def glove():
    """The shipped GloVe subset, loaded once: words, vectors, ranks."""
    return load_glove()


@pytest.fixture
def data_copy(tmp_path):
    """A copy of the real data folder under ``tmp_path``."""
    root = tmp_path / "data"
    shutil.copytree(REPO_DATA, root, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return root


# --- the review snippets ------------------------------------------------------------------------------------

def test_snippet_splits_have_the_sizes_the_script_printed_and_balanced_labels():
    for split, size in SPLIT_SIZES.items():
        texts, labels = load_snippets(split)
        assert labels.dtype == np.int64 and labels.shape == (size,) and len(texts) == size
        assert (labels == 1).sum() == (labels == 0).sum() == size // 2, split
    texts, labels = load_snippets()
    assert len(texts) == sum(SPLIT_SIZES.values()) == 10768
    assert set(labels.tolist()) == {0, 1}


def test_snippets_are_distinct_one_line_texts_and_all_is_train_valid_test_in_order():
    texts, labels = load_snippets()
    assert len(set(texts)) == len(texts)  # so no text is in two splits
    assert all(text and text == text.strip() and "\n" not in text for text in texts)
    parts = [load_snippets(split) for split in SPLIT_SIZES]
    assert texts == [text for part, _ in parts for text in part]
    np.testing.assert_array_equal(labels, np.concatenate([part_labels for _, part_labels in parts]))


def test_load_snippets_rejects_an_unknown_split():
    with pytest.raises(ValueError, match=r"'train', 'valid', 'test'.*'validation'"):
        load_snippets("validation")


def _snippet_script():
    path = REPO_DATA / "rotten_tomatoes" / "make_rotten_tomatoes.py"
    spec = importlib.util.spec_from_file_location("make_rotten_tomatoes", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_snippet_script_dedups_balances_and_splits_deterministically():
    script = _snippet_script()
    source = "category,text,movie_name,has_plot_and_reviews\n" + "".join(
        f"{'fresh' if i % 3 else 'rotten'},\" good  film\n{i} \",m{i},True\n" for i in range(60))
    source += "plot,a plot,m0,True\nfresh,good film 1,m1,True\n"  # a plot row and a duplicate, both dropped
    rows = script.read_snippets(source)
    assert len(rows) == 60 and rows[1] == (1, "good film 1")
    table = script.balance_and_split(rows, random.Random(script.SEED))
    assert table == script.balance_and_split(rows, random.Random(script.SEED))
    counts = {(split, label): sum(1 for lab, s, _ in table if (s, lab) == (split, label))
              for split in script.SPLITS for label in (0, 1)}
    assert counts == {("train", 0): 16, ("train", 1): 16, ("valid", 0): 2, ("valid", 1): 2,
                      ("test", 0): 2, ("test", 1): 2}
    with pytest.raises(ValueError, match="both fresh and rotten"):
        script.read_snippets(source + "rotten,good film 1,m1,True\n")


# --- the GloVe subset ---------------------------------------------------------------------------------------

def test_load_glove_shapes_first_vector_and_ranks(glove):
    words, vectors, ranks = glove
    assert vectors.dtype == np.float32 and vectors.shape == (len(words), 50)
    assert ranks.dtype == np.int64 and ranks.shape == (len(words),)
    assert 35_000 < len(words) < 45_000 and len(set(words)) == len(words)
    assert words[:4] == ["the", ",", ".", "of"]
    np.testing.assert_array_equal(vectors[0, :10], np.array(THE, dtype=np.float32))
    assert np.all(np.diff(ranks) > 0) and ranks[-1] <= 400_000
    np.testing.assert_array_equal(ranks[:30_000], np.arange(1, 30_001))


def test_load_glove_max_words(glove):
    words, vectors, ranks = load_glove(max_words=100)
    assert words == glove[0][:100] and vectors.shape == (100, 50)
    np.testing.assert_array_equal(vectors, glove[1][:100])
    np.testing.assert_array_equal(ranks, np.arange(1, 101))


def test_glove_covers_the_snippets_and_the_benchmarks(glove):
    known = set(glove[0])
    tokens = [token for text in load_snippets()[0] for token in tokenize(text)]
    assert sum(token in known for token in tokens) / len(tokens) > 0.97
    assert all(word in known for questions in load_analogies().values() for q in questions for word in q)
    for name in SIMILARITY:
        assert all(a in known and b in known for a, b, _ in load_word_similarity(name))


def test_glove_files_are_listed_in_the_manifest():
    entries = read_manifest(REPO_DATA)
    for name in [GLOVE, GLOVE_RANKS, SNIPPETS, ANALOGIES, *SIMILARITY.values()]:
        assert entries[name]["bytes"] == (REPO_DATA / name).stat().st_size
        assert entries[name]["source"] and entries[name]["license"]
    assert "PDDL" in entries[GLOVE]["license"]


# --- the word benchmarks ------------------------------------------------------------------------------------

def test_load_analogies():
    questions = load_analogies()
    assert len(questions) == 14 and sum(map(len, questions.values())) == 19_544
    assert list(questions)[:2] == ["capital-common-countries", "capital-world"]
    assert list(questions)[-1] == "gram9-plural-verbs"
    assert questions["capital-common-countries"][0] == ("athens", "greece", "baghdad", "iraq")
    assert all(word == word.lower() for qs in questions.values() for q in qs for word in q)


@pytest.mark.parametrize("name, size, first", [("wordsim353", 353, ("love", "sex", 6.77)),
                                               ("simlex999", 999, ("old", "new", 1.58))])
def test_load_word_similarity(name, size, first):
    pairs = load_word_similarity(name)
    assert len(pairs) == size and pairs[0] == first
    assert all(0 <= score <= 10 for _, _, score in pairs)


def test_load_word_similarity_rejects_an_unknown_name():
    with pytest.raises(ValueError, match="'wordsim353', 'simlex999'"):
        load_word_similarity("men")


# --- read_glove on small files ------------------------------------------------------------------------------

GLOVE_TEXT = "the 0.418 0.24968 -0.41242\n, 0.013441 0.23682 -0.16899\nb\u00e9b\u00e9 1 -2.5e-3 0\n"


@pytest.mark.parametrize("suffix", [".txt", ".txt.gz"])
def test_read_glove_txt_and_gz(tmp_path, suffix):
    path = tmp_path / f"vectors{suffix}"
    payload = GLOVE_TEXT.encode("utf-8")
    path.write_bytes(gzip.compress(payload) if suffix.endswith(".gz") else payload)
    words, vectors = read_glove(path)
    assert words == ["the", ",", "b\u00e9b\u00e9"]
    assert vectors.dtype == np.float32 and vectors.shape == (3, 3)
    np.testing.assert_array_equal(vectors[2], np.array([1, -0.0025, 0], dtype=np.float32))
    assert vectors[0, 0] == np.float32(0.418)
    words, vectors = read_glove(str(path), max_words=2)
    assert words == ["the", ","] and vectors.shape == (2, 3)


def test_read_glove_windows_line_ends_and_empty_file(tmp_path):
    path = tmp_path / "crlf.txt"
    path.write_bytes(GLOVE_TEXT.replace("\n", "\r\n").encode("utf-8"))
    assert read_glove(path)[1].shape == (3, 3)
    (tmp_path / "empty.txt").write_text("")
    words, vectors = read_glove(tmp_path / "empty.txt")
    assert words == [] and vectors.shape[0] == 0


@pytest.mark.parametrize("bad_line, line, problem", [
    ("cat 0.1 0.2", 3, "expected a word and 3 values, found 2 values"),
    ("cat 0.1 0.2 0.3 0.4", 3, "found 4 values"),
    ("cat 0.1 zero 0.3", 3, "'zero' is not a number"),
    ("cat 0.1  0.3", 3, "an empty value"),  # two spaces in a row
    ("cat 0.1 0.2 ", 3, "an empty value"),
])
@pytest.mark.parametrize("suffix", [".txt", ".txt.gz"])
def test_read_glove_names_the_file_and_line_of_a_malformed_line(tmp_path, bad_line, line, problem, suffix):
    text = GLOVE_TEXT.replace("b\u00e9b\u00e9 1 -2.5e-3 0", bad_line) + "dog 1 2 3\n"
    path = tmp_path / f"broken{suffix}"
    payload = text.encode("utf-8")
    path.write_bytes(gzip.compress(payload) if suffix.endswith(".gz") else payload)
    with pytest.raises(DataFileError) as err:
        read_glove(path)
    msg = str(err.value)
    assert f"broken{suffix}, line {line}: " in msg and problem in msg


def test_read_glove_reports_a_bad_line_after_the_first_chunk(tmp_path, monkeypatch):
    import course_utils.corpora as corpora
    monkeypatch.setattr(corpora, "_CHUNK_LINES", 2)
    path = tmp_path / "long.txt"
    path.write_text(GLOVE_TEXT + "dog 1 2 3\ncat 1 x 3\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"long\.txt, line 5: 'x' is not a number"):
        read_glove(path)
    assert read_glove(path, max_words=4)[1].shape == (4, 3)


# --- missing, corrupt or inconsistent files -----------------------------------------------------------------

def test_corrupt_or_missing_files_are_named(data_copy):
    path = data_copy / GLOVE
    raw = bytearray(path.read_bytes())
    raw[5000] ^= 0x01
    path.write_bytes(bytes(raw))
    with pytest.raises(DataFileError, match=r"glove\.6B\.50d\.subset\.txt\.gz is corrupt"):
        load_glove(root=data_copy)
    (data_copy / SNIPPETS).unlink()
    with pytest.raises(DataFileError, match=r"snippets\.csv is missing"):
        load_snippets(root=data_copy)
    (data_copy / SIMILARITY["simlex999"]).write_text("# empty\n")
    with pytest.raises(DataFileError, match=r"simlex999\.txt is corrupt"):
        load_word_similarity("simlex999", root=data_copy)
    (data_copy / ANALOGIES).unlink()
    with pytest.raises(DataFileError, match=r"questions-words\.txt is missing"):
        load_analogies(root=data_copy)


def test_load_glove_checks_that_the_ranks_match_the_words(data_copy):
    path = data_copy / GLOVE_RANKS
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[2], lines[3] = lines[3], lines[2]  # "of 4" before ". 3"
    payload = "".join(lines).encode("utf-8")
    path.write_bytes(payload)
    manifest = json.loads((data_copy / "MANIFEST.json").read_text(encoding="utf-8"))
    manifest["files"][GLOVE_RANKS].update(bytes=len(payload), sha256=hashlib.sha256(payload).hexdigest())
    (data_copy / "MANIFEST.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(DataFileError, match=r"ranks\.txt does not match .*subset\.txt\.gz: line 3 differs"):
        load_glove(max_words=10, root=data_copy)


# --- reads of the test split (course_utils.splits) ------------------------------------------------------------


def test_load_snippets_counts_a_read_of_the_test_split_only(strict):
    load_snippets("train")
    load_snippets("valid")
    load_snippets()  # every split at once: not a read of the test split
    assert splits.test_reads() == {}
    texts, labels = load_snippets("test")
    assert len(texts) == labels.shape[0] == SPLIT_SIZES["test"]
    assert splits.test_reads() == {"snippets": 1}
    with pytest.raises(splits.RepeatedTestRead, match="test split of snippets has been read 2 times"):
        load_snippets("test")
