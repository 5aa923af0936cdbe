"""Importing TensorFlow without the log lines its C++ code prints at start-up."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator


@contextlib.contextmanager
def quiet_native_stderr() -> Iterator[None]:
    """Silence what C++ code writes to file descriptor 2 (TensorFlow's start-up log lines).

    TensorFlow prints them before its logging is configured, so ``TF_CPP_MIN_LOG_LEVEL``
    cannot hide them; Python exceptions are unaffected and still reach the user.
    """
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


@contextlib.contextmanager
def without_module(name: str) -> Iterator[None]:
    """Make ``import name`` fail inside the block, unless ``name`` is already imported.

    Keras imports scikit-learn only for its ``keras.wrappers`` estimators, which the course
    never uses; that import is about a quarter of Keras's start-up time, paid again in every
    grading kernel. After the block ``import name`` works as usual (Chapter 6 imports
    scikit-learn itself); ``keras.wrappers`` then reports scikit-learn as missing.
    """
    if name in sys.modules:
        yield
        return
    sys.modules[name] = None  # type: ignore[assignment]  # the import system's "not importable"
    try:
        yield
    finally:
        if sys.modules.get(name, 0) is None:
            del sys.modules[name]
