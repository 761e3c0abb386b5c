"""The one place that reads the current date, in the PLIE's time zone."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


def paris_today() -> date:
    """Today's date in Paris."""
    return datetime.now(PARIS).date()
