"""Small, dependency-free SVG charts for the HTML report.

Each function returns one ``<svg>`` element as text, with a ``<title>`` and
text labels, so a report opens offline and a test can read what a chart
shows. Text from input data is escaped; labels sit in ``<text>`` elements
with ``direction`` left to the browser (Arabic and Persian names render
right to left).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from html import escape

WIDTH = 760
COLOURS = {"hard": "#2b6cb0", "soft": "#38a169", "cost": "#c53030", "net": "#2d3748", "neutral": "#718096",
           "negative": "#dd6b20"}
LEGEND = {"hard": "hard (money that changed hands)", "soft": "soft (model or price estimate)", "cost": "cost",
          "negative": "negative value", "net": "net value"}


def _fill(kind: str, value: float) -> str:
    """A bar's colour: its kind, or the negative colour for a value component below zero (costs stay red)."""
    return COLOURS["negative"] if value < 0 and kind in ("hard", "soft", "neutral") else COLOURS[kind]


def _mark(colour: str, solid: bool) -> str:
    """Fill and stroke of a bar or point: hollow (outline only) when the estimate's interval spans zero."""
    return f'fill="{colour}" stroke="{colour}"' if solid else f'fill="#ffffff" stroke="{colour}" stroke-width="1.5"'


def _same(text: str) -> str:
    return text


def legend(kinds: Sequence[str], t: Callable[[str], str] = _same) -> str:
    """An HTML legend of the colours a chart uses (``t`` translates its words)."""
    return '<p class="legend">' + " ".join(
        f'<span><i style="background:{COLOURS[k]}"></i>{escape(t(LEGEND[k]))}</span>' for k in dict.fromkeys(kinds)
        if k in LEGEND) + "</p>"


def _axis(x: Callable[[float], float], lo: float, hi: float, y: float, fmt: Callable[[float], str]) -> list[str]:
    """A horizontal axis with five ticks labelled in the chart's unit."""
    out = [f'<line class="axis" x1="{x(lo):.1f}" y1="{y}" x2="{x(hi):.1f}" y2="{y}" stroke="#a0aec0"/>']
    for k in range(5):
        v = lo + (hi - lo) * k / 4
        out.append(f'<line x1="{x(v):.1f}" y1="{y}" x2="{x(v):.1f}" y2="{y + 4}" stroke="#a0aec0"/>')
        out.append(f'<text class="tick" x="{x(v):.1f}" y="{y + 16}" font-size="10" text-anchor="middle">'
                   f'{escape(fmt(v))}</text>')
    return out


def _scale(lo: float, hi: float, a: float, b: float) -> Callable[[float], float]:
    if hi == lo:
        hi = lo + 1.0
    return lambda v: a + (v - lo) / (hi - lo) * (b - a)


def _short(label: str, n: int = 34) -> str:
    """A label that fits the label column (the full text stays in the element's tooltip)."""
    label = str(label)
    return label if len(label) <= n else label[: n - 1] + "…"


def _svg(title: str, height: int, body: list[str], cls: str) -> str:
    # charts lay out left to right in every language (numbers grow to the right); an Arabic or Persian label
    # still shapes and orders its own letters right to left inside its text element
    return (f'<svg class="chart {cls}" role="img" viewBox="0 0 {WIDTH} {height}" width="100%" direction="ltr" '
            f'style="direction:ltr" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
            f'{"".join(body)}</svg>')


def waterfall(title: str, steps: Sequence[tuple[str, float, str]], fmt: Callable[[float], str]) -> str:
    """Bars that start where the previous one ended: components (+), costs (-), then the net total.

    ``steps`` are (label, amount, kind) with kind hard, soft, cost or net; a
    net step is drawn from zero.
    """
    running, spans = 0.0, []
    for label, amount, kind in steps:
        if kind == "net":
            spans.append((label, 0.0, amount, kind, amount))
        else:
            spans.append((label, running, running + amount, kind, amount))
            running += amount
    lo = min(0.0, *(min(a, b) for _, a, b, _, _ in spans))
    hi = max(0.0, *(max(a, b) for _, a, b, _, _ in spans))
    left, right = 230, WIDTH - 110
    x = _scale(lo, hi, left, right)
    row = 30
    height = 40 + row * len(spans)
    body = [f'<line x1="{x(0):.1f}" y1="20" x2="{x(0):.1f}" y2="{height - 10}" stroke="#a0aec0"/>']
    for i, (label, a, b, kind, amount) in enumerate(spans):
        y = 25 + i * row
        x0, x1 = sorted((x(a), x(b)))
        body.append(f'<rect class="bar {kind}" x="{x0:.1f}" y="{y}" width="{max(x1 - x0, 1):.1f}" height="{row - 8}" '
                    f'fill="{_fill(kind, amount)}"><title>{escape(label)}: {escape(fmt(amount))}</title></rect>')
        body.append(f'<text class="label" x="{left - 8}" y="{y + 16}" text-anchor="end" font-size="12">'
                    f'{escape(_short(label))}</text>')
        body.append(f'<text class="value" x="{x1 + 6:.1f}" y="{y + 16}" font-size="12">{escape(fmt(amount))}</text>')
    return _svg(title, height, body, "waterfall")


def forest(title: str, rows: Sequence[tuple[str, float, float, float]], fmt: Callable[[float], str],
           t: Callable[[str], str] = _same) -> str:
    """Point estimates with interval whiskers, one row each, and a zero line."""
    vals = [v for _, e, lo, hi in rows for v in (e, lo, hi) if math.isfinite(v)]
    lo_all, hi_all = min([0.0, *vals]), max([0.0, *vals])
    left, right = 260, WIDTH - 120
    x = _scale(lo_all, hi_all, left, right)
    row = 24
    height = 60 + row * len(rows)
    body = [f'<line x1="{x(0):.1f}" y1="15" x2="{x(0):.1f}" y2="{height - 30}" stroke="#a0aec0" stroke-dasharray="4"/>']
    body += _axis(x, lo_all, hi_all, height - 28, fmt)
    for i, (label, est, lo, hi) in enumerate(rows):
        y = 28 + i * row
        body.append(f'<text class="label" x="{left - 8}" y="{y + 4}" text-anchor="end" font-size="12">'
                    f'{escape(_short(label))}</text>')
        if not all(math.isfinite(v) for v in (est, lo, hi)):
            body.append(f'<text x="{left}" y="{y + 4}" font-size="12" fill="#718096">{escape(t("not available"))}</text>')
            continue
        body.append(f'<line class="interval" x1="{x(lo):.1f}" y1="{y}" x2="{x(hi):.1f}" y2="{y}" stroke="#2d3748" '
                    'stroke-width="2"/>')
        solid = lo > 0 or hi < 0  # an interval that spans zero: hollow
        body.append(f'<circle class="point{"" if solid else " spans-zero"}" cx="{x(est):.1f}" cy="{y}" r="4" '
                    f'{_mark("#2b6cb0", solid)}><title>{escape(label)}: '
                    f'{escape(fmt(est))} [{escape(fmt(lo))}, {escape(fmt(hi))}]</title></circle>')
        body.append(f'<text class="value" x="{right + 8}" y="{y + 4}" font-size="11">{escape(fmt(est))}</text>')
    return _svg(title, height, body, "forest")


def bars(title: str, rows: Sequence[tuple[str, float]], fmt: Callable[[float], str], kind: str = "neutral",
         solid: Sequence[bool] | None = None, t: Callable[[str], str] = _same,
         hollow_note: str | None = "not significant") -> str:
    """Horizontal bars from zero, one per (label, value), the value written beside each.

    A negative value is drawn in the negative colour; ``solid[i]`` false draws bar ``i`` hollow (by default: its
    interval spans zero, written beside it as ``hollow_note``; None for hollow bars that mean something else, which
    the chart's subtitle then says)."""
    if not rows:
        return _svg(title, 30, ['<text x="10" y="20" font-size="12">{escape(t("no data"))}</text>'], "bars")
    lo = min(0.0, *(v for _, v in rows))
    hi = max(0.0, *(v for _, v in rows))
    left, right = 230, WIDTH - (230 if solid is not None and not all(solid) and hollow_note else 110)
    x = _scale(lo, hi, left, right)
    row = 26
    height = 30 + row * len(rows)
    body = []
    for i, (label, v) in enumerate(rows):
        y = 15 + i * row
        x0, x1 = sorted((x(0), x(v)))
        filled = True if solid is None else bool(solid[i])
        body.append(f'<rect class="bar {kind}{"" if filled else " spans-zero"}" x="{x0:.1f}" y="{y}" '
                    f'width="{max(x1 - x0, 1):.1f}" height="{row - 8}" {_mark(_fill(kind, v), filled)}>'
                    f'<title>{escape(label)}: {escape(fmt(v))}</title></rect>')
        body.append(f'<text class="label" x="{left - 8}" y="{y + 14}" text-anchor="end" font-size="12">'
                    f'{escape(_short(label))}</text>')
        body.append(f'<text class="value" x="{x1 + 6:.1f}" y="{y + 14}" font-size="12">{escape(fmt(v))}'
                    f'{"" if filled or not hollow_note else " (" + escape(t(hollow_note)) + ")"}</text>')
    return _svg(title, height, body, "bars")


def histogram(title: str, values, fmt: Callable[[float], str], bins: int = 40, marker: float | None = 0.0,
              t: Callable[[str], str] = _same) -> str:
    """Histogram of draws with P5, P50 and P95 marked and labelled, and a break-even marker (ROI = 0)."""
    import numpy as np

    counts, edges = np.histogram(np.asarray(values, dtype=float), bins=bins)
    left, right, top, bottom = 60, WIDTH - 20, 30, 230
    x = _scale(float(edges[0]), float(edges[-1]), left, right)
    y = _scale(0.0, float(counts.max() or 1), bottom, top)
    body = []
    for c, a, b in zip(counts, edges[:-1], edges[1:]):
        body.append(f'<rect class="bin" x="{x(a):.1f}" y="{y(c):.1f}" width="{max(x(b) - x(a) - 1, 0.5):.1f}" '
                    f'height="{bottom - y(c):.1f}" fill="{COLOURS["soft"] if a >= 0 else COLOURS["cost"]}"/>')
    if marker is not None and edges[0] <= marker <= edges[-1]:
        body.append(f'<line class="break-even" x1="{x(marker):.1f}" y1="{top}" x2="{x(marker):.1f}" y2="{bottom}" '
                    'stroke="#c53030" stroke-width="2"/>')
        body.append(f'<text x="{x(marker) + 4:.1f}" y="{top + 10}" font-size="11" fill="#c53030">{escape(t("break-even"))}</text>')
    for q, name in zip(np.quantile(np.asarray(values, dtype=float), [0.05, 0.5, 0.95]), ("P5", "P50", "P95")):
        body.append(f'<line class="percentile" x1="{x(q):.1f}" y1="{top}" x2="{x(q):.1f}" y2="{bottom}" '
                    'stroke="#2d3748" stroke-dasharray="4"/>')
        body.append(f'<text class="percentile" x="{x(q):.1f}" y="{top - 4}" font-size="11" text-anchor="middle">'
                    f'{name} {escape(fmt(float(q)))}</text>')
    body.append(f'<text class="axis" x="{left}" y="{bottom + 18}" font-size="11">{escape(fmt(float(edges[0])))}</text>')
    body.append(f'<text class="axis" x="{right}" y="{bottom + 18}" font-size="11" text-anchor="end">'
                f'{escape(fmt(float(edges[-1])))}</text>')
    return _svg(title, bottom + 30, body, "histogram")


def tornado_chart(title: str, rows: Sequence[tuple[str, float, float]], base: float,
                  fmt: Callable[[float], str], t: Callable[[str], str] = _same) -> str:
    """One bar per assumption from its P10 outcome to its P90 outcome, around the base value."""
    vals = [v for _, a, b in rows for v in (a, b)] + [base]
    left, right = 280, WIDTH - 90
    x = _scale(min(vals), max(vals), left, right)
    row = 24
    height = 60 + row * len(rows)
    body = [f'<line x1="{x(base):.1f}" y1="25" x2="{x(base):.1f}" y2="{height - 30}" stroke="#2d3748"/>',
            f'<text x="{x(base):.1f}" y="14" font-size="11" text-anchor="middle">{escape(t("base"))} {escape(fmt(base))}</text>']
    body += _axis(x, min(vals), max(vals), height - 28, fmt)
    for i, (label, a, b) in enumerate(rows):
        yy = 30 + i * row
        x0, x1 = sorted((x(a), x(b)))
        body.append(f'<rect class="bar" x="{x0:.1f}" y="{yy}" width="{max(x1 - x0, 1):.1f}" height="{row - 8}" '
                    f'fill="{COLOURS["hard"]}"><title>{escape(label)}: {escape(fmt(a))} to {escape(fmt(b))}</title>'
                    '</rect>')
        body.append(f'<text class="label" x="{left - 8}" y="{yy + 13}" text-anchor="end" font-size="11">'
                    f'{escape(_short(label))}</text>')
        for v, name in ((a, "P10"), (b, "P90")):
            anchor = "end" if x(v) <= x(base) else "start"
            shift = -4 if anchor == "end" else 4
            body.append(f'<text class="side" x="{x(v) + shift:.1f}" y="{yy + 13}" font-size="9" text-anchor="{anchor}">'
                        f'{name} {escape(fmt(v))}</text>')
    return _svg(title, height, body, "tornado")


def nice_ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    """About ``n`` round tick values (steps of 1, 2 or 5 times a power of ten) covering ``lo`` to ``hi``."""
    if not hi > lo:
        return [lo]
    raw = (hi - lo) / max(n - 1, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    start = math.floor(lo / step) * step
    return [start + k * step for k in range(int(math.ceil((hi - start) / step + 1e-9)) + 1)]


def line_chart(title: str, series: Sequence[tuple[str, Sequence[tuple[float, float]], str]],
               fmt_x: Callable[[float], str], fmt_y: Callable[[float], str],
               marks: Sequence[tuple[float, str]] = (), t: Callable[[str], str] = _same, x_title: str = "",
               bands: Sequence[tuple[Sequence[tuple[float, float, float]], str]] = (),
               include_zero: bool = True) -> str:
    """Lines of y against x with labelled axes, a zero line, and vertical marks.

    ``series`` are (name, [(x, y), ...], colour key of :data:`COLOURS`); each line's name is written at its right
    end. ``marks`` are (x, label) drawn as dashed verticals (e.g. where a line crosses zero), their labels on
    rows of their own so they never overlap. ``bands`` are ([(x, low, high), ...], colour key): shaded intervals
    under the lines. ``include_zero`` keeps 0 on the y axis (off for levels far from zero, such as weekly orders,
    where the zero line is drawn only if it falls in range)."""
    band_pts = [p for band, _ in bands for p in band if math.isfinite(p[1]) and math.isfinite(p[2])]
    xs = [p[0] for _, pts, _ in series for p in pts]
    ys = [p[1] for _, pts, _ in series for p in pts if math.isfinite(p[1])] + \
         [v for p in band_pts for v in p[1:]]
    if not xs or not ys:
        return _svg(title, 30, [f'<text x="10" y="20" font-size="12">{escape(t("no data"))}</text>'], "lines")
    live = [(mx, label) for mx, label in marks if math.isfinite(mx) and min(xs) <= mx <= max(xs)]
    left, right, top, bottom = 70, WIDTH - 170, 20 + 16 * len(live), 250 + 16 * len(live)
    x = _scale(min(xs), max(xs), left, right)
    ticks = nice_ticks(min(0.0, *ys), max(0.0, *ys)) if include_zero else nice_ticks(min(ys), max(ys))
    y = _scale(ticks[0], ticks[-1], bottom, top)
    body = _axis(x, min(xs), max(xs), bottom + 6, fmt_x)
    if x_title:
        body.append(f'<text class="axis-title" x="{(left + right) / 2:.1f}" y="{bottom + 40}" font-size="11" '
                    f'text-anchor="middle">{escape(x_title)}</text>')
    for v in ticks:
        body.append(f'<line x1="{left - 4}" y1="{y(v):.1f}" x2="{right}" y2="{y(v):.1f}" stroke="#edf2f7"/>')
        body.append(f'<text class="tick" x="{left - 8}" y="{y(v) + 4:.1f}" font-size="10" text-anchor="end">'
                    f'{escape(fmt_y(v))}</text>')
    if ticks[0] <= 0 <= ticks[-1]:
        body.append(f'<line class="zero" x1="{left}" y1="{y(0):.1f}" x2="{right}" y2="{y(0):.1f}" stroke="#c53030" '
                    'stroke-width="1.5"/>')
    for band, colour in bands:
        live_pts = [p for p in band if math.isfinite(p[1]) and math.isfinite(p[2])]
        if live_pts:
            outline = [f"{x(a):.1f},{y(hi):.1f}" for a, _, hi in live_pts] + \
                      [f"{x(a):.1f},{y(lo):.1f}" for a, lo, _ in reversed(live_pts)]
            body.append(f'<polygon class="band" points="{" ".join(outline)}" fill="{COLOURS[colour]}" '
                        'fill-opacity="0.18" stroke="none"/>')
    for i, (mx, label) in enumerate(sorted(live)):
        row = 14 + 16 * i
        anchor, shift = ("end", -4) if x(mx) > (left + right) / 2 else ("start", 4)
        body.append(f'<line class="mark" x1="{x(mx):.1f}" y1="{row - 10}" x2="{x(mx):.1f}" y2="{bottom}" '
                    'stroke="#2d3748" stroke-dasharray="4"/>')
        body.append(f'<text class="mark" x="{x(mx) + shift:.1f}" y="{row}" font-size="11" text-anchor="{anchor}">'
                    f'{escape(label)}</text>')
    for name, pts, colour in series:
        path = " ".join(f"{x(a):.1f},{y(b):.1f}" for a, b in pts if math.isfinite(b))
        body.append(f'<polyline class="line" points="{path}" fill="none" stroke="{COLOURS[colour]}" '
                    f'stroke-width="2.5"><title>{escape(name)}</title></polyline>')
        end = [p for p in pts if math.isfinite(p[1])][-1]
        body.append(f'<text class="label" x="{right + 6}" y="{y(end[1]) + 4:.1f}" font-size="11" '
                    f'fill="{COLOURS[colour]}">{escape(_short(name, 26))}</text>')
    return _svg(title, bottom + (50 if x_title else 30), body, "lines")
