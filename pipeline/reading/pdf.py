"""Reading a PDF's text layer into the pipeline's text: prose as lines, each table row one TAB-separated line.

Text layout modes lose table rows (blank cells vanish, wrapped labels and vertically centred numbers land on
other lines), so tables are rebuilt from geometry instead: pypdfium2 gives every character with its box, and
the table's ruled lines (thin path objects) give the cell grid. Each character goes to the grid cell holding its
centre, so a wrapped label, a number printed above the middle of its cell and a blank cell all come out right.
A cell whose border is missing inside the grid is a merged cell: its text is repeated in every grid cell it
covers, as the HTML reader expands rowspan/colspan. A table that runs over a page break (the last thing on one
page, the first on the next) is one table; running page numbers are dropped. Each emitted line carries its
origin (page, table, row) through `pipeline.reading.provenance` markers.

No text layer (a scan), a password and unreadable bytes raise ReadError; nothing in the file is executed.
"""

from __future__ import annotations

import bisect
import ctypes
import re
from dataclasses import dataclass, field
from functools import cached_property

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from pipeline.reading import pdf_columns
from pipeline.reading.errors import ReadError
from pipeline.reading.provenance import mark_line

#: a path object thinner than this (points) and longer than MIN_RULE_LENGTH is a ruled line
MAX_RULE_THICKNESS = 3.0
MIN_RULE_LENGTH = 3.0
#: ruled lines closer than this (points) are one grid line (double borders, rounding)
SNAP = 2.5
#: a table on the next page continues this one when its left and right edges are this close (points)
SAME_EDGE = 12.0
#: top and bottom bands of the page (share of its height) where a page number is a running header/footer
MARGIN_BAND = 0.12
_NUMERIC = re.compile(r"^[-+]?[\d.,]+\s*\S{0,2}$")
_PAGE_NUMBER = re.compile(r"^[-—–－―\s]*(?:第\s*)?\d{1,4}\s*(?:页)?\s*(?:/\s*共?\s*\d{1,4}\s*页?)?[-—–－―\s]*$")
#: fewer characters than this per page on average means there is no usable text layer
MIN_CHARS_PER_PAGE = 5


@dataclass(frozen=True, slots=True)
class Char:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2


@dataclass(slots=True)
class Rule:
    """A ruled line: `at` is its x (vertical) or y (horizontal), it runs from `lo` to `hi`."""

    at: float
    lo: float
    hi: float


@dataclass
class Grid:
    """One table region of one page: its ruled lines and the characters inside it."""

    page: int  # 1-based
    horizontals: list[Rule]
    verticals: list[Rule]
    chars: list[Char] = field(default_factory=list)

    @cached_property
    def left(self) -> float:
        return min(v.at for v in self.verticals)

    @cached_property
    def right(self) -> float:
        return max(v.at for v in self.verticals)

    @cached_property
    def top(self) -> float:
        """The top edge; the borders may stop above the first ruled line (a row moved to a new page has none)."""
        return max(max(h.at for h in self.horizontals), max(v.hi for v in self.verticals))

    @cached_property
    def bottom(self) -> float:
        return min(min(h.at for h in self.horizontals), min(v.lo for v in self.verticals))

    def holds(self, ch: Char) -> bool:
        return self.left - 1 <= ch.cx <= self.right + 1 and self.bottom - 1 <= ch.cy <= self.top + 1


@dataclass
class TextLine:
    chars: list[Char]
    top: float = 0.0
    bottom: float = 0.0

    def __post_init__(self) -> None:
        self.top = max(c.y1 for c in self.chars)
        self.bottom = min(c.y0 for c in self.chars)

    def add(self, ch: Char) -> None:
        self.chars.append(ch)
        self.top, self.bottom = max(self.top, ch.y1), min(self.bottom, ch.y0)

    @property
    def right(self) -> float:
        return max(c.x1 for c in self.chars)

    @property
    def left(self) -> float:
        return min(c.x0 for c in self.chars)

    @property
    def text(self) -> str:
        return "".join(c.text for c in sorted(self.chars, key=lambda c: c.x0))


# ---------------------------------------------------------------- page contents


def _page_chars(textpage) -> list[Char]:
    """The page's characters; characters pdfium made up (line breaks) are skipped.

    x comes from the glyph's own box; y from the font-height box, so 一 and “ stay on their line, except where
    that box is implausibly large (seen on stacked vertical labels), where the glyph's box is used.
    """
    handle = textpage.raw
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    loose = pdfium_c.FS_RECTF()
    chars = []
    for i in range(textpage.count_chars()):
        code = pdfium_c.FPDFText_GetUnicode(handle, i)
        if code in (0, 0xFFFE, 0xFFFF) or code in (10, 13) or pdfium_c.FPDFText_IsGenerated(handle, i) == 1:
            continue
        if not pdfium_c.FPDFText_GetCharBox(handle, i, left, right, bottom, top):
            continue
        y0, y1 = bottom.value, top.value
        if pdfium_c.FPDFText_GetLooseCharBox(handle, i, loose):
            size = max(y1 - y0, right.value - left.value, 8.0)
            if loose.top - loose.bottom <= 2.5 * size and loose.bottom <= y0 + 1 and loose.top >= y1 - 1:
                y0, y1 = loose.bottom, loose.top
        chars.append(Char(chr(code), left.value, y0, right.value, y1))
    return chars


def _page_rules(page, chars: list[Char]) -> tuple[list[Rule], list[Rule]]:
    """Thin path objects as horizontal and vertical rules (cell borders are drawn as lines or thin rectangles);
    a line through a character's box is an underline or a strike-through, not a border."""
    horizontals, verticals = [], []
    for x0, y0, x1, y1 in _path_bounds(page):
        width, height = x1 - x0, y1 - y0
        if height <= MAX_RULE_THICKNESS and width >= MIN_RULE_LENGTH and width > height:
            horizontals.append(Rule((y0 + y1) / 2, x0, x1))
        elif width <= MAX_RULE_THICKNESS and height >= MIN_RULE_LENGTH and height > width:
            verticals.append(Rule((x0 + x1) / 2, y0, y1))
    by_y = sorted(chars, key=lambda c: c.y0)
    by_x = sorted(chars, key=lambda c: c.x0)
    y_keys, x_keys = [c.y0 for c in by_y], [c.x0 for c in by_x]
    horizontals = [h for h in horizontals if not _cuts_text(h, by_y, y_keys, vertical=False)]
    verticals = [v for v in verticals if not _cuts_text(v, by_x, x_keys, vertical=True)]
    return _merge_collinear(horizontals), _merge_collinear(verticals)


def _path_bounds(page) -> list[tuple[float, float, float, float]]:
    """The bounds of every path object on the page, form XObjects included (raw calls: no wrapper per object)."""
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    found = []

    def walk(count: int, get) -> None:
        for i in range(count):
            obj = get(i)
            kind = pdfium_c.FPDFPageObj_GetType(obj)
            if kind == pdfium_c.FPDF_PAGEOBJ_FORM:
                walk(pdfium_c.FPDFFormObj_CountObjects(obj), lambda k, form=obj: pdfium_c.FPDFFormObj_GetObject(form, k))
            elif kind == pdfium_c.FPDF_PAGEOBJ_PATH and pdfium_c.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
                found.append((left.value, bottom.value, right.value, top.value))

    handle = page.raw
    walk(pdfium_c.FPDFPage_CountObjects(handle), lambda k: pdfium_c.FPDFPage_GetObject(handle, k))
    return found


#: how far a rule must run inside a character's box to count as crossing it (points)
_CUT_MARGIN = 1.0
_MAX_CHAR_SIZE = 40.0


def _cuts_text(rule: Rule, chars: list[Char], keys: list[float], vertical: bool) -> bool:
    """Does the rule run through some character's box? `chars` is sorted by `keys`, their y0 (x0 for a
    vertical rule)."""
    start = bisect.bisect_left(keys, rule.at - _MAX_CHAR_SIZE)
    for ch in chars[start : bisect.bisect_right(keys, rule.at)]:
        lo, hi, across_lo, across_hi = (ch.x0, ch.x1, ch.y0, ch.y1) if vertical else (ch.y0, ch.y1, ch.x0, ch.x1)
        mid = (across_lo + across_hi) / 2
        if lo + _CUT_MARGIN < rule.at < hi - _CUT_MARGIN and rule.lo <= mid <= rule.hi and not ch.text.isspace():
            return True
    return False


def _merge_collinear(rules: list[Rule]) -> list[Rule]:
    """Rules on one line (within SNAP) that touch become one rule: per-cell borders become whole grid lines."""
    merged: list[Rule] = []
    for line in _chains(sorted(rules, key=lambda r: r.at)):
        run: list[Rule] = []
        for rule in sorted(line, key=lambda r: r.lo):
            if run and rule.lo <= run[-1].hi + SNAP:
                run[-1].hi = max(run[-1].hi, rule.hi)
            else:
                run.append(Rule(rule.at, rule.lo, rule.hi))
        merged.extend(run)
    return merged


def _chains(rules: list[Rule]) -> list[list[Rule]]:
    """Rules sorted by position, cut where the gap to the next one is more than SNAP."""
    chains: list[list[Rule]] = []
    for rule in rules:
        if chains and rule.at - chains[-1][-1].at <= SNAP:
            chains[-1].append(rule)
        else:
            chains.append([rule])
    return chains


def _crosses(h: Rule, v: Rule) -> bool:
    return h.lo - SNAP <= v.at <= h.hi + SNAP and v.lo - SNAP <= h.at <= v.hi + SNAP


def _ends_at(x: float, y: float, verticals: list[Rule]) -> bool:
    """Is there a vertical rule at x that reaches y? A border ends at borders; an underline ends anywhere."""
    return any(abs(v.at - x) <= SNAP and v.lo - SNAP <= y <= v.hi + SNAP for v in verticals)


def _grids(page_no: int, horizontals: list[Rule], verticals: list[Rule]) -> list[Grid]:
    """Connected groups of crossing rules with at least two lines each way: the page's ruled tables."""
    parent = list(range(len(horizontals) + len(verticals)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, h in enumerate(horizontals):
        for j, v in enumerate(verticals):
            if _crosses(h, v):
                parent[find(i)] = find(len(horizontals) + j)
    groups: dict[int, tuple[list[Rule], list[Rule]]] = {}
    for i, h in enumerate(horizontals):
        groups.setdefault(find(i), ([], []))[0].append(h)
    for j, v in enumerate(verticals):
        groups.setdefault(find(len(horizontals) + j), ([], []))[1].append(v)
    grids = []
    for hs, vs in groups.values():
        hs = [h for h in hs if _ends_at(h.lo, h.at, vs) and _ends_at(h.hi, h.at, vs)]
        if len(hs) >= 2 and len(vs) >= 2:
            grids.append(Grid(page_no, hs, vs))
    return sorted(grids, key=lambda g: -g.top)


def _text_lines(chars: list[Char]) -> list[TextLine]:
    """Characters grouped into visual lines (top to bottom): a character joins the recent line it overlaps most
    vertically (at least a third of its height), else starts a line."""
    lines: list[TextLine] = []
    for ch in sorted(chars, key=lambda c: (-c.cy, c.x0)):
        height = max(ch.y1 - ch.y0, 0.1)
        best, best_overlap = None, height / 3
        for line in lines[-3:]:
            overlap = min(ch.y1, line.top) - max(ch.y0, line.bottom)
            if overlap >= best_overlap:
                best, best_overlap = line, overlap
        if best is None:
            lines.append(TextLine([ch]))
        else:
            best.add(ch)
    return sorted(lines, key=lambda ln: -ln.top)


# ---------------------------------------------------------------- tables


def _snap(values: list[float]) -> list[float]:
    """Distinct grid positions: values closer than SNAP are one (their mean)."""
    clusters: list[list[float]] = []
    for value in sorted(values):
        if clusters and value - clusters[-1][-1] <= SNAP:
            clusters[-1].append(value)
        else:
            clusters.append([value])
    return [sum(c) / len(c) for c in clusters]


def _covered(rules: list[Rule], at: float, point: float) -> bool:
    """Is there a rule at `at` that runs through `point`?"""
    return any(abs(r.at - at) <= SNAP and r.lo - SNAP <= point <= r.hi + SNAP for r in rules)


def _cell_text(chars: list[Char]) -> str:
    """A cell's characters as text: its visual lines joined without a break (a wrapped label is one label)."""
    return " ".join("".join(line.text for line in _text_lines(chars)).split())


@dataclass
class TableRow:
    page: int
    cells: list[str]
    owners: list[int]  # the merged cell each cell belongs to (equal numbers: one cell), unique per table part
    spans: list[int]  # how many rows that merged cell covers


def _grid_rows(grid: Grid, xs: list[float], first_owner: int) -> list[TableRow]:
    """The grid's rows, top to bottom, as cell texts over the columns `xs`, merged cells repeated."""
    ys = sorted(_snap([h.at for h in grid.horizontals] + [grid.top, grid.bottom]), reverse=True)
    n_rows, n_cols = len(ys) - 1, len(xs) - 1
    if n_rows < 1 or n_cols < 1:
        return []
    owner = list(range(n_rows * n_cols))

    def find(i: int) -> int:
        while owner[i] != i:
            owner[i] = owner[owner[i]]
            i = owner[i]
        return i

    for r in range(n_rows):
        mid_y = (ys[r] + ys[r + 1]) / 2
        for c in range(n_cols):
            mid_x = (xs[c] + xs[c + 1]) / 2
            if c + 1 < n_cols and not _covered(grid.verticals, xs[c + 1], mid_y):
                owner[find(r * n_cols + c + 1)] = find(r * n_cols + c)
            if r + 1 < n_rows and not _covered(grid.horizontals, ys[r + 1], mid_x):
                owner[find((r + 1) * n_cols + c)] = find(r * n_cols + c)
    members: dict[int, list[Char]] = {}
    for ch in grid.chars:
        r = _index(ys, ch.cy, descending=True)
        c = _index(xs, ch.cx, descending=False)
        members.setdefault(find(r * n_cols + c), []).append(ch)
    texts = {root: _cell_text(chars) for root, chars in members.items()}
    roots = [[find(r * n_cols + c) for c in range(n_cols)] for r in range(n_rows)]
    spans: dict[int, set[int]] = {}
    for r, row in enumerate(roots):
        for root in row:
            spans.setdefault(root, set()).add(r)
    return [
        TableRow(grid.page, [texts.get(root, "") for root in row], [first_owner + root for root in row],
                 [len(spans[root]) for root in row])
        for row in roots
    ]


def _join_parts(parts: list[Grid]) -> list[TableRow]:
    """The rows of a table printed over several pages, on one column grid.

    A row cut by a page break (its label goes on at the top of the next page, its numbers stay on one side)
    becomes one row again, and so do the merged cells that run through it. A merged label cell cut between two
    rows prints its text on the first page only: the cells it still covers on the next page, blank there, get
    its text back.
    """
    xs = _snap([v.at for part in parts for v in part.verticals])
    rows: list[TableRow] = []
    for k, part in enumerate(parts):
        found = _grid_rows(part, xs, first_owner=k * 1_000_000)
        if rows and found:
            if _continues(rows[-1], found[0]):
                _join_rows(rows, found)
                found = found[1:]
            else:
                _refill_cut_labels(rows[-1], found)
        rows.extend(found)
    return rows


def _continues(above: TableRow, below: TableRow) -> bool:
    """Is `below`, the first row after a page break, the rest of `above`? When one piece holds numbers and the
    other is blank in those columns but has text elsewhere; a heading row spanning the table never is."""
    if len(set(below.owners)) == 1 or len(set(above.owners)) == 1:
        return False
    for first, second in ((above, below), (below, above)):
        numeric = [c for c, text in enumerate(first.cells) if _NUMERIC.match(text)]
        if numeric and not any(_NUMERIC.match(text) for text in second.cells) and \
                all(not second.cells[c] for c in numeric) and any(second.cells):
            return True
    return False


def _join_rows(rows: list[TableRow], below: list[TableRow]) -> None:
    """Join below[0] into rows[-1], cell by cell, and give the merged cells through them the joined text."""
    above, first = rows[-1], below[0]
    for c, (a, b) in enumerate(zip(above.cells, first.cells, strict=True)):
        text = a if a == b or not b else b if not a else a + b
        for row in rows:
            for k, owner in enumerate(row.owners):
                if owner == above.owners[c]:
                    row.cells[k] = text
        for row in below:
            for k, owner in enumerate(row.owners):
                if owner == first.owners[c]:
                    row.cells[k] = text


def _refill_cut_labels(above: TableRow, below: list[TableRow]) -> None:
    """Give a merged label cell's text back to the blank cells it covers after a page break."""
    first = below[0]
    for c, text in enumerate(above.cells):
        if not text or first.cells[c] or above.spans[c] < 2 or _NUMERIC.match(text):
            continue
        owner = first.owners[c]
        for row in below:
            for k, cell_owner in enumerate(row.owners):
                if cell_owner == owner and not row.cells[k]:
                    row.cells[k] = text


def _index(bounds: list[float], value: float, descending: bool) -> int:
    """The interval of `bounds` holding value (clamped to the first/last interval)."""
    for i in range(len(bounds) - 1):
        inside = bounds[i + 1] <= value <= bounds[i] if descending else bounds[i] <= value <= bounds[i + 1]
        if inside:
            return i
    before_first = value > bounds[0] if descending else value < bounds[0]
    return 0 if before_first else len(bounds) - 2


# ---------------------------------------------------------------- the document


@dataclass
class _Block:
    """What a page holds, top to bottom: a prose line or (part of) a table."""

    top: float
    line: TextLine | None = None
    grid: Grid | None = None
    rows: list[list[str]] | None = None  # a table without ruled lines, rebuilt by pdf_columns


def _page_blocks(page_no: int, page) -> tuple[list[_Block], int]:
    """The page's prose lines and ruled tables in reading order, page numbers dropped; and its character count."""
    textpage = page.get_textpage()
    try:
        chars = _page_chars(textpage)
    finally:
        textpage.close()
    grids = _grids(page_no, *_page_rules(page, chars))
    prose: list[Char] = []
    for ch in chars:
        if ch.text.isspace() and ch.text != "\u00a0":
            grid = next((g for g in grids if g.holds(ch)), None)
            if grid is None:
                prose.append(ch)
            continue
        grid = next((g for g in grids if g.holds(ch)), None)
        (grid.chars if grid is not None else prose).append(ch)
    height = page.get_height()
    blocks = [_Block(g.top, grid=g) for g in grids if g.chars]
    lines = []
    for line in _text_lines(prose):
        text = line.text.strip()
        if not text:
            continue
        in_margin = line.top < height * MARGIN_BAND or line.bottom > height * (1 - MARGIN_BAND)
        if in_margin and _PAGE_NUMBER.match(text):
            continue
        lines.append(line)
    in_tables: set[int] = set()
    parts = sorted((part for ln in lines for part in pdf_columns.lines_of(ln.chars, ln)), key=lambda p: -p.top)
    for table in pdf_columns.find_tables(parts, page.get_width()):
        blocks.append(_Block(table.top, rows=table.rows))
        in_tables.update(id(source) for source in table.sources)
    blocks.extend(_Block(line.top, line=line) for line in lines if id(line) not in in_tables)
    return sorted(blocks, key=lambda b: -b.top), len(chars)


def _open(data: bytes):
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        message = str(exc).lower()
        if "password" in message:
            raise ReadError("the PDF is encrypted (password protected); it cannot be read without the password") \
                from exc
        raise ReadError(f"the PDF is damaged or not a PDF ({exc})") from exc


def pdf_to_text(data: bytes) -> str:
    """The report's text with provenance markers; raises ReadError for scans, encrypted and damaged files."""
    pdf = _open(data)
    try:
        n_pages = len(pdf)
        if n_pages == 0:
            raise ReadError("the PDF has no pages")
        pages: list[list[_Block]] = []
        n_chars = 0
        for index in range(n_pages):
            page = pdf[index]
            try:
                blocks, count = _page_blocks(index + 1, page)
            finally:
                page.close()
            pages.append(blocks)
            n_chars += count
    finally:
        pdf.close()
    if n_chars < MIN_CHARS_PER_PAGE * n_pages:
        raise ReadError("the PDF has no text layer (a scanned image); OCR is not supported")
    return _assemble(pages)


def _tables(pages: list[list[_Block]]) -> list[list]:
    """Every table as its page parts: a grid that ends one page and one that starts the next are one table; a
    table without ruled lines is one part (its rows)."""
    tables: list[list] = []
    previous_last: Grid | None = None
    for blocks in pages:
        for k, block in enumerate(blocks):
            if block.rows is not None:
                tables.append([block.rows])
            if block.grid is None:
                continue
            grid = block.grid
            continues = (
                k == 0 and previous_last is not None and tables and tables[-1][-1] is previous_last
                and abs(previous_last.left - grid.left) <= SAME_EDGE
                and abs(previous_last.right - grid.right) <= SAME_EDGE
            )
            if continues:
                tables[-1].append(grid)
            else:
                tables.append([grid])
        last = blocks[-1] if blocks else None
        previous_last = last.grid if last is not None else None
    return tables


def _margins(lines: list[TextLine]) -> tuple[float, float]:
    """Where the body text starts and ends: the 10th percentile of the prose lines' left edges, the 90th of
    their right edges."""
    if not lines:
        return 0.0, 0.0
    lefts = sorted(line.left for line in lines)
    rights = sorted(line.right for line in lines)
    return lefts[int(0.1 * (len(lefts) - 1))], rights[int(0.9 * (len(rights) - 1))]


#: a line that starts like this opens a heading or a list item, never continues the paragraph above
_OPENS_BLOCK = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十\d]+）|\d+[.、．]\D|附件|附表)")


def _continues_paragraph(previous: TextLine, line: TextLine, left: float, right: float) -> bool:
    """A prose line continues the one above when that one ran to the right margin and this one is not indented
    and does not open a heading."""
    size = max(c.y1 - c.y0 for c in previous.chars)
    return (previous.right >= right - 1.5 * size and line.left <= left + 0.8 * size
            and not _OPENS_BLOCK.match(line.text))


def _assemble(pages: list[list[_Block]]) -> str:
    tables = _tables(pages)
    table_of = {id(part): (number, parts) for number, parts in enumerate(tables, start=1) for part in parts}
    left, right = _margins([b.line for blocks in pages for b in blocks if b.line is not None])
    out: list[str] = []
    previous: TextLine | None = None  # the prose line just written, while no table came after it
    for page_no, blocks in enumerate(pages, start=1):
        for block in blocks:
            if block.line is not None:
                text = block.line.text.strip()
                if previous is not None and _continues_paragraph(previous, block.line, left, right):
                    out[-1] += text
                else:
                    out.append(mark_line(text, page_no, None, None))
                previous = block.line
                continue
            previous = None
            if block.rows is not None:
                number = table_of[id(block.rows)][0]
                out.append("")
                out.extend(mark_line("\t".join(cells), page_no, number, row_no)
                           for row_no, cells in enumerate(block.rows, start=1))
                out.append("")
                continue
            number, parts = table_of[id(block.grid)]
            if block.grid is not parts[0]:
                continue  # emitted with the first part
            out.append("")
            for row_no, row in enumerate(_join_parts(parts), start=1):
                if any(cell.strip() for cell in row.cells):
                    out.append(mark_line("\t".join(row.cells), row.page, number, row_no))
            out.append("")
    return "\n".join(out)
