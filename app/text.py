"""Text helpers shared by models and queries."""

import unicodedata


def search_key(text: str) -> str:
    """Fold a name for accent- and case-insensitive prefix search: 'Hélène' → 'helene'."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())
