"""Plots used across chapters: loss curves, heatmaps, gradient norms, unrolled RNNs, unit activations,
labelled points whose labels do not overlap."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.transforms import Bbox


def _axes(ax: Axes | None, figsize: tuple[float, float]) -> Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def plot_history(histories: Mapping[str, Sequence[float]], *, title: str = "Training loss",
                 xlabel: str = "step", ylabel: str = "loss", smooth: int = 1, ax: Axes | None = None) -> Axes:
    """Plot one curve per entry of ``histories`` (label -> values per step).

    ``smooth > 1`` draws a running mean over that many steps, which makes noisy
    mini-batch losses readable.
    """
    ax = _axes(ax, (6, 3.5))
    for label, values in histories.items():
        y = np.asarray(values, dtype=float)
        if smooth > 1 and len(y) >= smooth:
            y = np.convolve(y, np.ones(smooth) / smooth, mode="valid")
            x = np.arange(smooth - 1, smooth - 1 + len(y))
        else:
            x = np.arange(len(y))
        ax.plot(x, y, label=label)
    ax.set(title=title, xlabel=xlabel, ylabel=ylabel)
    ax.grid(alpha=0.3)
    if len(histories) > 1:
        ax.legend()
    return ax


def plot_heatmap(matrix: np.ndarray, *, xlabels: Sequence[str] | None = None, ylabels: Sequence[str] | None = None,
                 title: str = "", cmap: str = "RdBu_r", ax: Axes | None = None) -> Axes:
    """Draw a 2-D array as a heatmap with a colour bar centred on zero."""
    matrix = np.asarray(matrix, dtype=float)
    ax = _axes(ax, (6, 4))
    bound = float(np.abs(matrix).max()) or 1.0
    image = ax.imshow(matrix, cmap=cmap, vmin=-bound, vmax=bound, aspect="auto")
    ax.figure.colorbar(image, ax=ax)
    if xlabels is not None:
        ax.set_xticks(range(len(xlabels)), labels=list(xlabels))
    if ylabels is not None:
        ax.set_yticks(range(len(ylabels)), labels=list(ylabels))
    ax.set_title(title)
    return ax


def plot_grad_norms(norms: Mapping[str, Sequence[float]], *, title: str = "Gradient norm through time",
                    ax: Axes | None = None) -> Axes:
    """Plot ``||dL/dh_t||`` against the distance ``T - t`` from the loss, one curve per label, log scale."""
    ax = _axes(ax, (6, 3.5))
    for label, values in norms.items():
        ax.semilogy(np.arange(len(values)), np.asarray(values, dtype=float), marker=".", label=label)
    ax.set(title=title, xlabel="distance from the loss (T - t)", ylabel=r"$\|\partial L / \partial h_t\|$")
    ax.grid(alpha=0.3, which="both")
    ax.legend()
    return ax


def draw_unrolled_rnn(num_steps: int = 4, *, ax: Axes | None = None) -> Axes:
    """Draw the folded RNN cell and its unrolled copies ``x_t -> h_t -> o_t``, labelled as in the equations.

    ``h_t = tanh(W_xh x_t + W_hh h_{t-1} + b_h)`` and ``o_t = W_hy h_t + b_y``: input arrows carry
    ``W_xh``, output arrows ``W_hy``, recurrent arrows ``W_hh``, and the state starts at ``h_0``.
    """
    ax = _axes(ax, (1.9 * (num_steps + 2), 3.4))
    box = dict(boxstyle="round,pad=0.35", fc="#dbe9f6", ec="#1f4e79")
    arrow = dict(arrowstyle="->", color="#333333", lw=1.2)
    red = "#c0392b"

    def cell(x: float, t: str) -> None:
        ax.text(x, 0, f"$h_{t}$", ha="center", va="center", fontsize=12, bbox=box)
        ax.text(x, -1.3, f"$x_{t}$", ha="center", va="center", fontsize=12)
        ax.text(x, 1.3, f"$o_{t}$", ha="center", va="center", fontsize=12)
        ax.annotate("", xy=(x, -0.3), xytext=(x, -1.05), arrowprops=arrow)
        ax.annotate("", xy=(x, 1.05), xytext=(x, 0.3), arrowprops=arrow)
        ax.text(x + 0.07, -0.68, "$W_{xh}$", ha="left", va="center", fontsize=9)
        ax.text(x + 0.07, 0.68, "$W_{hy}$", ha="left", va="center", fontsize=9)

    cell(0, "t")
    # The folded view: the state loops back into the same cell at the next step.
    ax.annotate("", xy=(0.28, -0.08), xytext=(0.28, 0.08),
                arrowprops=dict(arrowstyle="->", color=red, lw=1.4,
                                connectionstyle="arc,angleA=0,angleB=0,armA=28,armB=28,rad=8"))
    ax.text(0.3, 0.42, "$W_{hh}$", ha="left", va="center", fontsize=9, color=red)
    ax.text(1.25, 0, "=", ha="center", va="center", fontsize=18)
    ax.text(1.9, 0, "$h_0$", ha="center", va="center", fontsize=12, color=red)
    for t in range(1, num_steps + 1):
        x = 1.9 + 1.6 * t
        cell(x, str(t))
        start = x - 1.25 if t > 1 else 2.15  # from the previous cell, or from h_0
        ax.annotate("", xy=(x - 0.35, 0), xytext=(start, 0), arrowprops=dict(arrow, color=red))
        ax.text((start + x - 0.35) / 2, 0.18, "$W_{hh}$", ha="center", fontsize=9, color=red)
    ax.set_xlim(-0.7, 1.9 + 1.6 * num_steps + 0.8)
    ax.set_ylim(-1.7, 1.7)
    ax.axis("off")
    ax.set_title("An RNN folded (left) and unrolled over time (right):\n"
                 "every copy shares the same $W_{xh}$, $W_{hh}$, $b_h$, $W_{hy}$, $b_y$")
    return ax


def _show_char(ch: str) -> str:
    """A visible stand-in for characters that would print as nothing: ``⏎`` for newline, ``␣`` for space."""
    return {"\n": "\u23ce", " ": "\u2423", "\t": "\u21e5"}.get(ch, ch)


MAX_HEATMAP_CHARS = 60  # at 0.125 in per character, 60 characters and the labels fill 10 inches


def plot_char_activations(text: str, activations: np.ndarray, unit_labels: Sequence[str], *, title: str = "",
                          ax: Axes | None = None) -> Axes:
    """Show what hidden units respond to: one row per unit, one column per character of ``text``.

    ``activations`` has shape ``(len(text), K)``, row ``t`` the ``K`` units' values after reading
    ``text[t]`` (e.g. from ``hidden_states``); ``unit_labels`` names the ``K`` units.  The colour
    range is fixed to ``[-1, 1]``, the range of ``tanh`` units, so plots compare across units.
    """
    activations = np.asarray(activations, dtype=float)
    if activations.shape != (len(text), len(unit_labels)):
        raise ValueError(f"activations should have shape (len(text), len(unit_labels)) = "
                         f"{(len(text), len(unit_labels))}, got {activations.shape}")
    if len(text) > MAX_HEATMAP_CHARS:
        raise ValueError(f"plot_char_activations shows at most {MAX_HEATMAP_CHARS} characters, so that "
                         f"they stay readable at the page width; got {len(text)}: show a shorter passage")
    own_figure = ax is None
    ax = _axes(ax, (min(10.0, max(6.0, 0.125 * len(text) + 2.8)), 0.45 * len(unit_labels) + 1.3))
    image = ax.imshow(activations.T, cmap="RdBu_r", vmin=-1.0, vmax=1.0, aspect="auto")  # (K, len(text))
    ax.figure.colorbar(image, ax=ax, label="activation")
    ax.set_xticks(range(len(text)), labels=[_show_char(ch) for ch in text], family="monospace", fontsize=8)
    ax.set_yticks(range(len(unit_labels)), labels=list(unit_labels))
    ax.tick_params(axis="x", length=0)
    ax.set(title=title, xlabel="input character")
    if own_figure:  # keep the unit labels inside the figure's 10 inches
        ax.figure.tight_layout()
    return ax


def _overlaps(box, others) -> bool:
    return any(box.overlaps(other) for other in others)


def label_points(ax: Axes, points: np.ndarray, labels: Sequence[str], colors: Sequence[str] | None = None,
                 *, fontsize: float = 9) -> int:
    """Write ``labels[i]`` next to ``points[i]`` ``(n, 2)`` so that no two labels overlap, if it can.

    Each label tries, in order, the positions above, below, right, left and on the diagonals of
    its point, at growing distances (in points, so the result does not depend on the data's
    scale), and takes the first whose box meets no label already placed and no other point.
    Returns how many labels could only be placed overlapping another (0 when all are clear).
    """
    points = np.asarray(points, dtype=float)
    if points.ndim != 2 or points.shape[1] != 2 or len(points) != len(labels):
        raise ValueError(f"points should be (n, 2) with one label each, got {points.shape} and {len(labels)}")
    colors = list(colors) if colors is not None else ["k"] * len(labels)
    fig = ax.figure
    ax.set_xlim(*ax.get_xlim())  # fix the limits: every box is measured in the final layout
    ax.set_ylim(*ax.get_ylim())
    renderer = fig.canvas.get_renderer()
    pixel_points = ax.transData.transform(points)  # (n, 2)
    dot = 3.0  # half the side of the square kept clear around each point, in pixels
    placed, crowded = [], 0
    directions = [(0, 1, "center", "bottom"), (0, -1, "center", "top"), (1, 0, "left", "center"),
                  (-1, 0, "right", "center"), (1, 1, "left", "bottom"), (-1, 1, "right", "bottom"),
                  (1, -1, "left", "top"), (-1, -1, "right", "top")]
    for i, (label, color) in enumerate(zip(labels, colors)):
        other_boxes = [Bbox([[x - dot, y - dot], [x + dot, y + dot]])
                       for j, (x, y) in enumerate(pixel_points) if j != i]
        text = None
        for distance, (dx, dy, ha, va) in itertools.product((3, 8, 14, 22), directions):
            text = ax.annotate(label, points[i], xytext=(dx * distance, dy * distance),
                               textcoords="offset points", ha=ha, va=va, color=color, fontsize=fontsize)
            box = text.get_window_extent(renderer)
            if not _overlaps(box, placed) and not _overlaps(box, other_boxes):
                break
            text.remove()
            text = None
        if text is None:  # nowhere clear: the first position, counted as crowded
            text = ax.annotate(label, points[i], xytext=(0, 3), textcoords="offset points", ha="center",
                               va="bottom", color=color, fontsize=fontsize)
            crowded += 1
        placed.append(text.get_window_extent(renderer))
    return crowded
