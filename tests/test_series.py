"""Tests for course_utils.series: the sunspot data, forecasting windows, the chronological split,
the scaler, the "last value" baseline and the error metrics."""

import shutil
from pathlib import Path

import numpy as np
import pytest

from course_utils.data import DataFileError, read_manifest
from course_utils.series import (SUNSPOTS, Scaler, chronological_split, load_sunspots, mae, make_windows,
                                 naive_forecast, rmse, window_slice)

REPO_DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture(autouse=True)
def _no_data_dir_override(monkeypatch):
    monkeypatch.delenv("COURSE_DATA_DIR", raising=False)


# --- the sunspot numbers ----------------------------------------------------------------------------------------

def test_load_sunspots_years_and_values():
    years, values = load_sunspots()
    assert years.dtype == np.int64 and values.dtype == np.float32
    assert years.shape == values.shape == (309,)
    np.testing.assert_array_equal(years, np.arange(1700, 2009))  # one row per year, no gap
    assert values[0] == 5 and values[1] == 11 and values[-1] == np.float32(2.9)  # 1700, 1701, 2008
    assert values.min() == 0 and values.max() == np.float32(190.2)
    assert years[values.argmax()] == 1957
    assert values.mean() == pytest.approx(49.752, abs=1e-3)


def test_sunspots_file_is_listed_in_the_manifest():
    entry = read_manifest(REPO_DATA)[SUNSPOTS]
    assert entry["bytes"] == (REPO_DATA / SUNSPOTS).stat().st_size
    assert "statsmodels" in entry["source"] and "ublic domain" in entry["license"]


def test_load_sunspots_names_a_corrupt_file(tmp_path):
    root = tmp_path / "data"
    shutil.copytree(REPO_DATA, root)
    path = root / SUNSPOTS
    path.write_text(path.read_text().replace("1957,190.2", "1957,190.3"))  # same size, one digit changed
    with pytest.raises(DataFileError, match=r"sunspots_yearly\.csv is corrupt"):
        load_sunspots(root)
    path.unlink()
    with pytest.raises(DataFileError, match=r"sunspots_yearly\.csv is missing"):
        load_sunspots(root)


def test_load_sunspots_from_a_copy_matches():
    years, values = load_sunspots(REPO_DATA)
    np.testing.assert_array_equal(values, load_sunspots()[1])
    assert len(years) == 309


# --- windows ----------------------------------------------------------------------------------------------------

def test_make_windows_by_hand():
    X, y = make_windows(np.array([1.0, 2.0, 4.0, 8.0, 16.0]), window=3)
    assert X.shape == (2, 3, 1) and y.shape == (2,)
    assert X.dtype == y.dtype == np.float32
    np.testing.assert_array_equal(X[:, :, 0], [[1, 2, 4], [2, 4, 8]])
    np.testing.assert_array_equal(y, [8, 16])


def test_make_windows_window_one_and_longest_window():
    X, y = make_windows([3, 1, 4], window=1)
    np.testing.assert_array_equal(X[:, :, 0], [[3], [1]])
    np.testing.assert_array_equal(y, [1, 4])
    X, y = make_windows([3, 1, 4], window=2)  # the longest possible: one window
    np.testing.assert_array_equal(X[:, :, 0], [[3, 1]])
    np.testing.assert_array_equal(y, [4])


def test_make_windows_leaves_the_input_unchanged():
    values = np.arange(6, dtype=np.float32)
    X, y = make_windows(values, 2)
    X[:] = -1
    y[:] = -1
    np.testing.assert_array_equal(values, np.arange(6))


@pytest.mark.parametrize("values, window, message", [
    ([1.0, 2.0, 3.0], 0, "window must be a whole number >= 1"),
    ([1.0, 2.0, 3.0], 3, "3 values is too short for windows of 3"),
    ([1.0, 2.0, 3.0], 5, "needs at least 6 values"),
    (np.zeros((4, 2)), 1, "1-D series"),
])
def test_make_windows_rejects_bad_arguments(values, window, message):
    with pytest.raises(ValueError, match=message):
        make_windows(values, window)


# --- chronological split ----------------------------------------------------------------------------------------

def test_chronological_split_is_contiguous_and_complete():
    train, val, test = chronological_split(np.zeros(309))
    assert (train.start, train.stop, val.start, val.stop, test.start, test.stop) == (0, 216, 216, 262, 262, 309)
    idx = np.arange(309)
    np.testing.assert_array_equal(np.concatenate([idx[train], idx[val], idx[test]]), idx)


def test_window_targets_lie_in_their_part_and_never_overlap():
    values = np.arange(100, dtype=np.float32)  # the value is its time index
    window = 7
    X, y = make_windows(values, window)
    parts = chronological_split(values, 0.6, 0.2)
    targets = []
    for part in parts:
        rows = window_slice(part, window)
        part_targets = y[rows]
        assert set(part_targets.astype(int)) <= set(range(part.start, part.stop))
        targets.append(part_targets)
        np.testing.assert_array_equal(X[rows][:, -1, 0] + 1, part_targets)  # the window ends right before
    all_targets = np.concatenate(targets).astype(int)
    np.testing.assert_array_equal(all_targets, np.arange(window, 100))  # each target once, in time order
    # The first validation window looks back into the training values: allowed, the targets are disjoint.
    first_val = X[window_slice(parts[1], window)][0, :, 0]
    assert first_val.min() < parts[1].start and targets[1][0] == parts[1].start


def test_window_slice_training_part_loses_its_first_targets():
    assert window_slice(slice(0, 50), 10) == slice(0, 40)
    assert window_slice(slice(50, 60), 10) == slice(40, 50)
    with pytest.raises(ValueError, match="no target with 10 values of history"):
        window_slice(slice(0, 10), 10)


@pytest.mark.parametrize("train, val", [(0.0, 0.2), (0.9, 0.1), (0.7, 0.0), (1.2, 0.1)])
def test_chronological_split_rejects_bad_fractions(train, val):
    with pytest.raises(ValueError, match="train_fraction"):
        chronological_split(np.zeros(100), train, val)


def test_chronological_split_rejects_an_empty_part():
    with pytest.raises(ValueError, match="empty part"):
        chronological_split(np.zeros(3), 0.7, 0.15)


# --- scaler -----------------------------------------------------------------------------------------------------

def test_scaler_round_trip_fitted_on_train_only():
    values = np.array([1.0, 2.0, 3.0, 4.0, 100.0, 200.0], dtype=np.float32)
    train, _, _ = chronological_split(values, 0.5, 0.25)
    scaler = Scaler.fit(values[train])
    assert scaler.mean == pytest.approx(2.0) and scaler.std == pytest.approx(np.std([1.0, 2.0, 3.0]))
    z = scaler.transform(values)
    assert z.dtype == np.float32 and z.shape == values.shape
    assert z[train].mean() == pytest.approx(0.0, abs=1e-6) and z[train].std() == pytest.approx(1.0, abs=1e-6)
    assert z[-1] > 100  # the later years are not squeezed: their level was never seen
    np.testing.assert_allclose(scaler.inverse_transform(z), values, rtol=1e-6)
    np.testing.assert_allclose(scaler.inverse_transform(np.array([0.0, 1.0])), [2.0, 2.0 + scaler.std], rtol=1e-6)


def test_scaler_rejects_empty_and_constant():
    with pytest.raises(ValueError, match="empty"):
        Scaler.fit(np.array([]))
    with pytest.raises(ValueError, match="constant"):
        Scaler.fit(np.full(5, 3.0))


# --- baseline and metrics ---------------------------------------------------------------------------------------

def test_naive_forecast_is_the_last_value():
    X, y = make_windows(np.array([1.0, 3.0, 2.0, 5.0, 4.0]), window=2)
    np.testing.assert_array_equal(naive_forecast(X), [3.0, 2.0, 5.0])
    assert rmse(y, naive_forecast(X)) == pytest.approx(np.sqrt((1 + 9 + 1) / 3))
    with pytest.raises(ValueError, match=r"\(N, window, 1\)"):
        naive_forecast(np.zeros((3, 2)))


def test_metrics_by_hand():
    y_true = np.array([1.0, 2.0, 3.0, 4.0])
    y_pred = np.array([2.0, 2.0, 1.0, 4.0])  # errors 1, 0, -2, 0
    assert rmse(y_true, y_pred) == pytest.approx(np.sqrt(5 / 4))
    assert mae(y_true, y_pred) == pytest.approx(3 / 4)
    assert rmse(y_true, y_true) == 0.0 and mae(y_true, y_true) == 0.0
    assert isinstance(rmse(y_true, y_pred), float) and isinstance(mae(y_true, y_pred), float)


def test_metrics_reject_mismatched_shapes():
    with pytest.raises(ValueError, match="same shape"):
        rmse(np.zeros(3), np.zeros((3, 1)))
    with pytest.raises(ValueError, match="empty"):
        mae(np.zeros(0), np.zeros(0))


def test_naive_baseline_on_sunspots():
    years, values = load_sunspots()
    train, val, test = chronological_split(values)
    X, y = make_windows(values, 10)
    rows = window_slice(test, 10)
    assert years[test][0] == 1962 and len(y[rows]) == test.stop - test.start
    error = rmse(y[rows], naive_forecast(X[rows]))
    assert 10 < error < 60  # sunspot numbers move by tens from one year to the next
