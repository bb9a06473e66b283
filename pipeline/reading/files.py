"""Reading raw report files into normalized text.

Plain text and markdown are decoded by detection, not assumption (BOM, then strict UTF-8, then UTF-16 by its
NUL pattern, then strict GB18030, which covers GBK and GB2312). Web pages are parsed with lxml in the charset
they declare; the site's navigation, scripts and footers are dropped, the report body is kept as text, and each
<table> row becomes one line of TAB-separated cells with rowspan/colspan expanded, so table extraction sees
the same layout as in a tab-separated text file. Every failure raises `ReadError` with a one-sentence reason.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from pipeline.reading.docx import docx_to_text
from pipeline.reading.errors import ReadError
from pipeline.reading.normalizing import normalize_text
from pipeline.reading.pdf import pdf_to_text
from pipeline.reading.provenance import Origin, mark_line, strip_markers

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
HTML_SUFFIXES = {".html", ".htm", ".shtml", ".xhtml"}
PDF_SUFFIXES = {".pdf"}
DOCX_SUFFIXES = {".docx"}
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


_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _looks_utf16(data: bytes) -> str | None:
    """UTF-16 without BOM: the ASCII in a report (digits, newlines) leaves NUL bytes on one parity only."""
    sample = data[:8000]
    half = max(len(sample) // 2, 1)
    even_nul, odd_nul = sample[0::2].count(0) / half, sample[1::2].count(0) / half
    if odd_nul >= 0.1 and even_nul <= odd_nul / 3:
        return "utf-16-le"
    if even_nul >= 0.1 and odd_nul <= even_nul / 3:
        return "utf-16-be"
    return None


def _decode_clean(data: bytes, encoding: str) -> str | None:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    return text if _control_share(text) <= 0.01 else None


def decode_bytes(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode raw bytes; return (text, encoding). Raises ReadError when no candidate decodes cleanly.

    Order: BOM; UTF-16 by its NUL pattern (any other NUL byte means a binary file); the charset a web page
    declares; strict UTF-8; strict GB18030 (a superset of GBK and GB2312). UTF-16 without BOM and without any
    ASCII character is not recognised.
    """
    if not data.strip():
        raise ReadError("the file is empty")
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data.decode(enc), enc.replace("-sig", "") + " (BOM)"
    if b"\x00" in data:  # anywhere: a NUL after the first 8,000 bytes would otherwise end up in the text
        utf16 = _looks_utf16(data)
        text = _decode_clean(data, utf16) if utf16 else None
        if text is None:
            raise ReadError("the file is binary (it contains NUL bytes), not a text report")
        return text, utf16
    candidates = []
    if declared:
        try:
            name = codecs.lookup(declared).name
            candidates.append("gb18030" if name in ("gbk", "gb2312") else name)
        except LookupError:
            pass
    for enc in dict.fromkeys([*candidates, "utf-8", "gb18030"]):
        text = _decode_clean(data, enc)
        if text is not None:
            # the encoding used, except that a declared GBK/GB2312 read as its superset GB18030 keeps its name
            return text, (declared.lower() if enc == "gb18030" and candidates[:1] == ["gb18030"] else enc)
    raise ReadError("the bytes decode as none of UTF-8, UTF-16 or GB18030/GBK")


#: control characters other than \t \n \r \f, and the private use area: a wrong decoding produces them
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\ue000-\uf8ff]")


def _control_share(text: str) -> float:
    sample = text[:20000]
    return _CONTROL.subn("", sample)[1] / max(len(sample), 1)


# ---------------------------------------------------------------- HTML

_DROP_TAGS = ("script", "style", "noscript", "iframe", "nav", "header", "footer", "form", "select", "button",
              "svg", "template", "object", "embed")
_CHROME_HINT = re.compile(r"(^|[\s_-])(nav|menu|header|footer|foot|breadcrumb|crumb|sidebar|share|qrcode|search|"
                          r"login|banner|topbar|links?|copyright|related|btn)([\s_-]|$)", re.I)
_BLOCK_TAGS = {"p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "table", "section", "article",
               "blockquote", "pre", "ul", "ol", "dd", "dt", "center"}
_HAN = re.compile(r"[\u4e00-\u9fff]")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_-]+)""", re.I)


def _declared_charset(data: bytes) -> str | None:
    m = _META_CHARSET.search(data[:4096])
    return m.group(1).decode("ascii").lower() if m else None


_STRING = etree.XPath("string()", smart_strings=False)


def _text_content(el) -> str:
    """lxml.html's text_content(): every text node below el (not its tail), comments excluded."""
    return _STRING(el)


def _drop_tree(el) -> None:
    """lxml.html's drop_tree(): remove el and its children, keeping its tail text in place."""
    parent = el.getparent()
    if el.tail:
        previous = el.getprevious()
        if previous is None:
            parent.text = (parent.text or "") + el.tail
        else:
            previous.tail = (previous.tail or "") + el.tail
    parent.remove(el)


def _text_len(el) -> int:
    return len(_HAN.findall(_text_content(el) or ""))


def _han_count(text: str | None) -> int:
    return len(_HAN.findall(text)) if text else 0


def _main_content(root):
    """The smallest block that holds most of the page's non-link Chinese text: the report body.

    Han counts (all text, and text inside links) are summed bottom-up in one pass over the tree, instead of
    `text_content()` of every candidate block (which re-reads each subtree once per ancestor)."""
    body = root.find(".//body")
    body = body if body is not None else root
    elements = list(body.iter())
    han: dict = {}
    links: dict = {}
    for el in reversed(elements):  # children before their parents
        total = _han_count(el.text) if isinstance(el.tag, str) else 0
        in_links = 0
        for child in el:
            total += han[child] + _han_count(child.tail)
            in_links += links[child]
        han[el] = total
        links[el] = in_links + (total if el.tag == "a" else 0)
    limit = 0.6 * (han[body] - links[body])
    best = body
    for el in body.iter("div", "article", "section", "td", "main"):
        if han[el] - links[el] >= limit and han[el] < han[best]:
            best = el
    return best


def _page_title(root) -> str | None:
    for xpath in ('//meta[@name="ArticleTitle"]/@content', "//h1//text()", "//title/text()"):
        found = [t.strip() for t in root.xpath(xpath) if t and t.strip()]
        if found:
            return "".join(found) if xpath.startswith("//h1") else found[0]
    return None


def _expand_table(table) -> list[list[str]]:
    """The table's rows as cell lists, rowspan/colspan expanded (the spanned text repeated in each covered cell)."""
    grid: dict[tuple[int, int], str] = {}
    # the rows whose nearest table is this one (not those of a table nested in a cell)
    rows = table.xpath(".//tr[count(ancestor::table) = $n]", n=int(table.xpath("count(ancestor-or-self::table)")))
    for r, tr in enumerate(rows):
        c = 0
        for cell in tr:
            if not isinstance(cell.tag, str) or cell.tag.lower() not in ("td", "th"):
                continue
            while (r, c) in grid:
                c += 1
            text = _cell_text(cell)
            rowspan = _span(cell.get("rowspan"))
            colspan = _span(cell.get("colspan"))
            for dr in range(rowspan):
                for dc in range(colspan):
                    grid.setdefault((r + dr, c + dc), text)
            c += colspan
    if not grid:
        return []
    n_rows = max(r for r, _ in grid) + 1
    n_cols = max(c for _, c in grid) + 1
    return [[grid.get((r, c), "") for c in range(n_cols)] for r in range(n_rows)]


def _span(value: str | None) -> int:
    if value is None:  # most cells: no exception path
        return 1
    try:
        return max(1, min(int(str(value).strip()), 200))
    except (TypeError, ValueError):
        return 1


_CELL_BREAKS = {"br", "p", "div", "li", "tr", "table"}
_BREAKS_BELOW = etree.XPath("|".join(f".//{tag}" for tag in sorted(_CELL_BREAKS)))


def _walk(root):
    """("start" | "end", node) in document order, comments included: lxml's own iteration (in C, no recursion,
    so a page nested deeper than Python's recursion limit is walked too)."""
    for event, el in etree.iterwalk(root, events=("start", "end", "comment", "pi")):
        if event in ("comment", "pi"):  # a leaf: its tail is text of the page
            yield "start", el
            yield "end", el
        else:
            yield event, el


def _cell_text(cell) -> str:
    """A cell's text: inline spans joined as printed (78<span>967</span> is 78967), blocks and <br> as a space.

    One lxml iterwalk over the cell (start: a break's space and the element's text; end: a break's space and
    the element's tail), the same order as a recursive walk."""
    if not len(cell):
        return " ".join((cell.text or "").split())
    breaks = _BREAKS_BELOW(cell)
    if not breaks or (len(breaks) == 1 and _STRING(cell).strip() == _STRING(breaks[0]).strip()):
        # no break splits the text (none, or one block holding all of it, as in <td><p><span>12</span></p></td>):
        # the spaces a break adds only meet whitespace, so the cell is its string value, whitespace folded
        return " ".join(_STRING(cell).split())
    parts: list[str] = []
    for event, el in etree.iterwalk(cell, events=("start", "end")):
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if event == "start":
            if tag in _CELL_BREAKS:
                parts.append(" ")
            if el.text and tag:
                parts.append(el.text)
        else:
            if tag in _CELL_BREAKS:
                parts.append(" ")
            if el.tail and el is not cell:
                parts.append(el.tail)
    return " ".join("".join(parts).split())


def _block_text(root, out: list[str]) -> None:
    """Write the content tree's paragraphs as lines and its tables as TAB-separated rows, each row marked with
    its table's and its own order in the document (pipeline.reading.provenance)."""
    inside_table = None  # the table being skipped: _expand_table has written it
    table_no = 0
    for event, el in _walk(root):
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if inside_table is not None:
            if event == "end" and el is inside_table:
                inside_table = None
                out.append(el.tail or "")
            continue
        if event == "start" and tag == "table":
            table_no += 1
            out.append("\n")
            out.extend(mark_line("\t".join(row), None, table_no, row_no) + "\n"
                       for row_no, row in enumerate(_expand_table(el), start=1) if any(cell.strip() for cell in row))
            out.append("\n")
            inside_table = el
        elif event == "start":
            if tag in _BLOCK_TAGS:
                out.append("\n")
            if el.text and tag:
                out.append(el.text)
        else:
            if tag in _BLOCK_TAGS:
                out.append("\n")
            if el.tail:
                out.append(el.tail)


#: labels of a page's metadata table (索引号 / 发布机构 / 成文日期 …) that name the issuing body
PUBLISHER_LABELS = ("发布机构", "发文机关", "发布单位", "发文单位", "公开主体", "信息公开主体")
_PUBLISHER_CELL = re.compile(r"^(?:" + "|".join(PUBLISHER_LABELS) + r")\s*[:：]?\s*(?P<value>.*)$")


def page_metadata(root) -> dict[str, str]:
    """The page's <title> and its 发布机构, read before the chrome around the body (where they sit) is dropped.

    The 发布机构 value is the cell after a label cell (`<td>发布机构：</td><td>XX局</td>`) or the text after the
    label in the same element (`<span>发布机构：XX局</span>`)."""
    meta: dict[str, str] = {}
    titles = [t.strip() for t in root.xpath("//title/text()") if t and t.strip()]
    if titles:
        meta["title"] = titles[0]
    for el in root.iter("td", "th", "span", "li", "p", "div", "dd", "dt", "label", "em", "strong", "b"):
        if len(el) > 3:
            continue
        own = " ".join((_text_content(el) or "").split())
        m = _PUBLISHER_CELL.match(own)
        if m is None:
            continue
        value = m["value"].strip()
        if not value:
            nxt = el.getnext()
            value = " ".join((_text_content(nxt) or "").split()) if nxt is not None else ""
        value = re.split(r"\s|(?:索引号|发布日期|成文日期|发文字号|主题分类|文号)", value)[0]
        if _HAN.search(value or ""):
            meta["publisher"] = value
            break
    return meta


def html_to_text(data: bytes) -> tuple[str, str]:
    """A web page's report body as text; return (text, encoding)."""
    body, encoding, _meta = html_to_text_and_meta(data)
    return body, encoding


def html_to_text_and_meta(data: bytes) -> tuple[str, str, dict[str, str]]:
    """A web page's report body as text, its encoding and its page metadata (see `page_metadata`)."""
    declared = _declared_charset(data)
    text, encoding = decode_bytes(data, declared)
    parser = etree.HTMLParser(huge_tree=True)  # libxml2 drops everything below depth 256 without it
    try:
        root = etree.fromstring(text, parser)  # what lxml.html.document_fromstring does, minus its classes
        if root is None:
            raise etree.ParserError("Document is empty")
    except (etree.ParserError, ValueError) as exc:
        raise ReadError(f"the HTML page cannot be parsed ({exc})") from exc
    too_deep = [e.message for e in parser.error_log if e.type_name == "ERR_RESOURCE_LIMIT"]
    if too_deep:  # libxml2 stops reading at its limit, so the text would be cut short without a word
        limit = re.search(r"\d+", too_deep[0])
        raise ReadError(f"the HTML page nests its elements more than {limit.group() if limit else 'the allowed'} "
                        "levels deep, beyond what the HTML parser (libxml2) reads, so its text cannot be read whole")
    meta = page_metadata(root)
    for el in list(root.iter(*_DROP_TAGS)):  # lxml's own iteration: 14 tag tests per element in XPath cost more
        _drop_tree(el)
    for el in list(root.iter(etree.Comment)):  # comments outside <html> are not below root: nothing to drop there
        _drop_tree(el)
    for el in root.xpath("//*[@class or @id]"):
        hint = f"{el.get('class', '')} {el.get('id', '')}"
        if _CHROME_HINT.search(hint) and el.find(".//table") is None and _text_len(el) < 400:
            _drop_tree(el)
    title = _page_title(root)
    out: list[str] = []
    _block_text(_main_content(root), out)
    body = re.sub(r" *\n[ \n]*\n", "\n\n", "".join(out))
    lines = [line.strip(" \u00a0\u3000") if line.strip() else "" for line in body.split("\n")]
    body = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n ")
    if title and title.strip() not in body[:300]:
        body = title.strip() + "\n" + body
    return body, encoding, meta


# ---------------------------------------------------------------- entry point


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
