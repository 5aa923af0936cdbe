"""Tests for course_utils.plotting: each function draws the expected artists on the Agg backend."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.text import Annotation  # noqa: E402

from course_utils.plotting import draw_unrolled_rnn, plot_grad_norms, plot_heatmap, plot_history  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_backend_is_agg():
    assert matplotlib.get_backend().lower() == "agg"


def test_plot_history_one_curve_per_label_with_legend():
    ax = plot_history({"PyTorch": [3.0, 2.0, 1.0], "Keras": [3.1, 2.2, 1.1]}, title="Loss")
    assert isinstance(ax, Axes)
    assert [line.get_label() for line in ax.get_lines()] == ["PyTorch", "Keras"]
    np.testing.assert_array_equal(ax.get_lines()[0].get_ydata(), [3.0, 2.0, 1.0])
    assert ax.get_title() == "Loss" and ax.get_xlabel() == "step" and ax.get_ylabel() == "loss"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["PyTorch", "Keras"]


def test_plot_history_single_curve_no_legend_and_given_axes():
    _, given = plt.subplots()
    ax = plot_history({"train": np.linspace(1, 0, 10)}, xlabel="epoch", ylabel="nll", ax=given)
    assert ax is given
    assert len(ax.get_lines()) == 1 and ax.get_legend() is None
    assert ax.get_xlabel() == "epoch" and ax.get_ylabel() == "nll"


def test_plot_history_smoothing_is_running_mean():
    values = np.arange(10, dtype=float)
    ax = plot_history({"a": values}, smooth=4)
    line = ax.get_lines()[0]
    np.testing.assert_array_equal(line.get_xdata(), np.arange(3, 10))  # aligned with the window's last step
    np.testing.assert_allclose(line.get_ydata(), values[3:] - 1.5)
    short = plot_history({"b": [1.0, 2.0]}, smooth=5).get_lines()[0]  # fewer values than the window: raw
    np.testing.assert_array_equal(short.get_ydata(), [1.0, 2.0])


def test_plot_heatmap_image_colorbar_and_labels():
    matrix = np.array([[1.0, -3.0, 0.0], [2.0, 0.5, -1.0]])
    ax = plot_heatmap(matrix, xlabels=list("abc"), ylabels=["x", "y"], title="W_hh")
    assert isinstance(ax, Axes)
    assert len(ax.get_images()) == 1
    image = ax.get_images()[0]
    np.testing.assert_array_equal(image.get_array(), matrix)
    assert image.get_clim() == (-3.0, 3.0)  # symmetric around zero
    assert len(ax.figure.axes) == 2  # the heatmap and its colour bar
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "c"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["x", "y"]
    assert ax.get_title() == "W_hh"


def test_plot_heatmap_all_zeros():
    ax = plot_heatmap(np.zeros((2, 2)))
    assert ax.get_images()[0].get_clim() == (-1.0, 1.0)


def test_plot_grad_norms_log_scale_one_line_per_label():
    norms = {"scale 0.5": 0.5 ** np.arange(5), "scale 1.5": 1.5 ** np.arange(5)}
    ax = plot_grad_norms(norms)
    assert isinstance(ax, Axes)
    assert ax.get_yscale() == "log"
    assert [line.get_label() for line in ax.get_lines()] == list(norms)
    np.testing.assert_array_equal(ax.get_lines()[1].get_xdata(), np.arange(5))
    assert len(ax.get_legend().get_texts()) == 2
    assert "T - t" in ax.get_xlabel()


@pytest.mark.parametrize("num_steps", [1, 4])
def test_draw_unrolled_rnn_artists(num_steps):
    ax = draw_unrolled_rnn(num_steps)
    assert isinstance(ax, Axes)
    arrows = [t for t in ax.texts if isinstance(t, Annotation)]
    labels = [t.get_text() for t in ax.texts if not isinstance(t, Annotation)]
    assert len(arrows) == 2 * (num_steps + 1) + 1 + num_steps  # in/out per cell, the loop, h_{t-1} -> h_t
    for t in range(1, num_steps + 1):
        assert {f"$x_{t}$", f"$h_{t}$", f"$y_{t}$"} <= set(labels)
    assert labels.count("$W_{hh}$") == num_steps
    assert "$h_0$" in labels and "$x_t$" in labels
    assert not ax.axison
    assert "unrolled" in ax.get_title()
