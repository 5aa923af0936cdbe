"""Tests for course_utils.tasks: the recall task, the delayed recall task and the adding problem."""

import numpy as np
import pytest

from course_utils.tasks import adding_task, delayed_recall_task, recall_task

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
