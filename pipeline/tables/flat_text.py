"""Crawler text whose tables ran together into one line → rows of (label, run of digits), for the extractors.

A crawler copy of a report is one line: `…二、主动公开政府信息情况 第二十条第（一）项信息内容…规章000规范性文件898989…`.
Table headings are found inline (numbered, so the introduction that merely lists the titles does not open a
table), and each table's text is cut at its runs of digits: the text between two runs is a label, the run after
it that row's values, spaces kept (a space that survived is a cell boundary). The one thing that cannot be cut
by character class is an enumerator glued to the previous run (`00000002.其他法律…` = `0000000` + `2.`): a label
that starts with `.` or `、` takes the number that follows the previous enumerator (1 after an unnumbered label),
and only if the run ends with it. Label-only text (（三）不予公开, 其中：) is kept as the prefix of the next label.

Rows come out with layout `flat` and cells (label, run); the extractors hand the runs to pipeline.tables.flat.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.tables.grid import MAX_HEADING_CHARS, Row
from pipeline.tables.labels import CLOSING_HEADING, HEADING_PREFIX, TABLE_HEADINGS, squeeze

FLAT = "flat"

_RUN = re.compile(r"\d(?:[\d. ]*\d)?(?:亿元|万元|元)?")
_NUMBERED = re.compile(r"^[.．、]")
_INLINE_PREFIX = r"(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)(?:政府信息公开)?"
_INLINE_HEADINGS = {
    table: re.compile(_INLINE_PREFIX + pattern.pattern.removeprefix(HEADING_PREFIX).removesuffix("[。.]?$"))
    for table, pattern in TABLE_HEADINGS.items()
}
_INLINE_CLOSING = re.compile(r"[五六七八]、|" + CLOSING_HEADING.pattern.split("|", 1)[1].rstrip(")"))


@dataclass(frozen=True, slots=True)
class Segment:
    label: str  # the text before the run (enumerator restored, label-only text before it prefixed)
    run: str  # the digits, spaces and unit as printed


def is_flat(text: str) -> bool:
    """True when a table heading is printed inside a long line (tables ran together with the prose)."""
    for line in text.split("\n"):
        if len(line) > MAX_HEADING_CHARS and any(p.search(line) for p in _INLINE_HEADINGS.values()):
            return True
    return False


def segments(text: str) -> list[Segment]:
    """`text` (one table's body) cut into labelled runs, enumerators given back to their labels."""
    pieces: list[tuple[str, str]] = []  # (label, run) as cut by character class
    last = 0
    for m in _RUN.finditer(text):
        pieces.append((text[last : m.start()], m.group().strip()))
        last = m.end()
    pieces.append((text[last:], ""))
    out: list[Segment] = []
    pending = ""  # label-only text waiting for its row
    for k, (label, run) in enumerate(pieces):
        following = pieces[k + 1][0] if k + 1 < len(pieces) else ""
        if _NUMBERED.match(squeeze(following)):
            own = _enumerator(label)
            expected = str(int(own) + 1) if own else "1"
            if run.endswith(expected):
                run = run[: -len(expected)].rstrip()
                pieces[k + 1] = (expected + following, pieces[k + 1][1])
        if not run:
            pending += label
            continue
        out.append(Segment(squeeze(pending + label), run))
        pending = ""
    return out


def _enumerator(label: str) -> str | None:
    m = re.match(r"^(?:其中[:：]?)?(\d+)[.．、]", squeeze(label))
    return m.group(1) if m else None


def table_texts(text: str) -> dict[str, str]:
    """The body of each gov table (二/三/四) found inline: from its heading to the next heading or 五、…."""
    starts = []
    for table, pattern in _INLINE_HEADINGS.items():
        m = pattern.search(text)
        if m is not None:
            starts.append((m.start(), m.end(), table))
    starts.sort()
    bodies: dict[str, str] = {}
    for k, (_start, end, table) in enumerate(starts):
        stop = starts[k + 1][0] if k + 1 < len(starts) else len(text)
        closing = _INLINE_CLOSING.search(text, end, stop)
        bodies[table] = text[end : closing.start() if closing else stop]
    return bodies


def flat_sections(text: str) -> dict[str, list[Row]]:
    """The rows of tables 二/三/四 of a flat text, each Row(layout='flat', cells=(label, run))."""
    line = next((n + 1 for n, ln in enumerate(text.split("\n")) if any(
        p.search(ln) for p in _INLINE_HEADINGS.values())), 1)
    return {
        table: [Row((seg.label, seg.run), line, FLAT) for seg in segments(body)]
        for table, body in table_texts(text).items()
    }
