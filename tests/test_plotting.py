"""Tests for course_utils.plotting: each function draws the expected artists on the Agg backend."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.text import Annotation  # noqa: E402

from course_utils.plotting import (draw_unrolled_rnn, label_points, plot_char_activations,  # noqa: E402
                                   plot_grad_norms, plot_heatmap, plot_history)


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
        assert {f"$x_{t}$", f"$h_{t}$", f"$o_{t}$"} <= set(labels)
    assert "$h_0$" in labels and {"$x_t$", "$h_t$", "$o_t$"} <= set(labels)
    assert not ax.axison
    assert "unrolled" in ax.get_title()


@pytest.mark.parametrize("num_steps", [1, 4])
def test_draw_unrolled_rnn_weight_labels_match_the_equations(num_steps):
    """h_t = tanh(W_xh x_t + W_hh h_{t-1} + b_h), o_t = W_hy h_t + b_y: every arrow carries its matrix."""
    ax = draw_unrolled_rnn(num_steps)
    labels = [t.get_text() for t in ax.texts if not isinstance(t, Annotation)]
    cells = num_steps + 1  # the folded cell and the unrolled copies
    assert labels.count("$W_{xh}$") == cells  # input arrows
    assert labels.count("$W_{hy}$") == cells  # output arrows
    assert labels.count("$W_{hh}$") == cells  # the folded loop, h_0 -> h_1, ..., h_{T-1} -> h_T
    assert not any("W_{hq}" in label or "W_{yh}" in label for label in labels)
    title = ax.get_title()
    for weight in ("$W_{xh}$", "$W_{hh}$", "$b_h$", "$W_{hy}$", "$b_y$"):
        assert weight in title


def test_draw_unrolled_rnn_recurrent_labels_sit_on_their_arrows():
    ax = draw_unrolled_rnn(3)
    arrows = [a for a in ax.texts if isinstance(a, Annotation) and a.xy[1] == 0 and a.xyann[1] == 0]
    assert len(arrows) == 3  # h_0 -> h_1, h_1 -> h_2, h_2 -> h_3
    labels = [t for t in ax.texts if not isinstance(t, Annotation) and t.get_text() == "$W_{hh}$"]
    for arrow in arrows:
        middle = (arrow.xy[0] + arrow.xyann[0]) / 2
        assert any(abs(label.get_position()[0] - middle) < 1e-9 for label in labels)


def test_plot_char_activations_heatmap():
    text = "to be\nor"
    activations = np.linspace(-1, 1, len(text) * 2).reshape(len(text), 2)
    ax = plot_char_activations(text, activations, ["unit 3", "unit 7"], title="What units respond to")
    assert isinstance(ax, Axes)
    image = ax.get_images()[0]
    np.testing.assert_array_equal(image.get_array(), activations.T)  # one row per unit, one column per character
    assert image.get_clim() == (-1.0, 1.0)  # tanh units
    assert len(ax.figure.axes) == 2  # the heatmap and its colour bar
    assert [t.get_text() for t in ax.get_xticklabels()] == ["t", "o", "\u2423", "b", "e", "\u23ce", "o", "r"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["unit 3", "unit 7"]
    assert ax.get_title() == "What units respond to"


def test_plot_char_activations_fixed_colour_range_and_given_axes():
    _, given = plt.subplots()
    ax = plot_char_activations("ab", np.array([[0.1], [0.2]]), ["u"], ax=given)
    assert ax is given
    assert ax.get_images()[0].get_clim() == (-1.0, 1.0)  # not rescaled to the small values
    assert ax.get_title() == ""


def test_plot_char_activations_shape_mismatch():
    with pytest.raises(ValueError, match=r"\(3, 2\), got \(2, 3\)"):
        plot_char_activations("abc", np.zeros((2, 3)), ["u1", "u2"])


def test_plot_char_activations_fits_the_page_width():
    for n in (5, 30, 60):
        ax = plot_char_activations("a" * n, np.zeros((n, 4)), [f"unit {k}: a long label" for k in range(4)])
        assert ax.figure.get_size_inches()[0] <= 10.0
        plt.close(ax.figure)
    with pytest.raises(ValueError, match="at most 60 characters"):
        plot_char_activations("a" * 61, np.zeros((61, 1)), ["u"])


def test_label_points_places_crowded_labels_without_overlap():
    rng = np.random.default_rng(0)
    points = np.concatenate([rng.normal(0, 0.05, size=(6, 2)), rng.normal(3, 1.0, size=(6, 2))])  # a tight cluster
    fig, ax = plt.subplots(figsize=(5, 4))
    ax.scatter(points[:, 0], points[:, 1])
    ax.set_xlim(-1.5, 6.0)
    ax.set_ylim(-1.5, 6.0)
    labels = [f"word{i}" for i in range(12)]
    crowded = label_points(ax, points, labels, ["C0"] * 6 + ["C3"] * 6)
    texts = [child for child in ax.texts]
    assert [t.get_text() for t in texts] == labels
    renderer = fig.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in texts]
    overlapping = sum(boxes[i].overlaps(boxes[j]) for i in range(12) for j in range(i + 1, 12))
    assert crowded == 0 and overlapping == 0
    assert [t.get_color() for t in texts][:1] == ["C0"]
    with pytest.raises(ValueError, match="one label each"):
        label_points(ax, points, labels[:3])
