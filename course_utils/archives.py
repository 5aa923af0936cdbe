"""Training runs shipped as NumPy archives: written byte for byte reproducibly, read without pickle and checked.

A runs archive (``data/review_runs/``, ``data/tagger_runs/``) is a compressed ``.npz`` whose
``meta`` entry is a JSON string with a ``format`` name; the other entries are plain arrays.
:func:`write_npz` is what the data scripts write them with, :func:`read_runs_archive` what the
loaders read them with: it refuses an unreadable or pickled file, another format, missing or
extra arrays and arrays of another shape or dtype, each with a :class:`DataFileError` that
names the file and what is wrong.
"""

from __future__ import annotations

import io
import json
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from course_utils.data import DataFileError

#: name -> (shape, dtype): a dtype name such as ``"uint8"``, or a one-letter kind such as ``"f"``.
Shapes = dict[str, tuple[tuple[int, ...], str]]


def write_npz(path: str | Path, arrays: dict[str, Any]) -> None:
    """A compressed ``.npz`` archive written entry by entry with a fixed date and ``allow_pickle=False``, so
    that its bytes depend on the arrays only and it holds no pickled object."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, value in arrays.items():
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, np.asanyarray(value), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, buffer.getvalue())


def read_runs_archive(path: Path, fmt: str, what: str,
                      shapes_of: Callable[[dict[str, Any], dict[str, np.ndarray]], Shapes]
                      ) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """Read and check a runs archive: its ``meta`` (a dict) and its other arrays by name.

    ``fmt`` is the ``format`` its ``meta`` must name, ``what`` how messages call it
    (``"review-runs"``), and ``shapes_of(meta, arrays)`` the shape and dtype each array must have.
    """
    try:
        with np.load(path, allow_pickle=False) as archive:  # never unpickle: arrays and strings only
            arrays = {name: archive[name] for name in archive.files}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, zlib.error) as err:  # zlib: a damaged stream
        raise DataFileError(f"{path} is not a readable NumPy .npz archive ({err})") from err
    try:
        meta = json.loads(str(arrays.pop("meta")))
        if meta["format"] != fmt:
            raise ValueError(f"its format is {meta['format']!r}")
        shapes = shapes_of(meta, arrays)
    except (KeyError, ValueError, TypeError, AttributeError) as err:
        raise DataFileError(f"{path} is not a {what} archive ({fmt!r}): no valid metadata "
                            f"({type(err).__name__}: {err})") from err
    missing, extra = sorted(set(shapes) - set(arrays)), sorted(set(arrays) - set(shapes))
    if missing or extra:
        raise DataFileError(f"{path} is not a complete {what} archive: missing {missing}, unexpected {extra}")
    for name, (shape, dtype) in shapes.items():
        value = arrays[name]
        if value.shape != shape or (value.dtype.kind != dtype if len(dtype) == 1 else value.dtype != dtype):
            raise DataFileError(f"{path}: {name} has shape {value.shape} and dtype {value.dtype}, "
                                f"expected {shape} of {'kind' if len(dtype) == 1 else 'dtype'} {dtype!r}")
    return meta, arrays
