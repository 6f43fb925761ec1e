"""Grids of panels, and ticks whose labels fit the panel they are drawn in.

matplotlib's default log ticks label minor ticks ("2x10^-1", "3x10^-1"...)
when an axis spans less than about two decades, and those labels overlap in
a small panel. The locator here instead picks, each time the axis is drawn,
the densest "nice" set of ticks (1-2-5 within decades, whole decades, every
other decade...) whose labels, measured in the panel's font, leave a gap
between neighbours at the axis' drawn length.
"""

# Authors: The sklearn-hypersearch developers
# SPDX-License-Identifier: BSD-3-Clause

import math

import matplotlib as mpl
import numpy as np
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import text_to_path
from matplotlib.ticker import (
    Formatter,
    Locator,
    LogLocator,
    MaxNLocator,
    NullFormatter,
    NullLocator,
    ScalarFormatter,
)

# At most this many panels per row of a grid.
MAX_COLUMNS = 4
# Size of one panel of a grid, in inches (without the figure's margins).
PANEL_WIDTH, PANEL_HEIGHT = 2.4, 2.1
# Gap between neighbouring tick labels, as a fraction of the font size.
LABEL_GAP = 0.6
# Tick labels on a numeric axis: never more than this many.
MAX_TICKS = 8
# Decade strides of the sparse candidate tick sets of a wide log axis.
_DECADE_STRIDES = (1, 2, 3, 4, 5, 10, 20, 50, 100)
# Multiples within a decade of the dense candidate tick sets, densest first.
_LOG_SUBS = ((1, 2, 3, 4, 5, 6, 7, 8, 9), (1, 2, 5), (1, 3))
# Linear axes write numbers below 10^-3 or from 10^5 on as multiples of a power
# of 10 shown once at the axis' end.
_POWER_LIMITS = (-3, 5)
# Rotations tried for the labels of a categorical axis, in degrees.
_ROTATIONS = (0, 30, 90)


def grid_shape(n):
    """``(rows, columns)`` of a grid of ``n`` panels.

    At most ``MAX_COLUMNS`` per row, and as few empty slots as that allows:
    five panels are 2 x 3 (one empty slot), not 2 x 4 (three).
    """
    rows = math.ceil(n / MAX_COLUMNS)
    return rows, math.ceil(n / rows)


def grid_of_axes(plt, n, *, sharex=False, extra_width=0.0):
    """A figure of ``n`` panels sharing the y axis; a flat array of its axes.

    ``extra_width`` (inches) makes room for a colour bar. Every panel keeps
    its x tick labels, also above an empty slot of a shared-x grid.
    """
    nrows, ncols = grid_shape(n)
    fig, axes = plt.subplots(
        nrows,
        ncols,
        figsize=(PANEL_WIDTH * ncols + 0.7 + extra_width, PANEL_HEIGHT * nrows + 0.4),
        sharex=sharex,
        sharey=True,
        squeeze=False,
        layout="constrained",
    )
    engine = getattr(fig, "get_layout_engine", lambda: None)()
    if engine is not None:  # matplotlib >= 3.6
        # room between panels for the end labels of neighbouring x axes
        engine.set(wspace=0.06)
    axes = axes.ravel()
    for ax in axes[n:]:
        fig.delaxes(ax)
    if sharex:
        for ax in axes[:n]:
            ax.xaxis.set_tick_params(labelbottom=True)
    return axes[:n]


def label_rows(axes, text):
    """Put the y label ``text`` on the first panel of each row of a grid."""
    ncols = grid_shape(len(axes))[1]
    for ax in axes[::ncols]:
        ax.set_ylabel(text)


def _plain(value):
    return 1e-4 <= abs(value) < 1e6 or value == 0


def number_label(value, plain=None):
    """A tick value in plain digits (``0.02``, ``81``), or as ``2x10^-5``.

    ``plain=None`` writes plain digits from 0.0001 to 999999.
    """
    value = float(value)
    if plain is None:
        plain = _plain(value)
    if value == 0:
        return "0"
    if plain:
        if value.is_integer():
            return str(int(value))
        return np.format_float_positional(
            value, precision=4, fractional=False, trim="-"
        )
    mantissa, exponent = f"{value:.2e}".split("e")
    mantissa = mantissa.rstrip("0").rstrip(".")
    power = f"10^{{{int(exponent)}}}"
    if mantissa in ("1", "-1"):
        body = power if mantissa == "1" else "-" + power
    else:
        body = rf"{mantissa}\times{power}"
    return rf"$\mathdefault{{{body}}}$"


class NumberFormatter(Formatter):
    """Tick labels in one style per axis: all plain digits, or all powers of 10."""

    def __init__(self):
        self.plain = True

    def set_locs(self, locs):
        super().set_locs(locs)
        self.plain = all(_plain(float(v)) for v in locs)

    def __call__(self, x, pos=None):
        return number_label(x, plain=self.plain)


def text_size(text, fontsize):
    """``(width, height)`` in points of ``text`` drawn at ``fontsize``."""
    if not text:
        return 0.0, 0.0
    ismath = text.count("$") >= 2 and text.count("$") % 2 == 0
    width, height, _ = text_to_path.get_text_width_height_descent(
        text, FontProperties(size=fontsize), ismath
    )
    return float(width), float(height)


def _tick_fontsize(axis_name):
    size = mpl.rcParams[f"{axis_name}tick.labelsize"]
    return FontProperties(size=size).get_size_in_points()


def _log_candidates(vmin, vmax):
    """Candidate tick sets of a log axis, densest first."""
    low, high = math.floor(math.log10(vmin)), math.ceil(math.log10(vmax))
    decades = range(low, high + 1)
    sets = []
    for subs in _LOG_SUBS:
        sets.append([s * 10.0**k for k in decades for s in subs])
    for stride in _DECADE_STRIDES:
        # whole decades, every stride-th, aligned on multiples of the stride
        start = math.ceil(low / stride) * stride
        sets.append([10.0**k for k in range(start, high + 1, stride)])
    return sets


def _linear_candidates(vmin, vmax, integer):
    return [
        MaxNLocator(
            nbins=nbins, steps=[1, 2, 2.5, 5, 10], integer=integer, min_n_ticks=1
        ).tick_values(vmin, vmax)
        for nbins in range(MAX_TICKS, 0, -1)
    ]


def _thinned(values):
    """Candidate subsets of fixed values: all, every 2nd, every 3rd...

    Each keeps the largest value (the full resource of a Hyperband ladder).
    """
    values = sorted(values)
    return [values[::-1][::stride][::-1] for stride in range(1, len(values) + 1)]


class FittedLocator(Locator):
    """Major ticks whose labels fit the drawn axis, chosen at each draw.

    Parameters
    ----------
    kind : {"log", "linear", "fixed"}
        "log" tries 1-2-5 ticks within decades, then whole decades, then
        sparser decades (and, on an axis narrower than a decade, linear
        steps); "linear" tries matplotlib's nice steps with fewer and fewer
        ticks; "fixed" tries ``values``, then every 2nd of them, and so on.
    integer : bool, default=False
        Linear ticks at integers only.
    values : sequence of float, default=()
        The ticks of ``kind="fixed"``.
    """

    def __init__(self, kind, *, integer=False, values=()):
        self.kind = kind
        self.integer = integer
        self.values = tuple(values)

    def __call__(self):
        vmin, vmax = self.axis.get_view_interval()
        return self.tick_values(vmin, vmax)

    def tick_values(self, vmin, vmax):
        vmin, vmax = sorted((float(vmin), float(vmax)))
        if not (np.isfinite(vmin) and np.isfinite(vmax)) or vmin == vmax:
            return np.array([vmin])
        log = self.kind == "log" or self.axis.get_scale() == "log"
        if log and vmin <= 0:
            vmin = vmax / 10.0
        if self.kind == "log":
            families = [
                _log_candidates(vmin, vmax),
                # narrower than a decade: few 1-2-5 ticks, linear steps instead
                _linear_candidates(vmin, vmax, self.integer),
            ]
        elif self.kind == "fixed":
            families = [_thinned(self.values)]
        else:
            families = [_linear_candidates(vmin, vmax, self.integer)]
        best = []
        for family in families:
            best = self._densest_fitting(family, vmin, vmax, log) or best
            if len(best) >= 2:
                break
        return self.raise_if_exceeds(np.asarray(best, dtype=float))

    def _densest_fitting(self, family, vmin, vmax, log):
        """The candidate with most ticks in view whose labels fit, or one tick."""
        tolerance = 1e-9 * (vmax - vmin)
        best, single = None, None
        for ticks in family:
            ticks = [t for t in ticks if vmin - tolerance <= t <= vmax + tolerance]
            if len(ticks) == 1 and single is None:
                single = ticks
            if not ticks or len(ticks) > MAX_TICKS:
                continue
            if (best is None or len(ticks) > len(best)) and self._fits(
                ticks, vmin, vmax, log
            ):
                best = ticks
        return best if best is not None else single

    def _fits(self, ticks, vmin, vmax, log):
        """Whether neighbouring labels leave a gap between them when drawn."""
        if len(ticks) < 2:
            return True
        horizontal = self.axis.axis_name == "x"
        axes = self.axis.axes
        length = axes.bbox.width if horizontal else axes.bbox.height
        length *= 72.0 / axes.figure.dpi  # pixels to points
        fontsize = _tick_fontsize(self.axis.axis_name)
        labels = self.axis.major.formatter.format_ticks(list(ticks))
        sizes = [text_size(text, fontsize)[0 if horizontal else 1] for text in labels]
        at = np.asarray(ticks, dtype=float)
        lo, hi = vmin, vmax
        if log:
            at, lo, hi = np.log10(at), math.log10(lo), math.log10(hi)
        at = (at - lo) / (hi - lo) * length
        need = np.add(sizes[:-1], sizes[1:]) / 2 + LABEL_GAP * fontsize
        return bool(np.all(np.diff(at) >= need))


def set_numeric_axis(ax, log, *, integer=False):
    """Log or linear x axis whose tick labels fit; unlabelled minor ticks."""
    if log:
        ax.set_xscale("log")
        ax.xaxis.set_major_locator(FittedLocator("log", integer=integer))
        ax.xaxis.set_major_formatter(NumberFormatter())
        ax.xaxis.set_minor_locator(LogLocator(subs=np.arange(2, 10)))
        ax.xaxis.set_minor_formatter(NullFormatter())
    else:
        ax.xaxis.set_major_locator(FittedLocator("linear", integer=integer))
        # 0.0002, 0.0004... as 2, 4... times 10^-4: short labels fit more ticks
        formatter = ScalarFormatter(useMathText=True)
        formatter.set_powerlimits(_POWER_LIMITS)
        ax.xaxis.set_major_formatter(formatter)


def set_fixed_log_axis(ax, values):
    """Log x axis with ticks at ``values`` only (as many as fit)."""
    ax.set_xscale("log")
    ax.xaxis.set_major_locator(FittedLocator("fixed", values=values))
    ax.xaxis.set_major_formatter(NumberFormatter())
    ax.xaxis.set_minor_locator(NullLocator())


def lay_out(fig):
    """Run the figure's layout without rendering, so that axes have their size.

    The rotation of categorical labels and the margins that keep markers
    inside are chosen from the drawn size of each panel, known only once
    the constrained layout has placed labels and colour bars.
    """
    if hasattr(fig, "draw_without_rendering"):
        fig.draw_without_rendering()
    else:  # matplotlib < 3.6
        fig.canvas.draw()


def _axes_size_pt(ax):
    """Drawn ``(width, height)`` of ``ax`` in points, as of the last layout."""
    scale = 72.0 / ax.figure.dpi
    return ax.bbox.width * scale, ax.bbox.height * scale


def set_categorical(ax, labels):
    """A categorical x axis: one tick per label, in the order of ``labels``."""
    n = len(labels)
    ax.set_xticks(range(n))
    ax.set_xticklabels(labels)
    ax.set_xlim(-0.5, n - 0.5)


def rotate_categorical(ax):
    """Rotate the labels of a categorical x axis as far as they need.

    Labels stay horizontal when they fit side by side, else they are
    rotated by 30 degrees when that leaves a gap between them, else by 90.
    Call after :func:`lay_out`; returns whether the labels were rotated.
    """
    labels = [t.get_text() for t in ax.get_xticklabels()]
    n = len(labels)
    fontsize = _tick_fontsize("x")
    sizes = [text_size(label, fontsize) for label in labels]
    widest = max((w for w, _ in sizes), default=0.0)
    tallest = max((h for _, h in sizes), default=0.0) * 1.3
    slot = _axes_size_pt(ax)[0] / max(n, 1)
    gap = LABEL_GAP * fontsize
    rotation = _ROTATIONS[-1]
    for angle in _ROTATIONS:
        if angle == 0:
            fits = n < 2 or slot >= widest + gap
        else:
            # parallel labels: their distance across the text direction
            fits = slot * math.sin(math.radians(angle)) >= tallest + gap
        if fits:
            rotation = angle
            break
    if rotation == 0:
        return False
    if rotation == 90:
        ax.set_xticks(range(n), labels, rotation=90)
    else:
        ax.set_xticks(
            range(n), labels, rotation=rotation, ha="right", rotation_mode="anchor"
        )
    return True


def keep_markers_inside(ax, radius_pt, *, x=True, y=True):
    """Margins that keep a marker of ``radius_pt`` at the data's edge inside.

    Margins are fractions of the data range on each side, so a marker at
    the edge is ``m / (1 + 2 m)`` of the axis from its end. Call after
    :func:`lay_out`.
    """
    width, height = _axes_size_pt(ax)
    pad = radius_pt + 1.5
    if x:
        ax.margins(x=max(0.05, pad / max(width - 2 * pad, 1.0)))
    if y:
        ax.margins(y=max(0.05, pad / max(height - 2 * pad, 1.0)))
