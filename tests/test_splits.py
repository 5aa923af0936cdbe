"""Tests for course_utils.splits, the test-split guard, and how the course's loaders report test reads."""

import json
import re
from pathlib import Path

import pytest

from course_utils import splits
from course_utils.claims import STRICT_ENV
from course_utils.corpora import load_imdb, load_snippets
from course_utils.data import DataFileError
from course_utils.tagging import fetch_ud_ewt

SOLUTIONS = sorted((Path(__file__).resolve().parent.parent / "solutions").glob("*/*.ipynb"))
#: A loader asked for a held-out split by name, the only kind of read course_utils.splits counts.
TEST_READ = re.compile(r"\b(load_snippets|load_ud_ewt|fetch_ud_ewt|load_number_phrases|load_imdb)\("
                       r"[^()]*?[\"'](test|long)[\"']")


@pytest.fixture(autouse=True)
def _fresh_counts(monkeypatch):
    monkeypatch.delenv("COURSE_DATA_DIR", raising=False)
    splits.reset_test_reads()
    yield
    splits.reset_test_reads()


@pytest.fixture
def lenient(monkeypatch):
    monkeypatch.delenv(STRICT_ENV, raising=False)
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)


# --- the guard ------------------------------------------------------------------------------------------------

def test_reads_are_counted_per_dataset_and_the_first_is_silent(lenient, capsys):
    assert splits.test_reads() == {}
    assert splits.note_test_read("snippets") == 1
    assert splits.note_test_read("ud_ewt") == 1
    assert splits.test_reads() == {"snippets": 1, "ud_ewt": 1}
    assert capsys.readouterr().out == ""


def test_a_second_read_prints_a_warning_and_goes_on_outside_strict_mode(lenient, capsys):
    splits.note_test_read("snippets")
    assert splits.note_test_read("snippets") == 2
    out = capsys.readouterr().out
    assert out.startswith("⚠ the test split of snippets has been read 2 times in this run")
    assert "validation split" in out and "restart the kernel" in out
    assert splits.note_test_read("snippets") == 3
    assert "read 3 times" in capsys.readouterr().out


def test_a_second_read_raises_in_strict_mode_after_printing(strict, capsys):
    splits.note_test_read("number_phrases")
    with pytest.raises(splits.RepeatedTestRead, match="test split of number_phrases has been read 2 times"):
        splits.note_test_read("number_phrases")
    assert "⚠ the test split of number_phrases" in capsys.readouterr().out
    assert issubclass(splits.RepeatedTestRead, AssertionError)
    assert splits.note_test_read("imdb") == 1  # another dataset keeps its own count


@pytest.mark.parametrize("stage", ["validate", "autograde"])
def test_grading_never_raises_even_with_strict_set(monkeypatch, capsys, stage):
    monkeypatch.setenv(STRICT_ENV, "1")
    monkeypatch.setenv("NBGRADER_EXECUTION", stage)
    splits.note_test_read("snippets")
    assert splits.note_test_read("snippets") == 2
    assert "read 2 times" in capsys.readouterr().out


def test_reset_forgets_one_dataset_or_all(strict):
    splits.note_test_read("snippets")
    splits.note_test_read("ud_ewt")
    splits.reset_test_reads("snippets")
    assert splits.test_reads() == {"ud_ewt": 1}
    assert splits.note_test_read("snippets") == 1  # no error: counting starts afresh
    splits.reset_test_reads("not read")  # nothing to forget
    splits.reset_test_reads()
    assert splits.test_reads() == {}


def test_test_reads_returns_a_copy():
    splits.note_test_read("snippets")
    counts = splits.test_reads()
    counts["snippets"] = 0
    assert splits.test_reads() == {"snippets": 1}


@pytest.mark.parametrize("name", ["", "   ", None, 3])
def test_a_dataset_needs_a_name(name):
    with pytest.raises(ValueError, match="dataset must be a non-empty name"):
        splits.note_test_read(name)
    assert splits.test_reads() == {}


# --- the loaders (each loader's own counts are tested beside its other tests) ---------------------------------

def test_load_snippets_warns_a_student_and_still_returns_the_data(lenient, capsys):
    first = load_snippets("test")
    second = load_snippets("test")
    assert second[0] == first[0] and (second[1] == first[1]).all()
    assert "⚠ the test split of snippets has been read 2 times" in capsys.readouterr().out


def test_a_read_that_fails_is_not_counted(strict, tmp_path):
    with pytest.raises(OSError, match="could not download"):
        fetch_ud_ewt("test", url=(tmp_path / "missing.conllu").as_uri(), cache_dir=tmp_path / "cache")
    folder = tmp_path / "aclImdb" / "test" / "neg"
    folder.mkdir(parents=True)
    (folder / "notes.txt").write_text("x", encoding="utf-8")
    with pytest.raises(DataFileError, match="notes.txt"):
        load_imdb(tmp_path / "aclImdb", "test")
    assert splits.test_reads() == {}


def test_load_imdb_counts_the_test_split(strict, tmp_path):
    for split in ("train", "test"):
        for name in ("neg", "pos"):
            folder = tmp_path / "aclImdb" / split / name
            folder.mkdir(parents=True)
            (folder / "1_3.txt").write_text(f"{split} {name}", encoding="utf-8")
    load_imdb(tmp_path / "aclImdb", "train")
    assert splits.test_reads() == {}
    texts, _, _ = load_imdb(tmp_path / "aclImdb", "test")
    assert texts == ["test neg", "test pos"] and splits.test_reads() == {"imdb": 1}
    with pytest.raises(splits.RepeatedTestRead, match="imdb"):
        load_imdb(tmp_path / "aclImdb", "test")


def test_the_guard_function_is_not_collected_as_a_test():
    assert splits.test_reads.__test__ is False


# --- the chapters ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("notebook", SOLUTIONS, ids=lambda path: path.parent.name)
def test_each_chapter_asks_for_each_test_split_at_most_once(notebook):
    """The static twin of the strict run: a second request in a chapter's code cells would fail its build."""
    reads: dict[tuple[str, str], list[int]] = {}
    for index, cell in enumerate(json.loads(notebook.read_text(encoding="utf-8"))["cells"]):
        if cell["cell_type"] == "code":
            for loader, split in TEST_READ.findall("".join(cell["source"])):
                reads.setdefault((loader.replace("fetch_", "load_"), split), []).append(index)
    twice = {f"{loader}({split!r})": cells for (loader, split), cells in reads.items() if len(cells) > 1}
    assert not twice, f"{notebook.name} reads a test split more than once (cell indices): {twice}"


def test_the_pattern_finds_the_reads_it_should():
    found = TEST_READ.findall('a = corpora.load_snippets("test")\nb = load_ud_ewt(split=\'test\')\n'
                              'c = numbers.load_number_phrases("long")\nd = load_imdb(root, "test", 10)\n'
                              'e = load_snippets("valid")\nf = load_number_phrases()\n')
    assert found == [("load_snippets", "test"), ("load_ud_ewt", "test"), ("load_number_phrases", "long"),
                     ("load_imdb", "test")]
