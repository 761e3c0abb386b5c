"""Text helpers shared by models and queries."""

import unicodedata


def search_key(text: str) -> str:
    """Fold a name for accent- and case-insensitive prefix search: 'Hélène' → 'helene'."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


# What separates the parts of a name a search word may start: "Le Goff", "Jean-Pierre",
# "N'Diaye" (straight and typographic apostrophes).
APOSTROPHES = ("'", "\N{RIGHT SINGLE QUOTATION MARK}")
TERM_MAX_LENGTH = 100
# Marks a France Travail id among the terms, so that a name prefix never matches an id.
ID_TERM_MARK = "#"


def without_apostrophes(text: str) -> str:
    """The text with its apostrophes left out: "n'diaye" → "ndiaye"."""
    for mark in APOSTROPHES:
        text = text.replace(mark, "")
    return text


def name_terms(name_key: str) -> set[str]:
    """The strings a search word must be a prefix of to match this folded name.

    Each part of the name (between spaces), and what follows each hyphen or apostrophe in it,
    apostrophes left out: "n'diaye-kone" gives "ndiaye-kone", "diaye-kone" and "kone".
    """
    terms = set()
    for part in name_key.split():
        terms.add(without_apostrophes(part))
        for index, char in enumerate(part):
            if char == "-" or char in APOSTROPHES:
                terms.add(without_apostrophes(part[index + 1:]))
    return {term[:TERM_MAX_LENGTH] for term in terms if term}


def id_term(france_travail_id: str) -> str | None:
    """The term a France Travail id is found by (None when there is no id)."""
    folded = search_key(france_travail_id).replace(" ", "")
    return f"{ID_TERM_MARK}{folded}"[:TERM_MAX_LENGTH] if folded else None


def search_terms(name_key: str, france_travail_id: str) -> set[str]:
    """Every term a participant is found by: the parts of their name and their id."""
    terms = name_terms(name_key)
    found = id_term(france_travail_id)
    if found:
        terms.add(found)
    return terms


def prefix_bounds(prefix: str) -> tuple[str, str]:
    """[low, high) holding exactly the strings that start with `prefix`, in code-point order.

    An index range scan on both engines (the terms are compared byte-wise, see
    ParticipantSearchTerm), where LIKE 'x%' would scan the whole table on SQLite.
    """
    following = ord(prefix[-1]) + 1
    if 0xD800 <= following <= 0xDFFF:  # surrogates cannot be sent: skip to the next character
        following = 0xE000
    if following > 0x10FFFF:  # nothing follows the last code point (never in a real name)
        return prefix, prefix[:-1] + "\U0010FFFF"
    return prefix, prefix[:-1] + chr(following)
