"""PDF tables printed without ruled lines, rebuilt from column x-ranges (issue #10 follow-up).

Without borders only positions say where a cell is. The value lines (a label and numbers, or numbers only, in
one font size) show the columns: each value column is the x-range its numbers cover, and the label cells to their
left start at the x where several lines start. A label that wraps is put back together by alignment: a cell's
lines are centred on its row (or start at its top), so each column's lines are split into runs that each line
up with one value line; a run that lines up with none is a merged cell (a parent label spanning rows) and goes to
the value line nearest its middle. Lines with words in the value columns and no number are header rows: their
words are joined per column, and a word spanning several columns is repeated in each (as colspan). A column
without a character in a row is a blank cell. A leaf label whose lines can be split in more than one way, or in
none, is not guessed: the whole table is left as prose lines, and the extractors report what they cannot read.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

#: a gap wider than this (times the line's character height) separates two cells on a line
CELL_GAP = 1.2
#: lines of one table have character heights within this share of the value lines'
SAME_SIZE = 0.15
#: a gap between lines taller than this (times the character height) ends the table
MAX_LINE_GAP = 3.0
#: a label run lines up with a value line when their middles (or tops) differ by less than this (× height)
ALIGN = 0.35
#: label cells start within this distance (points) of their column's start
START_SNAP = 4.0
#: a line holding one piece wider than this share of the page is prose, and ends the table
PROSE_WIDTH = 0.5
#: a number this far (× height) after a word is a cell of its own, even when the label fills its cell
NUMBER_GAP = 0.25
#: characters whose bottoms differ by less than this (× height) sit on one baseline
BASELINE = 0.2
#: the lines of one cell are at most this far apart, top to top (× height)
MAX_PITCH = 2.0
#: a label cell has at most this many lines
MAX_RUN = 10
_VALUE = re.compile(r"^(?:[-+]?\d[\d,]*(?:\.\d+)?(?:元|万元|%)?|[-—–－/／]|无)$")


@dataclass(frozen=True, slots=True)
class Piece:
    """The characters of one line that sit together: one cell's part of that line."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    boxes: tuple[tuple[float, float], ...] = ()  # each character's x0, x1

    @property
    def is_value(self) -> bool:
        return bool(_VALUE.match(self.text))


@dataclass
class Line:
    top: float
    bottom: float
    height: float
    pieces: list[Piece]
    source: object  # the reader's own line object, handed back when the line stays prose

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass
class Table:
    """A rebuilt table: rows of cell texts top to bottom, and the reader's lines it replaces."""

    top: float
    rows: list[list[str]]
    sources: list[object]


def pieces_of(chars: Sequence, top: float, bottom: float) -> list[Piece]:
    """A line's characters (objects with text, x0, x1, y0, y1) cut where the gap is wider than CELL_GAP heights."""
    visible = sorted((c for c in chars if not c.text.isspace()), key=lambda c: c.x0)
    if not visible:
        return []
    height = _height(visible)
    runs: list[list] = [[visible[0]]]
    for before, ch in zip(visible, visible[1:], strict=False):
        gap = ch.x0 - before.x1
        into_number = ch.text.isdigit() and not before.text.isdigit() and before.text not in "-+.,"
        if gap > CELL_GAP * height or (into_number and gap > NUMBER_GAP * height):
            runs.append([ch])
        else:
            runs[-1].append(ch)
    return [Piece("".join(c.text for c in run), run[0].x0, max(c.x1 for c in run), top, bottom,
                  tuple((c.x0, c.x1) for c in run)) for run in runs]


def _split_at(piece: Piece, cuts: Sequence[float]) -> list[Piece]:
    """A header piece cut where a column boundary falls in a gap between its characters (narrow columns whose
    words nearly touch); a word printed across the boundary stays whole (it spans those columns)."""
    out: list[int] = []
    for k in range(1, len(piece.boxes)):
        left, right = piece.boxes[k - 1][1], piece.boxes[k][0]
        if right - left > 1.0 and any(left - 1.0 <= c <= right + 1.0 for c in cuts):
            out.append(k)
    pieces = []
    for begin, end in zip([0, *out], [*out, len(piece.boxes)], strict=True):
        boxes = piece.boxes[begin:end]
        pieces.append(Piece(piece.text[begin:end], boxes[0][0], boxes[-1][1], piece.top, piece.bottom, boxes))
    return pieces if out else [piece]


def _height(chars: Sequence) -> float:
    heights = sorted(c.y1 - c.y0 for c in chars)
    return heights[len(heights) // 2]


def lines_of(chars: Sequence, source: object) -> list[Line]:
    """A reader's line split by baseline: in a table, cells printed a little higher or lower are lines apart."""
    visible = sorted((c for c in chars if not c.text.isspace()), key=lambda c: -c.y0)
    if not visible:
        return []
    tolerance = BASELINE * _height(visible)
    groups: list[list] = [[visible[0]]]
    for ch in visible[1:]:
        if groups[-1][-1].y0 - ch.y0 <= tolerance:
            groups[-1].append(ch)
        else:
            groups.append([ch])
    out = []
    for group in groups:
        top, bottom = max(c.y1 for c in group), min(c.y0 for c in group)
        out.append(Line(top, bottom, _height(group), pieces_of(group, top, bottom), source))
    return out


def _is_anchor(line: Line) -> bool:
    """A value line: at least two pieces, one of them a number; words only left of the numbers."""
    if len(line.pieces) < 2 or not any(p.is_value for p in line.pieces):
        return False
    first_value = next(k for k, p in enumerate(line.pieces) if p.is_value)
    return all(p.is_value for p in line.pieces[first_value:])


def find_tables(lines: Sequence[Line], page_width: float) -> list[Table]:
    """The borderless tables among a page's lines (top to bottom); lines of a table that cannot be rebuilt
    unambiguously are not returned (they stay prose)."""
    tables: list[Table] = []
    used: set[int] = set()
    for k, line in enumerate(lines):
        if k in used or not _is_anchor(line):
            continue
        span = _region(lines, k, page_width)
        used.update(span)
        region = [lines[i] for i in span]
        anchors = [ln for ln in region if _is_anchor(ln)]
        if len(anchors) < 2 and not any(sum(p.is_value for p in ln.pieces) >= 2 for ln in anchors):
            continue  # one label and one number: too little to call a table
        rows = _rebuild(region)
        if rows:
            tables.append(Table(region[0].top, rows, [ln.source for ln in region]))
    return tables


def _region(lines: Sequence[Line], k: int, page_width: float) -> list[int]:
    """The run of lines around value line k in the same font size, without a wide gap or a prose line."""
    size = lines[k].height

    def fits(i: int, neighbour: int) -> bool:
        ln = lines[i]
        gap = lines[min(i, neighbour)].bottom - lines[max(i, neighbour)].top
        prose = len(ln.pieces) == 1 and ln.pieces[0].x1 - ln.pieces[0].x0 > PROSE_WIDTH * page_width
        return abs(ln.height - size) <= SAME_SIZE * size and gap <= MAX_LINE_GAP * size and not prose

    start = k
    while start > 0 and fits(start - 1, start):
        start -= 1
    end = k
    while end + 1 < len(lines) and fits(end + 1, end):
        end += 1
    return list(range(start, end + 1))


def _value_columns(anchors: Sequence[Line]) -> list[tuple[float, float]] | None:
    """The x-ranges of the value columns: overlapping number ranges are one column. None when a value line has
    two numbers in one column (the columns do not line up)."""
    spans = sorted((p.x0, p.x1) for ln in anchors for p in ln.pieces if p.is_value)
    columns: list[list[float]] = []
    for x0, x1 in spans:
        if columns and x0 <= columns[-1][1]:
            columns[-1][1] = max(columns[-1][1], x1)
        else:
            columns.append([x0, x1])
    bands = [(a, b) for a, b in columns]
    for ln in anchors:
        hits = [_band(bands, p) for p in ln.pieces if p.is_value]
        if len(hits) != len(set(hits)):
            return None
    return bands


def _band(bands: Sequence[tuple[float, float]], piece: Piece) -> int:
    middle = (piece.x0 + piece.x1) / 2
    return min(range(len(bands)), key=lambda b: 0 if bands[b][0] <= middle <= bands[b][1]
               else min(abs(middle - bands[b][0]), abs(middle - bands[b][1])))


def _cuts(bands: Sequence[tuple[float, float]]) -> list[float]:
    """Where one value column ends and the next begins: the middle of the gap between their numbers."""
    return [(bands[b][1] + bands[b + 1][0]) / 2 for b in range(len(bands) - 1)]


def _label_starts(pieces: Sequence[Piece]) -> list[float]:
    """Label columns: x positions where pieces of at least two lines start."""
    clusters: list[list[float]] = []
    for x in sorted(p.x0 for p in pieces):
        if clusters and x - clusters[-1][-1] <= START_SNAP:
            clusters[-1].append(x)
        else:
            clusters.append([x])
    return [min(c) for c in clusters if len(c) >= 2] or [min(p.x0 for p in pieces)]


def _rebuild(region: Sequence[Line]) -> list[list[str]] | None:
    anchors = [ln for ln in region if _is_anchor(ln)]
    bands = _value_columns(anchors)
    if not bands:
        return None
    cuts = _cuts(bands)
    label_edge = bands[0][0] - 0.5 * anchors[0].height
    is_header = [any(p.x0 >= label_edge and not p.is_value for p in ln.pieces) for ln in region]
    first_anchor = next(k for k, ln in enumerate(region) if _is_anchor(ln))
    for k in range(first_anchor):
        is_header[k] = True
    label_pieces = [p for k, ln in enumerate(region) if not is_header[k] for p in ln.pieces if p.x1 <= label_edge]
    starts = _label_starts(label_pieces) if label_pieces else []
    n_labels = len(starts)
    width = n_labels + len(bands)
    rows: list[tuple[float, list[str]]] = []
    k = 0
    while k < len(region):
        if is_header[k]:
            end = k
            while end + 1 < len(region) and is_header[end + 1]:
                end += 1
            rows.extend(_header_rows(region[k:end + 1], label_edge, cuts, n_labels, width))
            k = end + 1
            continue
        end = k
        while end + 1 < len(region) and not is_header[end + 1]:
            end += 1
        body = _body_rows(region[k:end + 1], bands, starts, label_edge, width)
        if body is None:
            return None
        rows.extend(body)
        k = end + 1
    return [cells for _top, cells in sorted(rows, key=lambda r: -r[0])]


def _column(cuts: Sequence[float], x: float, n_labels: int) -> int:
    return n_labels + sum(1 for c in cuts if x > c)


def _header_rows(lines: Sequence[Line], label_edge: float, cuts: Sequence[float], n_labels: int,
                 width: int) -> list[tuple[float, list[str]]]:
    """Header lines as rows: a line with a word spanning value columns is a row of its own (the word repeated
    over them); the other words are joined per column, top to bottom, into one row; the label area is one cell."""
    rows: list[tuple[float, list[str]]] = []
    joined, joined_top = [""] * width, None
    for ln in lines:
        pieces = [part for p in ln.pieces for part in _split_at(p, cuts)]
        spanning = [p for p in pieces if p.x0 >= label_edge and any(p.x0 < c < p.x1 for c in cuts)]
        cells = [""] * width if spanning else joined
        for p in pieces:
            if p in spanning:
                columns = range(_column(cuts, p.x0, n_labels), _column(cuts, p.x1, n_labels) + 1)
            elif p.x0 < label_edge:
                columns = range(n_labels)
            else:
                columns = range(_column(cuts, (p.x0 + p.x1) / 2, n_labels), _column(cuts, (p.x0 + p.x1) / 2,
                                                                                  n_labels) + 1)
            for col in columns:
                cells[col] += p.text
        if spanning:
            rows.append((ln.top, cells))
        elif joined_top is None:
            joined_top = ln.top
    if any(joined):
        rows.append((joined_top, joined))
    return rows


def _body_rows(lines: Sequence[Line], bands, starts: Sequence[float], label_edge: float,
               width: int) -> list[tuple[float, list[str]]] | None:
    """Value lines as rows, their label lines put back by alignment; None when a leaf label is ambiguous."""
    anchors = [ln for ln in lines if _is_anchor(ln)]
    n_labels = len(starts)
    cells = [[""] * width for _ in anchors]
    for a, ln in enumerate(anchors):
        for p in ln.pieces:
            if p.is_value:
                cells[a][n_labels + _band(bands, p)] = p.text
    loose: list[tuple[float, list[str]]] = []
    by_column: dict[int, list[Piece]] = {}
    for ln in lines:
        for p in ln.pieces:
            if not p.is_value and p.x0 < label_edge:
                column = max((i for i, s in enumerate(starts) if s <= p.x0 + START_SNAP), default=0)
                by_column.setdefault(column, []).append(p)
    if not anchors:
        return None
    leaf = max(by_column, default=0)
    height = anchors[0].height
    for column, pieces in by_column.items():
        runs = _partition(pieces, anchors, height)
        if runs is None:
            return None
        for run, anchor in runs:
            text = "".join(p.text for p in run)
            if anchor is None:
                inside = anchors[0].top + height >= run[0].top and run[-1].bottom >= anchors[-1].bottom - height
                if column == leaf or not inside:
                    if inside:
                        return None  # a leaf label that lines up with no value line: not guessed
                    row = [""] * width
                    row[column] = text
                    loose.append((run[0].top, row))
                    continue
                middle = (run[0].top + run[-1].bottom) / 2
                anchor = min(range(len(anchors)), key=lambda a: abs(anchors[a].middle - middle))
            cells[anchor][column] = (cells[anchor][column] + text) if cells[anchor][column] else text
    return [(min(ln.top, ln.top), row) for ln, row in zip(anchors, cells, strict=True)] + loose


def _partition(pieces: Sequence[Piece], anchors: Sequence[Line], height: float):
    """Split a label column's pieces (top to bottom) into runs, each lined up with one value line (its middle or
    top) or with none. The best split has the fewest unaligned runs, then the most aligned pieces; None when
    two splits are equally good (the reading is not forced)."""
    pieces = sorted(pieces, key=lambda p: -p.top)
    n = len(pieces)
    tolerance = ALIGN * height

    def aligned(i: int, j: int, a: int) -> bool:
        tops = sorted({round(p.top, 1) for p in pieces[i:j]}, reverse=True)
        pitches = [upper - lower for upper, lower in zip(tops, tops[1:], strict=False)]
        if pitches and (max(pitches) > MAX_PITCH * height or max(pitches) - min(pitches) > ALIGN * height):
            return False  # one cell's lines are evenly spaced, a line apart
        top, bottom = pieces[i].top, pieces[j - 1].bottom
        anchor = anchors[a]
        return abs((top + bottom) / 2 - anchor.middle) <= tolerance or abs(top - anchor.top) <= tolerance

    # best[i][a]: (score, count of best splits, choice) for pieces[i:] with value lines a.. still free
    best: dict[tuple[int, int], tuple[tuple[int, int], int, tuple | None]] = {}
    for i in range(n, -1, -1):
        for a in range(len(anchors), -1, -1):
            if i == n:
                best[i, a] = ((0, 0), 1, None)
                continue
            options: list[tuple[tuple[int, int], int, tuple]] = []
            for j in range(i + 1, min(n, i + MAX_RUN) + 1):
                top, bottom = pieces[i].top, pieces[j - 1].bottom
                for b in range(a, len(anchors)):
                    if anchors[b].middle > top + tolerance:
                        continue
                    if anchors[b].middle < bottom - tolerance:
                        break
                    if aligned(i, j, b):
                        score, count, _ = best[j, b + 1]
                        options.append(((score[0], score[1] - (j - i)), count, (j, b)))
                score, count, _ = best[j, a]
                options.append(((score[0] + 1, score[1]), count, (j, None)))
            top_score = min(o[0] for o in options)
            winners = [o for o in options if o[0] == top_score]
            best[i, a] = (top_score, sum(o[1] for o in winners), winners[0][2])
    if best[0, 0][1] != 1:
        return None
    runs = []
    i, a = 0, 0
    while i < n:
        j, b = best[i, a][2]
        runs.append((list(pieces[i:j]), b))
        i, a = j, (b + 1 if b is not None else a)
    return runs
