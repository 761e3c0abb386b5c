"""PDF documents: WeasyPrint rendering with a restricted URL fetcher and shipped fonts.

One entry point, `render_pdf(template_name, context, title, author) -> bytes`, and one way to
send the result, `pdf_response(data, filename)`.
"""

from app.pdf.fetcher import StaticOnlyFetcher, static_url
from app.pdf.render import html_to_pdf, render_html, render_pdf
from app.pdf.response import content_disposition, pdf_response

__all__ = ["StaticOnlyFetcher", "content_disposition", "html_to_pdf", "pdf_response",
           "render_html", "render_pdf", "static_url"]
