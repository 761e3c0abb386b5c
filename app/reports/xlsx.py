"""A streaming XLSX writer: rows go out as compressed bytes while they are produced.

Why not openpyxl's write-only mode: measured on this project's machines, it writes 50 000
rows of 41 columns in 40 s (32 s with lxml), four times the export budget, and only hands the
file over once it is complete. This writer emits the same SpreadsheetML (inline strings, real
dates and numbers, a bold frozen header row) at about 20 000 rows a second, holding one batch
of rows in memory; openpyxl reads its files back in the tests.
"""

import re
import zipfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from xml.sax.saxutils import escape

ROWS_PER_WRITE = 500
EXCEL_EPOCH = date(1899, 12, 30)
# Characters XML 1.0 cannot hold (a stray control character would make the file unreadable).
INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

# Cell styles (indexes into cellXfs below): 0 plain, 1 date, 2 bold header, 3 one decimal.
DATE_STYLE, HEADER_STYLE, DECIMAL_STYLE = 1, 2, 3
STYLES = (
    f'{XML_HEAD}<styleSheet xmlns="{MAIN_NS}">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/>'
    '<numFmt numFmtId="165" formatCode="0.0"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '</cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    '</styleSheet>'
)


class Sink:
    """A write-only byte buffer that the zip file writes into and the response drains."""

    def __init__(self):
        self.parts: list[bytes] = []

    def write(self, data) -> int:
        """Keep a copy of the bytes (zipfile may reuse its buffer)."""
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        """Nothing to flush: the bytes wait for take()."""

    def take(self) -> bytes:
        """The bytes written since the last call."""
        data = b"".join(self.parts)
        self.parts = []
        return data


def column_letters(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def text(value: str) -> str:
    """A string as XML character data, without the characters XML cannot hold."""
    return escape(INVALID_XML.sub("", value))


def cell(reference: str, value, style: int = 0) -> str:
    """One <c> element, or "" for an empty cell."""
    if type(value) is str and value:  # most cells: the fast path first
        space = ' xml:space="preserve"' if value[0] == " " or value[-1] == " " else ""
        styled = f' s="{style}"' if style else ""
        return (f'<c r="{reference}" t="inlineStr"{styled}><is><t{space}>{text(value)}</t>'
                "</is></c>")
    if value is None or value == "":
        return ""
    styled = f' s="{style}"' if style else ""
    if isinstance(value, bool):
        return f'<c r="{reference}" t="b"{styled}><v>{int(value)}</v></c>'
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return f'<c r="{reference}" s="{DATE_STYLE}"><v>{(value - EXCEL_EPOCH).days}</v></c>'
    if isinstance(value, Decimal):
        return f'<c r="{reference}" s="{DECIMAL_STYLE}"><v>{value}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{reference}"{styled}><v>{value}</v></c>'
    return cell(reference, str(value), style)


def row_xml(number: int, values: list, letters: list[str], style: int = 0) -> str:
    """One <row> element (characters XML cannot hold are removed later, batch by batch)."""
    styled = f' s="{style}"' if style else ""
    parts = [f'<row r="{number}">']
    for letter, value in zip(letters, values, strict=False):
        if type(value) is str:  # most cells: inlined, no function call
            if value:
                space = ' xml:space="preserve"' if value[0] == " " or value[-1] == " " else ""
                parts.append(f'<c r="{letter}{number}" t="inlineStr"{styled}><is><t{space}>'
                             f'{escape(value)}</t></is></c>')
        elif value is not None:
            parts.append(cell(f"{letter}{number}", value, style))
    parts.append("</row>")
    return "".join(parts)


def xml_bytes(markup: str) -> bytes:
    """Markup as UTF-8, without the characters XML 1.0 cannot hold (none is in the tags)."""
    return INVALID_XML.sub("", markup).encode()


def sheet_title(title: str) -> str:
    """A name Excel accepts for a sheet: ≤ 31 characters, none of []:*?/\\."""
    return SHEET_NAME_FORBIDDEN.sub(" ", title)[:31] or "Feuille"


def stream_workbook(sheets: Iterable[tuple[str, list[str], Iterable[list], list[int]]]
                    ) -> Iterator[bytes]:
    """The XLSX file of the sheets, as chunks of bytes, produced as the rows come.

    Each sheet is (title, header, rows, column widths); rows are lists of str, int, Decimal,
    date or None, in the header's order.
    """
    sink = Sink()
    archive = zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED, compresslevel=1)
    titles = []
    for index, (title, header, rows, widths) in enumerate(sheets, start=1):
        titles.append(sheet_title(title))
        letters = [column_letters(i) for i in range(len(header))]
        with archive.open(f"xl/worksheets/sheet{index}.xml", "w", force_zip64=True) as part:
            cols = "".join(f'<col min="{i}" max="{i}" width="{width}" customWidth="1"/>'
                           for i, width in enumerate(widths, start=1))
            part.write(xml_bytes(
                f'{XML_HEAD}<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
                '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
                'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
                f'{"<cols>" + cols + "</cols>" if cols else ""}<sheetData>'
                + row_xml(1, header, letters, HEADER_STYLE)))
            batch = []
            for number, values in enumerate(rows, start=2):
                batch.append(row_xml(number, values, letters))
                if len(batch) == ROWS_PER_WRITE:
                    part.write(xml_bytes("".join(batch)))
                    batch = []
                    chunk = sink.take()
                    if chunk:
                        yield chunk
            part.write(xml_bytes("".join(batch) + "</sheetData></worksheet>"))
        yield sink.take()
    write_package(archive, titles)
    archive.close()
    yield sink.take()


def write_package(archive: zipfile.ZipFile, titles: list[str]) -> None:
    """The workbook, styles, relationships and content types around the sheets."""
    count = len(titles)
    sheets = "".join(f'<sheet name="{text(title)}" sheetId="{i}" r:id="rId{i}"/>'
                     for i, title in enumerate(titles, start=1))
    archive.writestr("xl/workbook.xml", f'{XML_HEAD}<workbook xmlns="{MAIN_NS}" '
                     f'xmlns:r="{REL_NS}"><sheets>{sheets}</sheets></workbook>')
    relations = "".join(
        f'<Relationship Id="rId{i}" Type="{REL_NS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, count + 1))
    archive.writestr("xl/_rels/workbook.xml.rels", (
        f'{XML_HEAD}<Relationships xmlns="{PKG_REL_NS}">{relations}'
        f'<Relationship Id="rId{count + 1}" Type="{REL_NS}/styles" Target="styles.xml"/>'
        '</Relationships>'))
    archive.writestr("xl/styles.xml", STYLES)
    archive.writestr("_rels/.rels", (
        f'{XML_HEAD}<Relationships xmlns="{PKG_REL_NS}">'
        f'<Relationship Id="rId1" Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
        '</Relationships>'))
    sheet_types = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, count + 1))
    archive.writestr("[Content_Types].xml", (
        f'{XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        f'{sheet_types}'
        '<Override PartName="/xl/styles.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        '</Types>'))
