"""Splitting a report's text at its top-level headings (一、总体情况 … 六、其他需要报告的事项).

A line is a top-level heading when, after markdown `#` marks and table-cell tails (` | | |`) are stripped,
it is short, carries no sentence punctuation and either
  - starts with the next Chinese numeral in sequence (一、 then 二、 …), so the numbered rows of a table
    (一、本年新收… after 三、) or of an appendix table (一、主动公开情况 after 八、附表) are not taken, or
  - is a known section title printed without its numeral (seed 003: 存在的主要问题及改进情况), or a known
    title one numeral further on (a report that skipped 五、 in print).
Table row labels that happen to be the next numeral (四、结转下年度继续办理) are excluded by TABLE_ROW_LABELS.
Sub-headings such as （一）主动公开情况 stay inside their section. Text before the first heading is kept as
section 0 with no heading, so nothing of the report is dropped.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from functools import lru_cache

NUMERALS = "一二三四五六七八九十"

#: Known top-level section titles (2008 format, 2019/2021 formats) and frequent variants, numerals removed.
KNOWN_SECTION_TITLES = (
    "概述",
    "总体情况",
    "主动公开政府信息情况",
    "主动公开政府信息的情况",
    "收到和处理政府信息公开申请情况",
    "依申请公开政府信息情况",
    "依申请公开情况",
    "政府信息公开的收费及减免情况",
    "政府信息公开行政复议、行政诉讼情况",
    "因政府信息公开申请行政复议、提起行政诉讼的情况",
    "因政府信息公开申请提起行政复议、行政诉讼的情况",
    "行政复议、行政诉讼与申诉情况",
    "存在的主要问题及改进情况",
    "政府信息公开工作存在的主要问题及改进情况",
    "存在的主要问题及改进措施",
    "其他需要报告的事项",
    "附表",
)

#: After an appendix heading (八、附表) numbered lines are the appendix table's rows, not sections.
APPENDIX_HEADINGS = {f"{n}、附表" for n in NUMERALS} | {"附表"}

#: Numbered labels of table 三 that look like headings.
TABLE_ROW_LABELS = ("本年新收", "上年结转", "本年度办理结果", "结转下年度")

_NUMBERED = re.compile(rf"^([{NUMERALS}]{{1,3}})\s*[、.]\s*(\S.*)$")
_TAIL = re.compile(r"(\s*\|)+\s*$|\t.*$")
_MARKDOWN = re.compile(r"^#{1,6}\s*")
_SENTENCE = re.compile(r"[。;!?]|,.*,")
MAX_HEADING_CHARS = 40
#: the first character of every heading: a numeral or the first character of a known title
_HEADING_FIRST = frozenset(NUMERALS) | {title[0] for title in KNOWN_SECTION_TITLES}


@dataclass(frozen=True)
class Section:
    ordinal: int
    heading: str | None
    body: str


def numeral_value(numeral: str) -> int:
    """一 → 1 … 十 → 10, 十一 → 11, 二十 → 20 (headings never go further)."""
    if numeral == "十":
        return 10
    if numeral.startswith("十"):
        return 10 + NUMERALS.index(numeral[1]) + 1
    if "十" in numeral:
        tens, _, ones = numeral.partition("十")
        return (NUMERALS.index(tens) + 1) * 10 + (NUMERALS.index(ones) + 1 if ones else 0)
    return NUMERALS.index(numeral) + 1


#: what `\s` matches (str.isspace), for cutting a line's tail without the regex
_WHITESPACE = "".join(c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace())
_TAIL_CHARS = _WHITESPACE + "|"


def _cut_tail(line: str) -> str:
    """`_TAIL.sub("", line)` without the regex (it is tried at every position of a table row): the line up to
    its first TAB or to the trailing run of spaces and `|` when that run holds a `|`, whichever comes first."""
    tab = line.find("\t")
    cut = len(line) if tab == -1 else tab
    if "|" in line and line[-1:] in _TAIL_CHARS:  # else the line ends in no run of spaces and `|`
        run_start = len(line.rstrip(_TAIL_CHARS))
        if "|" in line[run_start:]:
            cut = min(cut, run_start)
    return line[:cut]


def _clean(line: str) -> str:
    line = line.strip()
    if line.startswith("#"):
        line = _MARKDOWN.sub("", line)
    return _cut_tail(line).strip()


def _plainly_cleaned(head: str) -> str | None:
    """`_clean` of a stripped line without its work when the cut is plain (most candidate lines): no markdown
    mark, and either no `|` at its end nor a TAB (prose, table rows whose last cell holds a number: left as they
    are) or a TAB and no `|` (cut at the TAB); None when `_clean` must look."""
    if "#" in head:
        return None
    tab = head.find("\t")
    if tab == -1 and head[-1:] != "|":
        return head
    if "|" not in head:  # so a TAB
        return head[:tab].strip()
    return None


def _heading_number(line: str, expected: int) -> int | None:
    """The heading's number if `line` is the next top-level heading, 0 for an unnumbered known title."""
    shape = _heading_shape(line)
    if shape is None:
        return None
    number, known_title = shape
    if number == 0 or number == expected or (number == expected + 1 and known_title):
        return number
    return None


@lru_cache(maxsize=8192)
def _heading_shape(line: str) -> tuple[int, bool] | None:
    """What `line` is as a heading wherever it stands: (its number, or 0 for an unnumbered known title; whether
    its title is a known one), None when it can never be a top-level heading. Remembered per line: most candidate
    lines (headings, the label lines of one-cell-per-line tables) repeat from report to report."""
    head = line.strip()
    cleaned = _plainly_cleaned(head)
    if cleaned is not None:
        if len(cleaned) > MAX_HEADING_CHARS or head[:1] not in _HEADING_FIRST:
            return None
        return _cleaned_shape(cleaned)
    bare = head.lstrip("#")
    if len(head) - len(bare) <= 6 and bare.lstrip()[:1] not in _HEADING_FIRST:
        return None  # what _clean leaves starts with this character: neither a numeral nor a known title
    return _cleaned_shape(_clean(line))


@lru_cache(maxsize=4096)
def _cleaned_shape(text: str) -> tuple[int, bool] | None:
    """`_heading_shape` of a cleaned line, remembered: headings and the label cells of table rows repeat from
    report to report (the rest of a table row, cut off by _clean, does not)."""
    if not text or len(text) > MAX_HEADING_CHARS or _SENTENCE.search(text):
        return None
    m = _NUMBERED.match(text)
    if m:
        try:
            number = numeral_value(m.group(1))
        except ValueError:
            return None
        title = m.group(2)
        if title.startswith(TABLE_ROW_LABELS):
            return None
        return number, title.replace(" ", "") in KNOWN_SECTION_TITLES
    if text.replace(" ", "") in KNOWN_SECTION_TITLES:
        return 0, True
    return None


#: the start of a line `_heading_number` does not turn down at once (a numeral or a known title's first
#: character after up to six `#` marks and spaces, or more than six marks): only these lines are looked at
_CANDIDATE = rf"[^\S\n]*(?:#{{0,6}}[^\S\n]*[{''.join(sorted(_HEADING_FIRST))}]|#{{7}})"
_CANDIDATE_FIRST_LINE = re.compile(_CANDIDATE)
#: the same after a line break (a pattern that starts with a literal is scanned for fast; `^` is tried everywhere),
#: with a one-character look-ahead that turns most lines down at once
_CANDIDATE_LINE = re.compile(rf"\n(?=[\s#{''.join(sorted(_HEADING_FIRST))}])" + _CANDIDATE)


def _candidate_starts(text: str) -> list[int]:
    """Where each candidate heading line starts in `text`, in order."""
    starts = [m.start() + 1 for m in _CANDIDATE_LINE.finditer(text)]
    return [0, *starts] if _CANDIDATE_FIRST_LINE.match(text) else starts


def split_sections(text: str) -> list[Section]:
    """The report as (ordinal, heading, body) sections; section 0 holds any text before the first heading.

    Only candidate lines (`_candidate_starts`, found by one regex scan) are tested as headings; a section's body
    is the text between its heading line and the next, sliced, not rebuilt line by line."""
    sections: list[Section] = []
    heading: str | None = None
    body_start = 0  # where the current section's body begins in `text`
    expected = 1
    for start in _candidate_starts(text):
        if heading in APPENDIX_HEADINGS:
            break  # after 八、附表 numbered lines are the appendix table's rows
        end = text.find("\n", start)
        end = len(text) if end == -1 else end
        line = text[start:end]
        number = _heading_number(line, expected)
        if number is None:
            continue
        body = text[body_start:max(body_start, start - 1)]
        if heading is not None or body.strip():
            sections.append(Section(len(sections), heading, body.strip("\n")))
        elif not sections:
            sections.append(Section(0, None, ""))
        heading = _heading_text(line)
        body_start = end + 1
        expected = (number or expected) + 1
    sections.append(Section(len(sections), heading, text[body_start:].strip("\n")))
    if sections[0].heading is None and not sections[0].body:
        return sections[1:]  # the others keep their ordinals (1, 2, …): each was made with its place in the list
    return sections


@lru_cache(maxsize=1024)
def _heading_text(line: str) -> str:
    """A heading line as the section's heading (`_clean`), remembered: the same headings open most reports."""
    return _clean(line)
