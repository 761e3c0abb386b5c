"""The pathway timeline: steps, contracts and interviews on one time axis, as SVG."""

from dataclasses import dataclass
from datetime import date, timedelta
from html import escape

MONTHS_FR = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.",
             "oct.", "nov.", "déc."]
LANES = [("step", "Étapes"), ("job", "Contrats"), ("interview", "Entretiens")]
COLOURS = {"step": "#2a7f62", "job": "#1f5fa8", "interview": "#6b4c9a", "planned": "#9aa5b1"}
WIDTH = 960
LABEL_WIDTH = 96
ROW_HEIGHT = 22
TOP = 28


@dataclass(frozen=True)
class TimelineItem:
    """One bar (or point when start == end) on a lane."""

    lane: str
    start: date
    end: date | None
    label: str
    planned: bool = False
    ongoing: bool = False


def assign_rows(items: list[TimelineItem], today: date) -> list[tuple[TimelineItem, int]]:
    """Stack overlapping bars of a lane on separate rows, first fit."""
    placed: list[tuple[TimelineItem, int]] = []
    row_ends: list[date] = []
    for item in sorted(items, key=lambda i: (i.start, i.end or today, i.label)):
        end = item.end or today
        for row, row_end in enumerate(row_ends):
            if item.start > row_end:
                row_ends[row] = end
                placed.append((item, row))
                break
        else:
            row_ends.append(end)
            placed.append((item, len(row_ends) - 1))
    return placed


def month_ticks(first: date, last: date) -> list[date]:
    """First days of months between two dates, thinned to at most 12 labels."""
    ticks = []
    day = date(first.year, first.month, 1)
    while day <= last:
        if day >= first:
            ticks.append(day)
        day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    step = max(1, len(ticks) // 12 + (1 if len(ticks) % 12 else 0))
    return ticks[::step]


def render_timeline(items: list[TimelineItem], today: date, title: str,
                    start: date | None = None) -> str:
    """Draw the items as an accessible SVG string (the caller marks it safe)."""
    if not items:
        return ""
    first = min([i.start for i in items] + ([start] if start else []))
    last = max([today] + [i.end or i.start for i in items])
    span_days = max((last - first).days, 30)
    plot_width = WIDTH - LABEL_WIDTH - 12

    def x(day: date) -> float:
        """Horizontal position of a day."""
        return LABEL_WIDTH + (day - first).days / span_days * plot_width

    parts = []
    y = TOP
    lane_blocks = []
    for lane, lane_label in LANES:
        lane_items = [i for i in items if i.lane == lane]
        if lane == "interview":
            rows = [(i, 0) for i in lane_items]
            height = ROW_HEIGHT
        else:
            rows = assign_rows(lane_items, today)
            height = ROW_HEIGHT * (max((r for _, r in rows), default=0) + 1)
        lane_blocks.append((lane, lane_label, rows, y, height))
        y += height + 10
    total_height = y + 4
    parts.append(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline" role="img" '
        f'viewBox="0 0 {WIDTH} {total_height}" width="100%" aria-labelledby="tl-title tl-desc">'
        f'<title id="tl-title">{escape(title)}</title>'
        f'<desc id="tl-desc">{len(items)} éléments du {fr_date(first)} au {fr_date(last)}.'
        f'</desc>'
    )
    shown_year = None
    for tick in month_ticks(first, last):
        tx = x(tick)
        parts.append(f'<line x1="{tx:.1f}" y1="{TOP - 6}" x2="{tx:.1f}" y2="{total_height}" '
                     f'stroke="#e3e6ea" stroke-width="1"/>')
        # The year is written on the first tick of each year shown, so no label is ambiguous.
        label = MONTHS_FR[tick.month - 1] + (f" {tick.year}" if tick.year != shown_year else "")
        shown_year = tick.year
        parts.append(f'<text x="{tx + 2:.1f}" y="{TOP - 10}" font-size="11" '
                     f'fill="#495057">{escape(label)}</text>')
    today_x = x(today)
    parts.append(f'<line x1="{today_x:.1f}" y1="{TOP - 6}" x2="{today_x:.1f}" '
                 f'y2="{total_height}" stroke="#c0392b" stroke-dasharray="4 3"/>')
    for _lane, lane_label, rows, lane_y, _height in lane_blocks:
        parts.append(f'<text x="4" y="{lane_y + 15}" font-size="12" font-weight="600" '
                     f'fill="#212529">{escape(lane_label)}</text>')
        for item, row in rows:
            parts.append(draw_item(item, row, lane_y, x, today))
    parts.append("</svg>")
    return "".join(parts)


def draw_item(item: TimelineItem, row: int, lane_y: int, x, today: date) -> str:
    """One bar or point, with a tooltip title."""
    colour = COLOURS["planned"] if item.planned else COLOURS[item.lane]
    top = lane_y + row * ROW_HEIGHT + 3
    tooltip = f"<title>{escape(item.label)}</title>"
    if item.lane == "interview" or item.end == item.start:
        cx = x(item.start)
        return (f'<circle cx="{cx:.1f}" cy="{top + 8}" r="5" fill="{colour}">{tooltip}'
                f'</circle>')
    start_x = x(item.start)
    end_x = max(x(item.end or today), start_x + 3)
    width = end_x - start_x
    opacity = ' fill-opacity="0.6"' if item.end is None or item.ongoing else ""
    bar = (f'<rect x="{start_x:.1f}" y="{top}" width="{width:.1f}" height="16" rx="3" '
           f'fill="{colour}"{opacity}>{tooltip}</rect>')
    if width > 60:
        text = shorten(item.label, int((width - 8) / 7))
        # Dark text on pale bars (in progress, planned), white on solid ones: readable either way.
        text_fill = "#212529" if opacity or item.planned else "#fff"
        bar += (f'<text x="{start_x + 4:.1f}" y="{top + 12}" font-size="11" fill="{text_fill}">'
                f'{escape(text)}</text>')
    return bar


def shorten(text: str, limit: int) -> str:
    """Cut a label to fit its bar."""
    return text if len(text) <= limit else text[: max(limit - 1, 1)] + "…"


def fr_date(day: date) -> str:
    """A short French date."""
    return f"{day.day} {MONTHS_FR[day.month - 1]} {day.year}"


def window_start(entry: date | None, orientation: date, today: date) -> date:
    """Where the axis starts: the orientation, at least a month before today."""
    return min(entry or orientation, orientation, today - timedelta(days=30))
