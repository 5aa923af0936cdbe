"""Tests for course_utils.timing on a fake clock: warm-up, sync, median and spread, speed verdicts."""

import dataclasses

import pytest

from course_utils import timing
from course_utils.timing import MIN_REPEATS, SPEED_VERDICTS, Timing, compare_speed, speed_verdict, time_calls


class FakeClock:
    """A clock that moves only when the code under test says that time passes."""

    def __init__(self):
        self.now = 0.0
        self.reads = 0

    def __call__(self):
        self.reads += 1
        return self.now

    def advance(self, seconds):
        self.now += seconds


@pytest.fixture
def clock(monkeypatch):
    fake = FakeClock()
    monkeypatch.setattr(timing, "perf_counter", fake)
    return fake


def test_warmup_calls_run_untimed_then_each_repeat_is_timed_alone(clock):
    durations = [100.0, 50.0, 0.003, 0.001, 0.002, 0.005, 0.004]  # two slow warm-ups, then five runs
    calls = []

    def work(x, *, scale):
        calls.append((x, scale))
        clock.advance(durations[len(calls) - 1])

    result = time_calls(work, 7, warmup=2, repeats=5, scale=2)
    assert calls == [(7, 2)] * 7  # arguments and keyword arguments passed on every call
    assert result.times == pytest.approx((0.003, 0.001, 0.002, 0.005, 0.004))  # no warm-up time
    assert clock.reads == 2 * 5  # the clock is read around the timed calls only
    assert result.repeats == 5
    assert result.median == pytest.approx(0.003)
    assert (result.low, result.high) == pytest.approx((0.001, 0.005))


def test_sync_runs_after_every_call_and_before_the_clock_stops(clock):
    events = []

    def work():
        events.append("call")
        clock.advance(0.001)

    def sync():  # the queued GPU work finishes here
        events.append("sync")
        clock.advance(0.002)

    result = time_calls(work, warmup=1, repeats=3, sync=sync)
    assert events == ["call", "sync"] * 4
    assert result.times == pytest.approx((0.003,) * 3)  # the sync's time is counted


def test_defaults_are_one_warmup_and_seven_repeats(clock):
    calls = []
    result = time_calls(lambda: calls.append(clock.advance(0.5)))
    assert len(calls) == 8 and result.repeats == 7 and result.median == pytest.approx(0.5)


def test_median_of_an_even_number_of_runs_and_the_spread():
    result = Timing((0.004, 0.001, 0.003, 0.010))
    assert result.median == pytest.approx(0.0035)
    assert (result.low, result.high) == (0.001, 0.010)
    assert result.times == (0.004, 0.001, 0.003, 0.010)  # in the order they ran


@pytest.mark.parametrize("times, text", [
    ((0.0123, 0.0119, 0.0130, 0.0125, 0.0121, 0.0122, 0.0124), "12.3 ms (median of 7; 11.9-13.0 ms)"),
    ((2.5e-6, 2.0e-6, 3.0e-6), "2.50 µs (median of 3; 2.00-3.00 µs)"),
    ((1.5, 1.25, 2.0), "1.50 s (median of 3; 1.25-2.00 s)"),
    ((0.25,), "250 ms (median of 1; 250-250 ms)"),
    ((4e-8, 5e-8, 6e-8), "50.0 ns (median of 3; 40.0-60.0 ns)"),
    ((0.99996, 0.99996, 0.99996), "1.00 s (median of 3; 1.00-1.00 s)"),  # not "1000 ms"
])
def test_str_uses_a_readable_unit(times, text):
    assert str(Timing(times)) == text


def test_timing_is_frozen_and_checks_its_times():
    result = Timing([0.1, 0.2])
    assert result.times == (0.1, 0.2)  # a list is stored as a tuple
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.times = (1.0,)
    with pytest.raises(ValueError, match="at least one time"):
        Timing(())
    with pytest.raises(ValueError, match="finite number of seconds >= 0"):
        Timing((0.1, -0.2))
    with pytest.raises(ValueError, match="finite number of seconds >= 0"):
        Timing((0.1, float("nan")))


def test_separated_spreads_give_faster_and_slower():
    fast = Timing((0.010, 0.011, 0.012))
    slow = Timing((0.020, 0.013, 0.025))
    ahead = compare_speed(fast, slow, names=("GRU", "LSTM"))
    assert ahead.verdict == "faster" and ahead.ratio == pytest.approx(0.011 / 0.020)
    behind = compare_speed(slow, fast, names=("LSTM", "GRU"))
    assert behind.verdict == "slower" and behind.ratio == pytest.approx(0.020 / 0.011)
    text = str(ahead)
    assert text.startswith("GRU is faster than LSTM (the spreads do not overlap)")
    assert "median ratio GRU/LSTM 0.55" in text
    assert "GRU 11.0 ms (median of 3; 10.0-12.0 ms)" in text and "LSTM 20.0 ms (median of 3; 13.0-25.0 ms)" in text
    assert speed_verdict(fast, slow, names=("GRU", "LSTM")) == text


def test_overlapping_spreads_give_no_verdict_even_with_different_medians():
    a = Timing((0.010, 0.011, 0.030))  # one slow run reaches into B's spread
    b = Timing((0.020, 0.021, 0.022))
    result = compare_speed(a, b)
    assert result.verdict == "no detectable difference" and result.ratio < 1
    assert "A vs B: no detectable difference (the spreads overlap)" in str(result)
    touching = compare_speed(Timing((0.01, 0.01, 0.02)), Timing((0.02, 0.03, 0.03)))
    assert touching.verdict == "no detectable difference"  # A's slowest equals B's fastest


def test_too_few_repeats_never_give_a_verdict():
    a = Timing((0.001,) * (MIN_REPEATS - 1))
    b = Timing((1.0,) * 10)
    for first, second in [(a, b), (b, a)]:
        result = compare_speed(first, second)
        assert result.verdict == "no detectable difference"
        assert f"too few runs for a verdict: at least {MIN_REPEATS} each" in str(result)
    assert compare_speed(Timing((0.001,) * MIN_REPEATS), b).verdict == "faster"


def test_verdict_words_and_zero_times():
    assert {compare_speed(Timing((x,) * 3), Timing((0.5,) * 3)).verdict for x in (0.1, 0.5, 0.9)} == set(SPEED_VERDICTS)
    assert compare_speed(Timing((0.1,) * 3), Timing((0.0,) * 3)).ratio == float("inf")


@pytest.mark.parametrize("kwargs, error, message", [
    ({"repeats": 0}, ValueError, "repeats must be at least 1, got 0"),
    ({"repeats": -3}, ValueError, "repeats must be at least 1, got -3"),
    ({"warmup": -1}, ValueError, "warmup must be at least 0, got -1"),
    ({"repeats": 2.5}, TypeError, "repeats must be an int, got float"),
    ({"warmup": True}, TypeError, "warmup must be an int, got bool"),
    ({"sync": "cuda"}, TypeError, "sync must be callable or None, got str"),
])
def test_bad_arguments_are_refused_before_any_call(kwargs, error, message):
    calls = []
    with pytest.raises(error, match=message):
        time_calls(lambda: calls.append(1), **kwargs)
    assert calls == []


def test_fn_must_be_callable_and_compare_takes_timings():
    with pytest.raises(TypeError, match="fn must be callable, got int"):
        time_calls(3)
    with pytest.raises(TypeError, match="two Timing objects"):
        compare_speed([0.1, 0.2, 0.3], Timing((0.1, 0.2, 0.3)))


def test_real_clock_measures_a_call():
    result = time_calls(sum, range(1000), warmup=0, repeats=3)
    assert result.repeats == 3 and all(t >= 0 for t in result.times) and result.low <= result.median <= result.high
