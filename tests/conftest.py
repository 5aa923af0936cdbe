"""Shared test set-up: quiet, self-contained framework settings.

The environment variables are set at import time, before any test module
imports TensorFlow, Keras or Matplotlib, so that nothing writes to the home
folder and no window opens.
"""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from course_utils.text import CharVocab, make_lm_windows

_STATE_DIR = Path(tempfile.mkdtemp(prefix="course-tests-"))
atexit.register(shutil.rmtree, _STATE_DIR, ignore_errors=True)

for _var, _sub in [("KERAS_HOME", "keras"), ("IPYTHONDIR", "ipython"), ("JUPYTER_CONFIG_DIR", "jupyter-config"),
                   ("JUPYTER_DATA_DIR", "jupyter-data"), ("MPLCONFIGDIR", "matplotlib")]:
    (_STATE_DIR / _sub).mkdir()
    os.environ[_var] = str(_STATE_DIR / _sub)
os.environ["MPLBACKEND"] = "Agg"
os.environ["KERAS_BACKEND"] = "tensorflow"
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "2"


@pytest.fixture(scope="module")
def abc_data():
    """A vocabulary and next-character windows of "abcabc...", for tiny training runs."""
    text = "abc" * 200
    vocab = CharVocab.from_text(text)
    X, Y = make_lm_windows(vocab.encode(text), seq_len=12)
    return vocab, X, Y
