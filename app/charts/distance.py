"""Distance travelled as SVG: per dimension, the entry score and the latest one on a 1–4 scale.

Same conventions as app/charts/timeline.py: a pure function returning an SVG string the caller
marks safe, every text escaped, colours given as presentation attributes (the CSP forbids
inline style attributes), role="img" with a <title> and a <desc>. The page shows the same
numbers in an HTML table next to the chart.
"""

import re
from dataclasses import dataclass
from decimal import Decimal
from html import escape

WIDTH = 720
LABEL_WIDTH = 230
DELTA_WIDTH = 64
TOP = 44
ROW_HEIGHT = 42
BAR_HEIGHT = 13
MAX_SCORE = 4
COLOURS = {"baseline": "#6c757d", "latest": "#1f5fa8", "grid": "#dee2e6", "axis": "#495057",
           "text": "#212529", "up": "#146c43", "down": "#b02a37", "flat": "#495057"}
MINUS = "\u2212"
# Characters XML 1.0 does not allow: an admin's label must never make the page's SVG invalid.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class ChartRow:
    """One dimension: its label, and its score at the baseline and at the latest assessment."""

    label: str
    baseline: int | None
    latest: int | None

    @property
    def delta(self) -> int | None:
        """Latest minus baseline, when both exist."""
        if self.baseline is None or self.latest is None:
            return None
        return self.latest - self.baseline


def text(value) -> str:
    """Escape a value for SVG text or an attribute, dropping characters XML refuses."""
    return escape(NOT_XML.sub("", str(value)), quote=True)


def fr_number(value: Decimal | int | None) -> str:
    """A number the French way: 2,13 (a dash when missing)."""
    if value is None:
        return "—"
    return str(value).replace(".", ",")


def signed(value: Decimal | int | None) -> str:
    """A change with its sign: +1, −0,25, 0 (a dash when missing)."""
    if value is None:
        return "—"
    if value > 0:
        return "+" + fr_number(value)
    if value < 0:
        return MINUS + fr_number(-value)
    return "0"


def shorten(label: str, limit: int = 34) -> str:
    """Cut a label to fit the label column."""
    return label if len(label) <= limit else label[: limit - 1] + "…"


def render_distance_chart(rows: list[ChartRow], title: str, baseline_label: str,
                          latest_label: str, summary: str = "",
                          id_prefix: str = "distance") -> str:
    """Draw the rows as an accessible SVG string (empty when there is no row)."""
    if not rows:
        return ""
    plot_left = LABEL_WIDTH
    plot_width = WIDTH - LABEL_WIDTH - DELTA_WIDTH - 16
    height = TOP + ROW_HEIGHT * len(rows) + 8

    def x(score: float) -> float:
        """Horizontal position of a score on the 0–4 axis."""
        return plot_left + score / MAX_SCORE * plot_width

    title_id, desc_id = f"{id_prefix}-title", f"{id_prefix}-desc"
    described = (f"Pour chaque dimension, le score de la grille {baseline_label} et celui de "
                 f"la grille {latest_label}, sur une échelle de 1 à 4. {summary}").strip()
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="distance-chart" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'aria-labelledby="{text(title_id)} {text(desc_id)}">',
        f'<title id="{text(title_id)}">{text(title)}</title>',
        f'<desc id="{text(desc_id)}">{text(described)}</desc>',
    ]
    parts.append(legend(baseline_label, latest_label))
    for score in range(1, MAX_SCORE + 1):
        gx = x(score)
        parts.append(f'<line x1="{gx:.1f}" y1="{TOP - 6}" x2="{gx:.1f}" y2="{height - 4}" '
                     f'stroke="{COLOURS["grid"]}" stroke-width="1"/>')
        parts.append(f'<text x="{gx:.1f}" y="{TOP - 10}" font-size="11" text-anchor="middle" '
                     f'fill="{COLOURS["axis"]}">{score}</text>')
    parts.append(f'<line x1="{plot_left}" y1="{TOP - 6}" x2="{plot_left}" y2="{height - 4}" '
                 f'stroke="{COLOURS["axis"]}" stroke-width="1"/>')
    parts.append(f'<text x="{WIDTH - 8}" y="{TOP - 10}" font-size="11" text-anchor="end" '
                 f'fill="{COLOURS["axis"]}">Évolution</text>')
    for index, row in enumerate(rows):
        parts.append(draw_row(row, TOP + index * ROW_HEIGHT, x, baseline_label, latest_label))
    parts.append("</svg>")
    return "".join(parts)


def legend(baseline_label: str, latest_label: str) -> str:
    """The two swatches that say which bar is which."""
    items = []
    left = 4
    for key, label in (("baseline", f"Grille {baseline_label}"),
                       ("latest", f"Grille {latest_label}")):
        items.append(f'<rect x="{left}" y="6" width="14" height="10" '
                     f'fill="{COLOURS[key]}"/>'
                     f'<text x="{left + 19}" y="15" font-size="11" fill="{COLOURS["text"]}">'
                     f'{text(label)}</text>')
        left += 26 + 7 * len(label)
    return "".join(items)


def draw_row(row: ChartRow, top: int, x, baseline_label: str, latest_label: str) -> str:
    """A dimension's label, its two bars with their scores, and the change at the right."""
    parts = [f'<g class="distance-row"><title>{text(row.label)}</title>',
             f'<text x="4" y="{top + 24}" font-size="12" fill="{COLOURS["text"]}">'
             f'{text(shorten(row.label))}</text>']
    for offset, key, score, moment in ((5, "baseline", row.baseline, baseline_label),
                                       (21, "latest", row.latest, latest_label)):
        y = top + offset
        if score is None:
            parts.append(f'<text x="{x(0) + 4:.1f}" y="{y + 10}" font-size="10" '
                         f'fill="{COLOURS["axis"]}">non évalué</text>')
            continue
        width = x(score) - x(0)
        parts.append(f'<rect x="{x(0):.1f}" y="{y}" width="{width:.1f}" '
                     f'height="{BAR_HEIGHT}" rx="2" fill="{COLOURS[key]}">'
                     f'<title>{text(row.label)} : {score} (grille {text(moment)})</title>'
                     f'</rect>')
        parts.append(f'<text x="{x(0) + width + 4:.1f}" y="{y + 10}" font-size="11" '
                     f'font-weight="600" fill="{COLOURS["text"]}">{score}</text>')
    delta = row.delta
    colour = COLOURS["flat"] if not delta else COLOURS["up" if delta > 0 else "down"]
    shown = "n.c." if delta is None else signed(delta)
    parts.append(f'<text x="{WIDTH - 8}" y="{top + 24}" font-size="13" font-weight="700" '
                 f'text-anchor="end" fill="{colour}">{text(shown)}</text>')
    parts.append("</g>")
    return "".join(parts)
