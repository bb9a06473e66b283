"""Reading raw report files into normalized text, whatever their format.

The suffix (or the file's first bytes) picks the reader: plain text and markdown are decoded by detection
(pipeline.reading.decoding), web pages by pipeline.reading.html, PDF and Word by their modules. The text is then
normalized (simplified script, one set of characters) and its line origins split off. Every failure raises
`ReadError` with a one-sentence reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pipeline.reading.decoding import decode_bytes
from pipeline.reading.docx import docx_to_text
from pipeline.reading.errors import ReadError
from pipeline.reading.html import html_to_text_and_meta
from pipeline.reading.normalizing import normalize_text
from pipeline.reading.pdf import pdf_to_text
from pipeline.reading.provenance import Origin, strip_markers

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
HTML_SUFFIXES = {".html", ".htm", ".shtml", ".xhtml"}
PDF_SUFFIXES = {".pdf"}
DOCX_SUFFIXES = {".docx"}
__all__ = ["REPORT_SUFFIXES", "ReadError", "ReadResult", "decode_bytes", "read_report", "read_report_bytes"]

#: formats recognised only to say why they cannot be read (suffix → sentence)
UNSUPPORTED_SUFFIXES = {
    ".doc": "the file is an old binary Word document (.doc); save it as .docx or PDF to have it read",
    ".wps": "the file is a WPS Writer document (.wps); save it as .docx or PDF to have it read",
}
REPORT_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | PDF_SUFFIXES | DOCX_SUFFIXES


@dataclass(frozen=True)
class ReadResult:
    text: str  # normalized, simplified
    script: str  # 'simplified' | 'traditional' (as found in the raw file)
    encoding: str
    source_format: str  # 'text' | 'markdown' | 'html' | 'pdf' | 'docx'
    #: what a web page says about the report outside its body: 'title' (<title>), 'publisher' (发布机构 …)
    page: dict[str, str] = field(default_factory=dict)
    #: 1-based line of `text` → where it came from (page, table_no, row_no); lines not listed have no known origin
    line_origins: dict[int, Origin] = field(default_factory=dict)



def read_report(path: str | Path) -> ReadResult:
    """Read one raw report file into normalized simplified text, or raise ReadError saying why not."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReadError(f"the file cannot be read ({exc.strerror})") from exc
    return read_report_bytes(data, path.suffix.lower())


def read_report_bytes(data: bytes, suffix: str) -> ReadResult:
    """The same as read_report for bytes already in memory, with the file's suffix (or magic bytes) deciding
    the format: PDF, Word (.docx), HTML or text."""
    page: dict[str, str] = {}
    if suffix in UNSUPPORTED_SUFFIXES or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ReadError(UNSUPPORTED_SUFFIXES.get(suffix, UNSUPPORTED_SUFFIXES[".doc"]))
    if suffix in PDF_SUFFIXES or data[:1024].lstrip().startswith(b"%PDF-"):
        raw, encoding, fmt = pdf_to_text(data), "pdf", "pdf"
    elif suffix in DOCX_SUFFIXES:
        raw, encoding, fmt = docx_to_text(data), "docx", "docx"
    elif suffix in HTML_SUFFIXES or data.lstrip()[:15].lower().startswith((b"<!doctype html", b"<html")):
        raw, encoding, page = html_to_text_and_meta(data)
        fmt = "html"
    else:
        page = {}
        raw, encoding = decode_bytes(data)
        fmt = "markdown" if suffix in (".md", ".markdown") else "text"
    text, script = normalize_text(raw)
    text, origins = strip_markers(text)
    if not text.strip():
        raise ReadError("the file holds no text")
    page = {key: normalize_text(value)[0].strip() for key, value in page.items()}
    return ReadResult(text=text, script=script, encoding=encoding, source_format=fmt, page=page,
                      line_origins=origins)
