"""Shared helpers for the course "RNNs for NLP".

This package imports no deep-learning framework, so that ``import course_utils``
is instant.  The framework-specific helpers live in two modules that mirror each
other name for name:

* :mod:`course_utils.torch` for PyTorch,
* :mod:`course_utils.keras` for Keras 3 with the TensorFlow backend.

The framework-free pieces are re-exported here, among them the verdicts of :mod:`course_utils.claims` (``claim``, ``compare``), the exercise contracts of
:mod:`course_utils.contracts` (``checked``, ``tensor_spec``), the grading guards of
:mod:`course_utils.grading` (``assert_own_code``, ``assert_no_calls``, ``own_or_reference``).
"""

from course_utils.claims import claim, compare, compare_runs
from course_utils.checks import assert_close, assert_equal, assert_raises, check_shape
from course_utils.contracts import checked, list_of, tensor_spec
from course_utils.data import DataFileError, data_path, load_text, sha256_of
from course_utils.grading import assert_no_calls, assert_own_code, own_or_reference
from course_utils.quiz import check_quiz
from course_utils.seed import set_seed
from course_utils.text import CharVocab, make_lm_windows, sample_index, softmax_temperature

__all__ = [
    "CharVocab",
    "DataFileError",
    "assert_close",
    "assert_equal",
    "assert_no_calls",
    "assert_own_code",
    "assert_raises",
    "check_quiz",
    "check_shape",
    "checked",
    "claim",
    "compare",
    "compare_runs",
    "data_path",
    "list_of",
    "load_text",
    "make_lm_windows",
    "own_or_reference",
    "sample_index",
    "set_seed",
    "sha256_of",
    "softmax_temperature",
    "tensor_spec",
]

__version__ = "0.1.0"
