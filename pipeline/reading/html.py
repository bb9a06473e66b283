"""Web pages → the report body as text, and what the page says about the report around it.

The page is parsed with lxml (libxml2) in the charset it declares. Its metadata (<title>, the 发布机构 cell) is read
first; then scripts, navigation, footers and other site chrome are dropped, the smallest block holding most of the
page's non-link Chinese text is taken as the report body, and the body is written out as text: paragraphs as lines,
each <table> row as one line of TAB-separated cells with rowspan/colspan expanded (the spanned text repeated in each
covered cell), marked with its table's and its own order in the document (pipeline.reading.provenance), so table
extraction sees the same layout as in a tab-separated text file.

Pages are ~150 KB of nested markup, so libxml2 does the walking (issue #9): chrome is found by its attribute
values, the body by descending only into blocks that can still hold enough text, and the body's text is written
by libxml2's text serializer once block boundaries and tables have been written into the (throw-away) tree.
"""

from __future__ import annotations

import re

from lxml import etree

from pipeline.reading.decoding import declared_charset, decode_bytes
from pipeline.reading.errors import ReadError
from pipeline.reading.provenance import mark_line

#: elements that are never report text (their tail text stays)
DROP_TAGS = ("script", "style", "noscript", "iframe", "nav", "header", "footer", "form", "select", "button",
             "svg", "template", "object", "embed")
#: a class or id naming site chrome (an element carrying one is dropped unless it holds a table or much text)
CHROME_HINT = re.compile(r"(^|[\s_-])(nav|menu|header|footer|foot|breadcrumb|crumb|sidebar|share|qrcode|search|"
                         r"login|banner|topbar|links?|copyright|related|btn)([\s_-]|$)", re.I)
#: chrome is dropped only when it holds fewer Chinese characters than this (a report body is longer)
CHROME_MAX_HAN = 400
#: elements that start and end a line of the body's text
BLOCK_TAGS = ("p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "table", "section", "article",
              "blockquote", "pre", "ul", "ol", "dd", "dt", "center")
#: elements that separate words inside a table cell (12<br>34 is "12 34"; 78<span>967</span> is 78967)
CELL_BREAKS = ("br", "p", "div", "li", "tr", "table")
#: the blocks that can be the report body, and the share of the page's non-link Chinese text it must hold
BODY_CANDIDATES = frozenset({"div", "article", "section", "td", "main"})
BODY_SHARE = 0.6
#: labels of a page's metadata table (索引号 / 发布机构 / 成文日期 …) that name the issuing body
PUBLISHER_LABELS = ("发布机构", "发文机关", "发布单位", "发文单位", "公开主体", "信息公开主体")
#: the elements a 发布机构 label may sit in, with at most this many children
PUBLISHER_TAGS = ("td", "th", "span", "li", "p", "div", "dd", "dt", "label", "em", "strong", "b")
PUBLISHER_MAX_CHILDREN = 3

_HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")
_PUBLISHER_CELL = re.compile(r"^(?:" + "|".join(PUBLISHER_LABELS) + r")\s*[:：]?\s*(?P<value>.*)$")
_PUBLISHER_END = re.compile(r"\s|(?:索引号|发布日期|成文日期|发文字号|主题分类|文号)")
_STRING = etree.XPath("string()", smart_strings=False)
_CLASS_AND_ID = etree.XPath("//@class | //@id")  # smart strings: each knows its element
_LABEL_TEXTS = etree.XPath("//text()[" + " or ".join(f"contains(., '{label}')" for label in PUBLISHER_LABELS) + "]")
#: every element that may hold a 发布机构 label, in document order (len(el) counts comments and PIs too, as here)
_PUBLISHER_CANDIDATES = etree.XPath(
    "//*[" + " or ".join(f"self::{tag}" for tag in PUBLISHER_TAGS) + "]"
    f"[count(*|comment()|processing-instruction()) <= {PUBLISHER_MAX_CHILDREN}]"
    "[" + " or ".join(f"contains(., '{label}')" for label in PUBLISHER_LABELS) + "]",
    smart_strings=False,
)
_OWN_ROWS = etree.XPath(".//tr[count(ancestor::table) = $n]")  # a table's rows, not those of a table in a cell
_TABLE_DEPTH = etree.XPath("count(ancestor-or-self::table)")


def html_to_text_and_meta(data: bytes) -> tuple[str, str, dict[str, str]]:
    """A web page's report body as text, its encoding and its page metadata (see `page_metadata`)."""
    text, encoding = decode_bytes(data, declared_charset(data))
    root = _parse(data if encoding == "utf-8" else text.encode("utf-8"))
    meta = page_metadata(root)
    _drop_chrome(root)
    title = _page_title(root)
    body = re.sub(r" *\n[ \n]*\n", "\n\n", _content_text(_main_content(root)))
    lines = [line.strip(" \u00a0\u3000") if line.strip() else "" for line in body.split("\n")]
    body = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n ")
    if title and title.strip() not in body[:300]:
        body = title.strip() + "\n" + body
    return body, encoding, meta


def _parse(utf8: bytes):
    """The page's tree, from its text encoded as UTF-8 (libxml2 reads UTF-8 natively; a Python str would be
    handed over as UTF-16/UCS-4 and converted)."""
    parser = etree.HTMLParser(huge_tree=True, encoding="utf-8")  # huge_tree: else libxml2 stops at depth 256
    try:
        root = etree.fromstring(utf8, parser)  # what lxml.html.document_fromstring does, minus its classes
        if root is None:
            raise etree.ParserError("Document is empty")
    except (etree.ParserError, ValueError) as exc:
        raise ReadError(f"the HTML page cannot be parsed ({exc})") from exc
    too_deep = [e.message for e in parser.error_log if e.type_name == "ERR_RESOURCE_LIMIT"]
    if too_deep:  # libxml2 stops reading at its limit, so the text would be cut short without a word
        limit = re.search(r"\d+", too_deep[0])
        raise ReadError(f"the HTML page nests its elements more than {limit.group() if limit else 'the allowed'} "
                        "levels deep, beyond what the HTML parser (libxml2) reads, so its text cannot be read whole")
    return root


def _han(el) -> int:
    """Chinese characters in the text below el (its tail excluded)."""
    return sum(map(len, _HAN_RUN.findall(_STRING(el))))


def _folded(el) -> str:
    """The text below el, whitespace runs folded to one space."""
    return " ".join(_STRING(el).split())


def page_metadata(root) -> dict[str, str]:
    """The page's <title> and its 发布机构, read before the chrome around the body (where they sit) is dropped.

    The 发布机构 value is the cell after a label cell (`<td>发布机构：</td><td>XX局</td>`) or the text after the
    label in the same element (`<span>发布机构：XX局</span>`)."""
    meta: dict[str, str] = {}
    titles = [t.strip() for t in root.xpath("//title/text()") if t and t.strip()]
    if titles:
        meta["title"] = titles[0]
    for el in _publisher_candidates(root):
        if el.tag not in PUBLISHER_TAGS or len(el) > PUBLISHER_MAX_CHILDREN:
            continue
        m = _PUBLISHER_CELL.match(_folded(el))
        if m is None:
            continue
        value = m["value"].strip()
        if not value:
            nxt = el.getnext()
            value = _folded(nxt) if nxt is not None else ""
        value = _PUBLISHER_END.split(value)[0]
        if _HAN_RUN.search(value or ""):
            meta["publisher"] = value
            break
    return meta


def _publisher_candidates(root) -> list:
    """The elements whose text holds a PUBLISHER_LABELS label, in document order.

    Usually every label sits inside one text node, and the candidates are that node's element and its
    ancestors (outermost first: document order). When a label is split over elements (<b>发布</b>机构), every
    element of the page is tested (_PUBLISHER_CANDIDATES, slower)."""
    page = _STRING(root)
    present = [label for label in PUBLISHER_LABELS if label in page]
    if not present:
        return []
    texts = _LABEL_TEXTS(root)
    if any(page.count(label) != sum(text.count(label) for text in texts) for label in present):
        return _PUBLISHER_CANDIDATES(root)
    found: dict = {}
    for text in texts:
        el = text.getparent()
        if text.is_tail:
            el = el.getparent()
        if el is not None:
            found.update(dict.fromkeys([*reversed(list(el.iterancestors())), el]))
    return list(found)


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


def _drop_chrome(root) -> None:
    """Drop comments, DROP_TAGS, and blocks whose class or id names site chrome (CHROME_HINT) unless they hold
    a table or much text. Chrome is found from the page's class/id attribute values, so only elements that carry
    a matching one are visited (in document order: dropping a block changes what its ancestors hold)."""
    etree.strip_elements(root, etree.Comment, *DROP_TAGS, with_tail=False)
    carrying = dict.fromkeys(value.getparent() for value in _CLASS_AND_ID(root) if CHROME_HINT.search(value))
    for el in carrying:
        if el.find(".//table") is None and _han(el) < CHROME_MAX_HAN:
            _drop_tree(el)


def _page_title(root) -> str | None:
    for xpath in ('//meta[@name="ArticleTitle"]/@content', "//h1//text()", "//title/text()"):
        found = [t.strip() for t in root.xpath(xpath) if t and t.strip()]
        if found:
            return "".join(found) if xpath.startswith("//h1") else found[0]
    return None


def _main_content(root):
    """The smallest BODY_CANDIDATES block that holds BODY_SHARE of the page's non-link Chinese text: the report body.

    A block's count never exceeds its parent's, so the walk (document order) descends only into blocks with at
    least the limit: the blocks below the others cannot qualify."""
    body = root.find(".//body")
    body = body if body is not None else root
    best_han = _han(body)
    limit = BODY_SHARE * (best_han - _link_han(body))
    best = body
    stack = [(body, best_han)]
    while stack:
        el, han = stack.pop()
        if el.tag in BODY_CANDIDATES and han < best_han and han - _link_han(el) >= limit:
            best, best_han = el, han
        children = [(child, _han(child)) for child in el.iterchildren(tag=etree.Element)]
        stack.extend(found for found in reversed(children) if found[1] >= limit)
    return best


def _link_han(el) -> int:
    """Chinese characters inside links below el (a link inside a link counts twice, as its text is in both)."""
    return sum(_han(a) for a in el.iter("a"))


def _content_text(content) -> str:
    """The body's paragraphs as lines and its tables as TAB-separated rows, each row marked with its table's and
    its own order in the document; written into the tree (a newline at each block's start and end, each table
    replaced by its rows) and then serialized by libxml2."""
    written: set = set()
    for table_no, table in enumerate(_outer_tables(content), start=1):
        rows = "".join(mark_line("\t".join(row), None, table_no, row_no) + "\n"
                       for row_no, row in enumerate(_expand_table(table), start=1) if any(c.strip() for c in row))
        table.clear(keep_tail=True)
        table.text = "\n" + rows + "\n"
        written.add(table)
    for el in content.iter(*BLOCK_TAGS):
        if el not in written:
            el.text = "\n" + (el.text or "")
            el.tail = "\n" + (el.tail or "")
    return etree.tostring(content, method="text", encoding="unicode")


def _outer_tables(content) -> list:
    """The tables of content not inside another of its tables, in document order."""
    tables, inner = [], set()
    for table in content.iter("table"):
        if table in inner:
            continue
        tables.append(table)
        inner.update(table.iter("table"))
    return tables


def _expand_table(table) -> list[list[str]]:
    """The table's rows as cell lists, rowspan/colspan expanded (the spanned text repeated in each covered cell).

    A space is first written at the start and end of every CELL_BREAKS element inside the table (the tree is
    thrown away afterwards), so each cell's text is its string value with whitespace folded."""
    for el in table.iter(*CELL_BREAKS):
        if el is not table:
            el.text = " " + (el.text or "")
            el.tail = " " + (el.tail or "")
    grid: dict[tuple[int, int], str] = {}
    for r, tr in enumerate(_OWN_ROWS(table, n=int(_TABLE_DEPTH(table)))):
        c = 0
        for cell in tr.iterchildren("td", "th"):
            while (r, c) in grid:
                c += 1
            text = _folded(cell) if len(cell) else " ".join((cell.text or "").split())
            rowspan, colspan = cell.get("rowspan"), cell.get("colspan")
            if rowspan is None and colspan is None:  # most cells
                grid[(r, c)] = text
                c += 1
                continue
            rowspan, colspan = _span(rowspan), _span(colspan)
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
    if value is None:
        return 1
    try:
        return max(1, min(int(str(value).strip()), 200))
    except (TypeError, ValueError):
        return 1
