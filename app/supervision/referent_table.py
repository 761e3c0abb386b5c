"""The dashboard's table of référents: filtered by name or structure, sorted, paged in Python.

referent_figures() reads every active référent in a fixed number of statements; a few hundred
rows are cheap to filter and sort here. What costs is rendering them all, so the page shows
PER_PAGE of them; the total row stays the one computed over every référent.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from app.paging import PageLinks, page_count
from app.supervision.figures import ReferentRow
from app.text import name_terms, search_key, without_apostrophes

PER_PAGE = 50
TEXT_MAX_LENGTH = 100
TEXT_MAX_WORDS = 5
# Query-string names, clear of the period selector's annee, trimestre, du and au.
ARG_TEXT, ARG_SORT, ARG_PAGE = "q", "tri", "page"
DEFAULT_SORT = "nom"
SORT_LABELS = {
    "nom": "Nom",
    "structure": "Structure",
    "charge": "Portefeuille face au plafond (le plus chargé d'abord)",
    "contact": "Part des contactés (la plus faible d'abord)",
    "alertes": "Alertes (le plus grand nombre d'abord)",
}


def name_key(row: ReferentRow) -> tuple:
    """Alphabetical order of the names, accents and case aside; the id breaks ties."""
    return search_key(row.name), row.user_id or 0


def load_key(row: ReferentRow) -> tuple:
    """Highest caseload for the ceiling first (a ceiling of 0 counts as the fullest)."""
    if row.ceiling:
        ratio = row.caseload / row.ceiling
    else:
        ratio = float("inf") if row.caseload else 0.0
    return -ratio, -row.caseload, *name_key(row)


SORT_KEYS = {
    "nom": name_key,
    "structure": lambda row: (not row.structure, search_key(row.structure), *name_key(row)),
    "charge": load_key,
    "contact": lambda row: (row.contacted_share is None, row.contacted_share or 0,
                            *name_key(row)),
    "alertes": lambda row: (-row.alerts, -row.with_alerts, *name_key(row)),
}


def clean_text(text: str | None) -> str:
    """The typed filter with its spaces collapsed, cut to TEXT_MAX_LENGTH."""
    return " ".join(str(text or "").split())[:TEXT_MAX_LENGTH]


def words_of(text: str) -> list[str]:
    """The folded words of a filter (apostrophes left out), at most TEXT_MAX_WORDS."""
    words = (without_apostrophes(word) for word in search_key(text).split())
    return [word for word in words if word][:TEXT_MAX_WORDS]


def matches(row: ReferentRow, words: Sequence[str]) -> bool:
    """Each word starts a part of the référent's name or of their structure's name."""
    if not words:
        return True
    folded = search_key(f"{row.name} {row.structure}")
    plain = without_apostrophes(folded)
    if not all(word in plain for word in words):
        return False  # a word found nowhere starts no part either: skip splitting the name
    terms = name_terms(folded)
    return all(any(term.startswith(word) for term in terms) for word in words)


@dataclass
class ReferentTable(PageLinks):
    """One page of the référents matching the filter, in the chosen order."""

    items: list[ReferentRow]
    page: int
    per_page: int
    total: int  # référents matching the filter
    all_count: int  # every active référent
    text: str = ""
    sort: str = DEFAULT_SORT
    keep: dict[str, str] = field(default_factory=dict)  # the period's arguments
    sort_choices: dict[str, str] = field(default_factory=lambda: dict(SORT_LABELS))

    @property
    def pages(self) -> int:
        """How many pages the matching rows fill (at least one)."""
        return page_count(self.total, self.per_page)

    @property
    def narrowed(self) -> bool:
        """Whether a filter text is set."""
        return bool(self.text)

    @property
    def first_shown(self) -> int:
        """Rank of the page's first row among the matching ones (0 when none)."""
        return (self.page - 1) * self.per_page + 1 if self.items else 0

    @property
    def last_shown(self) -> int:
        """Rank of the page's last row among the matching ones."""
        return (self.page - 1) * self.per_page + len(self.items)

    def args(self, **changes) -> dict[str, str]:
        """The period, filter, sort and page arguments (defaults left out), with changes."""
        text = changes.get("text", self.text)
        sort = changes.get("sort", self.sort)
        page = changes.get("page", 1)
        args = {**self.keep, ARG_TEXT: text, ARG_SORT: "" if sort == DEFAULT_SORT else sort,
                ARG_PAGE: str(page) if page != 1 else ""}
        return {name: value for name, value in args.items() if value}

    def audit_detail(self) -> dict[str, str | int]:
        """What the audit event notes of the table when set: filter, sort and page."""
        detail: dict[str, str | int] = {}
        if self.text:
            detail["filter"] = self.text
        if self.sort != DEFAULT_SORT:
            detail["sort"] = self.sort
        if self.page != 1:
            detail["page"] = self.page
        return detail


def referent_table(rows: Sequence[ReferentRow], args: Mapping[str, str], page: int,
                   keep: Mapping[str, str] | None = None,
                   per_page: int = PER_PAGE) -> ReferentTable:
    """The page of `rows` the query string asks for; a page past the end gives the last."""
    text = clean_text(args.get(ARG_TEXT))
    sort = args.get(ARG_SORT) or DEFAULT_SORT
    sort = sort if sort in SORT_KEYS else DEFAULT_SORT
    words = words_of(text)
    kept = sorted((row for row in rows if matches(row, words)), key=SORT_KEYS[sort])
    pages = page_count(len(kept), per_page)
    page = min(max(page, 1), pages)
    start = (page - 1) * per_page
    return ReferentTable(kept[start:start + per_page], page, per_page, len(kept), len(rows),
                         text, sort, dict(keep or {}))
