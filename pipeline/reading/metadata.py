"""Report metadata (issuer, report_year, template) inferred from the text, with optional overrides.

Inference, in order of trust:
  issuer: a `发布单位:` line; the title (`株洲市2019年政府信息公开工作年度报告`, possibly broken over lines,
          or `2024年上海市科委政府信息公开工作年度报告`); a `中文名:` line; the first sentence
          (`2016年,湘潭市各级各部门…`).
  report_year: the title's year; the statistics period (`统计期限自2019年1月1日…`); the first sentence's year.
  template: the tables' column labels (TEMPLATE_MARKERS), else the year (2019–2020 gov2019, 2021+ gov2021,
          earlier legacy).
Overrides (`NAME.meta.json`, `manifest.csv`) are checked and applied in `pipeline.reading.overrides`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import polars as pl

_ISSUER_CHARS = r"[\u4e00-\u9fff（）]"
_REPORT_NAME = r"(?:政府|政务)?信息公开(?:工作)?(?:年度)?(?:报告|年报)"
_TITLE_ISSUER_FIRST = re.compile(
    rf"(?P<issuer>{_ISSUER_CHARS}{{2,40}}?)(?P<year>(?:19|20)\d\d)年度?{_REPORT_NAME}"
)
_TITLE_YEAR_FIRST = re.compile(rf"(?P<year>(?:19|20)\d\d)年度?(?P<issuer>{_ISSUER_CHARS}{{2,40}}?){_REPORT_NAME}")
_PUBLISHER = re.compile(r"^\s*[-*]?\s*发布单位\s*:\s*(?P<issuer>\S+)", re.MULTILINE)
_CN_NAME = re.compile(r"^\s*[-*]?\s*中文名\s*:\s*(?P<title>\S+)", re.MULTILINE)
_FIRST_SENTENCE = re.compile(
    r"(?P<year>(?:19|20)\d\d)年(?:度)?,?\s*(?:我|全)?(?P<issuer>[\u4e00-\u9fff]{1,12}?(?:自治区|自治州|省|市|州|盟|县|区|旗))"
    r"(?:各级|各部门|人民政府|政府|全市|全县|全区|认真|深入|坚持|紧紧)"
)
_PERIOD = re.compile(r"统计期限自\s*((?:19|20)\d\d)\s*年")
_TITLE_PREFIXES = re.compile(r"^(?:正文|标题|题目)")

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


def _header(text: str, n_lines: int = 12) -> str:
    lines = [ln.strip().lstrip("#").strip() for ln in text.split("\n") if ln.strip()][:n_lines]
    return re.sub(r"\s+", "", "".join(_TITLE_PREFIXES.sub("", ln) for ln in lines))


#: Site navigation that crawler text runs into the title (首页 > 政务公开 > … 年报).
_BREADCRUMB = re.compile(r"首页|政务公开|政府信息公开|信息公开|年报|当前位置")


def _title_match(header: str):
    return _TITLE_ISSUER_FIRST.search(header) or _TITLE_YEAR_FIRST.search(header)


def _clean_issuer(issuer: str | None) -> str | None:
    if not issuer:
        return None
    return _BREADCRUMB.split(issuer)[-1] or None


def infer_template(text: str, year: int | None) -> str:
    """The template from the tables' column labels; the year decides when no table label is found."""
    compact = re.sub(r"\s+", "", text)
    for template, markers in TEMPLATE_MARKERS:
        if any(marker in compact for marker in markers):
            return template
    if year is None or year < 2019:
        return "legacy"
    return "gov2019" if year < 2021 else "gov2021"


def infer_metadata(text: str) -> ReportMetadata:
    """Issuer, year and template as far as the text tells them (None where it does not)."""
    header = _header(text)
    issuer = year = None
    title = _title_match(header)
    if title:
        issuer, year = title.group("issuer"), int(title.group("year"))
    if m := _CN_NAME.search(text[:5000]):
        cn = _title_match(m.group("title"))
        if cn:
            issuer, year = issuer or cn.group("issuer"), year or int(cn.group("year"))
    if m := _PUBLISHER.search(text[:5000]):
        issuer = m.group("issuer")
    first = _FIRST_SENTENCE.search(re.sub(r"\s+", "", text[:3000]))
    if first:
        issuer = issuer or first.group("issuer")
    if year is None and (m := _PERIOD.search(text)):
        year = int(m.group(1))
    if year is None and first:
        year = int(first.group("year"))
    return ReportMetadata(issuer=_clean_issuer(issuer), report_year=year, template=infer_template(text, year))


def is_annual_report(text: str) -> bool:
    return any(marker in text for marker in REPORT_MARKERS)


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
