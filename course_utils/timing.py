"""Timings the course reports: warm-up, repeats, the median and the spread, and speed verdicts.

A chapter that says "A is faster than B" times both the same way::

    from course_utils.timing import compare_speed, time_calls

    a = time_calls(model_a, X, warmup=1, repeats=7, sync=torch.cuda.synchronize)
    b = time_calls(model_b, X, warmup=1, repeats=7, sync=torch.cuda.synchronize)
    print(a)                                    # 12.3 ms (median of 7; 11.9-13.0 ms)
    print(compare_speed(a, b, names=("A", "B")))

Warm-up calls are not timed (they pay for compilation, caches, allocation); each timed call is
measured alone with :func:`time.perf_counter`, and ``sync`` runs before the clock stops, so
work queued on a GPU is counted. The spread of a :class:`Timing` is its fastest and slowest
run; :func:`compare_speed` says "faster" or "slower" only when the two spreads do not overlap
(every run of one beat every run of the other) and each side has at least three runs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from time import perf_counter
from typing import Any

import numpy as np

SPEED_VERDICTS = ("faster", "slower", "no detectable difference")
MIN_REPEATS = 3  #: the fewest runs of each side for a "faster" or "slower" verdict
_UNITS = ((1.0, "s"), (1e-3, "ms"), (1e-6, "µs"), (1e-9, "ns"))


def _unit(seconds: float) -> tuple[float, str]:
    """The scale and name of the unit that shows ``seconds`` as a number from 1 to 999."""
    return next(((scale, name) for scale, name in _UNITS if seconds >= 0.9995 * scale), _UNITS[-1])


def _number(value: float) -> str:
    """Three significant digits without an exponent: 123, 12.3, 1.23."""
    return f"{value:.0f}" if value >= 99.95 else f"{value:.1f}" if value >= 9.995 else f"{value:.2f}"


@dataclass(frozen=True)
class Timing:
    """The seconds of each timed run of one call; ``str()`` is the line a cell prints.

    ``low`` and ``high`` are the fastest and the slowest run, not quartiles: with a handful of
    runs the extremes are what "the spreads do not overlap" can be said of, and one slow run
    makes :func:`compare_speed` more cautious, never less.
    """

    times: tuple[float, ...]

    def __post_init__(self) -> None:
        times = tuple(float(t) for t in self.times)
        if not times:
            raise ValueError("Timing needs at least one time")
        if not all(np.isfinite(t) and t >= 0 for t in times):
            raise ValueError(f"Timing: every time must be a finite number of seconds >= 0, got {times}")
        object.__setattr__(self, "times", times)

    @property
    def repeats(self) -> int:
        """The number of timed runs."""
        return len(self.times)

    @property
    def median(self) -> float:
        """The median run, in seconds."""
        return float(np.median(self.times))

    @property
    def low(self) -> float:
        """The fastest run, in seconds."""
        return min(self.times)

    @property
    def high(self) -> float:
        """The slowest run, in seconds."""
        return max(self.times)

    def __str__(self) -> str:
        scale, name = _unit(self.median)
        return (f"{_number(self.median / scale)} {name} (median of {self.repeats}; "
                f"{_number(self.low / scale)}-{_number(self.high / scale)} {name})")


def _count(value: object, name: str, minimum: int) -> int:
    """``value`` as an int, or ``TypeError`` / ``ValueError`` naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"time_calls: {name} must be an int, got {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"time_calls: {name} must be at least {minimum}, got {value}")
    return int(value)


def time_calls(fn: Callable[..., Any], *args: Any, warmup: int = 1, repeats: int = 7,
               sync: Callable[[], Any] | None = None, **kwargs: Any) -> Timing:
    """Time ``fn(*args, **kwargs)``: ``warmup`` untimed calls, then ``repeats`` timed ones.

    Each timed call is measured alone with :func:`time.perf_counter`; ``sync``, when given, is
    called after ``fn`` (warm-up calls included) and before the clock stops, so that work a GPU
    runs asynchronously is finished and counted (``torch.cuda.synchronize``). Raises
    ``ValueError`` for ``repeats < 1`` or ``warmup < 0``, ``TypeError`` when ``fn`` or ``sync``
    cannot be called.
    """
    if not callable(fn):
        raise TypeError(f"time_calls: fn must be callable, got {type(fn).__name__}")
    if sync is not None and not callable(sync):
        raise TypeError(f"time_calls: sync must be callable or None, got {type(sync).__name__}")
    warmup, repeats = _count(warmup, "warmup", 0), _count(repeats, "repeats", 1)
    for _ in range(warmup):
        fn(*args, **kwargs)
        if sync is not None:
            sync()
    times = []
    for _ in range(repeats):
        start = perf_counter()
        fn(*args, **kwargs)
        if sync is not None:
            sync()
        times.append(perf_counter() - start)
    return Timing(tuple(times))


@dataclass(frozen=True)
class SpeedComparison:
    """The result of :func:`compare_speed`: is A "faster" or "slower" than B, or neither?

    ``ratio`` is A's median over B's (below 1: A took less time). ``str()`` gives the verdict,
    the ratio and both timings with their spreads.
    """

    name_a: str
    name_b: str
    a: Timing
    b: Timing
    ratio: float
    verdict: str

    def __str__(self) -> str:
        if self.verdict == "no detectable difference":
            few = min(self.a.repeats, self.b.repeats) < MIN_REPEATS
            why = f"too few runs for a verdict: at least {MIN_REPEATS} each" if few else "the spreads overlap"
            head = f"{self.name_a} vs {self.name_b}: no detectable difference ({why})"
        else:
            head = f"{self.name_a} is {self.verdict} than {self.name_b} (the spreads do not overlap)"
        return (f"{head}; median ratio {self.name_a}/{self.name_b} {self.ratio:.3g}; "
                f"{self.name_a} {self.a}, {self.name_b} {self.b}")


def compare_speed(a: Timing, b: Timing, names: Sequence[str] = ("A", "B")) -> SpeedComparison:
    """Compare two :class:`Timing`: "faster" when A's slowest run beats B's fastest, "slower" the reverse.

    Overlapping spreads, or fewer than :data:`MIN_REPEATS` runs on either side, give "no
    detectable difference". Raises ``TypeError`` unless both are :class:`Timing`.
    """
    if not isinstance(a, Timing) or not isinstance(b, Timing):
        raise TypeError("compare_speed takes two Timing objects, as time_calls returns them")
    name_a, name_b = names
    ratio = a.median / b.median if b.median > 0 else float("inf") if a.median > 0 else float("nan")
    verdict = "no detectable difference"
    if min(a.repeats, b.repeats) >= MIN_REPEATS:
        if a.high < b.low:
            verdict = "faster"
        elif b.high < a.low:
            verdict = "slower"
    return SpeedComparison(str(name_a), str(name_b), a, b, ratio, verdict)


def speed_verdict(a: Timing, b: Timing, names: Sequence[str] = ("A", "B")) -> str:
    """``str(compare_speed(a, b, names))``: the one-line report a cell prints."""
    return str(compare_speed(a, b, names))


__all__ = ["MIN_REPEATS", "SPEED_VERDICTS", "SpeedComparison", "Timing", "compare_speed", "speed_verdict",
           "time_calls"]
