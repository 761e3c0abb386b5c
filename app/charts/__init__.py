"""Server-side SVG charts, shared by pages and PDFs (no JavaScript, no external assets)."""
