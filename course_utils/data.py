"""Data files that ship with the course, checked against their SHA-256 before use.

Every file under ``data/`` is listed in ``data/MANIFEST.json`` with its size,
checksum, source and license.  Loading a missing, truncated or edited file raises
:class:`DataFileError` with a message that names the file and says what to do.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

#: The repository's ``data/`` folder; ``COURSE_DATA_DIR`` overrides it.
DEFAULT_DATA_DIR = Path(__file__).resolve().parent.parent / "data"


class DataFileError(RuntimeError):
    """A course data file is missing, unlisted or does not match its checksum."""


def data_dir() -> Path:
    """Return the folder that holds the course data (``$COURSE_DATA_DIR`` or ``data/``)."""
    return Path(os.environ.get("COURSE_DATA_DIR", DEFAULT_DATA_DIR))


def sha256_of(path: str | Path) -> str:
    """Return the hex SHA-256 digest of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_manifest(root: Path | None = None) -> dict[str, dict[str, Any]]:
    """Return the entries of ``MANIFEST.json``, keyed by path relative to the data folder."""
    root = data_dir() if root is None else root
    manifest = root / "MANIFEST.json"
    if not manifest.is_file():
        raise DataFileError(f"{manifest} is missing: the data folder is incomplete; restore it with `git checkout data/`")
    try:
        files = json.loads(manifest.read_text(encoding="utf-8"))["files"]
        if not all({"bytes", "sha256"} <= set(entry) for entry in files.values()):
            raise KeyError("every entry needs 'bytes' and 'sha256'")
    except (ValueError, KeyError, TypeError, AttributeError) as err:  # ValueError: bad JSON or UTF-8
        raise DataFileError(f"{manifest} is not a valid manifest ({err})") from err
    return files


def data_path(name: str, root: Path | None = None) -> Path:
    """Return the path of data file ``name`` after checking its size and SHA-256.

    ``name`` is relative to the data folder, e.g. ``"shakespeare/tragedies.txt"``.
    """
    root = data_dir() if root is None else root
    entries = read_manifest(root)
    if name not in entries:
        raise DataFileError(f"{name} is not listed in {root / 'MANIFEST.json'}; known files: {sorted(entries)}")
    path = root / name
    if not path.is_file():
        raise DataFileError(f"data file {path} is missing; restore it with `git checkout data/`")
    entry = entries[name]
    size = path.stat().st_size
    if size != entry["bytes"] or sha256_of(path) != entry["sha256"]:
        raise DataFileError(
            f"data file {path} is corrupt: expected {entry['bytes']} bytes with SHA-256 {entry['sha256']}, "
            f"found {size} bytes with SHA-256 {sha256_of(path)}; restore it with `git checkout data/`"
        )
    return path


def load_text(name: str, root: Path | None = None) -> str:
    """Return the UTF-8 text of a checked data file such as ``"shakespeare/tragedies.txt"``."""
    path = data_path(name, root)
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise DataFileError(f"data file {path} is not valid UTF-8 text ({err})") from err
