"""Geometry of the server-rendered SVG bar charts (pure: numbers in, coordinates out).

The pages draw the bars from these numbers; every chart is paired with a data table.
"""

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal
    x: int
    y: int
    width: int
    height: int
    highlight: bool


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    bars: list[Bar]
    baseline: int
    #: y of a reference line (e.g. twice the base year), None when there is none.
    reference_y: int | None


def vertical_bars(
    points: list[tuple[str, Decimal]],
    *,
    reference: Decimal | None = None,
    highlight_from: Decimal | None = None,
    width: int = 640,
    height: int = 280,
    margin: int = 40,
) -> BarChart:
    """Bars scaled to the largest of the values and ``reference``; ``highlight`` marks bars
    whose value is at least ``highlight_from``."""
    top = max([v for _, v in points] + ([reference] if reference else []) + [Decimal(1)])
    plot_h = height - 2 * margin
    slot = (width - 2 * margin) // max(len(points), 1)
    bar_w = max(int(slot * 0.6), 4)
    bars = []
    for i, (label, value) in enumerate(points):
        h = int(plot_h * value / top)
        bars.append(
            Bar(
                label=label,
                value=value,
                x=margin + i * slot + (slot - bar_w) // 2,
                y=height - margin - h,
                width=bar_w,
                height=h,
                highlight=highlight_from is not None and value >= highlight_from,
            )
        )
    ref_y = None if reference is None else height - margin - int(plot_h * reference / top)
    return BarChart(width, height, bars, height - margin, ref_y)


def horizontal_bars(
    points: list[tuple[str, Decimal]], *, width: int = 640, row: int = 22, label_w: int = 210
) -> BarChart:
    """One bar per row (e.g. the 18 districts), labels on the left."""
    top = max([v for _, v in points] + [Decimal(1)])
    plot_w = width - label_w - 20
    bars = [
        Bar(
            label=label,
            value=value,
            x=label_w,
            y=10 + i * row,
            width=int(plot_w * value / top),
            height=row - 6,
            highlight=False,
        )
        for i, (label, value) in enumerate(points)
    ]
    return BarChart(width, 20 + row * len(points), bars, 0, None)
