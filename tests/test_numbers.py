"""Tests for course_utils.numbers: the number-phrase data, tokenization and the translation metrics."""

import dataclasses
import hashlib
import importlib.util
import json
import random
import shutil
from pathlib import Path

import pytest

from course_utils import splits
from course_utils.data import DataFileError, read_manifest
from course_utils.numbers import (LANGUAGES, NUMBER_PHRASES, SPLITS, NumberPhrase, char_error_rate,
                                  detokenize_phrase, edit_distance, exact_match, load_number_phrases,
                                  tokenize_phrase)

REPO_DATA = Path(__file__).resolve().parent.parent / "data"
SCRIPT = REPO_DATA / "number_phrases" / "make_number_phrases.py"
SPLIT_SIZES = {"train": 8000, "valid": 1000, "test": 1000, "long": 1000}
HEADER = "number\tsplit\ten\tfr\tru\n"
# Rows of the shipped file, as num2words 0.5.14 writes them.
KNOWN = {
    0: ("valid", "zero", "zéro", "ноль"),
    21: ("train", "twenty-one", "vingt et un", "двадцать один"),
    80: ("train", "eighty", "quatre-vingts", "восемьдесят"),
    81: ("train", "eighty-one", "quatre-vingt-un", "восемьдесят один"),
    1000: ("train", "one thousand", "mille", "одна тысяча"),
    1999: ("valid", "one thousand, nine hundred and ninety-nine", "mille neuf cent quatre-vingt-dix-neuf",
           "одна тысяча девятьсот девяносто девять"),
    2000: ("train", "two thousand", "deux mille", "две тысячи"),
    99976: ("long", "ninety-nine thousand, nine hundred and seventy-six",
            "quatre-vingt-dix-neuf mille neuf cent soixante-seize",
            "девяносто девять тысяч девятьсот семьдесят шесть"),
}


@pytest.fixture(autouse=True)
def _no_data_dir_override(monkeypatch):
    monkeypatch.delenv("COURSE_DATA_DIR", raising=False)


@pytest.fixture(scope="module")
def phrases():
    """Every row of the shipped file, loaded once."""
    return load_number_phrases()


def _data_folder(root, text):
    """A data folder under ``root`` holding only the number-phrase file with ``text``, listed in its manifest."""
    payload = text.encode("utf-8")
    (root / "number_phrases").mkdir(parents=True)
    (root / NUMBER_PHRASES).write_bytes(payload)
    entry = {"bytes": len(payload), "sha256": hashlib.sha256(payload).hexdigest()}
    (root / "MANIFEST.json").write_text(json.dumps({"files": {NUMBER_PHRASES: entry}}), encoding="utf-8")
    return root


def _script():
    spec = importlib.util.spec_from_file_location("make_number_phrases", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- the data file --------------------------------------------------------------------------------------------

def test_file_is_listed_in_the_manifest_with_source_and_license():
    entry = read_manifest()[NUMBER_PHRASES]
    assert "num2words 0.5.14" in entry["source"] and "MIT" in entry["license"]
    assert (REPO_DATA / NUMBER_PHRASES).stat().st_size == entry["bytes"]


def test_known_rows_are_num2words_phrases(phrases):
    by_number = {row.number: row for row in phrases}
    for number, (split, en, fr, ru) in KNOWN.items():
        assert by_number[number] == NumberPhrase(number, split, en, fr, ru)


def test_split_sizes_and_numbers(phrases):
    loaded = {split: load_number_phrases(split) for split in SPLITS}  # each held-out split read once
    numbers = {split: [row.number for row in rows] for split, rows in loaded.items()}
    assert {split: len(values) for split, values in numbers.items()} == SPLIT_SIZES
    short = numbers["train"] + numbers["valid"] + numbers["test"]
    assert sorted(short) == list(range(10_000))  # so train, valid and test are disjoint
    assert len(set(numbers["long"])) == 1000 and all(10_000 <= n <= 99_999 for n in numbers["long"])
    assert [row.number for row in phrases] == sorted(short + numbers["long"])  # all of them, in increasing order
    for split in SPLITS:
        assert loaded[split] == [row for row in phrases if row.split == split]


def test_rows_are_frozen_and_typed(phrases):
    row = phrases[0]
    assert isinstance(row.number, int) and all(isinstance(getattr(row, lang), str) for lang in LANGUAGES)
    with pytest.raises(dataclasses.FrozenInstanceError):
        row.en = "nothing"


def test_phrases_are_single_spaced_lines_in_each_languages_alphabet(phrases):
    letters = {"en": set("abcdefghijklmnopqrstuvwxyz"), "fr": set("abcdefghijklmnopqrstuvwxyzé"),
               "ru": set("абвгдеёжзийклмнопрстуфхцчшщъыьэюя")}
    for row in phrases:
        for lang in LANGUAGES:
            phrase = getattr(row, lang)
            assert phrase == " ".join(phrase.split()), (row.number, lang)
            assert set(phrase) <= letters[lang] | set(" -,"), (row.number, lang)


def test_script_reproduces_the_splits(phrases):
    script = _script()
    assert script.choose_numbers() == {row.number: row.split for row in phrases}
    assert script.HEADER == tuple(HEADER.strip().split("\t"))
    with pytest.raises(ValueError, match="no tab"):
        script.check_phrase(7, "en", "seven\tseven")
    with pytest.raises(ValueError, match="single spaces"):
        script.check_phrase(7, "en", "seven  ")
    with pytest.raises(SystemExit, match="num2words 0.5.14 wheel"):
        script.load_num2words("wheels/num2words-0.5.13-py3-none-any.whl")


# --- tokenization ---------------------------------------------------------------------------------------------

def test_tokenize_examples():
    assert tokenize_phrase("ninety-nine") == ["ninety", "-", "nine"]
    assert tokenize_phrase("one thousand, nine hundred") == ["one", "thousand", ",", "nine", "hundred"]
    assert tokenize_phrase("quatre-vingt-dix-neuf") == ["quatre", "-", "vingt", "-", "dix", "-", "neuf"]
    assert tokenize_phrase("одна тысяча") == ["одна", "тысяча"]
    assert tokenize_phrase("") == []


def test_detokenize_examples():
    assert detokenize_phrase(["ninety", "-", "nine"]) == "ninety-nine"
    assert detokenize_phrase(("one", "thousand", ",", "nine", "hundred")) == "one thousand, nine hundred"
    assert detokenize_phrase([]) == ""
    assert detokenize_phrase([",", "-", "one"]) == ",-one"  # a model's odd output still joins
    with pytest.raises(TypeError, match="not a string"):
        detokenize_phrase("ninety-nine")
    with pytest.raises(TypeError, match="must be a string"):
        detokenize_phrase(["one", 2])


def test_round_trip_on_every_phrase_of_the_file(phrases):
    for row in phrases:
        for lang in LANGUAGES:
            phrase = getattr(row, lang)
            tokens = tokenize_phrase(phrase)
            assert detokenize_phrase(tokens) == phrase, (row.number, lang, tokens)
            assert all(token and " " not in token for token in tokens)
            assert all(token in ("-", ",") or not set(token) & set("-,") for token in tokens)


def test_token_vocabularies_are_small(phrases):
    vocab = {lang: {token for row in phrases for token in tokenize_phrase(getattr(row, lang))} for lang in LANGUAGES}
    assert {"-", ","} <= vocab["en"] and "-" in vocab["fr"] and not {"-", ","} & vocab["ru"]
    assert all(20 < len(tokens) < 50 for tokens in vocab.values()), {k: len(v) for k, v in vocab.items()}


# --- metrics --------------------------------------------------------------------------------------------------

def _reference_distance(a, b):
    """Levenshtein distance by the full table, without the prefix and suffix shortcut."""
    table = [[i + j if i * j == 0 else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + (a[i - 1] != b[j - 1]))
    return table[-1][-1]


@pytest.mark.parametrize("a, b, distance", [
    ("kitten", "sitting", 3),
    ("flaw", "lawn", 2),
    ("", "abc", 3),
    ("abc", "abc", 0),
    ("abc", "", 3),
    ("ab", "ba", 2),  # no transpositions
    ("vingt et un", "vingt-et-un", 2),
    ("один", "одна", 2),  # delete и, add а
    ("одна", "одно", 1),
    (["vingt", "et", "un"], ["vingt", "un"], 1),
    (["one", "thousand"], ("two", "thousand", ",", "one"), 3),
])
def test_edit_distance_hand_computed(a, b, distance):
    assert edit_distance(a, b) == distance
    assert edit_distance(b, a) == distance


def test_edit_distance_matches_the_full_table_and_is_symmetric(phrases):
    rng = random.Random(0)
    for _ in range(200):
        a = "".join(rng.choices("abc", k=rng.randrange(8)))
        b = "".join(rng.choices("abc", k=rng.randrange(8)))
        assert edit_distance(a, b) == edit_distance(b, a) == _reference_distance(a, b), (a, b)
    for _ in range(50):
        x, y = rng.sample(phrases, 2)
        assert edit_distance(x.fr, y.fr) == edit_distance(y.fr, x.fr) == _reference_distance(x.fr, y.fr)
        tokens_x, tokens_y = tokenize_phrase(x.en), tokenize_phrase(y.en)
        assert edit_distance(tokens_x, tokens_y) == _reference_distance(tokens_x, tokens_y)


def test_char_error_rate_hand_examples():
    assert char_error_rate(["vingt et un"], ["vingt et un"]) == 0.0
    assert char_error_rate(["vingt-et-un", "dix"], ["vingt et un", "dix"]) == pytest.approx(2 / 14)
    assert char_error_rate(["abd", "de"], ["abc", "de"]) == pytest.approx(1 / 5)
    assert char_error_rate(["", ""], ["ab", "c"]) == 1.0
    assert char_error_rate(["twenty"], ["two"]) == pytest.approx(4 / 3)  # longer predictions can exceed 1


def test_char_error_rate_errors():
    with pytest.raises(ValueError, match=r"as many predictions as references \(2\), got 1"):
        char_error_rate(["one"], ["one", "two"])
    with pytest.raises(TypeError, match="detokenize_phrase"):
        char_error_rate([["ninety", "-", "nine"]], ["ninety-nine"])
    with pytest.raises(ValueError, match="no characters"):
        char_error_rate([""], [""])
    with pytest.raises(ValueError, match="no references"):
        char_error_rate([], [])


def test_exact_match_hand_examples():
    refs = [["ninety", "-", "nine"], ["one"], ["deux", "mille"], ["cent"]]
    assert exact_match(refs, refs) == 1.0
    assert exact_match([("ninety", "-", "nine"), ["one"], ["deux", "mille", "un"], []], refs) == 0.5
    assert exact_match([["zero"]] * 4, refs) == 0.0
    with pytest.raises(ValueError, match=r"exact_match: expected as many predictions as references \(4\), got 3"):
        exact_match(refs[:3], refs)
    with pytest.raises(ValueError, match="no references"):
        exact_match([], [])


# --- errors ---------------------------------------------------------------------------------------------------

def test_unknown_split_lists_the_valid_ones():
    with pytest.raises(ValueError, match=r"'train', 'valid', 'test', 'long'.*'validation'"):
        load_number_phrases("validation")


@pytest.mark.parametrize("line, problem", [
    ("7\ttrain\tseven\tsept", "expected 5 tab-separated fields"),
    ("seven\ttrain\tseven\tsept\tсемь", "the number 'seven' is not a non-negative integer"),
    ("-7\ttrain\tseven\tsept\tсемь", "the number '-7' is not a non-negative integer"),
    ("7\tdev\tseven\tsept\tсемь", "unknown split 'dev'"),
    ("7\ttrain\tseven\t\tсемь", "the fr phrase is empty"),
])
def test_malformed_row_names_the_file_and_line(tmp_path, line, problem):
    root = _data_folder(tmp_path, HEADER + "6\ttest\tsix\tsix\tшесть\n" + line + "\n")
    with pytest.raises(ValueError) as err:
        load_number_phrases(root=root)
    assert f"{root / NUMBER_PHRASES}, line 3: {problem}" in str(err.value)


def test_a_small_valid_file_loads_and_a_bad_header_is_named(tmp_path):
    root = _data_folder(tmp_path / "good", HEADER + "6\ttest\tsix\tsix\tшесть\n12345\tlong\ta\tb\tc\n")
    assert load_number_phrases(root=root) == [NumberPhrase(6, "test", "six", "six", "шесть"),
                                              NumberPhrase(12345, "long", "a", "b", "c")]
    assert load_number_phrases("long", root=root) == [NumberPhrase(12345, "long", "a", "b", "c")]
    assert load_number_phrases("train", root=root) == []
    root = _data_folder(tmp_path / "bad", "number\ten\tfr\n6\tsix\tsix\n")
    with pytest.raises(ValueError, match=r"number_phrases\.tsv, line 1: expected the header"):
        load_number_phrases(root=root)


def test_missing_or_corrupt_file_is_named(tmp_path):
    root = tmp_path / "data"
    shutil.copytree(REPO_DATA, root, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    path = root / NUMBER_PHRASES
    raw = bytearray(path.read_bytes())
    raw[100] ^= 0x01
    path.write_bytes(bytes(raw))
    with pytest.raises(DataFileError, match=r"number_phrases\.tsv is corrupt"):
        load_number_phrases(root=root)
    path.unlink()
    with pytest.raises(DataFileError, match=r"number_phrases\.tsv is missing"):
        load_number_phrases("train", root=root)


# --- reads of the held-out splits (course_utils.splits) -------------------------------------------------------


def test_load_number_phrases_counts_test_and_long_apart(strict):
    for split in ("train", "valid", None):  # None: every split at once, not counted
        load_number_phrases(split)
    assert splits.test_reads() == {}
    assert len(load_number_phrases("test")) == len(load_number_phrases("long")) == 1000
    assert splits.test_reads() == {"number_phrases": 1, "number_phrases long": 1}
    with pytest.raises(splits.RepeatedTestRead, match="test split of number_phrases long has been read 2 times"):
        load_number_phrases("long")
