"""Tests for course_utils.data: the shipped manifest, and errors for missing, corrupt or unlisted files."""

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from course_utils.data import DEFAULT_DATA_DIR, DataFileError, data_dir, data_path, load_text, read_manifest, sha256_of

REPO_DATA = Path(__file__).resolve().parent.parent / "data"
TEXT = "shakespeare/tragedies.txt"


@pytest.fixture(autouse=True)
def _no_data_dir_override(monkeypatch):
    monkeypatch.delenv("COURSE_DATA_DIR", raising=False)


@pytest.fixture
def data_copy(tmp_path):
    """A copy of the real data folder (manifest and files) under ``tmp_path``."""
    root = tmp_path / "data"
    shutil.copytree(REPO_DATA, root)
    return root


def _write_manifest(root, files):
    (root / "MANIFEST.json").write_text(json.dumps({"files": files}), encoding="utf-8")


# --- the real data ----------------------------------------------------------------------------------------------

def test_default_data_dir_is_repository_data():
    assert DEFAULT_DATA_DIR == REPO_DATA
    assert data_dir() == REPO_DATA


def test_data_dir_follows_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    assert data_dir() == tmp_path


def test_real_manifest_lists_files_with_metadata():
    entries = read_manifest()
    assert TEXT in entries
    for name, entry in entries.items():
        assert {"bytes", "sha256", "source", "license"} <= entry.keys(), name
        assert len(entry["sha256"]) == 64, name


@pytest.mark.parametrize("name", sorted(read_manifest(REPO_DATA)))
def test_every_manifest_file_exists_with_listed_size_and_hash(name):
    entry = read_manifest()[name]
    path = REPO_DATA / name
    assert path.is_file(), f"{name} is listed but missing"
    assert path.stat().st_size == entry["bytes"]
    assert sha256_of(path) == entry["sha256"]
    assert data_path(name) == path


def test_sha256_of_matches_hashlib(tmp_path):
    path = tmp_path / "blob.bin"
    payload = bytes(range(256)) * 5000  # 1.28 MB: read in two 1 MiB chunks
    path.write_bytes(payload)
    assert sha256_of(path) == hashlib.sha256(payload).hexdigest()
    assert sha256_of(str(path)) == hashlib.sha256(payload).hexdigest()


def test_load_text_real_file():
    text = load_text(TEXT)
    assert isinstance(text, str)
    assert len(text.encode("utf-8")) == read_manifest()[TEXT]["bytes"]
    assert len(set(text)) > 30  # letters, punctuation, newlines


def test_load_text_from_copy_with_root_and_env(data_copy, monkeypatch):
    assert load_text(TEXT, root=data_copy) == load_text(TEXT)
    monkeypatch.setenv("COURSE_DATA_DIR", str(data_copy))
    assert data_path(TEXT) == data_copy / TEXT


# --- failures ---------------------------------------------------------------------------------------------------

def test_missing_file(data_copy):
    (data_copy / TEXT).unlink()
    with pytest.raises(DataFileError, match="tragedies.txt is missing"):
        data_path(TEXT, root=data_copy)


def test_corrupt_file_one_changed_byte(data_copy):
    path = data_copy / TEXT
    raw = bytearray(path.read_bytes())
    raw[1000] ^= 0x01  # same size, different content
    path.write_bytes(bytes(raw))
    with pytest.raises(DataFileError) as err:
        load_text(TEXT, root=data_copy)
    msg = str(err.value)
    assert "tragedies.txt is corrupt" in msg and read_manifest()[TEXT]["sha256"] in msg
    assert sha256_of(path) in msg


def test_truncated_file_via_environment(data_copy, monkeypatch):
    path = data_copy / TEXT
    path.write_bytes(path.read_bytes()[:-10])
    monkeypatch.setenv("COURSE_DATA_DIR", str(data_copy))
    with pytest.raises(DataFileError, match=r"tragedies\.txt is corrupt: expected 743506 bytes .* found 743496 bytes"):
        data_path(TEXT)


def test_unlisted_name(data_copy):
    (data_copy / "extra.txt").write_text("not listed")
    with pytest.raises(DataFileError) as err:
        data_path("extra.txt", root=data_copy)
    assert "extra.txt is not listed" in str(err.value) and TEXT in str(err.value)


def test_missing_manifest(data_copy):
    (data_copy / "MANIFEST.json").unlink()
    with pytest.raises(DataFileError, match="MANIFEST.json is missing"):
        data_path(TEXT, root=data_copy)
    with pytest.raises(DataFileError, match="MANIFEST.json is missing"):
        read_manifest(data_copy)


@pytest.mark.parametrize("content", [
    "{not json",                                      # syntax error
    '{"entries": {}}',                               # no "files" key
    "[1, 2]",                                        # not an object
    '{"files": [1, 2]}',                             # files not a mapping
    '{"files": {"a.txt": {"sha256": "00"}}}',        # entry without "bytes"
])
def test_invalid_manifest(data_copy, content):
    (data_copy / "MANIFEST.json").write_text(content, encoding="utf-8")
    with pytest.raises(DataFileError, match="MANIFEST.json is not a valid manifest"):
        read_manifest(data_copy)
    with pytest.raises(DataFileError, match="MANIFEST.json"):
        load_text(TEXT, root=data_copy)


def test_non_utf8_file_is_reported(tmp_path):
    payload = b"caf\xe9\n"  # Latin-1, not UTF-8
    (tmp_path / "latin1.txt").write_bytes(payload)
    _write_manifest(tmp_path, {"latin1.txt": {"bytes": len(payload), "sha256": hashlib.sha256(payload).hexdigest()}})
    assert data_path("latin1.txt", root=tmp_path) == tmp_path / "latin1.txt"
    with pytest.raises(DataFileError, match="latin1.txt is not valid UTF-8"):
        load_text("latin1.txt", root=tmp_path)
