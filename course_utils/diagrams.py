"""Gated recurrent cells drawn in code (LSTM, GRU), and a heatmap of gate activations over characters.

Row form as in the course: ``x_t W_xf`` rather than ``W_xf x_t``.  These need matplotlib, so
``import course_utils`` does not import this module; a chapter imports it directly.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib import patheffects
from matplotlib.patches import Circle, FancyBboxPatch

from course_utils.plotting import MAX_HEATMAP_CHARS, _show_char

_INK = "#333333"
_GATE = dict(fc="#dbe9f6", ec="#1f4e79")  # sigmoid gates, as the cells of draw_unrolled_rnn
_TANH = dict(fc="#fde9c9", ec="#b9770e")  # tanh layers (candidate values)
_PATH = "#c0392b"  # the highlighted state path


def _axes(ax: Axes | None, figsize: tuple[float, float]) -> Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def _box(ax: Axes, x: float, y: float, label: str, style: dict, width: float = 0.8) -> None:
    """A rounded layer box centred at (x, y): 0.5 high, ``width`` wide."""
    ax.add_patch(FancyBboxPatch((x - width / 2, y - 0.25), width, 0.5, boxstyle="round,pad=0.05",
                                lw=1.3, zorder=3, **style))
    ax.text(x, y, label, ha="center", va="center", fontsize=12, zorder=4)


def _node(ax: Axes, x: float, y: float, label: str, radius: float = 0.22) -> None:
    """A round pointwise-operation node (⊙, ⊕, 1−) centred at (x, y)."""
    ax.add_patch(Circle((x, y), radius, fc="white", ec=_INK, lw=1.3, zorder=5))
    ax.text(x, y, label, ha="center", va="center", fontsize=14 if "\\" in label else 10, zorder=6)


def _arrow(ax: Axes, start: tuple[float, float], end: tuple[float, float], *, color: str = _INK,
           lw: float = 1.3, bend: str | None = None, head: bool = True, over: bool = False) -> None:
    """An arrow (or a plain line when ``head`` is false); ``bend`` is a matplotlib connectionstyle.

    ``over`` draws it above the other lines with a white halo, so that a crossing reads as a bridge.
    """
    props = dict(arrowstyle="-|>" if head else "-", color=color, lw=lw, shrinkA=0, shrinkB=0,
                 mutation_scale=12, connectionstyle=bend or "arc3")
    arrow = ax.annotate("", xy=end, xytext=start, arrowprops=props, zorder=2.5 if over else 2)
    if over:
        arrow.arrow_patch.set_path_effects([patheffects.withStroke(linewidth=lw + 6, foreground="white")])


def _frame(ax: Axes, x0: float, x1: float, y0: float, y1: float) -> None:
    """The light rounded outline of the cell."""
    ax.add_patch(FancyBboxPatch((x0, y0), x1 - x0, y1 - y0, boxstyle="round,pad=0.1", fc="#f7f7f7",
                                ec="#999999", lw=1.0, zorder=0))


def draw_lstm_cell(ax: Axes | None = None) -> Axes:
    """Draw one LSTM cell: the gates, the additive cell path along the top and the hidden path out.

    ``x_t`` (from below) and ``h_{t-1}`` (from the left) are concatenated and feed four layers:
    the forget gate ``f_t = σ(·)``, the input gate ``i_t = σ(·)``, the candidate
    ``C̃_t = tanh(·)`` (PyTorch's ``g``) and the output gate ``o_t = σ(·)``.  The cell path runs
    straight along the top, ``C_t = f_t ⊙ C_{t-1} + i_t ⊙ C̃_t``, touched only by a product and
    a sum; the hidden path ``h_t = o_t ⊙ tanh(C_t)`` leaves to the right (next step) and up (output).
    """
    ax = _axes(ax, (9, 4.5))
    y_cell, y_mul, y_gate, y_bus = 4.3, 3.3, 2.2, 1.0
    xf, xi, xg, xo, x_add, x_out, x_h = 3.0, 4.4, 6.2, 7.7, 5.3, 8.9, 10.1
    _frame(ax, 1.0, 10.6, 0.45, 4.85)

    # Cell path (thick): C_{t-1} -> (x f_t) -> (+ i_t g_t) -> C_t.
    ax.text(0.85, y_cell, "$C_{t-1}$", ha="right", va="center", fontsize=13, color=_PATH)
    ax.text(11.55, y_cell, "$C_t$", ha="center", va="center", fontsize=13, color=_PATH)
    _arrow(ax, (0.95, y_cell), (11.2, y_cell), color=_PATH, lw=3.2)
    _node(ax, xf, y_cell, r"$\odot$")
    _node(ax, x_add, y_cell, r"$\oplus$")
    ax.text(7.3, y_cell + 0.22, "cell path: additive", ha="center", va="bottom", fontsize=10,
            color=_PATH, style="italic")

    # Inputs: h_{t-1} from the left and x_t from below, concatenated on a bus under the gates.
    ax.text(0.85, y_bus, "$h_{t-1}$", ha="right", va="center", fontsize=13)
    _arrow(ax, (0.95, y_bus), (xo, y_bus), head=False)
    ax.text(1.6, -0.2, "$x_t$", ha="center", va="center", fontsize=13)
    _arrow(ax, (1.6, 0.05), (1.6, y_bus), head=False)
    ax.plot([1.6], [y_bus], "o", color=_INK, ms=4, zorder=3)
    ax.text(2.4, y_bus - 0.12, "$[x_t, h_{t-1}]$", ha="center", va="top", fontsize=10)

    # The four layers, each fed from the bus.
    for x, label, style in [(xf, r"$\sigma$", _GATE), (xi, r"$\sigma$", _GATE), (xg, "tanh", _TANH),
                            (xo, r"$\sigma$", _GATE)]:
        _arrow(ax, (x, y_bus), (x, y_gate - 0.3))
        _box(ax, x, y_gate, label, style)

    # f_t scales the old cell state; i_t * C~_t is added to it.
    _arrow(ax, (xf, y_gate + 0.3), (xf, y_cell - 0.22))
    ax.text(xf - 0.1, 3.25, "$f_t$", ha="right", va="center", fontsize=12)
    _node(ax, x_add, y_mul, r"$\odot$")
    _arrow(ax, (xi, y_gate + 0.3), (x_add - 0.22, y_mul), bend="angle,angleA=0,angleB=90,rad=0")
    ax.text(xi - 0.1, 2.85, "$i_t$", ha="right", va="center", fontsize=12)
    _arrow(ax, (xg, y_gate + 0.3), (x_add + 0.22, y_mul), bend="angle,angleA=180,angleB=90,rad=0")
    ax.text(xg + 0.1, 2.85, r"$\tilde{C}_t$", ha="left", va="center", fontsize=12)
    _arrow(ax, (x_add, y_mul + 0.22), (x_add, y_cell - 0.22))

    # Hidden path: tanh(C_t) gated by o_t gives h_t, out to the right and up.
    _arrow(ax, (x_out, y_cell), (x_out, y_mul + 0.27))
    _box(ax, x_out, y_mul, "tanh", _TANH, width=0.75)
    _node(ax, x_out, y_gate, r"$\odot$")
    _arrow(ax, (x_out, y_mul - 0.3), (x_out, y_gate + 0.22))
    _arrow(ax, (xo + 0.45, y_gate), (x_out - 0.22, y_gate))
    ax.text(xo + 0.55, y_gate + 0.1, "$o_t$", ha="left", va="bottom", fontsize=12)
    _arrow(ax, (x_out + 0.22, y_gate), (x_h, y_gate), head=False)
    ax.plot([x_h], [y_gate], "o", color=_INK, ms=4, zorder=3)
    _arrow(ax, (x_h, y_gate), (11.2, y_gate))
    ax.text(11.55, y_gate, "$h_t$", ha="center", va="center", fontsize=13)
    _arrow(ax, (x_h, y_gate), (x_h, 5.25), over=True)  # crosses the cell path without joining it
    ax.text(x_h, 5.5, "$h_t$", ha="center", va="center", fontsize=13)
    ax.text(10.05, y_gate - 0.15, "hidden path", ha="center", va="top", fontsize=10, style="italic")

    ax.set_xlim(-0.3, 12)
    ax.set_ylim(-0.5, 5.8)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title("An LSTM cell: $C_t = f_t \\odot C_{t-1} + i_t \\odot \\tilde{C}_t$,  "
                 "$h_t = o_t \\odot \\tanh(C_t)$\n"
                 "each box is a layer on $[x_t, h_{t-1}]$, e.g. $f_t = \\sigma(x_t W_{xf} + h_{t-1} W_{hf} + b_f)$",
                 fontsize=11)
    return ax


def draw_gru_cell(ax: Axes | None = None) -> Axes:
    """Draw one GRU cell in the "reset after" form of PyTorch and Keras (``reset_after=True``).

    Gates ``r_t = σ(x_t W_xr + h_{t-1} W_hr + b_r)`` and ``z_t = σ(x_t W_xz + h_{t-1} W_hz + b_z)``;
    the candidate ``ñ_t = tanh(x_t W_xn + b_xn + r_t ⊙ (h_{t-1} W_hn + b_hn))`` (PyTorch's ``n_t``),
    where the reset gate scales the recurrent term after its matrix product; and the state path
    along the top, ``h_t = (1 - z_t) ⊙ ñ_t + z_t ⊙ h_{t-1}``, with its ``1 - z_t`` node drawn.
    """
    ax = _axes(ax, (9, 4.5))
    y_top, y_mid, y_gate, y_bus = 4.3, 3.3, 2.2, 1.0
    xz, xr, x_one, x_rh, xn, x_h = 3.0, 4.6, 6.3, 6.9, 8.8, 10.2
    _frame(ax, 1.0, 10.6, 0.45, 4.85)

    # State path (thick): h_{t-1} -> (x z_t) -> (+ (1 - z_t) n_t) -> h_t.
    ax.text(0.85, y_top, "$h_{t-1}$", ha="right", va="center", fontsize=13, color=_PATH)
    ax.text(11.55, y_top, "$h_t$", ha="center", va="center", fontsize=13, color=_PATH)
    _arrow(ax, (0.95, y_top), (11.2, y_top), color=_PATH, lw=3.2)
    _node(ax, xz, y_top, r"$\odot$")
    _node(ax, xn, y_top, r"$\oplus$")
    ax.text(5.9, y_top + 0.22, "state path: keep ($z_t$) or overwrite ($1 - z_t$)", ha="center",
            va="bottom", fontsize=10, color=_PATH, style="italic")
    _arrow(ax, (x_h, y_top), (x_h, 5.25))
    ax.text(x_h, 5.5, "$h_t$", ha="center", va="center", fontsize=13)

    # Inputs: h_{t-1} branches down from the state path, x_t comes from below.
    _arrow(ax, (1.45, y_top), (1.45, y_bus), head=False)
    ax.plot([1.45], [y_top], "o", color=_PATH, ms=5, zorder=3)
    _arrow(ax, (1.45, y_bus), (xn, y_bus), head=False)
    ax.text(2.1, -0.2, "$x_t$", ha="center", va="center", fontsize=13)
    _arrow(ax, (2.1, 0.05), (2.1, y_bus), head=False)
    ax.plot([2.1], [y_bus], "o", color=_INK, ms=4, zorder=3)
    ax.text(3.8, y_bus - 0.12, "$[x_t, h_{t-1}]$", ha="center", va="top", fontsize=10)

    # Update gate z_t: scales h_{t-1} on the state path; 1 - z_t scales the candidate.
    for x in (xz, xr):
        _arrow(ax, (x, y_bus), (x, y_gate - 0.3))
        _box(ax, x, y_gate, r"$\sigma$", _GATE)
    _arrow(ax, (xz, y_gate + 0.3), (xz, y_top - 0.22))
    ax.text(xz - 0.1, 2.85, "$z_t$", ha="right", va="center", fontsize=12)
    ax.plot([xz], [y_mid], "o", color=_INK, ms=4, zorder=3)
    _arrow(ax, (xz, y_mid), (x_one - 0.3, y_mid))
    _node(ax, x_one, y_mid, "$1-$", radius=0.3)
    _node(ax, xn, y_mid, r"$\odot$")
    _arrow(ax, (x_one + 0.3, y_mid), (xn - 0.22, y_mid))
    ax.text(7.55, y_mid + 0.1, "$1 - z_t$", ha="center", va="bottom", fontsize=11)
    _arrow(ax, (xn, y_mid + 0.22), (xn, y_top - 0.22))

    # Reset gate r_t: scales the recurrent term h_{t-1} W_hn + b_hn, after the product.
    _node(ax, x_rh, y_gate, r"$\odot$")
    _arrow(ax, (xr + 0.45, y_gate), (x_rh - 0.22, y_gate))
    ax.text(5.35, y_gate + 0.08, "$r_t$", ha="center", va="bottom", fontsize=12)
    _arrow(ax, (x_rh, y_bus), (x_rh, y_gate - 0.22))
    ax.text(x_rh - 0.08, 1.6, "$h_{t-1}W_{hn} + b_{hn}$", ha="right", va="center", fontsize=9)
    _box(ax, xn, y_gate, "tanh", _TANH)
    _arrow(ax, (x_rh + 0.22, y_gate), (xn - 0.45, y_gate))
    _arrow(ax, (xn, y_bus), (xn, y_gate - 0.3))
    ax.text(xn + 0.08, 1.6, "$x_t W_{xn} + b_{xn}$", ha="left", va="center", fontsize=9)
    _arrow(ax, (xn, y_gate + 0.3), (xn, y_mid - 0.22))
    ax.text(xn + 0.1, 2.8, r"$\tilde{n}_t$", ha="left", va="center", fontsize=12)

    ax.set_xlim(-0.3, 12)
    ax.set_ylim(-0.5, 5.8)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title("A GRU cell (reset after, as in PyTorch and Keras): "
                 "$h_t = (1 - z_t) \\odot \\tilde{n}_t + z_t \\odot h_{t-1}$\n"
                 "$\\tilde{n}_t = \\tanh(x_t W_{xn} + b_{xn} + r_t \\odot (h_{t-1} W_{hn} + b_{hn}))$",
                 fontsize=11)
    return ax


def plot_gate_heatmap(text: str, gates: Mapping[str, np.ndarray], *, units: Sequence[int], title: str = "",
                      ax: Axes | None = None) -> Axes:
    """Show gate activations over a text: one row per (gate, unit), one column per character.

    ``gates`` maps a gate's name (e.g. ``"forget f"``) to its activations of shape
    ``(len(text), num_hiddens)``, row ``t`` after reading ``text[t]``; ``units`` picks the
    hidden units to show, for every gate.  Rows are grouped by gate, in the order of ``gates``,
    with a white line between groups.  The colour range is fixed to ``[0, 1]`` (viridis, a
    colour bar from 0 closed to 1 open), the range of sigmoid gates, so plots compare.
    Characters are monospace tick labels, newlines shown as ``⏎`` and spaces as ``␣``.  At most
    :data:`course_utils.plotting.MAX_HEATMAP_CHARS` (60) characters, so that the figure it
    makes fits 10 inches with every character legible.
    Raises ``ValueError`` when the text is longer, a gate's shape does not fit the text or a
    unit does not exist.
    """
    if not gates:
        raise ValueError("gates is empty: pass at least one gate, e.g. {'forget f': f}")
    units = [int(u) for u in units]
    if not units:
        raise ValueError("units is empty: pass the indices of the hidden units to show")
    if len(text) > MAX_HEATMAP_CHARS:
        raise ValueError(f"plot_gate_heatmap shows at most {MAX_HEATMAP_CHARS} characters, so that they stay "
                         f"readable at the page width; got {len(text)}: show a shorter passage (and its gates)")
    rows, labels = [], []
    for name, values in gates.items():
        values = np.asarray(values, dtype=float)
        if values.ndim != 2 or values.shape[0] != len(text):
            raise ValueError(f"gate {name!r} should have shape (len(text), num_hiddens) = ({len(text)}, ...), "
                             f"got {values.shape}: one row per character of the text")
        bad = [u for u in units if not -values.shape[1] <= u < values.shape[1]]
        if bad:
            raise ValueError(f"units {bad} do not exist in gate {name!r}, which has {values.shape[1]} units")
        rows.append(values[:, units].T)  # (len(units), len(text))
        labels += [f"{name}, unit {u}" for u in units]
    image_data = np.concatenate(rows, axis=0)  # (len(gates) * len(units), len(text))
    own_figure = ax is None
    ax = _axes(ax, (min(10.0, max(6.0, 0.125 * len(text) + 3.0)), 0.3 * len(labels) + 1.5))
    image = ax.imshow(image_data, cmap="viridis", vmin=0.0, vmax=1.0, aspect="auto")
    bar = ax.figure.colorbar(image, ax=ax, label="gate value (0 closed, 1 open)", pad=0.02)
    bar.set_ticks([0.0, 0.25, 0.5, 0.75, 1.0])
    for k in range(1, len(gates)):  # separate the gates' groups of rows
        ax.axhline(k * len(units) - 0.5, color="white", lw=2)
    ax.set_xticks(range(len(text)), labels=[_show_char(ch) for ch in text], family="monospace", fontsize=11)
    ax.set_yticks(range(len(labels)), labels=labels, fontsize=9)
    ax.tick_params(axis="x", length=0)
    ax.set(title=title, xlabel="input character")
    if own_figure:  # keep the row labels and the colour bar inside the figure's 10 inches
        ax.figure.tight_layout()
    return ax
