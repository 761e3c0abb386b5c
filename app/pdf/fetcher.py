"""The only way a PDF reaches a resource: the app's own static files and data: URLs.

Everything else (http, https, ftp, file:// outside app/static, paths climbing out with ..)
raises before anything is opened, so a URL typed by a user into a note can never make the
server fetch a page or read a file.
"""

import base64
import mimetypes
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, unquote_to_bytes

from weasyprint.urls import URLFetcher, URLFetcherResponse

STATIC_ROOT = (Path(__file__).resolve().parent.parent / "static").resolve()
STATIC_BASE = STATIC_ROOT.as_uri() + "/"
# What a document may load from app/static, by file extension.
STATIC_TYPES = {
    ".css": "text/css",
    ".ttf": "font/ttf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".svg": "image/svg+xml",
}
DATA_TYPES = {"image/png", "image/jpeg", "image/svg+xml", "font/ttf", "text/css"}
MAX_DATA_URL = 4 * 1024 * 1024


class ForbiddenResource(ValueError):
    """A document asked for something outside app/static and data: URLs."""


def static_url(name: str) -> str:
    """The URL of a file of app/static, as documents refer to it."""
    return STATIC_BASE + name.lstrip("/")


def static_path(url: str) -> Path:
    """The file of app/static an allowed URL names; raise for anything else."""
    if not url.startswith(STATIC_BASE):
        raise ForbiddenResource(f"ressource refusée : {url[:200]}")
    relative = unquote(url[len(STATIC_BASE):].split("?", 1)[0].split("#", 1)[0])
    if not relative or "\x00" in relative or "\\" in relative:
        raise ForbiddenResource(f"ressource refusée : {url[:200]}")
    path = (STATIC_ROOT / relative).resolve()
    if not path.is_relative_to(STATIC_ROOT) or path.suffix.lower() not in STATIC_TYPES:
        raise ForbiddenResource(f"ressource refusée : {url[:200]}")
    if not path.is_file():
        raise ForbiddenResource(f"ressource absente : {url[:200]}")
    return path


@lru_cache(maxsize=32)
def read_static(path: Path, mtime_ns: int) -> bytes:
    """A static file's bytes, kept in memory (fonts are read by every render)."""
    return path.read_bytes()


def parse_data_url(url: str) -> tuple[str, bytes]:
    """(media type, bytes) of a data: URL; raise for anything malformed or unexpected."""
    if len(url) > MAX_DATA_URL:
        raise ForbiddenResource("URL data: trop longue")
    header, sep, payload = url[len("data:"):].partition(",")
    if not sep:
        raise ForbiddenResource("URL data: mal formée")
    parts = [part.strip() for part in header.split(";")]
    media_type = (parts[0] or "text/plain").lower()
    if media_type not in DATA_TYPES:
        raise ForbiddenResource(f"type refusé dans une URL data: : {media_type[:60]}")
    if "base64" in (part.lower() for part in parts[1:]):
        try:
            return media_type, base64.b64decode(payload, validate=True)
        except ValueError as error:
            raise ForbiddenResource("URL data: mal formée") from error
    return media_type, unquote_to_bytes(payload)


class StaticOnlyFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that serves app/static and data: URLs, and refuses the rest."""

    def __init__(self):
        super().__init__(allowed_protocols=("file", "data"), allow_redirects=False)

    def fetch(self, url, headers=None):
        """Answer from memory; never open a socket or a file outside app/static."""
        if url[:5].lower() == "data:":
            media_type, body = parse_data_url(url)
            return URLFetcherResponse(url, body, {"Content-Type": media_type})
        path = static_path(url)
        body = read_static(path, path.stat().st_mtime_ns)
        content_type = STATIC_TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path)[0]
        return URLFetcherResponse(url, body, {"Content-Type": content_type})
