"""Tests for course_utils.tasks: the recall tasks, the adding problem and accuracy by distance."""

import numpy as np
import pytest

from course_utils.tasks import (accuracy_by_distance, adding_task, delayed_recall_task, distractor_recall_task,
                                recall_sets_by_distance, recall_task)

# --- recall -----------------------------------------------------------------------------------------------------


def test_recall_shapes_dtypes_and_ranges():
    X, y = recall_task(50, 7, num_classes=3, num_noise=5, seed=1)
    assert X.shape == (50, 7) and y.shape == (50,)
    assert X.dtype == y.dtype == np.int64
    assert X[:, 0].min() >= 0 and X[:, 0].max() < 3
    assert X[:, 1:].min() >= 3 and X[:, 1:].max() < 3 + 5  # noise never looks like a class
    assert set(np.unique(X[:, 1:])) == set(range(3, 8))  # every noise token is used
    assert set(np.unique(y)) == {0, 1, 2}


def test_recall_label_is_the_first_token():
    X, y = recall_task(20, 5, seed=3)
    np.testing.assert_array_equal(y, X[:, 0])


def test_recall_is_reproducible_from_the_seed():
    a = recall_task(10, 6, seed=7)
    b = recall_task(10, 6, seed=7)
    c = recall_task(10, 6, seed=8)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])


def test_recall_chance_accuracy_is_one_over_the_classes():
    _, y = recall_task(40_000, 2, num_classes=4, seed=0)
    counts = np.bincount(y, minlength=4) / len(y)
    np.testing.assert_allclose(counts, 0.25, atol=0.01)  # uniform classes: the best guess scores 1/4
    majority = counts.max()
    assert majority == pytest.approx(0.25, abs=0.01)


def test_recall_one_step_has_no_noise():
    X, y = recall_task(4, 1, seed=0)
    assert X.shape == (4, 1)
    np.testing.assert_array_equal(X[:, 0], y)


@pytest.mark.parametrize("kwargs, error, message", [
    (dict(num_sequences=0, num_steps=5), ValueError, "num_sequences must be at least 1"),
    (dict(num_sequences=3, num_steps=0), ValueError, "num_steps must be at least 1"),
    (dict(num_sequences=3, num_steps=5, num_classes=1), ValueError, "num_classes must be at least 2"),
    (dict(num_sequences=3, num_steps=5, num_noise=0), ValueError, "num_noise must be at least 1"),
    (dict(num_sequences=3, num_steps=5.0), TypeError, "num_steps must be an int"),
    (dict(num_sequences=True, num_steps=5), TypeError, "num_sequences must be an int"),
])
def test_recall_rejects_bad_arguments(kwargs, error, message):
    with pytest.raises(error, match=message):
        recall_task(**kwargs)


# --- adding -----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("num_steps", [2, 3, 10, 51])
def test_adding_exactly_two_markers_one_per_half(num_steps):
    X, y = adding_task(300, num_steps, seed=2)
    assert X.shape == (300, num_steps, 2) and y.shape == (300,)
    assert X.dtype == y.dtype == np.float32
    markers = X[:, :, 1]
    assert set(np.unique(markers)) <= {0.0, 1.0}
    np.testing.assert_array_equal(markers.sum(axis=1), 2)
    half = num_steps // 2
    np.testing.assert_array_equal(markers[:, :half].sum(axis=1), 1)  # one in [0, T // 2)
    np.testing.assert_array_equal(markers[:, half:].sum(axis=1), 1)  # one in [T // 2, T)


def test_adding_target_is_the_sum_of_the_marked_numbers():
    X, y = adding_task(200, 12, seed=5)
    numbers, markers = X[:, :, 0], X[:, :, 1]
    assert numbers.min() >= 0 and numbers.max() < 1
    np.testing.assert_allclose(y, (numbers * markers).sum(axis=1), rtol=0, atol=1e-6)
    first = markers.argmax(axis=1)
    second = 11 - markers[:, ::-1].argmax(axis=1)
    np.testing.assert_array_equal(y, numbers[np.arange(200), first] + numbers[np.arange(200), second])


def test_adding_marker_positions_cover_each_half():
    X, _ = adding_task(2000, 10, seed=0)
    positions = np.nonzero(X[:, :, 1])[1]
    assert set(positions) == set(range(10))


def test_adding_trivial_baseline_is_one_sixth():
    _, y = adding_task(100_000, 20, seed=0)
    assert np.mean((y - 1.0) ** 2) == pytest.approx(1 / 6, abs=0.005)
    assert y.min() >= 0 and y.max() < 2


def test_adding_is_reproducible_from_the_seed():
    a, b, c = adding_task(5, 8, seed=1), adding_task(5, 8, seed=1), adding_task(5, 8, seed=2)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])


@pytest.mark.parametrize("args, error, message", [
    ((0, 10), ValueError, "num_sequences must be at least 1"),
    ((4, 1), ValueError, "num_steps must be at least 2"),
    ((4, 10.0), TypeError, "num_steps must be an int"),
])
def test_adding_rejects_bad_arguments(args, error, message):
    with pytest.raises(error, match=message):
        adding_task(*args)


def test_delayed_recall_task_places_one_class_token_at_the_stated_distance():
    X, y, distance = delayed_recall_task(500, 12, num_classes=3, num_noise=5, seed=4)
    assert X.shape == (500, 12) and y.shape == (500,) and distance.shape == (500,)
    assert X.dtype == y.dtype == distance.dtype == np.int64
    is_class = X < 3
    assert (is_class.sum(axis=1) == 1).all(), "exactly one class token per sequence"
    step = is_class.argmax(axis=1)
    assert (distance == 12 - step).all() and distance.min() == 1 and distance.max() == 12
    assert (X[np.arange(500), step] == y).all()
    assert ((X >= 3) | is_class).all() and X.max() < 8
    X2, y2, d2 = delayed_recall_task(500, 12, num_classes=3, num_noise=5, seed=4)
    assert (X == X2).all() and (y == y2).all() and (distance == d2).all()
    with pytest.raises(ValueError, match="num_classes must be at least 2"):
        delayed_recall_task(5, 4, num_classes=1)


# --- recall with distractors ------------------------------------------------------------------------------------

def test_distractor_recall_label_is_the_first_class_token_at_the_distance():
    X, y, distance = distractor_recall_task(2000, 30, distractor_rate=0.4, num_classes=3, num_noise=5, seed=2)
    assert X.shape == (2000, 30) and y.shape == distance.shape == (2000,)
    assert X.dtype == y.dtype == distance.dtype == np.int64
    is_class = X < 3
    first = is_class.argmax(axis=1)  # (N,) the first class token of every sequence
    assert is_class.any(axis=1).all()
    np.testing.assert_array_equal(distance, 30 - first)
    np.testing.assert_array_equal(X[np.arange(2000), first], y)
    assert X.min() >= 0 and X.max() < 8 and distance.min() == 1 and distance.max() == 30
    after = np.arange(30)[None, :] > first[:, None]  # (N, T) steps after the first class token
    rate = is_class[after].mean()
    assert rate == pytest.approx(0.4, abs=0.02)  # distractors where they may be, none before
    assert set(np.unique(X[after & is_class])) == {0, 1, 2}  # every class, the label's own included


def test_distractor_recall_distance_range_rate_zero_and_seed():
    X, _, distance = distractor_recall_task(500, 20, distractor_rate=0.0, min_distance=5, max_distance=9, seed=1)
    assert distance.min() == 5 and distance.max() == 9
    assert ((X < 4).sum(axis=1) == 1).all()  # rate 0: one class token, as in delayed_recall_task
    a, b = distractor_recall_task(8, 6, seed=3), distractor_recall_task(8, 6, seed=3)
    for left, right in zip(a, b):
        np.testing.assert_array_equal(left, right)
    assert not np.array_equal(a[0], distractor_recall_task(8, 6, seed=4)[0])


@pytest.mark.parametrize("kwargs, error, message", [
    (dict(distractor_rate=1.0), ValueError, r"distractor_rate must be in \[0, 1\), got 1.0"),
    (dict(distractor_rate=-0.1), ValueError, "distractor_rate must be in"),
    (dict(min_distance=0), ValueError, "min_distance must be at least 1"),
    (dict(min_distance=4, max_distance=3), ValueError, "max_distance must be at least 4"),
    (dict(max_distance=11), ValueError, "max_distance must be at most num_steps = 10, got 11"),
    (dict(max_distance=5.0), TypeError, "max_distance must be an int"),
])
def test_distractor_recall_rejects_bad_arguments(kwargs, error, message):
    with pytest.raises(error, match=message):
        distractor_recall_task(3, 10, **kwargs)


def test_recall_sets_by_distance_keep_each_bin_as_short_as_it_can_be():
    sets = recall_sets_by_distance([1, 2, 4, 9], 50, seed=3, distractor_rate=0.5, num_classes=2)
    assert [X.shape for X, _, _ in sets] == [(50, 1), (50, 3), (50, 8)]
    for (X, y, distance), lo, hi in zip(sets, [1, 2, 4], [2, 4, 9]):
        assert distance.min() >= lo and distance.max() < hi
        assert X.max() < 2 + 4  # two classes, four noise tokens
    assert set(sets[2][2]) == set(range(4, 9))
    again = recall_sets_by_distance([1, 2, 4, 9], 50, seed=3, distractor_rate=0.5, num_classes=2)
    np.testing.assert_array_equal(again[1][0], sets[1][0])
    for bad in ([0, 2], [3, 3], [1], [1.0, 2.0]):
        with pytest.raises(ValueError, match="edges must"):
            recall_sets_by_distance(bad, 5)


# --- accuracy by distance ---------------------------------------------------------------------------------------

def test_accuracy_by_distance_hand_computed():
    # Two seeds, six sequences: distances 1, 1, 2, 3, 5, 7 in the bins 1, 2-3, 4-7.
    correct = np.array([[1, 1, 1, 0, 0, 1],
                        [1, 1, 1, 1, 0, 0]], dtype=bool)
    distance = np.array([1, 1, 2, 3, 5, 7])
    result = accuracy_by_distance(correct, distance, [1, 2, 4, 8], threshold=0.7)
    np.testing.assert_array_equal(result.count, [2, 2, 2])
    np.testing.assert_allclose(result.accuracy, [1.0, 0.75, 0.25])  # 4/4, 3/4, 1/4
    assert result.low[0] == result.high[0] == 1.0  # every resample of an all-right bin is all right
    assert (result.low <= result.accuracy).all() and (result.accuracy <= result.high).all()
    assert result.limit == 2 and result.limit_label() == "4-7"  # 0.75 >= 0.7, but 0.25 is not
    assert accuracy_by_distance(correct, distance, [1, 2, 4, 8], threshold=0.8).limit_label() == "2-3"
    assert result.labels() == ["1", "2-3", "4-7"]
    assert accuracy_by_distance(correct, distance, [1, 2, 4, 8], threshold=0.2).limit_label() == "> 7"
    one = accuracy_by_distance(correct[0], distance, [1, 2, 4, 8], threshold=0.9)  # one model: (N,)
    np.testing.assert_allclose(one.accuracy, [1.0, 0.5, 0.5])
    assert one.limit == 1


def test_accuracy_by_distance_intervals_include_the_spread_between_seeds():
    # Seed 0 always right, seed 1 always wrong: resampling the seeds gives 0, 1/2 or 1.
    correct = np.array([[1] * 40, [0] * 40])
    result = accuracy_by_distance(correct, np.full(40, 3), [1, 10], threshold=0.9, num_resamples=4000)
    assert result.accuracy[0] == 0.5 and (result.low[0], result.high[0]) == (0.0, 1.0)
    # One seed, 400 sequences half right: the interval is the binomial one, 0.5 +- 1.96 * 0.025.
    rng = np.random.default_rng(0)
    half = rng.permutation(np.repeat([0, 1], 200))
    single = accuracy_by_distance(half, np.full(400, 3), [1, 10], threshold=0.9, num_resamples=4000)
    assert single.high[0] - single.low[0] == pytest.approx(2 * 1.96 * 0.025, abs=0.01)
    again = accuracy_by_distance(half, np.full(400, 3), [1, 10], threshold=0.9, num_resamples=4000)
    assert (again.low[0], again.high[0]) == (single.low[0], single.high[0])  # seeded


@pytest.mark.parametrize("correct, distance, edges, kwargs, message", [
    ([1, 0], [1, 2, 3], [1, 4], {}, r"correct must be \(N,\) or \(S, N\) and distance \(N,\)"),
    ([1, 2], [1, 2], [1, 4], {}, "only right"),
    ([1, 0], [1, 9], [1, 4], {}, r"distances 1..9 are not all within the edges \[1, 4\)"),
    ([1, 0], [1, 1], [1, 2, 4], {}, "bin 2..3 holds no sequence"),
    ([1, 0], [1, 1], [1, 2], {"threshold": 0.0}, r"threshold must be in \(0, 1\]"),
    ([1, 0], [1, 1], [2, 1], {}, "edges must increase"),
])
def test_accuracy_by_distance_rejects_bad_inputs(correct, distance, edges, kwargs, message):
    with pytest.raises(ValueError, match=message):
        accuracy_by_distance(np.array(correct), np.array(distance), edges, **{"threshold": 0.9, **kwargs})
