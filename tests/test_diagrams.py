"""Tests for course_utils.diagrams: the LSTM and GRU cell drawings and the gate heatmap, on the Agg backend."""

import itertools

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.patches import Circle  # noqa: E402
from matplotlib.text import Annotation  # noqa: E402

from course_utils.diagrams import draw_gru_cell, draw_lstm_cell, plot_gate_heatmap  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _labels(ax: Axes) -> list[str]:
    return [t.get_text() for t in ax.texts if not isinstance(t, Annotation) and t.get_text()]


def _overlapping_labels(ax: Axes) -> list[tuple[str, str]]:
    """Pairs of text labels whose drawn boxes overlap (node symbols sit inside their circles, not counted)."""
    ax.figure.canvas.draw()
    renderer = ax.figure.canvas.get_renderer()
    node_centres = {tuple(np.round(p.center, 6)) for p in ax.patches if isinstance(p, Circle)}
    texts = [t for t in ax.texts if not isinstance(t, Annotation) and t.get_text()
             and tuple(np.round(t.get_position(), 6)) not in node_centres]
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in texts]
    return [(a, b) for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2) if box_a.overlaps(box_b)]


def test_lstm_cell_labels_and_paths():
    ax = draw_lstm_cell()
    assert isinstance(ax, Axes) and not ax.axison
    labels = _labels(ax)
    for label in ["$x_t$", "$h_{t-1}$", "$C_{t-1}$", "$C_t$", "$f_t$", "$i_t$", r"$\tilde{C}_t$", "$o_t$",
                  "$[x_t, h_{t-1}]$", "cell path: additive", "hidden path"]:
        assert label in labels, label
    assert labels.count(r"$\sigma$") == 3 and labels.count("tanh") == 2  # f, i, o; the candidate and tanh(C_t)
    assert labels.count("$h_t$") == 2  # out to the right and up
    assert labels.count(r"$\odot$") == 3 and labels.count(r"$\oplus$") == 1
    assert "LSTM" in ax.get_title() and r"\tilde{C}_t" in ax.get_title()


def test_lstm_cell_path_is_thick_and_straight():
    ax = draw_lstm_cell()
    arrows = [a.arrow_patch for a in ax.texts if isinstance(a, Annotation)]
    thick = [a for a in arrows if a.get_linewidth() > 2]
    assert len(thick) == 1  # the cell path, one straight arrow from C_{t-1} to C_t
    (path,) = [a for a in ax.texts if isinstance(a, Annotation) and a.arrow_patch.get_linewidth() > 2]
    assert path.xy[1] == path.xyann[1] and path.xy[0] > path.xyann[0]


def test_gru_cell_labels():
    ax = draw_gru_cell()
    assert isinstance(ax, Axes) and not ax.axison
    labels = _labels(ax)
    for label in ["$x_t$", "$h_{t-1}$", "$z_t$", "$r_t$", r"$\tilde{n}_t$", "$1-$", "$1 - z_t$",
                  "$h_{t-1}W_{hn} + b_{hn}$", "$x_t W_{xn} + b_{xn}$", "$[x_t, h_{t-1}]$"]:
        assert label in labels, label
    assert labels.count(r"$\sigma$") == 2 and labels.count("tanh") == 1  # r, z; the candidate
    assert labels.count("$h_t$") == 2
    title = ax.get_title()
    assert "reset after" in title and r"r_t \odot (h_{t-1} W_{hn} + b_{hn})" in title
    assert r"(1 - z_t) \odot \tilde{n}_t + z_t \odot h_{t-1}" in title


@pytest.mark.parametrize("draw", [draw_lstm_cell, draw_gru_cell])
def test_cell_labels_do_not_overlap(draw):
    ax = draw()
    assert _overlapping_labels(ax) == []


@pytest.mark.parametrize("draw", [draw_lstm_cell, draw_gru_cell])
def test_cell_drawn_on_given_axes(draw):
    _, given = plt.subplots()
    assert draw(ax=given) is given


def test_gate_heatmap_rows_per_gate_and_unit():
    text = "to be\nor"
    gates = {"input i": np.linspace(0, 1, len(text) * 4).reshape(len(text), 4),
             "forget f": np.full((len(text), 4), 0.9),
             "output o": np.zeros((len(text), 4))}
    ax = plot_gate_heatmap(text, gates, units=[3, 1], title="Gates")
    assert isinstance(ax, Axes)
    image = ax.get_images()[0]
    data = np.asarray(image.get_array())
    assert data.shape == (6, len(text))  # 3 gates x 2 units, one column per character
    np.testing.assert_array_equal(data[0], gates["input i"][:, 3])
    np.testing.assert_array_equal(data[1], gates["input i"][:, 1])
    np.testing.assert_array_equal(data[2:4], 0.9)
    assert image.get_clim() == (0.0, 1.0) and image.get_cmap().name == "viridis"
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "input i, unit 3", "input i, unit 1", "forget f, unit 3", "forget f, unit 1",
        "output o, unit 3", "output o, unit 1"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["t", "o", "\u2423", "b", "e", "\u23ce", "o", "r"]
    assert ax.get_title() == "Gates" and len(ax.figure.axes) == 2  # the heatmap and its colour bar


def test_gate_heatmap_given_axes_and_fixed_range():
    _, given = plt.subplots()
    ax = plot_gate_heatmap("ab", {"f": np.array([[0.4], [0.5]])}, units=[0], ax=given)
    assert ax is given and ax.get_images()[0].get_clim() == (0.0, 1.0)


def test_gate_heatmap_rejects_mismatched_lengths():
    gates = {"input i": np.zeros((5, 3)), "forget f": np.zeros((4, 3))}
    with pytest.raises(ValueError, match=r"gate 'forget f' should have shape \(len\(text\), num_hiddens\) = "
                                         r"\(5, \.\.\.\), got \(4, 3\)"):
        plot_gate_heatmap("hello", gates, units=[0])


def test_gate_heatmap_rejects_missing_units_and_empty_input():
    with pytest.raises(ValueError, match=r"units \[5\] do not exist in gate 'f', which has 3 units"):
        plot_gate_heatmap("abc", {"f": np.zeros((3, 3))}, units=[0, 5])
    with pytest.raises(ValueError, match="gates is empty"):
        plot_gate_heatmap("abc", {}, units=[0])
    with pytest.raises(ValueError, match="units is empty"):
        plot_gate_heatmap("abc", {"f": np.zeros((3, 3))}, units=[])


def test_gate_heatmap_shows_at_most_60_characters():
    gates = {"f": np.full((61, 2), 0.5)}
    with pytest.raises(ValueError, match="shows at most 60 characters, so that they stay readable.*got 61"):
        plot_gate_heatmap("a" * 61, gates, units=[0])
    ax = plot_gate_heatmap("a" * 60, {"f": gates["f"][:60]}, units=[0, 1])
    assert np.asarray(ax.get_images()[0].get_array()).shape == (2, 60)


def test_gate_heatmap_is_legible_at_the_page_width():
    """Chapter 2's largest call: 60 characters, three gates of four units, fits 10 inches, nothing overlaps."""
    text = ("ROMEO:\nBut soft, what light through yonder window breaks?\nIt is the east")[:60]
    rng = np.random.default_rng(0)
    ax = plot_gate_heatmap(text, {f"{g} gate": rng.uniform(0, 1, (60, 64)) for g in "fio"},
                           units=[5, 17, 60, 63], title="Gates of four units")
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    assert fig.get_size_inches()[0] <= 10.0
    assert fig.get_tightbbox(renderer).width <= 10.0  # nothing drawn past the figure's edge either
    ticks = ax.get_xticklabels()
    assert [t.get_text() for t in ticks] == [{"\n": "\u23ce", " ": "\u2423"}.get(ch, ch) for ch in text]
    assert all(t.get_fontsize() >= 9 and t.get_fontfamily() == ["monospace"] for t in ticks)
    boxes = [t.get_window_extent(renderer) for t in ticks]
    assert all(a.x1 <= b.x0 for a, b in itertools.pairwise(boxes)), "character labels overlap"
    labels = [t.get_window_extent(renderer) for t in ax.get_yticklabels()]
    assert len(labels) == 12 and all(a.y0 >= b.y1 for a, b in itertools.pairwise(labels)), "row labels overlap"
    (bar,) = [image.colorbar for image in ax.get_images()]
    assert bar.mappable.get_clim() == (0.0, 1.0)
    assert list(bar.get_ticks()) == [0.0, 0.25, 0.5, 0.75, 1.0] and "gate value" in bar.ax.get_ylabel()
