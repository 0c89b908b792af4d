"""Server-rendered SVG chart of a site's scan trend (pure: numbers in, SVG markup out).

No inline style or script (the Content-Security-Policy allows 'self' only): colours are SVG
presentation attributes. The page shows the same numbers in a data table next to the chart;
the SVG carries a title and a description for screen readers.
"""

from html import escape

WIDTH = 640
HEIGHT = 280
LEFT = 56
RIGHT = 16
TOP = 16
BOTTOM = 64
LINE = "#1f4e9c"  # 8.3:1 on white: meets WCAG 1.4.11 (3:1) for graphical objects
GRID = "#767676"
TEXT = "#222222"


def _ticks(top: int) -> list[int]:
    """Up to five whole-number ticks from 0 to at least ``top``."""
    step = max(1, -(-top // 4))
    return [step * i for i in range(5)]


def trend_svg(
    *, labels: list[str], values: list[int], title: str, description: str, id_prefix: str
) -> str:
    """A line chart of ``values`` (violations per day) over ``labels`` (dates)."""
    if len(labels) != len(values):
        raise ValueError("labels and values differ in length")
    ticks = _ticks(max(values, default=0))
    top = ticks[-1] or 1
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(values), 1)

    def y(value: int) -> float:
        return TOP + plot_h - max(value, 0) / top * plot_h

    title_id, desc_id = f"{id_prefix}-title", f"{id_prefix}-desc"
    parts = [
        f'<svg class="a11y-chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" '
        f'height="{HEIGHT}" role="img" aria-labelledby="{title_id} {desc_id}" '
        f'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{desc_id}">{escape(description)}</desc>',
    ]
    for tick in ticks:
        ty = y(tick)
        parts.append(
            f'<line x1="{LEFT}" y1="{ty:.1f}" x2="{WIDTH - RIGHT}" y2="{ty:.1f}" '
            f'stroke="{GRID}" stroke-width="0.5"/>'
            f'<text x="{LEFT - 8}" y="{ty + 4:.1f}" text-anchor="end" font-size="12" '
            f'fill="{TEXT}">{tick}</text>'
        )
    points = []
    label_every = max(1, len(labels) // 10)
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        cx = LEFT + step * index + step / 2
        cy = y(value)
        points.append(f"{cx:.1f},{cy:.1f}")
        parts.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="4" fill="{LINE}"/>')
        if index % label_every == 0 or index == len(labels) - 1:
            ly = HEIGHT - BOTTOM + 16
            parts.append(
                f'<text x="{cx:.1f}" y="{ly}" transform="rotate(35 {cx:.1f} {ly})" '
                f'font-size="12" fill="{TEXT}">{escape(label[:12])}</text>'
            )
    if len(points) > 1:
        parts.append(
            f'<polyline points="{" ".join(points)}" fill="none" stroke="{LINE}" '
            f'stroke-width="2.5"/>'
        )
    parts.append("</svg>")
    return "".join(parts)
