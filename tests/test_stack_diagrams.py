"""Tests for course_utils.stack_diagrams: Chapter 4's bidirectional, multilayer RNN drawn in code, on Agg."""

import itertools

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.colors import to_rgba  # noqa: E402
from matplotlib.patches import Circle, FancyBboxPatch  # noqa: E402
from matplotlib.text import Annotation  # noqa: E402

from course_utils.stack_diagrams import BACKWARD, FORWARD, draw_bidirectional_stack  # noqa: E402
from test_diagrams import _labels, _overlapping_labels  # noqa: E402

# (num_layers, num_steps): Chapter 4's figure, the largest (tests/test_figures.py checks it too), the smallest
SIZES = [(2, 4), (3, 5), (1, 1)]


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _boxes(ax: Axes, style: dict) -> list[FancyBboxPatch]:
    """The state boxes of one direction, told apart by their edge colour."""
    return [p for p in ax.patches if isinstance(p, FancyBboxPatch)
            and np.allclose(p.get_edgecolor(), to_rgba(style["ec"]))]


def _arrows(ax: Axes, colour: str | None = None) -> list[Annotation]:
    """The arrows and lines (annotations), all of them or those of one colour."""
    found = [a for a in ax.texts if isinstance(a, Annotation)]
    if colour is not None:
        found = [a for a in found if np.allclose(a.arrow_patch.get_edgecolor(), to_rgba(colour))]
    return found


def _state(direction: str, layer: int, t: int) -> str:
    return rf"$\over{direction}arrow{{H}}^{{({layer})}}_{{{t}}}$"


@pytest.mark.parametrize("layers, steps", SIZES)
def test_one_box_per_layer_direction_and_step(layers, steps):
    ax = draw_bidirectional_stack(num_steps=steps, num_layers=layers)
    assert isinstance(ax, Axes) and not ax.axison
    assert len(_boxes(ax, FORWARD)) == len(_boxes(ax, BACKWARD)) == layers * steps  # 2 * L * T in all
    assert sum(isinstance(p, Circle) for p in ax.patches) == layers * steps  # one [ ; ] per layer and step
    ax = draw_bidirectional_stack(num_steps=steps, num_layers=layers, bidirectional=False)
    assert len(_boxes(ax, FORWARD)) == layers * steps and _boxes(ax, BACKWARD) == []
    assert not any(isinstance(p, Circle) for p in ax.patches)


@pytest.mark.parametrize("layers, steps", SIZES)
def test_every_label_is_there(layers, steps):
    labels = _labels(draw_bidirectional_stack(num_steps=steps, num_layers=layers))
    for t in range(1, steps + 1):
        assert labels.count(f"$X_{{{t}}}$") == 1 and labels.count(f"$O_{{{t}}}$") == 1, t
    assert labels.count("forward") == labels.count("backward") == layers
    assert labels.count("[ ; ]") == layers * steps
    for layer in range(1, layers + 1):
        assert f"layer {layer}" in labels
        assert _state("right", layer, 0) + "$ = 0$" in labels  # H_0 = 0 on the left
        assert _state("left", layer, steps + 1) + "$ = 0$" in labels  # H_{T+1} = 0 on the right
        for t in range(1, steps + 1):
            assert _state("right", layer, t) in labels and _state("left", layer, t) in labels, (layer, t)
    labels = _labels(draw_bidirectional_stack(num_steps=steps, num_layers=layers, bidirectional=False))
    assert "backward" not in labels and "[ ; ]" not in labels and labels.count("forward") == layers
    assert not any(r"\overleftarrow" in label for label in labels)


@pytest.mark.parametrize("bidirectional", [True, False])
def test_forward_arrows_point_right_and_backward_arrows_left(bidirectional):
    layers, steps = 3, 5
    ax = draw_bidirectional_stack(num_steps=steps, num_layers=layers, bidirectional=bidirectional)
    for style, sign in [(FORWARD, 1), (BACKWARD, -1)]:
        arrows = _arrows(ax, style["ec"])
        # one from the zero state into step 1 (or T), then one between each pair of neighbouring steps
        assert len(arrows) == (layers * steps if bidirectional or style is FORWARD else 0)
        for arrow in arrows:
            (x0, y0), (x1, y1) = arrow.xyann, arrow.xy
            assert y0 == y1 and sign * (x1 - x0) > 0, (style["ec"], arrow.xyann, arrow.xy)


def _inside(box: FancyBboxPatch, x: float, y: float) -> bool:
    return box.get_x() < x < box.get_x() + box.get_width() and box.get_y() < y < box.get_y() + box.get_height()


@pytest.mark.parametrize("bidirectional", [True, False])
def test_no_arrow_passes_through_a_box_and_every_state_is_wired(bidirectional):
    """Arrows are straight segments that end on a box's edge; every state has one input from below and one line up."""
    ax = draw_bidirectional_stack(num_steps=5, num_layers=3, bidirectional=bidirectional)
    boxes = _boxes(ax, FORWARD) + _boxes(ax, BACKWARD)
    segments = [(np.array(a.xyann), np.array(a.xy)) for a in _arrows(ax)]
    for start, end in segments:
        for s in np.linspace(0, 1, 101):
            x, y = start + s * (end - start)
            assert not any(_inside(box, x, y) for box in boxes), (tuple(start), tuple(end))
    for box in boxes:  # the state box's drawn edge is 0.05 outside its rectangle
        x = box.get_x() + box.get_width() / 2
        bottom, top = (x, box.get_y() - 0.05), (x, box.get_y() + box.get_height() + 0.05)
        assert sum(np.allclose(end, bottom) for _, end in segments) == 1, ("no input", x, bottom)
        assert sum(np.allclose(start, top) for start, _ in segments) == 1, ("no output", x, top)


def test_the_two_directions_are_concatenated_and_read_by_the_next_layer():
    ax = draw_bidirectional_stack(num_steps=4, num_layers=2)
    segments = [(np.array(a.xyann), np.array(a.xy)) for a in _arrows(ax)]
    nodes = [p for p in ax.patches if isinstance(p, Circle)]
    for node in nodes:
        (cx, cy), r = node.center, node.radius
        into = [start for start, end in segments if np.allclose(end, (cx - r, cy)) or np.allclose(end, (cx + r, cy))]
        assert len(into) == 2 and into[0][0] < cx < into[1][0]  # one from the forward side, one from the backward
        assert sum(np.allclose(start, (cx, cy + r)) for start, _ in segments) == 1  # and one line up
    tops = sorted({round(float(n.center[1]), 6) for n in nodes})
    assert len(tops) == 2  # a row of nodes per layer
    labels = {t.get_text(): t.get_position() for t in ax.texts if not isinstance(t, Annotation)}
    for t, node in enumerate(sorted([n for n in nodes if np.isclose(n.center[1], tops[-1])],
                                    key=lambda n: n.center[0]), start=1):
        assert np.isclose(labels[f"$O_{{{t}}}$"][0], node.center[0])  # the last layer's [ ; ] is O_t


@pytest.mark.parametrize("layers, steps", SIZES)
@pytest.mark.parametrize("bidirectional", [True, False])
def test_no_labels_overlap_each_other_or_a_box(layers, steps, bidirectional):
    ax = draw_bidirectional_stack(num_steps=steps, num_layers=layers, bidirectional=bidirectional)
    assert _overlapping_labels(ax) == []
    renderer = ax.figure.canvas.get_renderer()
    boxes = [b.get_window_extent(renderer) for b in _boxes(ax, FORWARD) + _boxes(ax, BACKWARD)]
    states = ("$\\overrightarrow", "$\\overleftarrow")
    others = [t for t in ax.texts if not isinstance(t, Annotation) and t.get_text()
              and not (t.get_text().startswith(states) and not t.get_text().endswith("= 0$"))]
    for text, box in itertools.product(others, boxes):
        assert not text.get_window_extent(renderer).overlaps(box), text.get_text()
    for node in [p for p in ax.patches if isinstance(p, Circle)]:  # "[ ; ]" fits inside its circle
        (label,) = [t for t in others if np.allclose(t.get_position(), node.center)]
        assert label.get_window_extent(renderer).width < 0.8 * node.get_window_extent(renderer).width


@pytest.mark.parametrize("layers, steps", SIZES)
def test_the_figure_fits_the_page(layers, steps):
    fig = draw_bidirectional_stack(num_steps=steps, num_layers=layers).figure
    fig.canvas.draw()
    tight = fig.get_tightbbox(fig.canvas.get_renderer())
    assert fig.get_size_inches()[0] <= 9.8 and tight.width <= 9.8  # 10 in with the inline PNG's padding
    assert fig.get_size_inches()[0] >= 4.5  # not shrunk: at most 10 in is the only reason to scale down


def test_drawn_on_given_axes():
    _, given = plt.subplots(figsize=(9, 5))
    assert draw_bidirectional_stack(given, num_steps=3) is given


@pytest.mark.parametrize("kwargs, name", [(dict(num_steps=0), "num_steps"), (dict(num_layers=0), "num_layers"),
                                          (dict(num_steps=-2), "num_steps"), (dict(num_layers=1.5), "num_layers"),
                                          (dict(num_steps=True), "num_steps")])
def test_bad_sizes_are_refused(kwargs, name):
    with pytest.raises(ValueError, match=rf"{name} should be a whole number of at least 1, got .*: "
                                         "the drawing needs at least one time step and one layer"):
        draw_bidirectional_stack(**kwargs)


def test_at_most_five_steps():
    with pytest.raises(ValueError, match="draws at most 5 steps, so that its labels stay readable at the page "
                                         "width; got num_steps=6: draw a shorter sequence"):
        draw_bidirectional_stack(num_steps=6)
