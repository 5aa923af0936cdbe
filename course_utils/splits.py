"""The test-split guard: a chapter reads its test split once, after every choice.

Model and hyper-parameter choices (the architecture, the learning rate, the epoch to keep, a
threshold) are made on the validation split; the test split is read once, after the last
choice, to report how the chosen model does on data no choice has seen.

The course's loaders call :func:`note_test_read` when code asks them for a test split
(``load_snippets("test")``, ``load_number_phrases("test")``, ``load_ud_ewt("test")``,
``load_imdb(root, "test")``, ...). Loading every split at once (``split=None``) is not
counted: it hands back the training data too, and a chapter that wants its test part asks
for it by name. The first read of a dataset's test split is silent; a second read in the
same process prints a warning, and in the strict mode of :mod:`course_utils.claims` (the
book build and the test suite, see :func:`~course_utils.claims.strict_claims`) raises
:class:`RepeatedTestRead`, so a chapter that reads its test split twice fails the build
while a student only sees the warning. Re-running the loading cell of a notebook counts as
a second read: restarting the kernel starts the count afresh.
"""

from __future__ import annotations

from collections import Counter

from course_utils.claims import strict_claims

_reads: Counter[str] = Counter()


class RepeatedTestRead(AssertionError):
    """A test split was read a second time in a run that must not pass then (strict mode)."""


def note_test_read(dataset: str) -> int:
    """Record one read of ``dataset``'s test split and return how many reads it has had.

    ``dataset`` names the data and its held-out split, e.g. ``"snippets"`` or
    ``"number_phrases long"``. From the second read on, prints a warning naming the dataset
    and the count, and raises :class:`RepeatedTestRead` in strict mode.
    """
    if not isinstance(dataset, str) or not dataset.strip():
        raise ValueError(f"note_test_read: dataset must be a non-empty name, got {dataset!r}")
    _reads[dataset] += 1
    count = _reads[dataset]
    if count > 1:
        message = (f"the test split of {dataset} has been read {count} times in this run: choices are "
                   "made on the validation split, and the test split is read once, after every choice "
                   "(re-running the cell that loads it counts too: restart the kernel to start afresh)")
        print(f"⚠ {message}", flush=True)
        if strict_claims():
            raise RepeatedTestRead(message)
    return count


def test_reads() -> dict[str, int]:
    """How many times each dataset's test split has been read in this process, by dataset name."""
    return dict(_reads)


test_reads.__test__ = False  # type: ignore[attr-defined]  # a test module importing it must not collect it


def reset_test_reads(dataset: str | None = None) -> None:
    """Forget the reads of ``dataset`` (default: of every dataset); for tests and fresh experiments."""
    if dataset is None:
        _reads.clear()
    else:
        _reads.pop(dataset, None)


__all__ = ["RepeatedTestRead", "note_test_read", "reset_test_reads", "test_reads"]
