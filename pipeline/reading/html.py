"""Web pages → the report body as text, and what the page says about the report around it.

The page's inline `style` attributes are cut from its bytes (half a Word-exported page, never read); it is then
parsed with lexbor (selectolax), an HTML5 parser, from its text in the charset it declares. Its
metadata (<title>, the 发布机构 cell) is read first; then scripts, navigation, footers and other site chrome are
dropped, the smallest block holding most of the page's non-link Chinese text is taken as the report body, and the
body is written out as text: paragraphs as lines, each <table> row as one line of TAB-separated cells with
rowspan/colspan expanded (the spanned text repeated in each covered cell), marked with its table's and its own order
in the document (pipeline.reading.provenance), so table extraction sees the same layout as in a tab-separated text
file.

Pages are ~150 KB of nested markup and a quarter of a national corpus, so the reader is built for speed (issue #9):
lexbor parses in about a third of libxml2's time, CSS selectors and `text()` run in C, and Python touches only what
is needed (the elements carrying a chrome class/id, the blocks that can still hold the body, the table cells).
Nesting is the one thing lexbor's parser pays for quadratically (10,000 levels ~0.3 s, 100,000 ~30 s), so a page
with NESTING_CHECK_TAGS tags or more is first checked by libxml2 and refused when nested beyond its 2,048 levels;
a page with fewer tags cannot nest deep enough to be slow and is read whole at any depth.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from itertools import pairwise

from lxml import etree
from selectolax.lexbor import LexborHTMLParser

from pipeline.reading.decoding import declared_charset, decode_bytes
from pipeline.reading.errors import ReadError
from pipeline.reading.normalizing import count_han
from pipeline.reading.provenance import mark_rows

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
#: the elements a 发布机构 label may sit in, with at most this many children (elements and comments)
PUBLISHER_TAGS = ("td", "th", "span", "li", "p", "div", "dd", "dt", "label", "em", "strong", "b")
PUBLISHER_MAX_CHILDREN = 3
#: libxml2's nesting limit, checked on pages with NESTING_CHECK_TAGS "<" or more (fewer cannot nest deep enough to be
#: slow for lexbor; no real page seen has more than ~4,300)
MAX_NESTING = 2048
NESTING_CHECK_TAGS = 10_000

_PUBLISHER_CELL = re.compile(r"^(?:" + "|".join(PUBLISHER_LABELS) + r")\s*[:：]?\s*(?P<value>.*)$")
_PUBLISHER_END = re.compile(r"\s|(?:索引号|发布日期|成文日期|发文字号|主题分类|文号)")
_LABEL = re.compile("|".join(PUBLISHER_LABELS))
_PUBLISHER_ELEMENTS = ",".join(PUBLISHER_TAGS)
_DROP_START = re.compile(b"<(" + b"|".join(
    first.encode() + b"(?:" + b"|".join(tag[1:].encode() for tag in DROP_TAGS if tag[0] == first) + b")"
    for first in dict.fromkeys(tag[0] for tag in DROP_TAGS)) + b")")  # by first letter: fewer branches to try per "<"
#: runs of three or more line breaks; written so that "\n\n" is a literal prefix sre searches for (`\n{3,}` has none:
#: sre tried a match at every character, ~0.45 M instructions a page)
_BLANK_LINES = re.compile("\n\n\n+")
_BLOCKS = ",".join(BLOCK_TAGS)
_CELL_BREAK_ELEMENTS = ",".join(CELL_BREAKS)
#: elements with a span attribute (those that are cells are kept)
_SPANNING = "[rowspan],[colspan]"
_TABLE_TAG_ID = LexborHTMLParser("<table></table>").css_first("table").tag_id
_CELL_TAG_IDS = frozenset(LexborHTMLParser("<table><tr><td></td><th></th></tr></table>").css_first(tag).tag_id
                          for tag in ("td", "th"))
# a cell's serialization (lexbor writes & < > and U+00A0 of text as entities) → its text, for the few cells whose
# words touch across an element boundary
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_CELL_BREAK_TAG = re.compile(r"</?(?:" + "|".join(CELL_BREAKS) + r")\b[^>]*>")
_ANY_TAG = re.compile(r"<[^>]*>")
_STYLE_ATTRIBUTE = re.compile(rb' style="[^"]*"(?=[^<>]*>)')
_ENTITIES = (("&nbsp;", "\xa0"), ("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&amp;", "&"))


def html_to_text_and_meta(data: bytes) -> tuple[str, str, dict[str, str]]:
    """A web page's report body as text, its encoding and its page metadata (see `page_metadata`)."""
    data = without_style_attributes(data)
    text, encoding = decode_bytes(data, declared_charset(data))
    utf8 = data if encoding == "utf-8" else text.encode("utf-8")
    if utf8.count(b"<") >= NESTING_CHECK_TAGS:
        _check_nesting(utf8)
    doc = LexborHTMLParser(utf8)
    meta = page_metadata(doc)
    _drop_chrome(doc, utf8)
    title = _page_title(doc)
    body = _content_text(_main_content(doc))
    # lines stripped (a line of whitespace emptied), then runs of empty lines cut to one
    lines = [line.strip(" \u00a0\u3000") if line.strip() else "" for line in body.split("\n")]
    body = _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip("\n ")
    if title and title.strip() not in body[:300]:
        body = title.strip() + "\n" + body
    return body, encoding, meta


def without_style_attributes(data: bytes) -> bytes:
    """The page's bytes without its `style="…"` attributes, which the reader never looks at.

    Pages exported from Word carry an inline style on every paragraph, span and cell: over half the bytes of the
    real pages in ../shared (56 %), and decoding and parsing cost by the byte. Only an attribute written
    ` style="…"` and followed by the end of its tag (a ">" before any "<") is cut; any other spelling is left to
    the parser. The cut is safe in every charset a page is decoded in: the space, quote, "<" and ">" bytes are
    never part of a multi-byte GBK/GB18030 or UTF-8 character."""
    return _STYLE_ATTRIBUTE.sub(b"", data)


def _check_nesting(utf8: bytes) -> None:
    """Refuse a page nested deeper than MAX_NESTING levels (libxml2 stops there; lexbor would take minutes)."""
    parser = etree.HTMLParser(huge_tree=True, encoding="utf-8")
    try:
        etree.fromstring(utf8, parser)
    except (etree.ParserError, ValueError):
        return  # lexbor reads what libxml2 cannot
    if any(e.type_name == "ERR_RESOURCE_LIMIT" for e in parser.error_log):
        raise ReadError(f"the HTML page nests its elements more than {MAX_NESTING} levels deep, beyond what the "
                        "HTML parser (libxml2) reads, so its text cannot be read whole")


def _han(el) -> int:
    """Chinese characters in the text below el."""
    return count_han(el.text())


def _folded(el) -> str:
    """The text below el, whitespace runs folded to one space."""
    return " ".join(el.text().split())


def page_metadata(doc) -> dict[str, str]:
    """The page's <title> and its 发布机构, read before the chrome around the body (where they sit) is dropped.

    The 发布机构 value is the cell after a label cell (`<td>发布机构：</td><td>XX局</td>`) or the text after the
    label in the same element (`<span>发布机构：XX局</span>`)."""
    meta: dict[str, str] = {}
    for title in doc.tags("title"):
        if text := title.text().strip():
            meta["title"] = text
            break
    for el in _publisher_candidates(doc):
        if el.tag not in PUBLISHER_TAGS or sum(not n.is_text_node for n in el.iter(include_text=True)) > \
                PUBLISHER_MAX_CHILDREN:
            continue
        m = _PUBLISHER_CELL.match(_folded(el))
        if m is None:
            continue
        value = m["value"].strip()
        if not value:
            nxt = el.next
            while nxt is not None and not nxt.is_element_node:
                nxt = nxt.next
            value = _folded(nxt) if nxt is not None else ""
        value = _PUBLISHER_END.split(value)[0]
        if count_han(value):
            meta["publisher"] = value
            break
    return meta


def _publisher_candidates(doc) -> list:
    """The elements whose text holds a PUBLISHER_LABELS label, in document order.

    Usually every label sits inside one text node, and the candidates are that node's element and its ancestors
    (outermost first: document order). When a label is split over elements (<b>发布</b>机构), every element that
    may hold it is tested (slower)."""
    page = doc.root.text()
    present = tuple(label for label in PUBLISHER_LABELS if label in page)
    if not present:
        return []
    holders = doc.css(_label_holders(present))
    own = "".join(el.text(deep=False) for el in holders)
    if any(page.count(label) != own.count(label) for label in present):
        return [el for el in doc.css(_PUBLISHER_ELEMENTS) if _LABEL.search(el.text())]
    found: dict = {}
    for el in holders:
        chain = [el]
        while (parent := chain[-1].parent) is not None and parent.is_element_node:
            chain.append(parent)
        for node in reversed(chain):
            found.setdefault(node.mem_id, node)
    return list(found.values())


@cache
def _label_holders(labels: tuple[str, ...]) -> str:
    """The selector of the elements whose own text holds one of `labels` (lexbor's :lexbor-contains())."""
    return ",".join(f':lexbor-contains("{label}")' for label in labels)


def _drop_chrome(doc, page: bytes) -> None:
    """Drop DROP_TAGS, and blocks whose class or id names site chrome (CHROME_HINT) unless they hold a table or
    much text (in document order: dropping a block changes what its ancestors hold). `page` is the parsed bytes."""
    if dropped := _dropped_selector(page):
        for el in doc.css(dropped):
            el.decompose()
    for el in doc.css("[class],[id]"):
        attributes = el.attributes
        if not _names_chrome(attributes.get("class"), attributes.get("id")):
            continue
        if el.parent is not None and el.css_first("table") is None and _han(el) < CHROME_MAX_HAN:
            el.decompose()  # an element inside a dropped one has no parent any more: skipped above


def _dropped_selector(page: bytes) -> str:
    """The selector of the DROP_TAGS whose start tag the page's bytes may hold ("" when none).

    The parser makes such an element only from its own start tag ("<script", any case), so a tag whose name never
    follows a "<" has no element: one CSS query over the tags present is much cheaper than over all fourteen."""
    present = set(_DROP_START.findall(page.lower()))  # one scan ("<" is its literal prefix), not one per tag
    return ",".join(tag for tag in DROP_TAGS if tag.encode() in present)


@lru_cache(maxsize=4096)
def _names_chrome(class_: str | None, id_: str | None) -> bool:
    """Whether a class or id value names site chrome (a page repeats a few values on hundreds of elements)."""
    return bool((class_ and CHROME_HINT.search(class_)) or (id_ and CHROME_HINT.search(id_)))


def _page_title(doc) -> str | None:
    for meta in doc.css('meta[name="ArticleTitle"]'):
        if content := (meta.attrs.get("content") or "").strip():
            return content
    parts = [part.strip() for h1 in doc.tags("h1") for part in h1.text(separator="\x00").split("\x00")]
    if any(parts):
        return "".join(parts)
    for title in doc.tags("title"):
        if text := title.text().strip():
            return text
    return None


def _main_content(doc):
    """The smallest BODY_CANDIDATES block that holds BODY_SHARE of the page's non-link Chinese text: the report body.

    A block's count never exceeds its parent's (nor its text's length), so the walk (document order) descends only
    into blocks with at least the limit: the blocks below the others cannot qualify. A block's children are read
    only while those not yet read can still reach the limit (their text is what is left of the block's), and the
    text of a block's only child is the block's when the block has no text of its own (the body's one wrapper
    <div> is not read again); when the body holds no link, no block does."""
    body = doc.body if doc.body is not None else doc.root  # a <frameset> page has no body
    body_text = body.text()
    best_han = count_han(body_text)
    has_links = body.css_first("a") is not None
    limit = BODY_SHARE * (best_han - (_link_han(body) if has_links else 0))
    best = body
    stack = [(body, best_han, len(body_text))]
    while stack:
        el, han, length = stack.pop()
        if el.tag in BODY_CANDIDATES and han < best_han and han - (_link_han(el) if has_links else 0) >= limit:
            best, best_han = el, han
        kids = list(el.iter())
        if len(kids) == 1 and not el.text(deep=False):  # one child and no text of its own: the child's text is el's
            if length >= limit and han >= limit:
                stack.append((kids[0], han, length))
            continue
        children = []
        left = length  # characters in the children not read yet (and in el's own text nodes)
        for child in kids:
            if left < limit:
                break
            text = child.text()
            left -= len(text)
            if len(text) >= limit and (child_han := count_han(text)) >= limit:
                children.append((child, child_han, len(text)))
        stack.extend(reversed(children))
    return best


def _link_han(el) -> int:
    """Chinese characters inside links below el (a link inside a link counts twice, as its text is in both)."""
    return sum(_han(a) for a in el.css("a"))


def _content_text(content) -> str:
    """The body's paragraphs as lines and its tables as TAB-separated rows, each row marked with its table's and
    its own order in the document: each outer table is replaced by its rows, a newline is written at each block's
    start and end (the tree is thrown away afterwards), and lexbor gives the text. Like libxml2's text
    serializer, which the reader used before, the body's tail text is written too."""
    tables = content.css("table")
    outer = [table for table in tables if not _inside_table(table)]
    inner = len(outer) < len(tables)
    for table_no, table in enumerate(outer, start=1):
        # cells are folded: a cell of whitespace is empty, and its row is left out if all its cells are
        table.replace_with("\n" + mark_rows(_expand_table(table, holds_tables=inner), None, table_no) + "\n")
    for el in content.css(_BLOCKS):
        first = el.first_child
        if first is None:
            el.insert_child("\n")
        else:
            first.insert_before("\n")
        el.insert_after("\n")
    return content.text() + _tail(content)


def _inside_table(table) -> bool:
    """Whether a table has a table among its ancestors, up to the document (what "table table" selects, also
    outside the body block): a few parent steps per table, instead of a second CSS query over the body."""
    return _owning_table(table.parent) is not None


def _tail(el) -> str:
    """The text after el up to its next sibling element (comments skipped): what libxml2 calls el's tail."""
    out = []
    node = el.next
    while node is not None and not node.is_element_node:
        if node.is_text_node:
            out.append(node.text_content or "")
        node = node.next
    return "".join(out)


def _expand_table(table, holds_tables: bool = True) -> list[list[str]]:
    """The table's rows as cell lists, rowspan/colspan expanded (the spanned text repeated in each covered cell).

    Rows are the table's own <tr> (not those of a table inside one of its cells), in document order;
    `holds_tables=False` says that no table sits inside this one. Most rows hold no spanning cell: they are read
    as a list of cell texts, and only a row that holds one looks at each cell's identity."""
    rows = table.css("tr")
    if holds_tables and table.css_first("table") is not None:
        rows = [tr for tr in rows if _owning_table(tr) == table.mem_id]
    spanning = [cell for cell in table.css(_SPANNING) if cell.tag_id in _CELL_TAG_IDS]
    if not spanning:  # no position is covered twice: every row is its cells' texts
        grid: list[list[str | None]] = [_row_texts(tr) for tr in rows]
    else:
        grid = _spanned_grid(rows, spanning)
    while grid and all(text is None for text in grid[-1]):
        grid.pop()
    if not grid:
        return []
    n_cols = max(len(row) for row in grid)
    return [["" if text is None else text for text in row] + [""] * (n_cols - len(row)) for row in grid]


def _row_texts(tr) -> list[str]:
    """The texts of a row's cells (its <td>/<th> children), whitespace folded: a cell of one text node (most) by
    a split and a join, inline (per cell), the others by `_fragments_text`."""
    return [" ".join(text.split()) if "\x00" not in (text := cell.text(separator="\x00"))
            else _fragments_text(cell, text) for cell in tr.iter() if cell.tag_id in _CELL_TAG_IDS]


def _spanned_grid(rows: list, spanning: list) -> list[list[str | None]]:
    """The rows' cells placed on a grid (None: a position no cell covers), each spanning cell repeated over the
    positions it covers; the first cell to cover a position keeps it.

    Every row is read as its cells' texts (`_row_texts`); only the spanning cells are looked at one by one, for
    their row, their place among its cells and their spans. A row that no span from above reaches and that holds no
    spanning cell is its texts as they are."""
    row_of = {tr.mem_id: r for r, tr in enumerate(rows)}
    spans: dict[int, dict[int, tuple[int, int]]] = {}
    for cell in spanning:
        parent = cell.parent
        r = row_of.get(parent.mem_id) if parent is not None else None
        if r is None:  # a cell of a table inside this one
            continue
        attributes = cell.attributes
        spans.setdefault(r, {})[_cell_index(cell)] = _spans(attributes.get("rowspan"), attributes.get("colspan"))
    grid: list[list[str | None]] = []
    for r, tr in enumerate(rows):
        texts: list[str | None] = _row_texts(tr)
        if len(grid) <= r:
            grid.append(texts)  # no span from above reaches this row
            row = texts
            if r not in spans:
                continue
            texts = texts.copy()
            row.clear()
        else:
            row = grid[r]
        row_spans = spans.get(r)
        if row_spans is None:
            _fill_row(row, texts)
            continue
        c = 0
        for i, text in enumerate(texts):
            while c < len(row) and row[c] is not None:  # covered by a span from above or from the left
                c += 1
            span = row_spans.get(i)
            if span is None:  # this cell spans nothing
                if c < len(row):
                    row[c] = text
                else:
                    row.append(text)
                c += 1
                continue
            rowspan, colspan = span
            end = c + colspan
            for target in _rows_below(grid, r, rowspan):
                if len(target) < end:
                    target.extend([None] * (end - len(target)))
                for k in range(c, end):
                    if target[k] is None:
                        target[k] = text
            c = end
    return grid


def _rows_below(grid: list[list[str | None]], r: int, count: int) -> list[list[str | None]]:
    """Rows r … r + count - 1 of the grid, the missing ones added (empty)."""
    while len(grid) < r + count:
        grid.append([])
    return grid[r:r + count]


def _fill_row(row: list[str | None], texts: list[str | None]) -> None:
    """Put the texts of a row without spanning cells, in order, at the positions no span from above covers."""
    c = 0
    for i, text in enumerate(texts):
        while c < len(row) and row[c] is not None:
            c += 1
        if c == len(row):  # past every covered position: the rest go at the end
            row.extend(texts[i:])
            return
        row[c] = text
        c += 1


def _cell_index(cell) -> int:
    """The cell's place among its row's cells (the <td>/<th> children `_row_texts` reads)."""
    index = 0
    node = cell.prev
    while node is not None:
        if node.tag_id in _CELL_TAG_IDS:
            index += 1
        node = node.prev
    return index


def _owning_table(node) -> int | None:
    """The mem_id of the nearest table at or above node (None: no table)."""
    while node is not None and node.tag_id != _TABLE_TAG_ID:
        node = node.parent
    return node.mem_id if node is not None else None


def _fragments_text(cell, fragments: str) -> str:
    """The text of a cell of several text nodes (`fragments`: separated by NUL, which lexbor's parser never leaves
    in a text), whitespace folded, with a space where a CELL_BREAKS element starts or ends.

    The breaks matter only where two words touch across an element boundary (`12<br>34`, `78<span>967</span>`):
    only a cell with touching words and a break element inside is read from its serialization."""
    parts = [part for part in fragments.split("\x00") if part]
    if all(a[-1].isspace() or b[0].isspace() for a, b in pairwise(parts)) \
            or cell.css_first(_CELL_BREAK_ELEMENTS) is None:
        return " ".join("".join(parts).split())
    html = _ANY_TAG.sub("", _CELL_BREAK_TAG.sub(" ", _COMMENT.sub("", cell.html)))
    for entity, char in _ENTITIES:
        html = html.replace(entity, char)
    return " ".join(html.split())


@lru_cache(maxsize=256)
def _spans(rowspan: str | None, colspan: str | None) -> tuple[int, int]:
    """A cell's (rowspan, colspan) from its attribute values (a page repeats a few values)."""
    return _span(rowspan), _span(colspan)


def _span(value: str | None) -> int:
    if value is None:
        return 1
    try:
        return max(1, min(int(str(value).strip()), 200))
    except (TypeError, ValueError):
        return 1
