"""Data files that ship with the course, checked against their SHA-256 before use.

Every file under ``data/`` is listed in ``data/MANIFEST.json`` with its size,
checksum, source and license.  Loading a missing, truncated or edited file raises
:class:`DataFileError` with a message that names the file and says what to do.

The data folder is found wherever the course runs (see :func:`data_dir`): in the
repository (an editable install), inside the installed package (a wheel, e.g. on a
JupyterHub image), or in a copy of the repository pulled into a student's home.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

#: The repository's ``data/`` folder, next to the package in an editable install.
DEFAULT_DATA_DIR = Path(__file__).resolve().parent.parent / "data"
#: The copy of ``data/`` a wheel ships inside the package (see pyproject.toml's package-data).
PACKAGED_DATA_DIR = Path(__file__).resolve().parent / "_data"
MANIFEST = "MANIFEST.json"


class DataFileError(RuntimeError):
    """A course data file is missing, unlisted or does not match its checksum."""


def data_dir_candidates(cwd: Path | None = None) -> list[tuple[str, Path]]:
    """Return the places :func:`data_dir` looks for the data, in order, each with a short label.

    ``$COURSE_DATA_DIR`` is not among them: when it is set, it is used as it is.
    """
    cwd = Path.cwd() if cwd is None else cwd
    places = [("the repository next to the package", DEFAULT_DATA_DIR),
              ("the installed package", PACKAGED_DATA_DIR)]
    places += [("a folder above the working directory", folder / "data") for folder in [cwd, *cwd.parents]]
    return places


def data_dir() -> Path:
    """Return the folder that holds the course data.

    In order: ``$COURSE_DATA_DIR`` when set (used as it is); the repository's ``data/``
    next to the package (editable install); the data shipped inside the installed package
    (wheel); the first ``data/`` with a ``MANIFEST.json`` in the working directory or a
    folder above it (a copy of the repository, e.g. pulled into a student's home).
    Raises :class:`DataFileError` naming every place looked at when none has the data.
    """
    if "COURSE_DATA_DIR" in os.environ:
        return Path(os.environ["COURSE_DATA_DIR"])
    places = data_dir_candidates()
    for _, folder in places:
        if (folder / MANIFEST).is_file():
            return folder
    looked = "\n".join(f"  {folder}  ({label})" for label, folder in places)
    raise DataFileError(
        f"the course data folder (a data/ folder with {MANIFEST}) was not found; looked in:\n{looked}\n"
        "Run the notebook from inside a copy of the course repository, install the course package "
        "(pip install .), or set COURSE_DATA_DIR to the data folder."
    )


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
    manifest = root / MANIFEST
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
