"""Sending a PDF: never cached, downloaded under a French file name with its accents."""

import re
import unicodedata
from urllib.parse import quote

from flask import Response

UNSAFE = re.compile(r'[\x00-\x1f\x7f"\\/:*?<>|;]+')


def ascii_fallback(name: str) -> str:
    """The file name without accents, for clients that ignore filename* (RFC 6266)."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^A-Za-z0-9._-]+", "-", folded).strip("-") or "document.pdf"


def content_disposition(filename: str, inline: bool = False) -> str:
    """attachment; filename="ascii.pdf"; filename*=UTF-8''accentu%C3%A9.pdf"""
    clean = " ".join(UNSAFE.sub(" ", filename).split()) or "document.pdf"
    disposition = "inline" if inline else "attachment"
    return (f'{disposition}; filename="{ascii_fallback(clean)}"; '
            f"filename*=UTF-8''{quote(clean, safe='')}")


def pdf_response(data: bytes, filename: str, inline: bool = False) -> Response:
    """A PDF response: no-store, and a download name that keeps its accents."""
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = content_disposition(filename, inline)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    response.headers["Content-Length"] = str(len(data))
    return response
