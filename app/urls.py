"""Many URLs of one endpoint, fast: url_for once per request, then the values put in place.

A caseload page links every row and every alert to a page of its participant: a hundred
url_for calls, each walking Werkzeug's URL map, cost more than the page's SQL on SQLite.
`url_pattern` builds the URL once with markers where the values go, and later URLs are
string joins, quoted the way Werkzeug quotes a path segment.
"""

import re
from collections.abc import Callable
from urllib.parse import quote

from flask import g, url_for

# What Werkzeug's default (string) converter leaves unquoted in a path segment.
SEGMENT_SAFE = "!$&'()*+,/:;=@"
# Values quote() would leave as they are (public ids always are): no need to call it.
UNCHANGED = re.compile(r"[A-Za-z0-9_.~!$&'()*+,/:;=@-]*").fullmatch
MARKER = "JalonsUrlValue{}X"  # letters and digits only: no converter or quoting changes them
PATTERNS = "_jalons_url_patterns"


def url_pattern(endpoint: str, *keys: str, **fixed) -> Callable[..., str]:
    """A function of the keys' values giving url_for(endpoint, **keys, **fixed); one
    url_for per request and arguments (path-segment values only, not query strings)."""
    cache = g.setdefault(PATTERNS, {})
    cache_key = (endpoint, keys, *fixed.items())
    pattern = cache.get(cache_key)
    if pattern is None:
        pattern = cache[cache_key] = compile_pattern(endpoint, keys, fixed)
    return pattern


def compile_pattern(endpoint: str, keys: tuple[str, ...], fixed: dict) -> Callable[..., str]:
    """Build the URL with a marker per key and split it around the markers."""
    markers = [MARKER.format(index) for index in range(len(keys))]
    url = url_for(endpoint, **dict(zip(keys, markers, strict=True)), **fixed)
    # The markers in the order they appear in the URL, which need not be the keys' order.
    found = sorted((url.index(marker), index, marker) for index, marker in enumerate(markers))
    pieces, order, start = [], [], 0
    for position, index, marker in found:
        pieces.append(url[start:position])
        order.append(index)
        start = position + len(marker)
    pieces.append(url[start:])

    def build(*values) -> str:
        """The URL for these values of the keys, in the keys' order."""
        parts = [pieces[0]]
        for piece, index in zip(pieces[1:], order, strict=True):
            value = str(values[index])
            parts.append(value if UNCHANGED(value) else quote(value, safe=SEGMENT_SAFE))
            parts.append(piece)
        return "".join(parts)

    return build
