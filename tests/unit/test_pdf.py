"""app/pdf: the restricted URL fetcher, the PDF file name header, metadata and tagging."""

import base64
import urllib.request
from io import BytesIO

import pytest
from pypdf import PdfReader

from app.pdf import content_disposition, html_to_pdf, pdf_response, static_url
from app.pdf.fetcher import STATIC_BASE, ForbiddenResource, StaticOnlyFetcher, static_path

# A 1×1 transparent PNG.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


class RecordingFetcher(StaticOnlyFetcher):
    """The real fetcher, keeping a list of every URL WeasyPrint asked for."""

    def __init__(self):
        super().__init__()
        self.asked = []

    def fetch(self, url, headers=None):
        self.asked.append(url)
        return super().fetch(url, headers)


@pytest.fixture
def no_network(monkeypatch):
    """Fail the test if anything tries urllib (what WeasyPrint's default fetcher uses)."""
    opened = []

    def refuse(self, url, *args, **kwargs):
        opened.append(url)
        raise AssertionError(f"network or file access attempted: {url}")

    monkeypatch.setattr(urllib.request.OpenerDirector, "open", refuse)
    return opened


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:1/x",
    "https://example.org/logo.png",
    "ftp://example.org/f",
    "file:///etc/passwd",
    STATIC_BASE + "../../../../etc/passwd",
    STATIC_BASE + "..%2F..%2F..%2Fetc%2Fpasswd",
    STATIC_BASE + "jalons.py",
    STATIC_BASE + "fonts/absent.ttf",
    STATIC_BASE + "fonts/LICENSE",
    "data:text/html,<script>alert(1)</script>",
    "data:image/png;base64,@@@",
    "jalons.css",
])
def test_the_fetcher_refuses_everything_but_static_files_and_data_urls(url):
    with pytest.raises(ForbiddenResource):
        StaticOnlyFetcher().fetch(url)


def test_the_fetcher_serves_static_files_and_data_images():
    fetcher = StaticOnlyFetcher()
    font = fetcher.fetch(static_url("fonts/DejaVuSans.ttf"))
    assert font.read()[:4] == b"\x00\x01\x00\x00"
    css = fetcher.fetch(static_url("pdf/documents.css"))
    assert css.content_type == "text/css"
    image = fetcher.fetch("data:image/png;base64," + base64.b64encode(PNG).decode())
    assert image.read() == PNG and image.content_type == "image/png"
    assert static_path(static_url("fonts/DejaVuSans-Bold.ttf")).name == "DejaVuSans-Bold.ttf"


def test_hostile_html_fetches_nothing_outside_static(no_network):
    fetcher = RecordingFetcher()
    html = (
        '<html lang="fr"><head><link rel="stylesheet" href="file:///etc/passwd">'
        f'<link rel="stylesheet" href="{static_url("pdf/documents.css")}"></head><body>'
        '<img src="http://127.0.0.1:1/x"><img src="file:///etc/passwd">'
        '<p style="background: url(https://example.org/track.png)">Bonjour</p>'
        '<svg xmlns="http://www.w3.org/2000/svg"><image href="http://127.0.0.1:1/y"/></svg>'
        "</body></html>"
    )
    pdf = html_to_pdf(html, "Essai", "Jalons", url_fetcher=fetcher)
    assert pdf.startswith(b"%PDF")
    assert no_network == []
    assert "http://127.0.0.1:1/x" in fetcher.asked  # asked, refused, nothing opened
    allowed = {u for u in fetcher.asked if u.startswith(STATIC_BASE) or u.startswith("data:")}
    # The fonts are fetched once per thread (the font configuration is kept between renders).
    assert static_url("pdf/documents.css") in allowed
    assert allowed <= {static_url("pdf/documents.css"), static_url("fonts/DejaVuSans.ttf"),
                       static_url("fonts/DejaVuSans-Bold.ttf")}
    refused = set(fetcher.asked) - allowed
    assert refused == {"file:///etc/passwd", "http://127.0.0.1:1/x", "http://127.0.0.1:1/y",
                       "https://example.org/track.png"}


def test_pdf_metadata_language_and_tagging():
    pdf = html_to_pdf('<html lang="fr"><body><h1>Été</h1><p>Texte</p></body></html>',
                      "Synthèse de parcours — Hélène DUPRÉ", "Claire Martin")
    reader = PdfReader(BytesIO(pdf))
    assert reader.metadata.title == "Synthèse de parcours — Hélène DUPRÉ"
    assert reader.metadata.author == "Claire Martin"
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "fr"
    assert root["/MarkInfo"]["/Marked"]
    assert "/StructTreeRoot" in root
    xmp = root["/Metadata"].get_object().get_data()
    assert b"pdfuaid" in xmp


def test_content_disposition_keeps_accents_with_an_ascii_fallback():
    header = content_disposition("Synthèse de parcours — Hélène Dupré.pdf")
    assert header.startswith('attachment; filename="Synthese-de-parcours-Helene-Dupre.pdf"; ')
    assert header.endswith("filename*=UTF-8''Synth%C3%A8se%20de%20parcours%20%E2%80%94%20"
                           "H%C3%A9l%C3%A8ne%20Dupr%C3%A9.pdf")


def test_content_disposition_strips_header_injection():
    header = content_disposition('a"\r\nSet-Cookie: x=1;/..\\b.pdf')
    assert "\r" not in header and "\n" not in header
    fallback = header.split('filename="', 1)[1].split('"', 1)[0]
    assert '"' not in fallback and ";" not in fallback and "/" not in fallback


def test_pdf_response_is_never_cached():
    from flask import Flask

    with Flask(__name__).test_request_context():
        response = pdf_response(b"%PDF-1.7", "Émargement.pdf")
    assert response.headers["Cache-Control"] == "no-store"
    assert response.mimetype == "application/pdf"
    assert "filename*=UTF-8''%C3%89margement.pdf" in response.headers["Content-Disposition"]
