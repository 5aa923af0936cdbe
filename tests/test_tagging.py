"""Tests for course_utils.tagging: the CoNLL-U reader, UD English EWT, the baseline and accuracies."""

import hashlib
import http.server
import importlib.util
import json
import math
import re
import shutil
import threading
import urllib.request
from functools import partial
from pathlib import Path

import pytest

from course_utils import splits
import course_utils.tagging as tagging
from course_utils.data import DataFileError, read_manifest
from course_utils.tagging import (UD_EWT_COMMIT, UD_EWT_FILES, UPOS_TAGS, MostFrequentTagger, fetch_ud_ewt,
                                  load_ud_ewt, most_frequent_tag_baseline, read_conllu, tag_counts,
                                  tagging_accuracy, token_accuracy)

REPO_DATA = Path(__file__).resolve().parent.parent / "data"
SCRIPT = REPO_DATA / "ud_english_ewt" / "make_ud_english_ewt.py"
# Measured on the shipped files (make_ud_english_ewt.py prints the same): sentences, words, UPOS counts.
SIZES = {"dev": (2001, 25147), "test": (2077, 25094)}
TAG_COUNTS = {
    "dev": {"ADJ": 1865, "ADP": 2039, "ADV": 1231, "AUX": 1567, "CCONJ": 779, "DET": 1900, "INTJ": 115,
            "NOUN": 4210, "NUM": 383, "PART": 647, "PRON": 2225, "PROPN": 1867, "PUNCT": 3075, "SCONJ": 397,
            "SYM": 81, "VERB": 2707, "X": 59},
    "test": {"ADJ": 1788, "ADP": 2029, "ADV": 1191, "AUX": 1543, "CCONJ": 736, "DET": 1897, "INTJ": 121,
             "NOUN": 4123, "NUM": 542, "PART": 649, "PRON": 2164, "PROPN": 2075, "PUNCT": 3096, "SCONJ": 384,
             "SYM": 109, "VERB": 2605, "X": 42},
}


def conllu_line(index, form, upos, xpos="_"):
    """One CoNLL-U word line with placeholder values in the columns the reader ignores."""
    return "\t".join([str(index), form, form.lower(), upos, xpos, "_", "0", "root", "_", "_"])


# A sentence with comments, a multiword token (3-4) and an empty node (4.1); a second one after two
# blank lines; no blank line at the end.
FIXTURE = [
    "# newdoc id = doc1",
    "# sent_id = s1",
    "# text = We didn't go.",
    conllu_line(1, "We", "PRON", "PRP"),
    "2-3\tdidn't\t_\t_\t_\t_\t_\t_\t_\t_",
    conllu_line(2, "did", "AUX", "VBD"),
    conllu_line(3, "n't", "PART", "RB"),
    conllu_line(4, "go", "VERB", "VB"),
    "4.1\tgo\tgo\tVERB\tVB\t_\t_\t_\t4:conj\t_",
    conllu_line(5, ".", "PUNCT", "."),
    "",
    "",
    "# sent_id = s2",
    conllu_line(1, "Thanks", "NOUN", "NNS"),
    conllu_line(2, "!", "PUNCT", "."),
]


@pytest.fixture(autouse=True)
def _no_data_dir_override(monkeypatch):
    monkeypatch.delenv("COURSE_DATA_DIR", raising=False)


@pytest.fixture(scope="module")
def ewt():
    """The shipped splits, loaded once: {split: (words, tags)}."""
    return {split: load_ud_ewt(split) for split in SIZES}


# --- the tag set and the reader -----------------------------------------------------------------------------

def test_upos_tags_are_the_17_universal_tags_in_the_documentation_order():
    assert UPOS_TAGS == ("ADJ", "ADP", "ADV", "AUX", "CCONJ", "DET", "INTJ", "NOUN", "NUM", "PART", "PRON",
                         "PROPN", "PUNCT", "SCONJ", "SYM", "VERB", "X")
    assert list(UPOS_TAGS) == sorted(UPOS_TAGS)  # the documentation lists them alphabetically


def test_read_conllu_skips_comments_multiword_ranges_and_empty_nodes():
    first, second = read_conllu(FIXTURE)
    assert first.words == ["We", "did", "n't", "go", "."]
    assert first.upos == ["PRON", "AUX", "PART", "VERB", "PUNCT"]
    assert first.xpos == ["PRP", "VBD", "RB", "VB", "."]
    assert first.sent_id == "s1"
    assert (second.words, second.upos, second.sent_id) == (["Thanks", "!"], ["NOUN", "PUNCT"], "s2")
    assert read_conllu(FIXTURE + ["", ""]) == [first, second]  # trailing blank lines change nothing
    assert read_conllu([]) == [] and read_conllu(["# only a comment", ""]) == []
    with pytest.raises(ValueError, match="a path or a list of lines"):
        read_conllu("\n".join(FIXTURE))


def test_read_conllu_from_a_file_with_windows_line_ends(tmp_path):
    path = tmp_path / "tiny.conllu"
    path.write_bytes(("\r\n".join(FIXTURE) + "\r\n\r\n").encode("utf-8"))
    assert read_conllu(path) == read_conllu(FIXTURE)
    assert read_conllu(str(path)) == read_conllu(FIXTURE)


@pytest.mark.parametrize("bad, problem", [
    ("1\tWe\twe\tPRON\tPRP\t_\t0\troot\t_", "expected 10 tab-separated columns, found 9"),
    ("1 We we PRON PRP _ 0 root _ _", "expected 10 tab-separated columns, found 1"),
    (conllu_line(1, "We", "NN"), "unknown UPOS tag 'NN'"),
    (conllu_line(1, "We", "pron"), "unknown UPOS tag 'pron'"),
    (conllu_line(2, "We", "PRON"), "word ID 2 out of order: expected 1"),
    (conllu_line("x", "We", "PRON"), "ID 'x' is not a word number"),
    ("1\t\twe\tPRON\tPRP\t_\t0\troot\t_\t_", "empty FORM"),
])
def test_read_conllu_names_the_file_and_line_of_a_malformed_line(tmp_path, bad, problem):
    lines = ["# sent_id = s0", conllu_line(1, "Hi", "INTJ"), "", "# sent_id = s1", bad, ""]
    with pytest.raises(DataFileError, match=rf"<lines>, line 5: {re.escape(problem)}"):
        read_conllu(lines)
    path = tmp_path / "bad.conllu"
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(DataFileError, match=rf"bad\.conllu, line 5: {re.escape(problem)}"):
        read_conllu(path)
    with pytest.raises(DataFileError, match=r"^my-name, line 5: "):
        read_conllu(lines, name="my-name")


def test_read_conllu_catches_a_missing_blank_line_between_sentences():
    lines = [conllu_line(1, "Hi", "INTJ"), conllu_line(2, "!", "PUNCT"), conllu_line(1, "Bye", "INTJ")]
    with pytest.raises(DataFileError, match="line 3: word ID 1 out of order: expected 3 .*blank line missing"):
        read_conllu(lines)


# --- the shipped splits -------------------------------------------------------------------------------------

def test_shipped_splits_have_the_measured_sizes_and_tag_counts(ewt):
    for split, (sentences, words_total) in SIZES.items():
        words, tags = ewt[split]
        counts = tag_counts(tags)
        print(f"{split}: {len(words)} sentences, {sum(map(len, words))} words; {counts}")
        assert len(words) == len(tags) == sentences
        assert [len(w) for w in words] == [len(t) for t in tags]
        assert sum(map(len, words)) == words_total
        assert counts == TAG_COUNTS[split] and list(counts) == list(UPOS_TAGS)
        assert all(w and " " not in w for sentence in words for w in sentence)
        assert min(map(len, words)) >= 1


def test_shipped_dev_starts_with_the_first_sentence_of_the_treebank(ewt):
    words, tags = ewt["dev"]
    assert words[0] == ["From", "the", "AP", "comes", "this", "story", ":"]
    assert tags[0] == ["ADP", "DET", "PROPN", "VERB", "DET", "NOUN", "PUNCT"]
    assert any("n't" in sentence for sentence in words)  # "didn't" and the like are two words
    assert not any("didn't" in sentence for sentence in words)


def test_shipped_files_are_listed_with_source_and_license():
    entries = read_manifest(REPO_DATA)
    for name in [*UD_EWT_FILES.values(), "ud_english_ewt/LICENSE.txt", "ud_english_ewt/README.md"]:
        assert entries[name]["bytes"] == (REPO_DATA / name).stat().st_size, name
        assert UD_EWT_COMMIT in entries[name]["source"], name
    for name in UD_EWT_FILES.values():
        assert "CC BY-SA 4.0" in entries[name]["license"]
    readme = (REPO_DATA / "ud_english_ewt" / "README.md").read_text(encoding="utf-8")
    for needle in [UD_EWT_COMMIT, "Leland Stanford Junior University", "Attribution-ShareAlike 4.0",
                   "Silveira", "Changes: none"]:
        assert needle in readme, needle
    license_text = (REPO_DATA / "ud_english_ewt" / "LICENSE.txt").read_text(encoding="utf-8")
    assert license_text.startswith("Attribution-ShareAlike 4.0 International")


def test_load_ud_ewt_rejects_an_unknown_split():
    with pytest.raises(ValueError, match=r"'dev', 'test', got 'train' \(.*fetch_ud_ewt\('train'\)"):
        load_ud_ewt("train")
    with pytest.raises(ValueError, match=r"one of 'dev', 'test', got 'valid'$"):
        load_ud_ewt("valid")


def test_load_ud_ewt_names_a_corrupt_or_malformed_file(tmp_path):
    name = UD_EWT_FILES["dev"]
    (tmp_path / "ud_english_ewt").mkdir()
    shutil.copy(REPO_DATA / name, tmp_path / name)
    entry = read_manifest(REPO_DATA)[name]
    (tmp_path / "MANIFEST.json").write_text(json.dumps({"files": {name: entry}}), encoding="utf-8")
    assert load_ud_ewt("dev", root=tmp_path)[0][:3] == load_ud_ewt("dev")[0][:3]
    raw = (tmp_path / name).read_bytes()
    (tmp_path / name).write_bytes(raw.replace(b"\tADP\tIN\t", b"\tPREP\tIN\t", 1))  # the first word's UPOS
    with pytest.raises(DataFileError, match=r"en_ewt-ud-dev\.conllu is corrupt"):
        load_ud_ewt("dev", root=tmp_path)
    payload = (tmp_path / name).read_bytes()  # now list the edited file: the reader itself must catch it
    entry = {"bytes": len(payload), "sha256": hashlib.sha256(payload).hexdigest()}
    (tmp_path / "MANIFEST.json").write_text(json.dumps({"files": {name: entry}}), encoding="utf-8")
    with pytest.raises(DataFileError, match=r"ud_english_ewt/en_ewt-ud-dev\.conllu, line 5: unknown UPOS tag 'PREP'"):
        load_ud_ewt("dev", root=tmp_path)


# --- the baseline and the accuracies ------------------------------------------------------------------------

TRAIN_WORDS = [["the", "can", "can", "rust"], ["a", "can", "of", "rust"], ["rust", "can", "stop"]]
TRAIN_TAGS = [["DET", "NOUN", "AUX", "VERB"], ["DET", "NOUN", "ADP", "NOUN"], ["NOUN", "AUX", "VERB"]]


def test_most_frequent_tag_baseline_by_hand():
    tagger = most_frequent_tag_baseline(TRAIN_WORDS, TRAIN_TAGS)
    assert isinstance(tagger, MostFrequentTagger)
    # can: NOUN 2, AUX 2 -> NOUN, seen first; rust: VERB 1, NOUN 2 -> NOUN; stop: VERB.
    assert tagger.table == {"the": "DET", "can": "NOUN", "rust": "NOUN", "a": "DET", "of": "ADP", "stop": "VERB"}
    # Over all 11 words NOUN is the most frequent (4 times): the tag of unseen words.
    assert tagger.default == "NOUN"
    assert tagger("can") == "NOUN" and tagger("The") == "NOUN" and tagger("stop") == "VERB"
    assert tagger.tag(["the", "dog", "can", "stop"]) == ["DET", "NOUN", "NOUN", "VERB"]
    assert tagger.tag([]) == []
    with pytest.raises(TypeError, match="a sentence"):
        tagger.tag("the can")


def test_most_frequent_tag_baseline_ties_and_bad_input():
    tagger = most_frequent_tag_baseline([["run", "run"], ["go"]], [["VERB", "NOUN"], ["VERB"]])
    assert tagger("run") == "VERB" and tagger.default == "VERB"
    tagger = most_frequent_tag_baseline([["x", "y"]], [["SYM", "X"]])
    assert tagger.default == "SYM"  # a tie over all words: the tag seen first
    with pytest.raises(ValueError, match=r"sentence 1: expected 4 training tags \(as many as training words\), got 3"):
        most_frequent_tag_baseline(TRAIN_WORDS, [TRAIN_TAGS[0], TRAIN_TAGS[1][:3], TRAIN_TAGS[2]])
    with pytest.raises(ValueError, match=r"as many sentences of training tags as of training words \(3\), got 2"):
        most_frequent_tag_baseline(TRAIN_WORDS, TRAIN_TAGS[:2])
    with pytest.raises(ValueError, match="no training words"):
        most_frequent_tag_baseline([[]], [[]])
    with pytest.raises(TypeError, match="list of sentences"):
        most_frequent_tag_baseline(["the", "can"], ["DET", "NOUN"])


def test_token_accuracy_by_hand():
    gold = [["DET", "NOUN", "VERB"], ["PRON", "VERB"]]
    assert token_accuracy(gold, gold) == 1.0
    assert token_accuracy([["DET", "VERB", "VERB"], ["PRON", "NOUN"]], gold) == 3 / 5  # per word, not per sentence
    assert math.isnan(token_accuracy([[]], [[]]))
    with pytest.raises(ValueError, match=r"sentence 1: expected 2 predicted tags \(as many as gold tags\), got 3"):
        token_accuracy([["DET", "NOUN", "VERB"], ["PRON", "VERB", "X"]], gold)
    with pytest.raises(ValueError, match=r"expected as many sentences of predicted tags as of gold tags \(2\), got 1"):
        token_accuracy([["DET", "NOUN", "VERB"]], gold)
    with pytest.raises(TypeError, match="list of sentences"):
        token_accuracy(["DET", "NOUN"], ["DET", "NOUN"])


def test_tagging_accuracy_splits_seen_and_unseen_words_by_hand():
    words = [["the", "cat", "can", "purr"], ["cats", "can"]]
    gold = [["DET", "NOUN", "AUX", "VERB"], ["NOUN", "AUX"]]
    pred = [["DET", "NOUN", "NOUN", "NOUN"], ["NOUN", "AUX"]]
    vocab = {"the", "can", "dog"}
    # seen: the (right), can (wrong), can (right) -> 2/3; unseen: cat (right), purr (wrong), cats (right) -> 2/3
    assert tagging_accuracy(pred, gold, words, vocab) == {"all": 4 / 6, "seen": 2 / 3, "unseen": 2 / 3,
                                                          "unseen_share": 3 / 6}
    result = tagging_accuracy(pred, gold, words, vocab | {"cat", "purr", "cats"})
    assert result["seen"] == 4 / 6 and math.isnan(result["unseen"]) and result["unseen_share"] == 0
    with pytest.raises(ValueError, match=r"sentence 1: expected 2 words \(as many as gold tags\), got 1"):
        tagging_accuracy(pred, gold, [words[0], ["cats"]], vocab)


def test_tag_counts_lists_every_upos_tag_in_order_then_others():
    counts = tag_counts([["NOUN", "VERB", "NOUN"], ["XYZ"]])
    assert list(counts)[:17] == list(UPOS_TAGS) and list(counts)[17:] == ["XYZ"]
    assert counts["NOUN"] == 2 and counts["VERB"] == 1 and counts["ADJ"] == 0 and counts["XYZ"] == 1


def test_baseline_trained_on_dev_and_tested_on_test(ewt):
    (train_words, train_tags), (test_words, test_tags) = ewt["dev"], ewt["test"]
    tagger = most_frequent_tag_baseline(train_words, train_tags)
    pred = [tagger.tag(sentence) for sentence in test_words]
    result = tagging_accuracy(pred, test_tags, test_words, {w for s in train_words for w in s})
    print(f"most-frequent-tag baseline, dev -> test: {result}")
    assert tagger.default == "NOUN" and len(tagger.table) == 5494
    assert result["all"] == pytest.approx(token_accuracy(pred, test_tags)) == pytest.approx(0.81199, abs=5e-5)
    assert result["seen"] == pytest.approx(0.91462, abs=5e-5)
    assert result["unseen"] == pytest.approx(0.34142, abs=5e-5)
    assert result["unseen_share"] == pytest.approx(0.17905, abs=5e-5)


# --- the rebuild script -------------------------------------------------------------------------------------

def _script():
    spec = importlib.util.spec_from_file_location("make_ud_english_ewt", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _fake_source(folder, commit=UD_EWT_COMMIT):
    """A folder laid out like the treebank's checkout: the shipped files and a README with its notice."""
    folder.mkdir()
    shipped = REPO_DATA / "ud_english_ewt"
    for name in ["en_ewt-ud-dev.conllu", "en_ewt-ud-test.conllu", "LICENSE.txt"]:
        shutil.copy(shipped / name, folder / name)
    quoted = [line for line in (shipped / "README.md").read_text(encoding="utf-8").split("\n") if line.startswith(">")]
    notice = "\n".join(line[2:] for line in quoted)
    (folder / "README.md").write_text(
        "Universal Dependencies - English Dependency Treebank\n"
        "Universal Dependencies English Web Treebank v2.15 -- 2024-11-15\n\n# Summary\n\nText.\n\n"
        f"# License/Copyright\n\n{notice}\n\n\n# Structure\n\nMore text.\n", encoding="utf-8")
    (folder / "SOURCE-COMMIT").write_text(f"{commit} Sat May 10 00:10:19 2025 +0200\n", encoding="utf-8")
    return folder


def test_script_rebuilds_the_shipped_files_byte_for_byte(tmp_path, monkeypatch, capsys):
    script = _script()
    source = _fake_source(tmp_path / "source")
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.setattr(script, "__file__", str(out / "make_ud_english_ewt.py"))  # write there, not into data/
    script.main(str(source))
    for name in ["en_ewt-ud-dev.conllu", "en_ewt-ud-test.conllu", "LICENSE.txt", "README.md"]:
        assert (out / name).read_bytes() == (REPO_DATA / "ud_english_ewt" / name).read_bytes(), name
    printed = capsys.readouterr().out
    assert "dev: 2001 sentences, 25147 words, 359 multiword tokens" in printed
    assert "test: 2077 sentences, 25094 words, 354 multiword tokens" in printed
    (source / "SOURCE-COMMIT").write_text("0123abc Mon Jan 1 2024\n", encoding="utf-8")
    with pytest.raises(SystemExit, match=f"expected UD_English-EWT at commit {UD_EWT_COMMIT}, found '0123abc'"):
        script.main(str(source))


# --- the optional online loader, on a local fixture ---------------------------------------------------------

class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    requests: list[str] = []

    def log_message(self, *args):
        pass

    def do_GET(self):
        _QuietHandler.requests.append(self.path)
        super().do_GET()


@pytest.fixture
def server(tmp_path):
    """A local HTTP server for ``tmp_path / "site"``; yields its base URL, then stops."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "en_ewt-ud-train.conllu").write_text("\n".join(FIXTURE) + "\n\n", encoding="utf-8")
    _QuietHandler.requests = []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(site)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=10)


def test_fetch_ud_ewt_downloads_once_and_caches(server, tmp_path):
    url = f"{server}/en_ewt-ud-train.conllu"
    words, tags = fetch_ud_ewt("train", url=url, cache_dir=tmp_path / "cache")
    expected = read_conllu(FIXTURE)
    assert words == [s.words for s in expected] and tags == [s.upos for s in expected]
    assert fetch_ud_ewt("train", url=url, cache_dir=tmp_path / "cache") == (words, tags)
    assert _QuietHandler.requests == ["/en_ewt-ud-train.conllu"]  # the second call read the cache
    (cached,) = (tmp_path / "cache").iterdir()
    assert cached.name.endswith("-en_ewt-ud-train.conllu")
    digest = hashlib.sha256(cached.read_bytes()).hexdigest()
    assert fetch_ud_ewt("train", url=url, cache_dir=tmp_path / "cache", sha256=digest) == (words, tags)


def test_fetch_ud_ewt_from_a_file_url_with_xdg_cache(tmp_path, monkeypatch):
    source = tmp_path / "copy.conllu"
    source.write_text("\n".join(FIXTURE), encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    words, _ = fetch_ud_ewt("dev", url=source.as_uri())
    assert words[1] == ["Thanks", "!"]
    assert len(list((tmp_path / "xdg" / "course_utils" / "ud_english_ewt").iterdir())) == 1


def test_fetch_ud_ewt_failures_name_the_url(server, tmp_path):
    missing = f"{server}/nothing-here.conllu"
    with pytest.raises(OSError, match=re.escape(missing)):
        fetch_ud_ewt("train", url=missing, cache_dir=tmp_path / "cache")
    assert list((tmp_path / "cache").iterdir()) == []  # no partial file left behind
    url = f"{server}/en_ewt-ud-train.conllu"
    with pytest.raises(DataFileError, match=r"has SHA-256 [0-9a-f]{64}, expected 00+; the file was deleted"):
        fetch_ud_ewt("train", url=url, cache_dir=tmp_path / "cache", sha256="0" * 64)
    assert list((tmp_path / "cache").iterdir()) == []
    bad = tmp_path / "bad.conllu"
    bad.write_text(conllu_line(1, "Hi", "XX") + "\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=rf"{re.escape(bad.as_uri())} \(saved as .*\), line 1: unknown UPOS"):
        fetch_ud_ewt("test", url=bad.as_uri(), cache_dir=tmp_path / "cache")
    with pytest.raises(ValueError, match=r"'train', 'dev', 'test'"):
        fetch_ud_ewt("validation", cache_dir=tmp_path / "cache")


def test_fetch_ud_ewt_default_url_is_github_at_the_pinned_commit(tmp_path, monkeypatch):
    asked = []
    real_urlopen = urllib.request.urlopen

    def fake_urlopen(url, timeout):  # no network: answer with the fixture
        asked.append(url)
        return real_urlopen((tmp_path / "f.conllu").as_uri(), timeout=timeout)

    (tmp_path / "f.conllu").write_text("\n".join(FIXTURE), encoding="utf-8")
    monkeypatch.setattr(tagging.urllib.request, "urlopen", fake_urlopen)
    words, _ = fetch_ud_ewt(cache_dir=tmp_path / "cache")
    assert asked == ["https://raw.githubusercontent.com/UniversalDependencies/UD_English-EWT/"
                     f"{UD_EWT_COMMIT}/en_ewt-ud-train.conllu"]
    assert len(words) == 2


# --- reads of the test split (course_utils.splits) ------------------------------------------------------------


def test_load_ud_ewt_counts_the_test_split_not_dev(strict):
    load_ud_ewt("dev")
    load_ud_ewt("dev")
    assert splits.test_reads() == {}
    words, tags = load_ud_ewt("test")
    assert len(words) == len(tags) == SIZES["test"][0]
    assert splits.test_reads() == {"ud_ewt": 1}
    with pytest.raises(splits.RepeatedTestRead, match="test split of ud_ewt has been read 2 times"):
        load_ud_ewt("test")


def test_fetch_ud_ewt_counts_the_test_split_as_load_ud_ewt_does(tmp_path, strict):
    source = tmp_path / "en_ewt-ud-test.conllu"
    shutil.copyfile(REPO_DATA / UD_EWT_FILES["test"], source)
    fetch_ud_ewt("dev", url=source.as_uri(), cache_dir=tmp_path / "cache")  # asked for as dev: not counted
    assert splits.test_reads() == {}
    words, _ = fetch_ud_ewt("test", url=source.as_uri(), cache_dir=tmp_path / "cache")
    assert words == [sentence.words for sentence in read_conllu(source)]
    assert splits.test_reads() == {"ud_ewt": 1}
    with pytest.raises(splits.RepeatedTestRead):
        load_ud_ewt("test")  # the same data, downloaded or shipped
