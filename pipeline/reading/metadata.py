"""Report metadata (issuer, report_year, template) inferred from the text, with optional overrides.

Inference (pipeline.reading.issuer): the issuer from the first of ISSUER_SOURCES that names a body (title line, page
<title>, 发布机构, 现将XX…年度报告, 本报告由XX…编制, XX（以下简称…）, the signature), never from a cited 《…》;
the year from the statistics period, else the title; the template from the tables' column labels
(TEMPLATE_MARKERS), else the year (2019–2020 gov2019, 2021+ gov2021, earlier legacy).
Overrides (`NAME.meta.json`, `manifest.csv`) are checked and applied in `pipeline.reading.overrides`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl

from pipeline.reading.issuer import find_issuer, find_year
from pipeline.reading.sectioning import KNOWN_SECTION_TITLES, split_sections

#: Column labels that identify a template; the first template with a marker present wins.
TEMPLATE_MARKERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("gov2021", ("本年制发件数", "现行有效件数", "本年废止件数", "逾期未按收费通知要求缴纳费用")),
    ("gov2019", ("本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量", "本年新收政府信息公开申请数量")),
    ("legacy", ("指标名称", "历年累计", "计量单位")),  # provincial forms, checked before the national table's title
    ("stat2014", ("政府信息公开情况统计表", "统计指标")),
)

#: Words an annual report always has; a text with none of them is not one.
REPORT_MARKERS = ("信息公开",)


@dataclass
class ReportMetadata:
    issuer: str | None
    report_year: int | None
    template: str
    url: str | None = None
    region: str | None = None


def _marker_pattern(markers: tuple[str, ...]) -> re.Pattern:
    """Any of the markers, with any whitespace between its characters: a marker is found here exactly when it is
    in the text with its whitespace removed (PDF and web text split labels), without building that text."""
    assert not any(c.isspace() for marker in markers for c in marker)
    return re.compile("|".join(r"\s*".join(map(re.escape, marker)) for marker in markers))


_TEMPLATE_PATTERNS = tuple((template, markers, _marker_pattern(markers)) for template, markers in TEMPLATE_MARKERS)


def infer_template(text: str, year: int | None) -> str:
    """The template from the tables' column labels; the year decides when no table label is found.

    A marker printed whole is found by a plain substring search (C, far cheaper than the regex, which every
    text without the template's markers still needs, for labels split by whitespace)."""
    for template, markers, pattern in _TEMPLATE_PATTERNS:
        if any(marker in text for marker in markers) or pattern.search(text):
            return template
    if year is None or year < 2019:
        return "legacy"
    return "gov2019" if year < 2021 else "gov2021"


def infer_metadata(text: str, page: Mapping[str, str] | None = None) -> ReportMetadata:
    """Issuer, year and template as far as the text (and the web page around it) tells them; None where not.

    `page` holds what a web page says outside its body: `title` (<title>) and `publisher` (发布机构)."""
    issuer, _ = find_issuer(text, page)
    year, _ = find_year(text, page)
    return ReportMetadata(issuer=issuer, report_year=year, template=infer_template(text, year))


#: a text with at least this many of the report's own section headings is a report, title or not
MIN_REPORT_HEADINGS = 2


def is_annual_report(text: str, meta: ReportMetadata | None = None) -> bool:
    """A report names itself (title with a year) or is built like one (its section headings); nothing else is."""
    if not any(marker in text for marker in REPORT_MARKERS):
        return False
    if meta is not None and meta.report_year is not None:
        return True
    known = {re.sub(r"^[一二三四五六七八九十]+、", "", s.heading) for s in split_sections(text) if s.heading}
    return len(known & set(KNOWN_SECTION_TITLES)) >= MIN_REPORT_HEADINGS


def metadata_issues(meta: ReportMetadata, source_path: str) -> list[dict]:
    """One `extract.metadata` warning per field the text never names (left NULL, never guessed)."""
    missing = {
        "issuer": "names no issuing body (no title, 发布机构, 现将…/本报告由… sentence or signature; only 我局-style"
                  " self-references)",
        "report_year": "gives no report year (no statistics period 统计期限… and no year in a title)",
    }
    return [
        {"rule_id": "extract.metadata", "severity": "warning", "table_name": "reports", "location": f"field={field}",
         "expected": None, "actual": None,
         "message": f"{source_path}: the text {why}; {field} is left NULL."}
        for field, why in missing.items() if getattr(meta, field) is None
    ]


# ---------------------------------------------------------------- issuer identity across years

#: trailing words of an issuer name that do not change who it is
ISSUER_SUFFIXES = ("管理委员会", "管委会", "人民政府", "政府")


#: a leading parent division before a district/county name (淮安市洪泽区 = 洪泽区, 福建省平潭… = 平潭…)
PARENT_DIVISION = r"^(?:[^省市]{1,7}(?:省|自治区))?(?:[^省市区县]{1,7}市)?([^省市]{1,10}(?:区|县|旗|市))$"


def issuer_key(issuer: pl.Expr) -> pl.Expr:
    """An issuer name with trivial variants folded: spaces, a parenthesised note, the body suffix
    (人民政府, 管委会 …) and a leading parent division of a district or county."""
    suffixes = "|".join(ISSUER_SUFFIXES)
    name = (
        issuer.str.replace_all(r"\s+", "")
        .str.replace_all(r"（[^）]*）$", "")
        .str.replace(rf"(?:{suffixes})+$", "")
    )
    return pl.when(name.str.contains(PARENT_DIVISION)).then(name.str.extract(PARENT_DIVISION, 1)).otherwise(name)
