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
