"""The one entry point that turns a document template and plain data into PDF bytes."""

import threading

from flask import render_template
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration

from app.extensions import db
from app.pdf.fetcher import STATIC_BASE, StaticOnlyFetcher, static_url

# Tagged, accessible PDF (structure tree, language, title shown in the reader's title bar).
PDF_OPTIONS = {"pdf_variant": "pdf/ua-1", "pdf_tags": True}
LANG = "fr"

_per_thread = threading.local()


def font_config() -> FontConfiguration:
    """This thread's font configuration, kept from one render to the next.

    WeasyPrint otherwise builds one per render, which rescans the system fonts and is never
    freed (resident memory grew by about 0.25 MiB a render). The @font-face fonts are loaded
    into it once. One per thread: a configuration is not shared between concurrent renders.
    """
    config = getattr(_per_thread, "font_config", None)
    if config is None:
        config = _per_thread.font_config = FontConfiguration()
    return config


def render_html(template_name: str, context: dict, title: str, author: str) -> str:
    """The document's HTML: a template of templates/pdf/ filled with plain data."""
    return render_template(template_name, **context, document_title=title,
                           document_author=author, static_url=static_url)


def html_to_pdf(html: str, title: str, author: str, url_fetcher=None) -> bytes:
    """Lay out the HTML and write a PDF/UA file with its title, author and language."""
    document = HTML(string=html, base_url=STATIC_BASE,
                    url_fetcher=url_fetcher or StaticOnlyFetcher()).render(
        font_config=font_config(), **PDF_OPTIONS)
    document.metadata.title = title
    document.metadata.authors = [author] if author else []
    document.metadata.lang = LANG
    return document.write_pdf(**PDF_OPTIONS)


def render_pdf(template_name: str, context: dict, title: str, author: str) -> bytes:
    """Render a document: templates get plain data (dataclasses, dicts), never ORM objects."""
    html = render_html(template_name, context, title, author)
    # WeasyPrint takes a second or more: end the (read) transaction first. On SQLite every
    # transaction holds the write lock, and other requests must not wait for a PDF.
    db.session.commit()
    return html_to_pdf(html, title, author)
