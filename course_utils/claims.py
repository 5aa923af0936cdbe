"""Verdicts computed from the numbers that support them: ``claim`` and ``compare``.

A sentence in a chapter that compares or concludes ("the gradient vanishes", "A beats B") is
printed by a cell, from the cell's own numbers::

    claim("the scratch RNN agrees with nn.RNN", diff < 10 * eps, f"max |difference| = {diff:.1e}")

prints ``✓ the scratch RNN agrees with nn.RNN (max |difference| = 2.4e-07)``, or ``✗ ...`` with
the same evidence when the check is false. A student who runs the notebook sees the ``✗``;
the book build and the test suite set ``COURSE_STRICT_CLAIMS=1``, and there a false claim
raises :class:`ClaimFailed`, so a chapter whose numbers stop supporting its prose fails the
build. While nbgrader grades or validates (``NBGRADER_EXECUTION``), training is shortened and
a claim never raises.

``compare`` answers "is A better than B?" on a sample, with a bootstrap interval of the mean
difference (paired where the values are paired, e.g. two models' losses on the same
validation windows) and a randomisation test; its ``verdict`` is "better", "worse" or
"no detectable difference", the word the prose then uses.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

STRICT_ENV = "COURSE_STRICT_CLAIMS"
VERDICTS = ("better", "worse", "no detectable difference")


class ClaimFailed(AssertionError):
    """A claim the notebook prints is false, in a build or test run that must not pass then."""


def strict_claims() -> bool:
    """True where a false claim must stop the run: the book build and the test suite, not grading."""
    if os.environ.get("NBGRADER_EXECUTION"):
        return False
    return os.environ.get(STRICT_ENV, "").strip().lower() in {"1", "true", "yes"}


def claim(statement: str, holds: object, evidence: str) -> None:
    """Print ``✓ statement (evidence)`` if ``holds`` is true, else ``✗ statement (evidence)``.

    ``holds`` must be a Python or NumPy bool (a tensor or an array is refused: say which of its
    values decides, e.g. with ``.all()`` and ``bool(...)``). ``evidence`` gives the numbers the
    check was computed from. In strict mode (see the module docstring) a false claim raises
    :class:`ClaimFailed` after printing.
    """
    if not isinstance(statement, str) or not isinstance(evidence, str):
        raise TypeError("claim(statement, holds, evidence): the statement and the evidence should be str")
    if not isinstance(holds, (bool, np.bool_)):
        raise TypeError(f"claim({statement!r}, ...): the check should be a bool, got {type(holds).__name__}")
    if not statement.strip() or not evidence.strip():
        raise ValueError("claim(statement, holds, evidence): the statement and the evidence must not be empty")
    line = f"{'✓' if holds else '✗'} {statement} ({evidence})"
    if not holds and os.environ.get("NBGRADER_EXECUTION"):
        line += " [while grading, training is skipped or shortened: numbers that need a trained model differ]"
    print(line, flush=True)
    if not holds and strict_claims():
        raise ClaimFailed(f"the chapter's numbers do not support its claim: {line}")


@dataclass(frozen=True)
class Comparison:
    """The result of :func:`compare`; ``str()`` is the one-line report a cell prints.

    ``difference`` is ``mean(a) - mean(b)`` (paired: the mean of ``a - b``), ``low`` and ``high``
    its bootstrap interval at ``level``; ``p_value`` is the two-sided test of no difference named
    by ``test`` (a randomisation test for :func:`compare`, the bootstrap itself for
    :func:`compare_runs`); ``verdict`` says whether A is "better", "worse" or shows "no detectable
    difference" than B, with ``higher_is_better`` deciding the direction.
    """

    name_a: str
    name_b: str
    metric: str
    difference: float
    low: float
    high: float
    level: float
    p_value: float
    n: int
    paired: bool
    higher_is_better: bool
    verdict: str
    test: str = "randomisation test"

    @property
    def evidence(self) -> str:
        """The numbers behind the verdict, short enough for a claim's evidence."""
        return (f"mean difference {self.difference:+.3g}, {self.level:.0%} interval "
                f"[{self.low:+.3g}, {self.high:+.3g}], p {_p_text(self.p_value)}, n = {self.n:,}")

    def __str__(self) -> str:
        design = "paired" if self.paired else "unpaired"
        direction = "higher" if self.higher_is_better else "lower"
        return (f"{self.name_a} vs {self.name_b}, {self.metric} ({direction} is better): {self.verdict}; "
                f"mean difference {self.difference:+.4g}, {self.level:.0%} interval "
                f"[{self.low:+.4g}, {self.high:+.4g}], {design} bootstrap over {self.n:,} items, "
                f"{self.test} p {_p_text(self.p_value)}")


def _p_text(p: float) -> str:
    return f"= {p:.3f}" if p >= 0.001 else "< 0.001"


def _as_sample(values: Sequence[float] | np.ndarray, name: str) -> np.ndarray:
    array = np.asarray(values, dtype=float).ravel()
    if array.size < 2:
        raise ValueError(f"compare: {name} needs at least 2 values, got {array.size}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"compare: {name} holds NaN or infinite values")
    return array


def _bootstrap_means(x: np.ndarray, rng: np.random.Generator, n_boot: int) -> np.ndarray:
    """Means of ``n_boot`` resamples of ``x`` with replacement, in chunks of bounded memory."""
    means = np.empty(n_boot)
    chunk = max(1, 2_000_000 // x.size)
    for start in range(0, n_boot, chunk):
        stop = min(n_boot, start + chunk)
        means[start:stop] = x[rng.integers(0, x.size, (stop - start, x.size))].mean(axis=1)
    return means


def compare(a: Sequence[float] | np.ndarray, b: Sequence[float] | np.ndarray, *,
            names: tuple[str, str] = ("A", "B"), metric: str = "mean", higher_is_better: bool = True,
            paired: bool = True, level: float = 0.95, n_boot: int = 2000, n_perm: int = 2000,
            seed: int = 0) -> Comparison:
    """Compare the mean of ``a`` with the mean of ``b``; return a :class:`Comparison`.

    Paired (the default): ``a[i]`` and ``b[i]`` are measured on the same item (a validation
    window, a sentence, a seed), so the interval is a bootstrap of the mean of ``a - b`` and
    the test flips the signs of the differences at random. Unpaired: each sample is resampled
    on its own and the test permutes the pooled values. The verdict is "better" when the whole
    interval lies on the better side of zero and the test rejects "no difference" at
    ``1 - level`` (the percentile interval alone is too narrow for a handful of items), "worse"
    when both say the other side, and "no detectable difference" otherwise. Values that are correlated in groups
    (the characters of one window) should be averaged per group first: the bootstrap treats
    the items as independent.
    """
    if not 0.5 < level < 1.0:
        raise ValueError(f"compare: level should lie between 0.5 and 1, got {level}")
    if n_boot < 100 or n_perm < 100:
        raise ValueError(f"compare: n_boot and n_perm should be at least 100, got {n_boot} and {n_perm}")
    x, y = _as_sample(a, names[0]), _as_sample(b, names[1])
    rng = np.random.default_rng(seed)
    if paired:
        if x.shape != y.shape:
            raise ValueError(f"compare(paired=True): {names[0]} has {x.size} values and {names[1]} "
                             f"{y.size}; paired samples need one value each per item")
        d = x - y
        observed = float(d.mean())
        boot = _bootstrap_means(d, rng, n_boot)
        signs = rng.choice([-1.0, 1.0], size=(n_perm, d.size))
        null = np.abs((signs * d).mean(axis=1))
    else:
        observed = float(x.mean() - y.mean())
        boot = _bootstrap_means(x, rng, n_boot) - _bootstrap_means(y, rng, n_boot)
        pooled = np.concatenate([x, y])
        null = np.empty(n_perm)
        for i in range(n_perm):
            shuffled = rng.permutation(pooled)
            null[i] = abs(shuffled[: x.size].mean() - shuffled[x.size :].mean())
    low, high = (float(q) for q in np.quantile(boot, [(1 - level) / 2, (1 + level) / 2]))
    p_value = float((1 + np.sum(null >= abs(observed) - 1e-12)) / (1 + n_perm))
    verdict = _verdict(low, high, p_value, level, higher_is_better)
    return Comparison(names[0], names[1], metric, observed, low, high, level, p_value,
                      int(x.size) if paired else int(x.size + y.size), paired, higher_is_better, verdict)


def _verdict(low: float, high: float, p_value: float, level: float, higher_is_better: bool) -> str:
    """"better" or "worse" when the interval excludes 0 and the test rejects "no difference" at
    ``1 - level`` (small samples: the test guards the interval), else "no detectable difference"."""
    if (low > 0 or high < 0) and p_value < 1 - level:
        return "better" if (low > 0) == higher_is_better else "worse"
    return "no detectable difference"


def compare_runs(a: np.ndarray, b: np.ndarray, *, names: tuple[str, str] = ("A", "B"), metric: str = "mean",
                 higher_is_better: bool = True, level: float = 0.95, n_boot: int = 4000,
                 seed: int = 0) -> Comparison:
    """Compare two configurations, each run with several seeds, on the same items (``(seeds, items)`` arrays).

    ``a[s, i]`` is seed ``s``'s score of A on item ``i`` (1 or 0 for a right or wrong answer),
    ``b`` the same for B, with the same items and possibly another number of seeds. Both the
    seeds and the items vary by chance, so the bootstrap resamples both: the seeds of each
    configuration on their own (they are separate runs) and the items once for both (the same
    test sentences). The verdict is "better" or "worse" when the interval of the mean
    difference excludes 0 and the two-sided bootstrap p-value is below ``1 - level``; ``n``
    is the number of items.
    """
    x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if x.ndim != 2 or y.ndim != 2 or x.shape[1] != y.shape[1] or min(x.shape[0], y.shape[0]) < 2:
        raise ValueError(f"compare_runs: expected (seeds, items) arrays with the same items and 2 seeds or more, "
                         f"got {x.shape} and {y.shape}")
    if not 0.5 < level < 1.0 or n_boot < 100:
        raise ValueError("compare_runs: level should lie between 0.5 and 1 and n_boot be at least 100")
    rng = np.random.default_rng(seed)
    observed = float(x.mean() - y.mean())
    boot = np.empty(n_boot)
    for k in range(n_boot):
        items = rng.integers(0, x.shape[1], x.shape[1])  # (N,), shared by A and B
        seeds_a = rng.integers(0, x.shape[0], x.shape[0])
        seeds_b = rng.integers(0, y.shape[0], y.shape[0])
        boot[k] = x[seeds_a][:, items].mean() - y[seeds_b][:, items].mean()
    low, high = (float(q) for q in np.quantile(boot, [(1 - level) / 2, (1 + level) / 2]))
    p_value = float(min(1.0, 2 * min((boot <= 0).mean(), (boot >= 0).mean()) + 1 / n_boot))
    return Comparison(names[0], names[1], f"{metric}, seeds and items resampled", observed, low, high, level,
                      p_value, int(x.shape[1]), True, higher_is_better,
                      _verdict(low, high, p_value, level, higher_is_better), "bootstrap test")


__all__ = ["ClaimFailed", "Comparison", "STRICT_ENV", "VERDICTS", "claim", "compare", "compare_runs", "strict_claims"]
