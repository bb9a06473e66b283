"""Who issued a report and for which year, read the way a person reads a page's opening and its end.

A person looks at the title line, the page's <title>, the 发布机构 cell of the page's metadata table, the
sentence that presents the report (现将XX…年度报告 / 本报告由XX…编制 / XX（以下简称…）) and the signature
(落款: a name over a date at the end). `ISSUER_SOURCES` lists those places in order of trust, as data; the
first that names a body wins. Text inside 《》 and 关于…的通知 cites another document and is never read as
the issuer, and site chrome (登录 注册 首页 > 政务公开 …) is cut off. When no source names the body (the text
only says 我局), the issuer is None and the caller records an `extract.metadata` warning: never a guess.

The year is the title line's, else the statistics period's (统计期限为2024年1月1日至…); a year that prose
merely mentions (发布…2019年度…年报) is not the report year.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice

_HAN = r"\u4e00-\u9fff"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
REPORT_NAME = r"(?:政府|政务)?信息公开(?:工作)?(?:年度)?(?:报告|年报)"

#: how the name of a body ends (a report is issued by a government, a department or an office)
_ORG_END = (
    r"(?:人民政府办公室|人民政府办公厅|人民政府|办公室|办公厅|管理委员会|管委会|委员会|政府|局|厅|委|办|署|院|"
    r"中心|处|所|站|馆|会|部|社|队|公司|集团|街道办事处|街道|镇|乡|区|县|市|州|盟|旗|实验区)"
)
ORG = rf"[{_HAN}（）()]{{1,30}}?{_ORG_END}"

#: spans that cite another document: 《…》〈…〉 and 关于…的通知/意见/…
_CITATIONS = re.compile(rf"《[^》]*》|〈[^〉]*〉|<[^<>]{0,60}>|关于[{_HAN}\d〔〕（）()]{{0,60}}?的?(?:通知|意见|办法|规定|要点|函)")
#: site chrome that runs into the opening of crawled pages
CHROME_WORDS = (
    "首页", "当前位置", "您的位置", "您现在的位置", "现在位置", "位置", "登录", "注册", "无障碍", "关怀版", "长者模式",
    "繁体", "繁體", "简体", "English", "政务公开", "政府信息公开", "信息公开", "年报", "年度报告", "搜索", "首頁",
)
_CHROME = re.compile("|".join(sorted(map(re.escape, CHROME_WORDS), key=len, reverse=True)) + r"|[>»›/|]")
_ABBREVIATION = re.compile(r"（以下简称[^）]*）")
#: words that open a sentence before the body's name
_LEAD_WORDS = re.compile(r"^(?:现将|特将|现就|现公布|特向社会公布|公布|根据|按照|依据|为|由|经|我们|本单位|本报告由|特此|今年|全年|20\d\d年度?)+")


@dataclass(frozen=True)
class Source:
    """One place a report names its issuer: where to look and the pattern (group `issuer`) to look for."""

    name: str
    where: str  # title | page_title | page_meta | opening | ending
    pattern: re.Pattern


# fmt: off  (one row per source, in order of trust)
ISSUER_SOURCES: tuple[Source, ...] = (
    Source("title", "title", re.compile(rf"(?P<issuer>{ORG}){_YEAR}年度?{REPORT_NAME}")),
    Source("title_year_first", "title", re.compile(rf"{_YEAR}年度?(?P<issuer>{ORG}){REPORT_NAME}")),
    Source("title_without_year", "title", re.compile(rf"^(?P<issuer>{ORG})(?:年度)?{REPORT_NAME}$")),
    Source("page_title", "page_title", re.compile(rf"(?P<issuer>{ORG}){_YEAR}年度?{REPORT_NAME}")),
    Source("publisher", "page_meta", re.compile(rf"^(?P<issuer>[{_HAN}（）()]{{2,40}})$")),
    Source("publisher_line", "opening",
           re.compile(rf"(?:发布机构|发布单位|发文机关)\s*[:：]\s*(?P<issuer>{ORG})(?=\s|$|[，,。;；])", re.M)),
    Source("heading", "heading", re.compile(rf"(?P<issuer>{ORG}){_YEAR}年度?{REPORT_NAME}")),
    Source("heading_year_first", "heading",
           re.compile(rf"{_YEAR}年度?(?P<issuer>{ORG}){REPORT_NAME}")),
    Source("presented", "opening",
           re.compile(rf"(?:现将|特将|现就|现公布|特向社会公布)(?:(?:19|20)\d\d年度?)?(?P<issuer>{ORG})(?:（以下简称[^）]{{1,15}}）)?"
                      rf"(?:{_YEAR}年度?)?{REPORT_NAME}")),
    Source("compiled_by", "opening", re.compile(rf"本(?:年度)?报告由(?P<issuer>{ORG})(?:根据|依据|按照|编制|负责|编写)")),
    Source("abbreviated", "opening", re.compile(rf"(?:^|[，。,；;\n])(?P<issuer>{ORG})（以下简称[^）]{{1,15}}）", re.M)),
    Source("signature", "ending",
           re.compile(rf"^\s*(?P<issuer>{ORG})\s*\n\s*(?:{_YEAR}|[〇○零一二三四五六七八九]{{4}})\s*年", re.M)),
    Source("cn_name", "opening", re.compile(rf"中文名\s*[:：]\s*(?P<issuer>{ORG}){_YEAR}年度?{REPORT_NAME}")),
    Source("first_sentence", "opening_squeezed", re.compile(
        rf"{_YEAR}年(?:度)?,?\s*(?:我|全)?(?P<issuer>[{_HAN}]{{1,12}}?(?:自治区|自治州|省|市|州|盟|县|区|旗))"
        r"(?:各级|各部门|人民政府|政府|全市|全县|全区|认真|深入|坚持|紧紧)")),
)
# fmt: on

#: the statistics period (统计期限为2024年1月1日至… / 统计期限从2019年1月1日到12月31日)
YEAR_PATTERNS: tuple[re.Pattern, ...] = (
    re.compile(rf"统计(?:期限|时限|时间|区间|周期)\s*(?:为|是|自|从|:|：)?\s*{_YEAR}\s*年\s*1\s*月\s*1\s*日"),
    re.compile(rf"统计(?:期限|时限|时间|区间|周期)\s*(?:为|是|自|从|:|：)?\s*{_YEAR}\s*年"),
)

#: where the report year is read, in order: a title line, the statistics period, a title run into crawler
#: text, the first sentence (2016年,湘潭市各级…). A year that prose merely mentions is never read.
YEAR_SOURCES = ("title", "title_year_first", "page_title", "period", "heading", "heading_year_first", "cn_name",
                "first_sentence")

_SENTENCE = re.compile(r"[，,。；;：:！？!?]")
_TITLE_PREFIXES = re.compile(r"^(?:正文|标题|题目)")
TITLE_LINES = 6  # a title is at most this many short lines at the top
OPENING_CHARS = 3000
ENDING_LINES = 12
HEADING_LINES = 12  # crawler text runs chrome, title and 来源 into the first lines


def _lines(text: str) -> list[str]:
    return [_bare(ln) for ln in text.split("\n") if ln.strip()]


def _bare(line: str) -> str:
    return line.strip().lstrip("#").strip()


def _first_lines(text: str, n: int) -> list[str]:
    """`_lines(text)[:n]`, reading only as far into the text as it needs."""
    return list(islice(_top_lines(text), n))


def _top_lines(text: str) -> Iterator[str]:
    """The non-blank lines of `text` from the top, bare, found one at a time (a title is read until its first
    sentence, usually the second line)."""
    start = 0
    while start <= len(text):
        end = text.find("\n", start)
        end = len(text) if end == -1 else end
        line = text[start:end]
        if line.strip():
            yield _bare(line)
        start = end + 1


def _last_lines(text: str, n: int) -> list[str]:
    """`_lines(text)[-n:]`, reading only as far back from the end as it needs."""
    out: list[str] = []
    end = len(text)
    while len(out) < n and end >= 0:
        start = text.rfind("\n", 0, end) + 1
        line = text[start:end]
        if line.strip():
            out.append(_bare(line))
        end = start - 1
    return out[::-1]


def title_block(text: str) -> str:
    """The top lines before the first sentence, joined (titles break over lines: 株洲市 / 2019年…报告)."""
    block = []
    for line in islice(_top_lines(text), TITLE_LINES):
        line = _TITLE_PREFIXES.sub("", line)
        if _SENTENCE.search(_CITATIONS.sub("", line)):
            break
        block.append(line)
    return "".join(block)


_WHITESPACE = re.compile(r"\s+")


def _squeeze(text: str) -> str:
    return _WHITESPACE.sub("", text)


@lru_cache(maxsize=4096)
def clean_issuer(name: str | None) -> str | None:
    """The body's name without site chrome before it or sentence openers (现将, 根据 …)."""
    if not name:
        return None
    name = _CHROME.split(_squeeze(name))[-1]
    name = _LEAD_WORDS.sub("", _ABBREVIATION.sub("", name))
    return name if len(name) >= 2 else None


@lru_cache(maxsize=4)
def _title_view(text: str) -> str:
    """The title block, squeezed, citations removed: find_issuer and find_year both read it first (remembered for
    the last few texts, so the second reading of a report costs a lookup)."""
    return _CITATIONS.sub("", _squeeze(title_block(text)))


@lru_cache(maxsize=16)
def _title_matches(source: str, view: str) -> tuple[re.Match, ...]:
    """Every match of the title source named `source` in a title view (a few dozen characters), remembered for the
    last few: find_issuer reads them in turn, find_year the first, for the same report. (Keyed by the source's name:
    a compiled pattern hashes its whole code.)"""
    return tuple(_SOURCE_BY_NAME[source].pattern.finditer(view))


_SOURCE_BY_NAME = {source.name: source for source in ISSUER_SOURCES}


#: each place a source reads, from the text and the page around it (computed when a source first needs it)
_VIEWS: dict[str, Callable[[str, Mapping[str, str]], str]] = {
    "title": lambda text, page: _title_view(text),
    "page_title": lambda text, page: _squeeze(page.get("title", "")),
    "page_meta": lambda text, page: _squeeze(page.get("publisher", "")),
    "heading": lambda text, page: _CITATIONS.sub("", _squeeze("".join(
        _TITLE_PREFIXES.sub("", ln) for ln in _first_lines(text, HEADING_LINES)))),
    "opening": lambda text, page: _CITATIONS.sub("", text[:OPENING_CHARS]),
    "opening_squeezed": lambda text, page: _CITATIONS.sub("", _squeeze(text[:OPENING_CHARS])),
    "ending": lambda text, page: "\n".join(_last_lines(text, ENDING_LINES)),
}


def find_issuer(text: str, page: Mapping[str, str] | None = None) -> tuple[str | None, str | None]:
    """(issuer, the source's name) from the first source in ISSUER_SOURCES that names a body; (None, None)."""
    page = page or {}
    cache: dict[str, str] = {}
    for source in ISSUER_SOURCES:
        if source.where not in cache:
            cache[source.where] = _VIEWS[source.where](text, page)
        matches = (_title_matches(source.name, cache[source.where]) if source.where == "title"
                   else source.pattern.finditer(cache[source.where]))
        for m in matches:
            issuer = clean_issuer(m.group("issuer"))
            if issuer:
                return issuer, source.name
    return None, None


def find_year(text: str, page: Mapping[str, str] | None = None) -> tuple[int | None, str | None]:
    """(report year, where it was read), from the first of YEAR_SOURCES that gives one; (None, None)."""
    page = page or {}
    for name in YEAR_SOURCES:
        if name == "period":
            compact = _squeeze(text)
            m = next((m for pattern in YEAR_PATTERNS if (m := pattern.search(compact))), None)
        else:
            source = _SOURCE_BY_NAME[name]
            if source.where == "title":
                m = next(iter(_title_matches(name, _title_view(text))), None)
            else:
                m = source.pattern.search(_VIEWS[source.where](text, page))
        if m:
            return int(m.group("year")), name
    return None, None
