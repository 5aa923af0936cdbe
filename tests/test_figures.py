"""Figures readable at the page width: at most 10 inches wide, labelled, heatmaps with a colour bar.

The solution notebooks leave the inline backend at its defaults (matplotlib-inline 0.2: no rc
overrides, so ``figure.dpi`` is 100, and PNGs saved with ``bbox_inches="tight"``): a figure
10 inches wide is a 1,000-pixel image. Two kinds of check:

* static: every literal ``figsize=(w, h)`` in a solution's code cells has ``w <= 10``, every
  ``legend(...)`` call is placed by ``loc="best"`` (matplotlib's default) or outside the axes
  (``bbox_to_anchor``), and a cell that draws with ``imshow`` adds a colour bar;
* drawn: each helper of :mod:`course_utils.plotting`, :mod:`course_utils.diagrams` and
  :mod:`course_utils.stack_diagrams`, called with the largest inputs the chapters give it,
  makes a figure at most 10 inches wide, both
  as set (``get_size_inches``) and as the inline PNG crops it (the tight bounding box), with
  labelled axes where it draws data (a label, or tick labels that name categories), a colour
  bar on every image, and a legend that covers no data point when a corner is free of them.

``KNOWN`` lists what breaks these rules today, each with the fix it waits for; a test fails
when an entry is no longer true, so that the list only shrinks.
"""

import json
import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course_utils import diagrams, plotting, stack_diagrams  # noqa: E402

MAX_WIDTH = 10.0  # inches
SOLUTIONS = sorted((Path(__file__).resolve().parent.parent / "solutions").glob("*/*.ipynb"))
FIGSIZE = re.compile(r"figsize\s*=\s*\(\s*([0-9.]+)\s*,\s*([0-9.]+)\s*\)")
LEGEND = re.compile(r"\.legend\(([^()]*(?:\([^()]*\)[^()]*)*)\)")
NUMBER = re.compile(r"[-+]?[0-9.]+(e[-+]?[0-9]+)?(\^-?[0-9]+)?")  # a tick label as matplotlib writes a number
LOC = re.compile(r"\bloc\s*=\s*([\"'][^\"']*[\"']|[0-9]+)")
HELPER_MODULES = {"plotting": plotting, "diagrams": diagrams, "stack_diagrams": stack_diagrams}

#: (chapter folder, cell id, what) -> why it is here and what it waits for.
KNOWN = {
    ("plotting", "draw_unrolled_rnn", "figsize"):
        "1.9 in per step: 4 steps set 11.4 in, though the image is cropped to 9.0 in (the axes are off)",
}


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


# --- the notebooks, read ----------------------------------------------------------------------------------------

def _code_cells():
    """(chapter folder, cell id, source) of every code cell of every solution notebook."""
    for notebook in SOLUTIONS:
        for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] == "code":
                yield notebook.parent.name, cell.get("id", ""), "".join(cell["source"])


def _notebook_findings():
    """Every place a solution notebook breaks a rule of the static checks, as KNOWN keys."""
    found = set()
    for chapter, cell_id, source in _code_cells():
        for match in FIGSIZE.finditer(source):
            if float(match[1]) > MAX_WIDTH:
                found.add((chapter, cell_id, f"figsize=({match[1]}, {match[2]})"))
        for match in LEGEND.finditer(source):
            loc = LOC.search(match[1])
            if loc and loc[1].strip("\"'") not in ("best", "0") and "bbox_to_anchor" not in match[1]:
                found.add((chapter, cell_id, f'legend loc="{loc[1].strip(chr(34) + chr(39))}"'))
        if "imshow(" in source and "colorbar(" not in source:
            found.add((chapter, cell_id, "imshow without colorbar"))
    return found


def test_the_notebooks_are_read():
    cells = list(_code_cells())
    assert len(SOLUTIONS) >= 6 and len(cells) > 100
    assert sum(bool(FIGSIZE.search(source)) for _, _, source in cells) >= 10  # the pattern finds figures


def test_no_notebook_figure_is_wider_than_the_page_nor_a_legend_fixed_in_a_corner():
    found = _notebook_findings()
    new = sorted(found - set(KNOWN))
    assert not new, f"figures too wide, legends in a fixed corner or images without a colour bar: {new}"


def test_every_known_notebook_problem_is_still_there():
    known = {key for key in KNOWN if key[0] not in HELPER_MODULES}
    fixed = sorted(known - _notebook_findings())
    assert not fixed, f"fixed (remove them from KNOWN in tests/test_figures.py): {fixed}"


def test_the_static_patterns():
    source = ('fig, ax = plt.subplots(1, 2, figsize = (12.5, 3))\nax.legend(fontsize=8, loc="upper left")\n'
              'ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1))\nax.legend(loc="best")\nax.legend()\n')
    assert FIGSIZE.findall(source) == [("12.5", "3")]
    locs = [LOC.search(args) for args in LEGEND.findall(source)]
    assert [loc[1] if loc else None for loc in locs] == ['"upper left"', '"upper left"', '"best"', None]


# --- the helpers, drawn ---------------------------------------------------------------------------------------

def _units(n, words=("letter", "upper-case letter", "inside a speaker line", "position in the line")):
    return [f"unit {17 * k + 3}: {words[k % len(words)]} (r = +0.55)" for k in range(n)]


def _passage(n):
    text = "ROMEO:\nBut soft, what light through yonder window breaks?\nIt is the east, and Juliet is the sun.\n"
    return (text * (n // len(text) + 1))[:n]


def _largest_chapter_figures():
    """Each helper with the largest inputs a chapter gives it: name -> a function that draws it."""
    rng = np.random.default_rng(0)
    chars = plotting.MAX_HEATMAP_CHARS  # the most it accepts (Chapter 1 shows 60)
    return {
        # Chapter 1, Section 6: PyTorch and Keras losses over 400 steps, smoothed over 20.
        "plot_history": lambda: plotting.plot_history(
            {"PyTorch": 4 - np.log1p(np.arange(400)) / 3 + rng.normal(0, 0.1, 400),
             "Keras": 4.1 - np.log1p(np.arange(400)) / 3 + rng.normal(0, 0.1, 400)},
            smooth=20, title="Character-level RNN on Shakespeare (training batches)",
            ylabel="cross-entropy (nats)"),
        # Chapter 1: five scales over 40 steps; Chapter 2: four cells over 100 steps, longer names.
        "plot_grad_norms, Chapter 1": lambda: plotting.plot_grad_norms(
            {f"scale {s}": s ** np.arange(40) for s in (0.5, 0.9, 1.0, 1.1, 1.5)}),
        "plot_grad_norms, Chapter 2": lambda: plotting.plot_grad_norms(
            {name: np.exp(-rate * np.arange(100)) for name, rate in
             [("RNN", 0.2), ("LSTM, PyTorch biases", 0.05), ("LSTM, forget bias 1", 0.02), ("GRU", 0.03)]},
            title="Gradient norm through time at initialisation (PyTorch)"),
        # Not used by a chapter: a 12 x 12 matrix with named rows and columns.
        "plot_heatmap": lambda: plotting.plot_heatmap(
            rng.normal(size=(12, 12)), xlabels=[f"h{j}" for j in range(12)],
            ylabels=[f"h{i}" for i in range(12)], title="W_hh"),
        "draw_unrolled_rnn": lambda: plotting.draw_unrolled_rnn(num_steps=4),  # Chapter 1
        # Chapter 1, Section 6: four units over a passage of validation text.
        "plot_char_activations": lambda: plotting.plot_char_activations(
            _passage(chars), rng.uniform(-1, 1, (chars, 4)), _units(4),
            title="Trained PyTorch units on validation text"),
        "draw_lstm_cell": diagrams.draw_lstm_cell,  # Chapter 2
        "draw_gru_cell": diagrams.draw_gru_cell,  # Chapter 2
        # Chapter 2: three gates of up to four units over a passage (at most 60 characters, as above).
        "plot_gate_heatmap": lambda: diagrams.plot_gate_heatmap(
            _passage(chars), {f"{g} gate": rng.uniform(0, 1, (chars, 128)) for g in "fio"}, units=[5, 17, 60, 101],
            title="Forget, input and output gates of units [5, 17, 60, 101] on validation text"),
        # Chapter 4's stack (2 layers x 4 steps there); 3 x 5 is the largest size it is laid out for.
        "draw_bidirectional_stack": lambda: stack_diagrams.draw_bidirectional_stack(num_layers=3, num_steps=5),
    }


HELPERS = list(_largest_chapter_figures())


def _known(name, what):
    """The KNOWN entry of a helper (``"plot_grad_norms, Chapter 2"`` is plot_grad_norms), or None."""
    function = name.split(",")[0]
    module = next(key for key, helpers in HELPER_MODULES.items() if hasattr(helpers, function))
    return KNOWN.get((module, function, what))


def _draw(name):
    ax = _largest_chapter_figures()[name]()
    ax.figure.canvas.draw()
    return ax


def _widths(ax):
    """The width set on the figure and the width of the PNG the inline backend saves, in inches.

    The inline backend saves with ``bbox_inches="tight"``: the drawn content (labels that reach
    past the figure's edge included) and ``savefig.pad_inches`` on each side.
    """
    fig = ax.figure
    tight = fig.get_tightbbox(fig.canvas.get_renderer())  # in inches
    return float(fig.get_size_inches()[0]), float(tight.width) + 2 * float(plt.rcParams["savefig.pad_inches"])


@pytest.mark.parametrize("name", HELPERS)
def test_helper_figures_fit_the_page(name):
    width, png = _widths(_draw(name))
    if _known(name, "width"):
        pytest.xfail(f"{name}: {png:.1f} in ({_known(name, 'width')})")
    assert png <= MAX_WIDTH, f"{name}: the inline image is {png:.1f} in wide, more than {MAX_WIDTH}"
    if _known(name, "figsize"):
        assert width > MAX_WIDTH, f"{name} now sets {width:.1f} in: remove it from KNOWN in tests/test_figures.py"
    else:
        assert width <= MAX_WIDTH, f"{name}: the figure is set {width:.1f} in wide, more than {MAX_WIDTH}"


def test_known_helper_problems_are_still_there():
    for (module, name, what), why in KNOWN.items():
        if module in HELPER_MODULES:
            width, png = _widths(_draw(name))
            assert (png if what == "width" else width) > MAX_WIDTH, \
                f"{name} fits now (remove it from KNOWN in tests/test_figures.py): {why}"
            plt.close("all")


def _labelled(ax, axis):
    """An axis is labelled by its label, or by tick labels that name categories (not numbers)."""
    if (ax.get_xlabel() if axis == "x" else ax.get_ylabel()).strip():
        return True
    ticks = [t.get_text() for t in (ax.get_xticklabels() if axis == "x" else ax.get_yticklabels())]
    named = [re.sub(r"\$|\\mathdefault|[{}]", "", t).replace("\u2212", "-").strip() for t in ticks]
    named = [t for t in named if t]
    return bool(named) and not any(NUMBER.fullmatch(t) for t in named)


@pytest.mark.parametrize("name", HELPERS)
def test_helpers_label_the_axes_they_draw_data_on_and_give_images_a_colour_bar(name):
    ax = _draw(name)
    if not ax.axison:  # a diagram: its axes carry no data, so no labels
        assert not ax.get_images(), f"{name} hides the axes of an image"
        return
    assert _labelled(ax, "x") and _labelled(ax, "y"), \
        f"{name}: x label {ax.get_xlabel()!r}, y label {ax.get_ylabel()!r}, and no named ticks"
    for image in ax.get_images():
        assert image.colorbar is not None, f"{name} draws an image without a colour bar"


def _covered(ax):
    """The share of the data points (line vertices, in pixels) inside the legend's box."""
    box = ax.get_legend().get_window_extent()
    points = np.concatenate([line.get_transform().transform(line.get_xydata()) for line in ax.get_lines()])
    return float(np.mean([box.contains(x, y) for x, y in points]))


@pytest.mark.parametrize("name", [n for n in HELPERS if n.startswith(("plot_history", "plot_grad_norms"))])
def test_legends_are_placed_best_and_cover_no_data_when_a_corner_is_free(name):
    ax = _draw(name)
    legend = ax.get_legend()
    assert legend is not None, f"{name} draws several curves without a legend"
    assert legend._loc == 0, f"{name} fixes its legend in a corner ({legend._loc}) instead of loc='best'"
    covered = _covered(ax)
    corners = []
    for corner in ("upper right", "upper left", "lower left", "lower right"):
        ax.legend(loc=corner)
        ax.figure.canvas.draw()
        corners.append(_covered(ax))
    assert covered <= min(corners), \
        f"{name}: the legend covers {covered:.0%} of the points, the best corner {min(corners):.0%}"


def test_the_drawn_checks_catch_what_they_should():
    fig, ax = plt.subplots(figsize=(6, 3))
    x = np.arange(50)
    ax.plot(x, x, label="rising")
    ax.plot(x, 50 - x, label="falling")
    ax.semilogy()
    fig.canvas.draw()
    assert not _labelled(ax, "x") and not _labelled(ax, "y")  # numbers, log-scale numbers: no label
    ax.set_yticks([10, 20], labels=["low", "high"])
    fig.canvas.draw()
    assert _labelled(ax, "y")  # named ticks label the axis
    ax.set_yscale("linear")
    ax.legend(loc="upper right")  # over the rising line's end
    fig.canvas.draw()
    over = _covered(ax)
    ax.legend(loc="center right")
    fig.canvas.draw()
    assert over > 0 and _covered(ax) == 0
    assert _widths(ax)[0] == 6.0 and 5 < _widths(ax)[1] < 6.5
