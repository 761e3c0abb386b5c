"""The supervisor dashboard's charts as SVG: rates against the target, the milestones funnel.

Same conventions as app/charts/timeline.py and app/charts/distance.py: pure functions that
return an SVG string the caller marks safe, every text escaped, colours given as presentation
attributes (the CSP forbids inline style attributes), role="img" with a <title> and a <desc>.
The page always shows the same numbers in an HTML table next to the chart.
"""

from dataclasses import dataclass
from decimal import Decimal

from app.charts.distance import fr_number, shorten, text
from app.domain.dashboard import share

WIDTH = 720
LABEL_WIDTH = 250
VALUE_WIDTH = 150
LABEL_CHARACTERS = 36  # what fits in LABEL_WIDTH at 12 px
TOP = 34
ROW_HEIGHT = 34
BAR_HEIGHT = 18
COLOURS = {"bar": "#1f5fa8", "validated": "#146c43", "funnel": "#2a7f62", "target": "#b02a37",
           "grid": "#dee2e6", "axis": "#495057", "text": "#212529", "empty": "#6c757d"}
THIN_SPACE = "\u202f"  # French typography: a narrow no-break space before %


@dataclass(frozen=True)
class RateBar:
    """One rate in percent (None: nothing to divide), what it is, and its counts in words."""

    label: str
    rate: Decimal | None
    detail: str = ""
    colour: str = "bar"


@dataclass(frozen=True)
class FunnelStep:
    """One milestone of the funnel and how many pathways reached it."""

    label: str
    count: int


def percent(value: Decimal | None) -> str:
    """42,5 % (a dash when missing)."""
    if value is None:
        return "—"
    shown = value.quantize(Decimal(1)) if value == value.to_integral_value() else value
    return f"{fr_number(shown)}{THIN_SPACE}%"


def opening(title: str, described: str, height: int, id_prefix: str, css_class: str) -> list[str]:
    """The <svg> element with its accessible name and description."""
    title_id, desc_id = f"{id_prefix}-title", f"{id_prefix}-desc"
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{text(css_class)}" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'aria-labelledby="{text(title_id)} {text(desc_id)}">',
        f'<title id="{text(title_id)}">{text(title)}</title>',
        f'<desc id="{text(desc_id)}">{text(described)}</desc>',
    ]


def plot_x(fraction: float) -> float:
    """Horizontal position of a fraction (0 to 1) of the plot's width."""
    return LABEL_WIDTH + fraction * (WIDTH - LABEL_WIDTH - VALUE_WIDTH)


def scale(height: int, ticks: list[tuple[float, str]]) -> list[str]:
    """Vertical grid lines with their labels above the plot."""
    parts = []
    for fraction, label in ticks:
        gx = plot_x(fraction)
        parts.append(f'<line x1="{gx:.1f}" y1="{TOP - 6}" x2="{gx:.1f}" y2="{height - 4}" '
                     f'stroke="{COLOURS["grid"]}" stroke-width="1"/>')
        parts.append(f'<text x="{gx:.1f}" y="{TOP - 10}" font-size="11" text-anchor="middle" '
                     f'fill="{COLOURS["axis"]}">{text(label)}</text>')
    parts.append(f'<line x1="{plot_x(0):.1f}" y1="{TOP - 6}" x2="{plot_x(0):.1f}" '
                 f'y2="{height - 4}" stroke="{COLOURS["axis"]}" stroke-width="1"/>')
    return parts


def bar_row(index: int, label: str, fraction: float | None, shown: str, tooltip: str,
            colour: str) -> str:
    """One labelled horizontal bar; its value is written in the right-hand column, clear of
    the bars and of the target line."""
    top = TOP + index * ROW_HEIGHT
    y = top + (ROW_HEIGHT - BAR_HEIGHT) // 2
    parts = [f'<g class="chart-row"><title>{text(tooltip)}</title>',
             f'<text x="4" y="{y + 13}" font-size="12" fill="{COLOURS["text"]}">'
             f'{text(shorten(label, LABEL_CHARACTERS))}</text>']
    if fraction is None:
        parts.append(f'<text x="{WIDTH - 8}" y="{y + 13}" font-size="11" text-anchor="end" '
                     f'fill="{COLOURS["empty"]}">{text(shown)}</text>')
    else:
        fraction = max(0.0, min(1.0, fraction))
        width = plot_x(fraction) - plot_x(0)
        parts.append(f'<rect x="{plot_x(0):.1f}" y="{y}" width="{width:.1f}" '
                     f'height="{BAR_HEIGHT}" rx="2" fill="{COLOURS[colour]}"/>')
        parts.append(f'<text x="{WIDTH - 8}" y="{y + 13}" font-size="12" font-weight="600" '
                     f'text-anchor="end" fill="{COLOURS["text"]}">{text(shown)}</text>')
    parts.append("</g>")
    return "".join(parts)


def render_rate_chart(bars: list[RateBar], title: str, target: Decimal | None = None,
                      summary: str = "", id_prefix: str = "rates") -> str:
    """Rates as horizontal bars on a 0–100 % axis, the target as a dashed line."""
    if not bars:
        return ""
    height = TOP + ROW_HEIGHT * len(bars) + 22
    target_words = f" L'objectif est de {percent(target)}." if target is not None else ""
    described = (f"Taux en pourcentage, sur une échelle de 0 à 100 %.{target_words} "
                 + " ".join(f"{bar.label} : {percent(bar.rate)}"
                            + (f" ({bar.detail})" if bar.detail else "") + "."
                            for bar in bars)
                 + (f" {summary}" if summary else "")).strip()
    parts = opening(title, described, height, id_prefix, "dashboard-chart")
    parts += scale(height - 18, [(step / 100, f"{step}{THIN_SPACE}%")
                                 for step in (0, 25, 50, 75, 100)])
    for index, bar in enumerate(bars):
        fraction = None if bar.rate is None else float(bar.rate) / 100
        shown = percent(bar.rate) + (f" ({bar.detail})" if bar.detail else "")
        if bar.rate is None:
            shown = "aucune sortie"
        parts.append(bar_row(index, bar.label, fraction, shown, f"{bar.label} : {shown}",
                             bar.colour))
    if target is not None:
        tx = plot_x(min(float(target), 100) / 100)
        bottom = TOP + ROW_HEIGHT * len(bars)
        parts.append(f'<g class="chart-target"><title>Objectif : {text(percent(target))}</title>'
                     f'<line x1="{tx:.1f}" y1="{TOP - 4}" x2="{tx:.1f}" y2="{bottom + 2}" '
                     f'stroke="{COLOURS["target"]}" stroke-width="2" stroke-dasharray="5 3"/>'
                     f'<text x="{tx:.1f}" y="{bottom + 16}" font-size="11" font-weight="600" '
                     f'text-anchor="middle" fill="{COLOURS["target"]}">'
                     f'Objectif {text(percent(target))}</text></g>')
    parts.append("</svg>")
    return "".join(parts)


def render_funnel(steps: list[FunnelStep], total: int, title: str, summary: str = "",
                  id_prefix: str = "funnel") -> str:
    """How many of `total` pathways reached each milestone, as bars of the total's width."""
    if not steps or total <= 0:
        return ""
    height = TOP + ROW_HEIGHT * len(steps) + 4
    described = (f"Part des {total} parcours ayant atteint chaque jalon, de 0 à 100 %. "
                 f"Sur {total} parcours : "
                 + " ; ".join(f"{step.label} : {step.count}" for step in steps) + "."
                 + (f" {summary}" if summary else ""))
    parts = opening(title, described, height, id_prefix, "dashboard-chart")
    parts += scale(height, [(step / 100, f"{step}{THIN_SPACE}%")
                            for step in (0, 25, 50, 75, 100)])
    for index, step in enumerate(steps):
        fraction = step.count / total
        shown = f"{step.count} ({percent(share(step.count, total))})"
        parts.append(bar_row(index, step.label, fraction, shown, f"{step.label} : {shown}",
                             "funnel"))
    parts.append("</svg>")
    return "".join(parts)
