"""A multilayer, bidirectional RNN unrolled over time, drawn in code (Chapter 4).

Notation as in the course: layer ``l`` reads ``X^{(l)}_t`` and keeps a forward state
``→H^{(l)}_t`` and a backward state ``←H^{(l)}_t``.  This needs matplotlib, so
``import course_utils`` does not import this module; a chapter imports it directly.
"""

from __future__ import annotations

from matplotlib.axes import Axes

from course_utils.diagrams import _INK, _arrow, _axes, _box, _frame, _node

# Okabe-Ito blue and orange: told apart by colour-blind readers and, dark against light, in grey scale.
FORWARD = dict(fc="#d4e6f4", ec="#0072b2")
BACKWARD = dict(fc="#fdebc8", ec="#e69f00")
_BACKWARD_TEXT = "#9c6a00"  # the orange, darker: legible as text on the frame's light grey

MAX_STEPS = 5  # beyond, the figure shrinks to fit 10 inches and its labels crowd each other
_STEP = 2.2  # distance between two time steps
_WIDTH = 0.8  # width of a state box, drawn 0.05 wider on each side
_HALF_W, _HALF_H = _WIDTH / 2 + 0.05, 0.3  # the drawn half-extents of a state box
_SHIFT = 0.65  # bidirectional: forward boxes sit this far left of their step, backward boxes this far right
_RADIUS = 0.25  # the concatenation node
_GAP = 0.55  # between a layer's output line and the next layer's input line
_LABELS = 3.2  # room left of the first box for the row labels and the zero state
_INCH = 0.63  # inches per unit, until the figure is 9.8 inches wide
_PAPER = "#f7f7f7"  # the fill of a frame (diagrams._frame)
_MAX_WIDTH = 9.8  # the inline PNG pads 0.1 in on each side: 10 inches in all


def _state(direction: str, layer: int, t: int) -> str:
    """``$\\overrightarrow{H}^{(l)}_{t}$`` (direction ``"right"``) or its ``\\overleftarrow`` twin."""
    return rf"$\over{direction}arrow{{H}}^{{({layer})}}_{{{t}}}$"


def _check(num_steps: int, num_layers: int) -> None:
    """Refuse sizes that cannot be drawn, or not legibly."""
    for name, value in [("num_steps", num_steps), ("num_layers", num_layers)]:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} should be a whole number of at least 1, got {value!r}: "
                             f"the drawing needs at least one time step and one layer")
    if num_steps > MAX_STEPS:
        raise ValueError(f"draw_bidirectional_stack draws at most {MAX_STEPS} steps, so that its labels stay "
                         f"readable at the page width; got num_steps={num_steps}: draw a shorter sequence")


def _riser(ax: Axes, x: float, y0: float, y1: float, *, cross: float | None = None, head: bool = True) -> None:
    """A vertical line from ``y0`` up to ``y1``; where it crosses a row at height ``cross`` it bridges it."""
    _arrow(ax, (x, y0), (x, y1), head=head)
    if cross is not None:  # cut the row's arrow under the line, in the colour of the frame
        ax.texts[-1].set_zorder(2.4)
        ax.plot([x, x], [cross - 0.12, cross + 0.12], color=_PAPER, lw=7, solid_capstyle="butt", zorder=2.2)


def _row(ax: Axes, layer: int, y: float, xs: list[float], forward: bool, shift: float) -> None:
    """One direction of one layer: its zero state, its states and the arrows between them."""
    style, direction = (FORWARD, "right") if forward else (BACKWARD, "left")
    centres = [x + shift for x in xs]
    for t, x in enumerate(centres, start=1):
        _box(ax, x, y, _state(direction, layer, t), style, width=_WIDTH)
    if forward:  # from H_0 = 0 on the left, arrows pointing right
        ax.text(centres[0] - _HALF_W - 0.75, y, _state(direction, layer, 0) + "$ = 0$", ha="right", va="center",
                fontsize=11)
        ends = [centres[0] - _HALF_W - 0.7] + [x + _HALF_W for x in centres]
        heads = [x - _HALF_W for x in centres]
    else:  # from H_{T+1} = 0 on the right, arrows pointing left
        ax.text(centres[-1] + _HALF_W + 0.75, y, _state(direction, layer, len(xs) + 1) + "$ = 0$", ha="left",
                va="center", fontsize=11)
        ends = [x - _HALF_W for x in centres] + [centres[-1] + _HALF_W + 0.7]
        heads = [x + _HALF_W for x in centres]
        ends, heads = ends[:0:-1], heads[::-1]
    for start, end in zip(ends, heads):
        _arrow(ax, (start, y), (end, y), color=style["ec"], lw=1.6)


def _layer(ax: Axes, layer: int, base: float, xs: list[float], bidirectional: bool) -> float:
    """Draw layer ``layer``, whose input at step t arrives at ``(xs[t - 1], base)``; return where its output leaves.

    The output at step t leaves upwards from ``(xs[t - 1], returned height)``.
    """
    shift = _SHIFT if bidirectional else 0.0
    left = xs[0] - shift - _HALF_W - _LABELS
    right = xs[-1] + (shift + _HALF_W + 2.0 if bidirectional else _HALF_W + 0.3)
    y_back, y_fwd = base + 0.75, base + (1.6 if bidirectional else 0.85)
    y_cat = y_fwd + 0.8  # the concatenation nodes (bidirectional)
    top = y_cat + 0.3 if bidirectional else y_fwd + 0.55
    _frame(ax, left, right, base + 0.3, top)
    ax.text(left + 0.2, y_cat if bidirectional else y_fwd + 0.27, f"layer {layer}", ha="left", va="center",
            fontsize=11, weight="bold")
    ax.text(left + 0.2, y_fwd if bidirectional else y_fwd - 0.22, "forward", ha="left", va="center", fontsize=10,
            color=FORWARD["ec"])
    _row(ax, layer, y_fwd, xs, True, -shift)
    if not bidirectional:
        for x in xs:
            _arrow(ax, (x, base), (x, y_fwd - _HALF_H))
        return y_fwd + _HALF_H

    ax.text(left + 0.2, y_back, "backward", ha="left", va="center", fontsize=10, color=_BACKWARD_TEXT)
    _row(ax, layer, y_back, xs, False, shift)
    # At every step the input branches to both directions, and the two states meet in [ ; ].
    for x in xs:
        _arrow(ax, (x - shift, base), (x + shift, base), head=False)
        ax.plot([x], [base], "o", color=_INK, ms=4, zorder=3)
        _riser(ax, x - shift, base, y_fwd - _HALF_H, cross=y_back)
        _riser(ax, x + shift, base, y_back - _HALF_H)
        _riser(ax, x - shift, y_fwd + _HALF_H, y_cat, head=False)
        _riser(ax, x + shift, y_back + _HALF_H, y_cat, cross=y_fwd, head=False)
        _arrow(ax, (x - shift, y_cat), (x - _RADIUS, y_cat))
        _arrow(ax, (x + shift, y_cat), (x + _RADIUS, y_cat))
        _node(ax, x, y_cat, "[ ; ]", radius=_RADIUS)
    return y_cat + _RADIUS


def draw_bidirectional_stack(ax: Axes | None = None, *, num_steps: int = 4, num_layers: int = 2,
                             bidirectional: bool = True) -> Axes:
    """Draw a stack of ``num_layers`` recurrent layers unrolled over ``num_steps`` steps.

    The inputs ``X_1 … X_T`` enter at the bottom.  Each layer ``l`` (framed, labelled "layer l")
    has a row of forward states ``→H^{(l)}_t`` (blue), joined by arrows pointing right from
    ``→H^{(l)}_0 = 0``, and, when ``bidirectional``, a row of backward states ``←H^{(l)}_t``
    (orange), joined by arrows pointing left from ``←H^{(l)}_{T+1} = 0``.  At every step the
    layer's input ``X^{(l)}_t`` (``X_t`` for layer 1) branches to both directions, and the two
    states meet in a concatenation node ``[ ; ]``: ``X^{(l+1)}_t = [→H^{(l)}_t, ←H^{(l)}_t]``,
    which is what layer ``l + 1`` reads at step ``t`` and, after the last layer, the output
    ``O_t`` at the top.  With ``bidirectional=False`` there are only the forward rows and the
    output at ``t`` is the forward state.  Where a line crosses the other direction's row it
    bridges it (the row's arrow has a gap); no arrow passes through a box.

    A new figure is at most 9.8 inches wide (10 with the inline PNG's padding): 9.1 in for
    2 layers x 4 steps, 9.8 in for 3 x 5; it has no title, the chapter writes the caption.
    Returns the Axes, with the axis off.  Raises ``ValueError`` when ``num_steps`` or
    ``num_layers`` is not a whole number of at least 1, or ``num_steps`` is more than
    :data:`MAX_STEPS` (5), past which the labels would crowd each other.
    """
    _check(num_steps, num_layers)
    xs = [_STEP * t for t in range(num_steps)]
    shift = _SHIFT if bidirectional else 0.0
    x_min = xs[0] - shift - _HALF_W - _LABELS - 0.2
    x_max = xs[-1] + (shift + _HALF_W + 2.2 if bidirectional else _HALF_W + 0.5)
    per_layer = (2.65 if bidirectional else 1.15) + _GAP  # from its input line to the next layer's
    y_max = num_layers * per_layer - _GAP + 0.95
    scale = min(_INCH, _MAX_WIDTH / (x_max - x_min))
    own_figure = ax is None
    ax = _axes(ax, ((x_max - x_min) * scale, (y_max + 0.6) * scale))
    if own_figure:  # the drawing fills its figure
        ax.figure.subplots_adjust(left=0, right=1, bottom=0, top=1)

    base = 0.0
    for t, x in enumerate(xs, start=1):
        ax.text(x, -0.35, f"$X_{{{t}}}$", ha="center", va="center", fontsize=12)
        _arrow(ax, (x, -0.1), (x, base), head=False)
    for layer in range(1, num_layers + 1):
        top = _layer(ax, layer, base, xs, bidirectional)
        base = top + _GAP  # the next layer's input line
        if layer < num_layers:
            for x in xs:
                _arrow(ax, (x, top), (x, base), head=False)
    for t, x in enumerate(xs, start=1):  # the last layer's output
        _arrow(ax, (x, top), (x, top + 0.45))
        ax.text(x, top + 0.7, f"$O_{{{t}}}$", ha="center", va="center", fontsize=12)
    ax.set_xlim(x_min, x_max)
    ax.set_ylim(-0.6, y_max)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax
