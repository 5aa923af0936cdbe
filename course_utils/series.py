"""Framework-free time-series helpers: the yearly sunspot numbers, forecasting windows, a chronological
split, a scaler fitted on the training part, the "last value" baseline and error metrics.

The usual order, which keeps every statistic of the validation and test years out of training::

    years, values = load_sunspots()                      # (309,), (309,)
    train, val, test = chronological_split(values)       # slices of time indices
    scaler = Scaler.fit(values[train])                   # training years only
    X, y = make_windows(scaler.transform(values), window=10)   # (299, 10, 1), (299,)
    X_train, y_train = X[window_slice(train, 10)], y[window_slice(train, 10)]
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from course_utils.data import DataFileError, load_text

SUNSPOTS = "sunspots/sunspots_yearly.csv"


def load_sunspots(root: Path | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Return the yearly sunspot numbers 1700-2008 as ``years`` (int64) and ``values`` (float32), both ``(309,)``.

    The file is checked against its size and SHA-256 first (see :func:`course_utils.data.data_path`),
    so a missing or corrupt file raises :class:`~course_utils.data.DataFileError` naming it.
    ``root`` is the data folder (default: :func:`course_utils.data.data_dir`).
    """
    text = load_text(SUNSPOTS, root)
    header, _, body = text.partition("\n")
    if header.strip() != "year,sunspots":
        raise DataFileError(f"{SUNSPOTS} should start with the header 'year,sunspots', found {header!r}")
    table = np.loadtxt(io.StringIO(body), delimiter=",", dtype=np.float64, ndmin=2)  # (N, 2)
    years = table[:, 0].astype(np.int64)  # (N,)
    values = table[:, 1].astype(np.float32)  # (N,)
    return years, values


def make_windows(values: np.ndarray, window: int) -> tuple[np.ndarray, np.ndarray]:
    """Cut a series into inputs of ``window`` consecutive values and the value right after each.

    Row ``k`` of ``X`` is ``values[k : k + window]`` and ``y[k] = values[k + window]``, so the
    target of row ``k`` is time index ``k + window``.  Returns ``X`` of shape
    ``(N, window, 1)`` (one input feature per step, batch first) and ``y`` of shape ``(N,)``,
    both float32, with ``N = len(values) - window``.
    Raises ``ValueError`` unless ``window >= 1`` and ``len(values) > window``.
    """
    values = np.asarray(values, dtype=np.float32)
    if values.ndim != 1:
        raise ValueError(f"values should be a 1-D series, got shape {values.shape}")
    if int(window) != window or window < 1:
        raise ValueError(f"window must be a whole number >= 1, got {window!r}")
    window = int(window)
    if len(values) <= window:
        raise ValueError(f"a series of {len(values)} values is too short for windows of {window} "
                         f"(+1 target): it needs at least {window + 1} values")
    num_windows = len(values) - window
    rows = np.arange(num_windows)[:, None] + np.arange(window)  # (N, window)
    X = values[rows][:, :, None]  # (N, window, 1)
    y = values[window:].copy()  # (N,)
    return X, y


def chronological_split(values: np.ndarray, train_fraction: float = 0.7,
                        val_fraction: float = 0.15) -> tuple[slice, slice, slice]:
    """Split the time indices of a series into three contiguous parts: train, then validation, then test.

    Returns slices ``train = slice(0, a)``, ``val = slice(a, b)``, ``test = slice(b, len(values))``
    with ``a = round(train_fraction * n)`` and ``b = a + round(val_fraction * n)``; they cover
    every index once, in time order, so ``values[val]`` are the years after ``values[train]``.
    No shuffling: a model is always tested on years later than those it was trained on.

    Use :func:`window_slice` to pick the rows of :func:`make_windows` whose *target* lies in a
    part.  The windows of the validation and test parts then look back into the last values of
    the part before (the first validation target is predicted from the last training years):
    that is legitimate for forecasting, because those values are known when the forecast is
    made, and the *targets* of the three parts never overlap.
    Raises ``ValueError`` when a fraction is out of range or a part would be empty.
    """
    n = len(values)
    if not (0 < train_fraction < 1 and 0 < val_fraction < 1 and train_fraction + val_fraction < 1):
        raise ValueError(f"need 0 < train_fraction, 0 < val_fraction and train_fraction + val_fraction < 1, "
                         f"got {train_fraction} and {val_fraction}")
    a = int(round(train_fraction * n))
    b = a + int(round(val_fraction * n))
    if not 0 < a < b < n:
        raise ValueError(f"a series of {n} values split {train_fraction}/{val_fraction}/rest leaves an empty "
                         f"part: train {a}, validation {b - a}, test {n - b} values")
    return slice(0, a), slice(a, b), slice(b, n)


def window_slice(part: slice, window: int) -> slice:
    """Return the rows of ``make_windows(values, window)`` whose targets are the time indices in ``part``.

    Row ``k`` predicts index ``k + window``, so the rows are ``part.start - window`` up to
    ``part.stop - window``; a part that starts before ``window`` (the training part) loses its
    first targets, which have no full window of history.  Raises ``ValueError`` when no row is left.
    """
    if window < 1:
        raise ValueError(f"window must be >= 1, got {window}")
    start, stop = max(part.start or 0, window) - window, part.stop - window
    if stop <= start:
        raise ValueError(f"the part {part} has no target with {window} values of history before it: "
                         f"use a shorter window or a larger part")
    return slice(start, stop)


@dataclass(frozen=True)
class Scaler:
    """Standardise a series with a mean and standard deviation fitted on the training part only.

    ``Scaler.fit(values[train])`` then ``transform`` maps values to ``(v - mean) / std``,
    ``inverse_transform`` maps model outputs back to sunspot numbers.  Fitting on the whole
    series would leak the validation and test years' level into training.
    """

    mean: float
    std: float

    @classmethod
    def fit(cls, values: np.ndarray) -> "Scaler":
        """Return the scaler with the mean and (population) standard deviation of ``values``.

        Raises ``ValueError`` for an empty or constant series.
        """
        values = np.asarray(values, dtype=np.float64)
        if values.size == 0:
            raise ValueError("cannot fit a scaler on an empty series")
        std = float(values.std())
        if std == 0.0:
            raise ValueError("cannot fit a scaler on a constant series (standard deviation 0)")
        return cls(mean=float(values.mean()), std=std)

    def transform(self, values: np.ndarray) -> np.ndarray:
        """Return ``(values - mean) / std`` as float32, same shape as ``values``."""
        return ((np.asarray(values, dtype=np.float64) - self.mean) / self.std).astype(np.float32)

    def inverse_transform(self, values: np.ndarray) -> np.ndarray:
        """Return ``values * std + mean`` as float32, same shape: undoes :meth:`transform`."""
        return (np.asarray(values, dtype=np.float64) * self.std + self.mean).astype(np.float32)


def naive_forecast(X: np.ndarray) -> np.ndarray:
    """The "last value" baseline: predict that next year equals this year, ``X[:, -1, 0]``.

    ``X`` has shape ``(N, window, 1)`` as from :func:`make_windows`; returns shape ``(N,)``.
    A forecasting model is only useful when its error is below this baseline's.
    """
    X = np.asarray(X)
    if X.ndim != 3 or X.shape[2] != 1 or X.shape[1] < 1:
        raise ValueError(f"X should have shape (N, window, 1) with window >= 1, got {X.shape}")
    return X[:, -1, 0].copy()


def _errors(y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
    y_true = np.asarray(y_true, dtype=np.float64)
    y_pred = np.asarray(y_pred, dtype=np.float64)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true and y_pred should have the same shape, got {y_true.shape} and {y_pred.shape}")
    if y_true.size == 0:
        raise ValueError("y_true and y_pred are empty")
    return y_pred - y_true


def rmse(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Root mean squared error ``sqrt(mean((y_pred - y_true)^2))``, computed in float64; same shapes required."""
    return float(np.sqrt(np.mean(_errors(y_true, y_pred) ** 2)))


def mae(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Mean absolute error ``mean(|y_pred - y_true|)``, computed in float64; same shapes required."""
    return float(np.mean(np.abs(_errors(y_true, y_pred))))
