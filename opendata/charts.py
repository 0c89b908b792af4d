"""Server-rendered SVG charts (pure: labels and numbers in, SVG markup out).

Every chart is shown with a data table next to it; the SVG itself carries a title and a
description for screen readers.
"""

from html import escape

WIDTH = 640
HEIGHT = 320
MARGIN_LEFT = 60
MARGIN_BOTTOM = 70
MARGIN_TOP = 20


def _ticks(top: float) -> list[float]:
    if top <= 0:
        return [0.0]
    step = top / 4
    return [round(step * i, 2) for i in range(5)]


def chart_svg(
    *, kind: str, labels: list[str], values: list[float], title: str, description: str
) -> str:
    """A bar or line chart; values below zero are drawn from zero (clipped)."""
    count = max(len(values), 1)
    top = max([v for v in values if v is not None] + [0.0]) or 1.0
    plot_w = WIDTH - MARGIN_LEFT - 10
    plot_h = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    step = plot_w / count

    def y(value: float) -> float:
        return MARGIN_TOP + plot_h - max(value, 0) / top * plot_h

    parts = [
        f'<svg class="od-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="chart-title chart-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="chart-title">{escape(title)}</title>',
        f'<desc id="chart-desc">{escape(description)}</desc>',
    ]
    for tick in _ticks(top):
        ty = y(tick)
        parts.append(
            f'<line x1="{MARGIN_LEFT}" y1="{ty:.1f}" x2="{WIDTH - 10}" y2="{ty:.1f}" '
            f'class="od-grid"/>'
            f'<text x="{MARGIN_LEFT - 6}" y="{ty + 4:.1f}" text-anchor="end" '
            f'class="od-axis">{tick:g}</text>'
        )
    points = []
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        cx = MARGIN_LEFT + step * index + step / 2
        if value is None:
            continue
        if kind == "bar":
            width = max(step * 0.7, 1)
            parts.append(
                f'<rect x="{cx - width / 2:.1f}" y="{y(value):.1f}" width="{width:.1f}" '
                f'height="{MARGIN_TOP + plot_h - y(value):.1f}" class="od-bar"/>'
            )
        else:
            points.append(f"{cx:.1f},{y(value):.1f}")
        parts.append(
            f'<text x="{cx:.1f}" y="{HEIGHT - MARGIN_BOTTOM + 14}" '
            f'transform="rotate(35 {cx:.1f} {HEIGHT - MARGIN_BOTTOM + 14})" '
            f'class="od-axis">{escape(str(label)[:20])}</text>'
        )
    if points:
        parts.append(f'<polyline points="{" ".join(points)}" class="od-line"/>')
    parts.append("</svg>")
    return "".join(parts)
