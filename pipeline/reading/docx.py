"""Reading a Word (.docx) report into the pipeline's text: paragraphs as lines, each table row one TAB-separated line.

Paragraphs and tables come in document order (python-docx `iter_inner_content`). A table's rows are expanded
as the HTML reader expands rowspan/colspan: `row.cells` repeats a horizontally merged cell (gridSpan) in every
grid column it covers and gives a vertically merged one (vMerge) the text of its top cell. Each emitted line
carries its origin (table and row number) through `pipeline.reading.provenance` markers. A .docx is a zip of XML
parts; nothing in it is executed (macros are not even present in .docx, and are never run).
"""

from __future__ import annotations

import io
import zipfile

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table
from lxml import etree

from pipeline.reading.errors import ReadError
from pipeline.reading.provenance import mark_line


def _cell_text(cell) -> str:
    """A cell's paragraphs as one line: whitespace runs (line breaks, NBSP) become one space, as in the HTML reader."""
    return " ".join(cell.text.replace("\u00a0", " ").split())


def _table_lines(table: Table, table_no: int) -> list[str]:
    lines = [""]
    for row_no, row in enumerate(table.rows, start=1):
        cells = [_cell_text(cell) for cell in row.cells]
        if any(cells):
            lines.append(mark_line("\t".join(cells), None, table_no, row_no))
    lines.append("")
    return lines


def docx_to_text(data: bytes) -> str:
    """The document's text with provenance markers; raises ReadError for a damaged or non-Word file."""
    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, etree.XMLSyntaxError) as exc:
        raise ReadError(f"the Word (.docx) file is damaged or not a .docx document ({type(exc).__name__})") from exc
    lines: list[str] = []
    table_no = 0
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            table_no += 1
            lines.extend(_table_lines(block, table_no))
        else:
            text = " ".join(block.text.replace("\u00a0", " ").split())
            if text:
                lines.append(mark_line(text, None, None, None))
    return "\n".join(lines).strip("\n")
