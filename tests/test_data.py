"""Tests for course_utils.data: the shipped manifest, and errors for missing, corrupt or unlisted files."""

import hashlib
import json
import os
import shutil
import subprocess
import sys
import zipfile
from importlib.metadata import version
from pathlib import Path

import pytest

import course_utils.data as data_module
from course_utils.data import DEFAULT_DATA_DIR, DataFileError, data_dir, data_path, load_text, read_manifest, sha256_of

ROOT = Path(__file__).resolve().parent.parent
REPO_DATA = ROOT / "data"
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


# --- finding the data folder outside the repository -------------------------------------------------------------

@pytest.fixture
def no_installed_data(monkeypatch, tmp_path):
    """Neither the repository's data/ nor a packaged copy: as for a package installed without its data."""
    monkeypatch.setattr(data_module, "DEFAULT_DATA_DIR", tmp_path / "no-repo" / "data")
    monkeypatch.setattr(data_module, "PACKAGED_DATA_DIR", tmp_path / "no-package" / "_data")


def test_data_dir_found_upward_from_working_directory(no_installed_data, tmp_path, monkeypatch):
    # A copy of the repository pulled into a student's home (nbgitpuller): the notebook runs in
    # <copy>/chapters/<chapter>/ and the data is <copy>/data/.
    pulled = tmp_path / "home" / "rnns-for-nlp"
    shutil.copytree(REPO_DATA, pulled / "data")
    chapter = pulled / "chapters" / "01-rnn-anatomy"
    chapter.mkdir(parents=True)
    monkeypatch.chdir(chapter)
    assert data_dir() == pulled / "data"
    assert data_path(TEXT) == pulled / "data" / TEXT
    assert load_text(TEXT) == load_text(TEXT, root=REPO_DATA)


def test_data_dir_upward_search_skips_a_data_folder_without_manifest(no_installed_data, tmp_path, monkeypatch):
    shutil.copytree(REPO_DATA, tmp_path / "course" / "data")
    inner = tmp_path / "course" / "chapters"
    (inner / "data").mkdir(parents=True)  # some other data/ folder, not the course's
    monkeypatch.chdir(inner)
    assert data_dir() == tmp_path / "course" / "data"


def test_data_dir_prefers_environment_then_repository(tmp_path, monkeypatch, data_copy):
    monkeypatch.chdir(data_copy.parent)  # a data/ folder here too: the repository's comes first
    assert data_dir() == REPO_DATA
    monkeypatch.setenv("COURSE_DATA_DIR", str(data_copy))
    assert data_dir() == data_copy


def test_data_dir_not_found_names_every_place(no_installed_data, tmp_path, monkeypatch):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    # Look no higher than tmp_path: a data/ folder in /tmp or / on this machine is none of this test's business.
    every_place = data_module.data_dir_candidates
    monkeypatch.setattr(data_module, "data_dir_candidates",
                        lambda cwd=None: [(label, p) for label, p in every_place(cwd) if p.is_relative_to(tmp_path)])
    with pytest.raises(DataFileError) as err:
        data_dir()
    msg = str(err.value)
    assert "COURSE_DATA_DIR" in msg and "pip install" in msg
    for place in [tmp_path / "no-repo" / "data", tmp_path / "no-package" / "_data", elsewhere / "data",
                  tmp_path / "data"]:
        assert str(place) in msg
    with pytest.raises(DataFileError, match="was not found"):
        load_text(TEXT)


def test_wheel_ships_the_data_and_finds_it_outside_the_repository(tmp_path):
    """A wheel built from the repository, installed outside it, finds its data from any folder."""
    src = tmp_path / "src"  # build from a copy: an in-tree build would leave build/ in the repository
    src.mkdir()
    for name in ["pyproject.toml", "LICENSE"]:
        shutil.copy(ROOT / name, src)
    for name in ["course_utils", "course_grading", "data"]:
        shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__"))
    # This environment's setuptools builds it offline when it is new enough for pyproject.toml's
    # build-system requirement; otherwise pip fetches one into an isolated build environment.
    offline = ["--no-build-isolation"] if int(version("setuptools").split(".")[0]) >= 77 else []
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", *offline,
                           str(src), "-w", str(tmp_path / "dist")], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (wheel,) = (tmp_path / "dist").glob("course_utils-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = [n for n in read_manifest(REPO_DATA) if f"course_utils/_data/{n}" not in names]
    assert not missing, f"the wheel lacks {missing}: add their pattern to [tool.setuptools.package-data]"
    assert "course_utils/_data/MANIFEST.json" in names

    site = tmp_path / "site"  # the wheel installed by hand: what pip would put in site-packages
    zipfile.ZipFile(wheel).extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    script = (
        "import json, course_utils\n"
        "from course_utils.data import data_dir, data_path, read_manifest\n"
        "print(json.dumps({'package': course_utils.__file__, 'data': str(data_dir()),\n"
        "                  'files': [str(data_path(n)) for n in read_manifest()]}))\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in {"COURSE_DATA_DIR", "PYTHONPATH"}}
    env["PYTHONPATH"] = str(site)  # ahead of the repository's editable install
    proc = subprocess.run([sys.executable, "-c", script], cwd=elsewhere, env=env, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    found = json.loads(proc.stdout.strip().splitlines()[-1])
    assert Path(found["package"]).is_relative_to(site), found
    assert Path(found["data"]) == site / "course_utils" / "_data"
    assert len(found["files"]) == len(read_manifest(REPO_DATA))
