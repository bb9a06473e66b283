"""A deterministic generator of realistic annual reports, with the ground truth of every cell beside them.

    .venv/bin/python scripts/generate_corpus.py N OUT_DIR [--seed S] [--start K]

Writes N reports under OUT_DIR (sub-folders of 1,000) and, for each, `NAME.truth.json` under the sibling folder
`OUT_DIR/../truth/` (same relative path): issuer, year, template and every cell the pipeline should load. Reports
are issuers × years (consecutive years of one issuer, so the cross-year rules have pairs: 上年结转 = last year's
结转下年度, 现行有效 = last year's + 制发 − 废止), in the 2019 and 2021 templates (tables 二/三/四 whose rows add up:
row sums, balance, outcome sums, review totals), with a few pre-2019 统计表 reports, prose sections around the
tables, and every layout the extractor reads, modelled on tests/fixtures:
markdown pipes, PDF-layout ` | ` text, TAB text, one cell per line, web pages (UTF-8 and GBK, most with site
chrome, cells wrapped in styled <p><span>), traditional script in GB18030 and full-width digits.

Report k of a seed is always the same bytes (each issuer draws from its own seeded generator, the layout is drawn
per report), so `--start`
adds reports to an existing corpus without changing it, and chunks can be written in parallel (`--jobs`). 10,000 reports
(440 MB) take 20-35 s on this machine, mostly creating files; 100,000 (4.4 GB) about 4-5 minutes.
"""

from __future__ import annotations

import argparse
import json
import random
import re
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from opencc import OpenCC

#: (layout, share of issuers): every layout the extractor reads
LAYOUTS: tuple[tuple[str, float], ...] = (
    ("pipe", 0.20),  # PDF-layout text, cells joined by ` | `, merged cells blank (corpus/text/001)
    ("markdown", 0.15),  # `| a | b |` tables with separator lines, `#` headings (corpus/markdown)
    ("tab", 0.10),  # TAB-separated rows
    ("cells", 0.10),  # one cell per line, rows separated by blank lines (seeds/000)
    ("html", 0.15),  # web page in UTF-8 (corpus/pingtan)
    ("html_gbk", 0.10),  # web page in GBK
    ("traditional", 0.12),  # Taiwan-style traditional script (OpenCC s2twp), GB18030, pipe layout (seeds/001)
    ("fullwidth", 0.08),  # full-width digits, pipe layout
)
SUFFIX = {"markdown": ".md", "html": ".html", "html_gbk": ".html"}
ENCODING = {"html_gbk": "gbk", "traditional": "gb18030"}

#: one issuer in this many also has two pre-2019 统计表 reports (2017, 2018)
LEGACY_EVERY = 10
GOV_YEARS = tuple(range(2019, 2026))
LEGACY_YEARS = (2017, 2018)

PROVINCES = ("江苏省", "安徽省", "河南省", "湖南省", "福建省", "河北省", "山东省", "江西省", "四川省", "浙江省")
CITY_PARTS = ("安", "宁", "平", "阳", "江", "川", "山", "德", "兴", "昌", "泉", "林", "海", "南", "东", "西", "清",
              "长", "永", "新", "和", "丰", "乐", "华", "明", "成", "文", "武", "定", "嘉")
BODIES = ("人民政府", "人民政府办公室", "教育局", "财政局", "生态环境局", "交通运输局", "卫生健康委员会",
          "市场监督管理局", "自然资源和规划局", "住房和城乡建设局", "农业农村局", "司法局", "民政局")

APPLICANTS = ("natural_person", "commercial_enterprise", "research_institution", "social_welfare_org",
              "legal_service_org", "other_org", "total")
PROCEEDINGS = ("administrative_review", "litigation_direct", "litigation_after_review")
OUTCOMES = ("upheld", "corrected", "other", "pending", "total")

#: table 三's rows as printed: (row_code, group cell printed over the rows, label)
_OUTCOME_ROWS = (
    ("disclosed", None, "（一）予以公开"),
    ("partially_disclosed", None, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
    ("withheld_state_secret", "（三）不予公开", "1.属于国家秘密"),
    ("withheld_prohibited_by_law", "（三）不予公开", "2.其他法律行政法规禁止公开"),
    ("withheld_security_stability", "（三）不予公开", "3.危及“三安全一稳定”"),
    ("withheld_third_party_rights", "（三）不予公开", "4.保护第三方合法权益"),
    ("withheld_internal_affairs", "（三）不予公开", "5.属于三类内部事务信息"),
    ("withheld_process_information", "（三）不予公开", "6.属于四类过程性信息"),
    ("withheld_enforcement_file", "（三）不予公开", "7.属于行政执法案卷"),
    ("withheld_query_matter", "（三）不予公开", "8.属于行政查询事项"),
    ("unavailable_not_held", "（四）无法提供", "1.本机关不掌握相关政府信息"),
    ("unavailable_needs_compilation", "（四）无法提供", "2.没有现成信息需要另行制作"),
    ("unavailable_unclear_request", "（四）无法提供", "3.补正后申请内容仍不明确"),
    ("not_processed_complaint", "（五）不予处理", "1.信访举报投诉类申请"),
    ("not_processed_duplicate", "（五）不予处理", "2.重复申请"),
    ("not_processed_publication", "（五）不予处理", "3.要求提供公开出版物"),
    ("not_processed_excessive", "（五）不予处理", "4.无正当理由大量反复申请"),
    ("not_processed_confirmation", "（五）不予处理", "5.要求行政机关确认或重新出具已获取信息"),
)
_OTHER_2019 = (("other", None, "（六）其他处理"),)
_OTHER_2021 = (
    ("other_overdue_correction", "（六）其他处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    ("other_overdue_fee", "（六）其他处理", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    ("other_misc", "（六）其他处理", "3.其他"),
)
_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"

#: the national 统计表 rows generated for pre-2019 reports: (label, unit, code or None for a heading row)
LEGACY_ROWS = (
    ("一、主动公开情况", "/", None),
    ("（一）主动公开政府信息数", "条", "proactive.total"),
    ("其中:主动公开规范性文件数", "条", "proactive.normative_published"),
    ("制发规范性文件总数", "件", "proactive.normative_issued"),
    ("（二）通过不同渠道和方式公开政府信息的情况", "条", "proactive.channels"),
    ("1.政府公报公开政府信息数", "条", "proactive.channels.gazette"),
    ("2.政府网站公开政府信息数", "条", "proactive.channels.website"),
    ("3.政务微博公开政府信息数", "条", "proactive.channels.weibo"),
    ("4.政务微信公开政府信息数", "条", "proactive.channels.wechat"),
    ("5.其他方式公开政府信息数", "条", "proactive.channels.other"),
    ("三、依申请公开情况", "/", None),
    ("（一）收到申请数", "件", "requests.received"),
    ("1.当面申请数", "件", "requests.received.in_person"),
    ("2.传真申请数", "件", "requests.received.fax"),
    ("3.网络申请数", "件", "requests.received.online"),
    ("4.信函申请数", "件", "requests.received.letter"),
    ("（二）申请办结数", "件", "requests.closed"),
    ("1.按时办结数", "件", "requests.closed.on_time"),
    ("2.延期办结数", "件", "requests.closed.extended"),
    ("四、行政复议数量", "件", "review.total"),
    ("（一）维持具体行政行为数", "件", "review.upheld"),
    ("（二）被依法纠错数", "件", "review.corrected"),
    ("（三）其他情形数", "件", "review.other"),
    ("七、依申请公开信息收取的费用", "万元", "fees.collected"),
    ("（一）从事政府信息公开工作人员数", "人", "staffing.staff"),
    ("1.专职人员数", "人", "staffing.staff_full_time"),
    ("2.兼职人员数", "人", "staffing.staff_part_time"),
)

#: prose: sentences in the style of the corpus, numbers filled in per report (`{}` fields)
INTRO = (
    "本报告依据《中华人民共和国政府信息公开条例》（以下简称《条例》）和《国务院办公厅政府信息与政务公开办公室关于"
    "印发〈中华人民共和国政府信息公开工作年度报告格式〉的通知》要求编制。本报告所列数据的统计期限自{year}年1月1日起"
    "至{year}年12月31日止。如对本报告有疑问，请与{issuer}联系（电话：0{tel}）。"
)
OVERVIEW = (
    "{year}年，{short}坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻党的二十大精神，认真落实《条例》各项规定，"
    "围绕中心工作，深化重点领域信息公开，不断提升政务公开质量和实效。",
    "（一）主动公开情况。全年通过政府门户网站主动公开各类政府信息{a}条，发布政策解读{b}篇，召开新闻发布会{c}场，"
    "及时回应社会关切。",
    "（二）依申请公开情况。畅通依申请公开渠道，规范受理、登记、办理、答复等环节，全年共收到政府信息公开申请{new}件，"
    "均在法定期限内予以答复。",
    "（三）政府信息管理情况。严格落实公开前保密审查机制，坚持“先审查、后公开”和“一事一审”原则，动态调整主动公开目录，"
    "全年未发生因信息公开引起的失泄密事件。",
    "（四）政府信息公开平台建设情况。持续加强政府网站和政务新媒体建设管理，优化政策文件库和专题专栏设置，"
    "政务新媒体共{d}个，全部纳入常态化监管。",
    "（五）监督保障情况。将政务公开工作纳入绩效考核，组织业务培训{e}次，开展网站及政务新媒体季度检查，及时督促整改。",
)
PROBLEMS = (
    "{year}年，{short}政府信息公开工作取得了一定成效，但仍存在一些不足：一是政策解读的形式还不够丰富，"
    "图解、视频等解读产品较少；二是个别单位信息发布不够及时，更新频率有待提高。",
    "下一步，将进一步加强业务培训，提升工作人员能力水平；丰富政策解读形式，提高解读质量；加强督促检查，"
    "推动政务公开工作不断深入。",
)
OTHER = (
    "{year}年，{short}未收取信息处理费。",
    "本年度无其他需要报告的事项。",
)
LEGACY_PROSE = (
    "{year}年，{short}认真贯彻落实《中华人民共和国政府信息公开条例》，紧紧围绕中心工作，全面推进政务公开。",
    "全年主动公开政府信息{a}条，其中规范性文件{b}条。",
)


@dataclass
class Issuer:
    k: int
    name: str
    short: str
    years: tuple[int, ...]
    rng: random.Random  # the values of its tables, drawn year after year
    key: str  # seeds the generator of each year's prose, independent of the values
    chrome: bool = True


@dataclass
class Report:
    issuer: Issuer
    year: int
    template: str
    layout: str
    facts: dict[str, list[list]] = field(default_factory=dict)
    tables: list[tuple[str, list[list]]] = field(default_factory=list)  # (heading, grid) in order


# ------------------------------------------------------------------------------------------------ issuers


def _place(rng: random.Random) -> str:
    return rng.choice(CITY_PARTS) + rng.choice(CITY_PARTS)


def make_issuer(seed: int, k: int) -> Issuer:
    """Issuer k of a seed: its name, layout and years, all drawn from its own generator."""
    rng = random.Random(f"{seed}:{k}")
    province = rng.choice(PROVINCES)
    city = _place(rng)
    kind = rng.random()
    if kind < 0.35:
        name, short = f"{city}市人民政府", "我市"
    elif kind < 0.7:
        name, short = f"{city}市{_place(rng)}区人民政府", "我区"
    else:
        name, short = f"{city}市{rng.choice(BODIES[2:])}", "我局"
    if rng.random() < 0.15:
        name = province + name
    years = (LEGACY_YEARS if k % LEGACY_EVERY == 0 else ()) + GOV_YEARS
    return Issuer(k, name, short, years, rng, f"{seed}:{k}", chrome=rng.random() < 0.75)


@lru_cache(maxsize=1)
def _converters() -> tuple[OpenCC, OpenCC]:
    return OpenCC("s2twp"), OpenCC("tw2sp")


@lru_cache(maxsize=65536)
def traditional(text: str) -> str:
    return _converters()[0].convert(text)


@lru_cache(maxsize=65536)
def _round_trip(name: str) -> str:
    return _converters()[1].convert(traditional(name))


def choose_layout(issuer: Issuer, year: int) -> str:
    """The layout of one report: sites and sources change from year to year, so it is drawn per report."""
    x, acc = random.Random(f"{issuer.key}:{year}:layout").random(), 0.0
    layout = LAYOUTS[-1][0]
    for candidate, share in LAYOUTS:
        acc += share
        if x < acc:
            layout = candidate
            break
    if layout == "traditional" and _round_trip(issuer.name) != issuer.name:
        layout = "pipe"  # a name OpenCC cannot bring back exactly is printed in simplified script
    return layout


def plan(n: int, seed: int, start: int = 0) -> list[tuple[Issuer, int]]:
    """(issuer, year) of reports start … start+n-1: issuers in order, each with its consecutive years."""
    out: list[tuple[Issuer, int]] = []
    k, index = 0, 0
    while len(out) < n:
        years = (LEGACY_YEARS if k % LEGACY_EVERY == 0 else ()) + GOV_YEARS
        if index + len(years) > start:
            issuer = make_issuer(seed, k)
            for y in issuer.years:
                if start <= index < start + n:
                    out.append((issuer, y))
                index += 1
        else:
            index += len(years)
        k += 1
    return out


# ------------------------------------------------------------------------------------------------ values


@dataclass
class IssuerState:
    """What carries over from one year to the next: 结转下年度 per applicant, 现行有效 per item."""

    carried: dict[str, int] = field(default_factory=dict)
    in_force: dict[str, int] = field(default_factory=dict)
    prev_items: dict[str, int] = field(default_factory=dict)


def _split(rng: random.Random, total: int, parts: int) -> list[int]:
    cuts = sorted(rng.randint(0, total) for _ in range(parts - 1))
    return [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]


def _cell(n) -> list:
    """A grid cell: (text, rowspan, colspan); None marks a position covered by a span."""
    return [str(n), 1, 1]


def _span(text: str, rowspan: int = 1, colspan: int = 1) -> list:
    return [text, rowspan, colspan]


def _pad(row: list, width: int) -> list:
    used = sum(1 if c is None else c[2] for c in row)
    return row + [_cell("")] * (width - used)


def proactive(report: Report, state: IssuerState) -> list[list]:
    """Table 二 as a grid of 4 columns, and its facts."""
    rng, facts = report.issuer.rng, []
    grid: list[list] = []

    def block(article: str, measures: list[str], items: list[tuple[str, str, str, list]]) -> None:
        grid.append([_span(f"第二十条第（{article}）项", 1, 4), None, None, None])
        grid.append(_pad([_cell("信息内容"), *map(_cell, measures)], 4))
        for printed, art, code, values in items:
            grid.append(_pad([_cell(printed), *(_cell(v[1]) for v in values)], 4))
            for (measure, raw, value, unit) in values:
                facts.append([art, code, measure, value, unit, raw])

    def count(measure: str, n: int) -> tuple:
        return (measure, str(n), float(n), "count")

    if report.template == "gov2021":
        rows = []
        for printed, code in (("规章", "regulation"), ("行政规范性文件", "normative_document")):
            before = state.in_force.get(code, rng.randint(0, 60))
            issued, repealed = rng.randint(0, 12), rng.randint(0, min(5, before))
            state.in_force[code] = before + issued - repealed
            rows.append((printed, "20.1", code, [count("issued", issued), count("repealed", repealed),
                                                 count("in_force", state.in_force[code])]))
        block("一", ["本年制发件数", "本年废止件数", "现行有效件数"], rows)
        block("五", ["本年处理决定数量"], [("行政许可", "20.5", "administrative_license",
                                           [count("decisions", rng.randint(0, 500000))])])
        block("六", ["本年处理决定数量"], [
            ("行政处罚", "20.6", "administrative_penalty", [count("decisions", rng.randint(0, 90000))]),
            ("行政强制", "20.6", "administrative_coercion", [count("decisions", rng.randint(0, 9000))]),
        ])
        fee = Decimal(rng.randint(0, 9999999)) / 10
        block("八", ["本年收费金额（单位：万元）"], [("行政事业性收费", "20.8", "administrative_fee",
                                                 [("fee_amount", str(fee), float(fee * 10000), "yuan")])])
    else:
        rows = []
        for printed, code in (("规章", "regulation"), ("规范性文件", "normative_document")):
            made = rng.randint(0, 150)
            published = rng.randint(0, made)
            total = published + rng.randint(0, 800)
            rows.append((printed, "20.1", code, [count("new_made", made), count("new_published", published),
                                                 count("total_published", total)]))
        block("一", ["本年新制作数量", "本年新公开数量", "对外公开总数量"], rows)

        def items(pairs):
            out = []
            for printed, article, code, hi in pairs:
                prev = state.prev_items.get(code, rng.randint(0, hi))
                change = rng.randint(-prev // 4, hi // 10)
                state.prev_items[code] = prev + change
                raw = rng.choice((f"{change}", f"增{change}" if change >= 0 else f"减{-change}"))
                if change > 0 and rng.random() < 0.3:
                    raw = f"+{change}"
                out.append((printed, article, code, [count("prev_year_items", prev),
                                                     ("change", raw, float(change), "count"),
                                                     count("decisions", rng.randint(0, 300000))]))
            return out

        block("五", ["上一年项目数量", "本年增/减", "处理决定数量"],
              items([("行政许可", "20.5", "administrative_license", 900),
                     ("其他对外管理服务事项", "20.5", "other_management_service", 600)]))
        block("六", ["上一年项目数量", "本年增/减", "处理决定数量"],
              items([("行政处罚", "20.6", "administrative_penalty", 9000),
                     ("行政强制", "20.6", "administrative_coercion", 900)]))
        prev = rng.randint(0, 200)
        change = rng.randint(-prev // 4, 20)
        block("八", ["上一年项目数量", "本年增/减"], [("行政事业性收费", "20.8", "administrative_fee",
                                                   [count("prev_year_items", prev),
                                                    ("change", str(change), float(change), "count")])])
        unit, factor = rng.choice((("万元", 10000), ("亿元", 100000000), ("元", 1)))
        amount = Decimal(rng.randint(1, 999999)) / 100
        block("九", ["采购项目数量", "采购总金额"], [("政府集中采购", "20.9", "centralized_procurement", [
            count("procurement_items", rng.randint(0, 5000)),
            ("procurement_amount", f"{amount}{unit}", float(amount * factor), "yuan")])])
    report.facts["fact_proactive_disclosure"] = facts
    return grid


def requests(report: Report, state: IssuerState) -> list[list]:
    """Table 三 as a grid of 3 label + 7 value columns (rowspans for the merged labels), and its facts."""
    rng = report.issuer.rng
    parts = APPLICANTS[:-1]
    scale = {a: rng.choice((0, 2, 5, 20, 200)) if a != "natural_person" else rng.choice((5, 40, 400, 3000))
             for a in parts}
    rows_out = _OUTCOME_ROWS + (_OTHER_2021 if report.template == "gov2021" else _OTHER_2019)
    values: dict[str, dict[str, int]] = {code: {} for code in
                                         ("new_received", "carried_over", *(r[0] for r in rows_out),
                                          "total_processed", "carried_forward")}
    for a in parts:
        new = rng.randint(0, scale[a])
        carried = state.carried.get(a, rng.randint(0, scale[a] // 10 + 1))
        processed = new + carried - rng.randint(0, (new + carried) // 8)
        split = _split(rng, processed, len(rows_out))
        weights = sorted(split, reverse=True)  # the large shares go to 予以公开 / 不掌握, as in real reports
        order = [0, 10, 1, 13, 14] + [i for i in range(len(rows_out)) if i not in (0, 10, 1, 13, 14)]
        for share, index in zip(weights, order, strict=True):
            values[rows_out[index][0]][a] = share
        values["new_received"][a], values["carried_over"][a] = new, carried
        values["total_processed"][a], values["carried_forward"][a] = processed, new + carried - processed
    for code in values:
        values[code]["total"] = sum(values[code][a] for a in parts)
    state.carried = {a: values["carried_forward"][a] for a in APPLICANTS}

    grid: list[list] = [
        [_span(_NOTE, 3, 3), None, None, _span("申请人情况", 1, 7), None, None, None, None, None, None],
        [None, None, None, _span("自然人", 2, 1), _span("法人或其他组织", 1, 5), None, None, None, None,
         _span("总计", 2, 1)],
        [None, None, None, None, *map(_cell, ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")), None],
    ]

    def vals(code: str) -> list:
        return [_cell(values[code][a]) for a in APPLICANTS]

    grid.append([_span("一、本年新收政府信息公开申请数量", 1, 3), None, None, *vals("new_received")])
    grid.append([_span("二、上年结转政府信息公开申请数量", 1, 3), None, None, *vals("carried_over")])
    body = [*rows_out, ("total_processed", None, "（七）总计")]
    for i, (code, group, label) in enumerate(body):
        first = [_span("三、本年度办理结果", len(body), 1)] if i == 0 else [None]
        if group is None:
            grid.append([*first, _span(label, 1, 2), None, *vals(code)])
        else:
            starts = i == 0 or body[i - 1][1] != group
            size = sum(1 for r in body if r[1] == group)
            grid.append([*first, _span(group, size, 1) if starts else None, _cell(label), *vals(code)])
    grid.append([_span("四、结转下年度继续办理", 1, 3), None, None, *vals("carried_forward")])
    report.facts["fact_requests"] = [[code, a, v, str(v)] for code, by in values.items() for a, v in by.items()]
    return grid


def review(report: Report) -> list[list]:
    """Table 四 as a grid: three header rows and one row of 15 numbers, and its facts."""
    rng = report.issuer.rng
    facts, numbers = [], []
    for proceeding in PROCEEDINGS:
        parts = [rng.choice((0, 0, 1, 2, 5, 30)) for _ in range(4)]
        for outcome, v in zip(OUTCOMES, [*parts, sum(parts)], strict=True):
            facts.append([proceeding, outcome, v, str(v)])
            numbers.append(v)
    heads = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
    grid = [
        [_span("行政复议", 1, 5), None, None, None, None, _span("行政诉讼", 1, 10), *[None] * 9],
        [*(_span(h, 2, 1) for h in heads), _span("未经复议直接起诉", 1, 5), None, None, None, None,
         _span("复议后起诉", 1, 5), None, None, None, None],
        [None] * 5 + [_cell(h) for h in heads * 2],
        [_cell(v) for v in numbers],
    ]
    report.facts["fact_review_results"] = facts
    return grid


def legacy(report: Report) -> list[list]:
    """The national 统计表 (统计指标 | 单位 | 合计) whose totals are the sums of their parts, and its facts."""
    rng = report.issuer.rng
    v: dict[str, int | Decimal] = {}
    channels = [rng.randint(0, 5000) for _ in range(5)]
    received = [rng.randint(0, 200) for _ in range(4)]
    closed = [rng.randint(0, sum(received)) for _ in range(1)][0]
    on_time = rng.randint(0, closed)
    review_parts = [rng.randint(0, 5) for _ in range(3)]
    staff = [rng.randint(0, 5), rng.randint(0, 20)]
    v.update({
        "proactive.total": rng.randint(100, 50000), "proactive.normative_published": rng.randint(0, 300),
        "proactive.normative_issued": rng.randint(0, 300), "proactive.channels": sum(channels),
        "requests.received": sum(received), "requests.closed": closed, "requests.closed.on_time": on_time,
        "requests.closed.extended": closed - on_time, "review.total": sum(review_parts),
        "fees.collected": Decimal(rng.randint(0, 500)) / 100, "staffing.staff": sum(staff),
        "staffing.staff_full_time": staff[0], "staffing.staff_part_time": staff[1],
    })
    for code, n in zip(("gazette", "website", "weibo", "wechat", "other"), channels, strict=True):
        v[f"proactive.channels.{code}"] = n
    for code, n in zip(("in_person", "fax", "online", "letter"), received, strict=True):
        v[f"requests.received.{code}"] = n
    for code, n in zip(("upheld", "corrected", "other"), review_parts, strict=True):
        v[f"review.{code}"] = n
    grid = [[_cell("统计指标"), _cell("单位"), _cell("合计")]]
    facts = []
    for label, unit, code in LEGACY_ROWS:
        if code is None:
            grid.append([_cell(label), _cell(unit), _cell("")])
            continue
        raw = str(v[code])
        grid.append([_cell(label), _cell(unit), _cell(raw)])
        stored_unit, factor = ("yuan", 10000) if unit == "万元" else (unit, 1)
        facts.append([code, label, stored_unit, float(Decimal(raw) * factor), raw, "year"])
    report.facts["fact_legacy_indicators"] = facts
    return grid


# ------------------------------------------------------------------------------------------------ rendering


def _flat(grid: list[list]) -> list[list[str]]:
    """The grid as printed in text: spanned positions blank, as PDF text writes merged cells."""
    return [["" if c is None else c[0] for c in row] for row in grid]


def render_grid(grid: list[list], layout: str) -> list[str]:
    rows = _flat(grid)
    if layout == "markdown":
        width = len(rows[0])
        lines = ["| " + " | ".join(r) + " |" for r in rows]
        return [lines[0], "|" + "---|" * width, *lines[1:]]
    if layout == "tab":
        return ["\t".join(r) for r in rows]
    if layout == "cells":
        out: list[str] = []
        for r in rows:
            out += ["\t" + c for c in r] + [""]
        return out
    return [" | ".join(r) for r in rows]  # pipe, traditional, fullwidth


_STYLE_TD = ("width:{w}pt;padding:3.7500pt 3.7500pt 3.7500pt 3.7500pt ;border-left:1.0000pt outset windowtext;"
             "mso-border-left-alt:1.0000pt outset windowtext;border-right:1.0000pt outset windowtext;"
             "border-top:none;border-bottom:1.0000pt outset windowtext;")
_STYLE_P = "margin-top:1.5000pt;margin-bottom:0.0000pt;text-align:center;line-height:21.0000pt;"
_STYLE_SPAN = "font-family:仿宋_GB2312;color:rgb(51,51,51);letter-spacing:0.0000pt;font-size:14.0000pt;"


def render_html_table(grid: list[list]) -> str:
    out = ['<div align="center"><table border="1" cellspacing="0" style="border-collapse:collapse;border:none;">'
           "<tbody>"]
    for row in grid:
        out.append("<tr>")
        for c in row:
            if c is None:
                continue
            text, rowspan, colspan = c
            attrs = (f' rowspan="{rowspan}"' if rowspan > 1 else "") + (f' colspan="{colspan}"' if colspan > 1 else "")
            body = text if text else "&nbsp;"
            out.append(f'<td{attrs} valign="center" style="{_STYLE_TD.format(w=60 * colspan)}">'
                       f'<p class="p" align="center" style="{_STYLE_P}"><span style="{_STYLE_SPAN}">{body}</span>'
                       "</p></td>")
        out.append("</tr>")
    out.append("</tbody></table></div>")
    return "".join(out)


_NAV = "".join(f'<li><a href="/col/{i}/">{name}</a></li>' for i, name in enumerate(
    ("首页", "要闻动态", "政务公开", "政府信息公开", "政务服务", "互动交流", "专题专栏", "数据发布", "政策文件", "政策解读",
     "规划计划", "财政资金", "人事信息", "应急管理", "政府采购", "公示公告")))
_SCRIPT = ("<script>var _hmt = _hmt || [];(function(){var hm = document.createElement('script');"
           "hm.src = 'https://hm.example.cn/hm.js?0a1b2c3d';var s = document.getElementsByTagName('script')[0];"
           "s.parentNode.insertBefore(hm, s);})();</script>")


def render_html(report: Report, sections: list[tuple[str, list[str], str | None]], title: str, charset: str) -> str:
    issuer = report.issuer
    parts = []
    for heading, paragraphs, table in sections:
        if heading:
            parts.append(f'<p style="text-indent:2em;"><strong><span style="font-family:黑体;">{heading}</span>'
                         "</strong></p>")
        parts += [f'<p style="text-indent:2em;line-height:28pt;"><span style="{_STYLE_SPAN}">{p}</span></p>'
                  for p in paragraphs]
        if table:
            parts.append(table)
    article = (f'<div class="article"><h1 class="title">{title}</h1><div class="TRS_Editor" id="zoom">'
               + "".join(parts) + "</div></div>")
    if not issuer.chrome:
        return (f'<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">'
                f"<title>{title}</title></head><body>{article}</body></html>")
    meta_table = (f'<table class="xxgk-meta"><tr><td>索引号：</td><td>{issuer.k:08d}/{report.year}-00{issuer.k % 97}</td>'
                  f"<td>发布机构：</td><td>{issuer.name}</td></tr><tr><td>发布日期：</td>"
                  f"<td>{report.year + 1}-01-2{issuer.k % 9}</td><td>主题分类：</td><td>政务公开</td></tr></table>")
    return (
        f'<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">'
        f'<meta name="ArticleTitle" content="{title}"><title>{title}_政府信息公开年报_{issuer.name}</title>'
        f'<link rel="stylesheet" href="/images/ui.css">{_SCRIPT}</head><body>'
        f'<div class="header"><div class="topbar"><a href="/">无障碍</a><a href="/">关怀版</a><a href="/">English</a></div>'
        f'<div class="logo">{issuer.name}门户网站</div><ul class="nav">{_NAV}</ul></div>'
        f'<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; 政府信息公开年报</div>'
        f'<div class="main">{meta_table}{article}<div class="share">分享到：微信 微博</div></div>'
        f'<div class="footer"><p>主办：{issuer.name}办公室 版权所有 网站标识码3590000001</p>'
        f"<p>联系电话：0591-{issuer.k % 10000:04d}0000 备案号：闽ICP备0000000号</p></div>{_SCRIPT}</body></html>"
    )


def render(report: Report) -> tuple[bytes, str]:
    """The report's file bytes and suffix in its issuer's layout."""
    issuer, year = report.issuer, report.year
    rng = random.Random(f"{issuer.key}:{year}")
    layout = report.layout
    fill = {"year": year, "issuer": issuer.name, "short": issuer.short, "tel": f"{rng.randint(100, 999)}-{rng.randint(1000000, 9999999)}",
            "a": rng.randint(100, 20000), "b": rng.randint(1, 80), "c": rng.randint(1, 30), "d": rng.randint(1, 40),
            "e": rng.randint(1, 12)}
    title = f"{issuer.name}{year}年政府信息公开工作年度报告"
    if report.template == "stat2014":
        sections = [
            (None, [INTRO.format(**fill)], None),
            ("一、概述", [p.format(**fill) for p in LEGACY_PROSE], None),
            ("二、主动公开政府信息情况", [OVERVIEW[1].format(**fill)], None),
            ("三、存在的主要问题及改进措施", [p.format(**fill) for p in PROBLEMS], None),
            ("四、附表", ["政府信息公开情况统计表"], "legacy"),
        ]
    else:
        fill["new"] = next(r[2] for r in report.facts["fact_requests"] if r[0] == "new_received" and r[1] == "total")
        sections = [
            (None, [INTRO.format(**fill)], None),
            ("一、总体情况", [p.format(**fill) for p in OVERVIEW], None),
            ("二、主动公开政府信息情况", [], "fact_proactive_disclosure"),
            ("三、收到和处理政府信息公开申请情况", [], "fact_requests"),
            ("四、政府信息公开行政复议、行政诉讼情况", [], "fact_review_results"),
            ("五、存在的主要问题及改进情况", [p.format(**fill) for p in PROBLEMS], None),
            ("六、其他需要报告的事项", [p.format(**fill) for p in OTHER], None),
        ]
    grids = dict(report.tables)
    if layout in ("html", "html_gbk"):
        charset = ENCODING.get(layout, "utf-8")
        html_sections = [(h, ps, render_html_table(grids[t]) if t else None) for h, ps, t in sections]
        return render_html(report, html_sections, title, charset).encode(charset), ".html"
    heading_mark = "## " if layout == "markdown" else ""
    lines = [("# " if layout == "markdown" else "") + title, ""]
    for heading, paragraphs, table in sections:
        if heading:
            lines.append(heading_mark + heading)
        lines += paragraphs
        if table:
            lines += render_grid(grids[table], _LEGACY_LAYOUT.get(layout, layout) if table == "legacy" else layout)
        if layout == "markdown":
            lines.append("")
    text = "\n".join(lines) + "\n"
    if layout == "traditional":  # converted between the numbers, so the prose's conversions are cached
        text = "".join(part if part[:1].isdigit() else traditional(part) for part in _DIGITS.split(text))
    elif layout == "fullwidth":
        text = text.translate(_FULLWIDTH)
    return text.encode(ENCODING.get(layout, "utf-8")), SUFFIX.get(layout, ".txt")


_DIGITS = re.compile(r"(\d+)")
#: the 统计表 is read from TAB or ` | ` rows only
_LEGACY_LAYOUT = {"cells": "tab", "markdown": "pipe"}
_FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


# ------------------------------------------------------------------------------------------------ corpus


def build_reports(n: int, seed: int = 0, start: int = 0):
    """Yield (index, Report) for reports start … start+n-1, values consistent across each issuer's years."""
    states: dict[int, IssuerState] = {}
    for index, (issuer, year) in enumerate(plan(n, seed, start), start=start):
        state = states.setdefault(issuer.k, IssuerState())
        if year < 2019:
            report = Report(issuer, year, "stat2014", choose_layout(issuer, year))
            report.tables = [("legacy", legacy(report))]
        else:
            report = Report(issuer, year, "gov2019" if year < 2021 else "gov2021", choose_layout(issuer, year))
            report.tables = [("fact_proactive_disclosure", proactive(report, state)),
                             ("fact_requests", requests(report, state)),
                             ("fact_review_results", review(report))]
        yield index, report


def relative_name(index: int, report: Report, suffix: str) -> str:
    return f"{index // 1000:03d}/{index:06d}_{report.layout}{suffix}"


def truth_of(report: Report, name: str) -> dict:
    return {"file": name, "issuer": report.issuer.name, "report_year": report.year, "template": report.template,
            "layout": report.layout, "facts": report.facts}


def generate(n: int, out_dir: Path, seed: int = 0, start: int = 0) -> list[str]:
    """Write reports start … start+n-1 under out_dir and their truth under out_dir/../truth; return their names.

    Values of an issuer's later years follow from its earlier ones, so a `start` inside an issuer's run of years
    regenerates that issuer from its first year (not written) to keep them consistent."""
    out_dir = Path(out_dir)
    truth_dir = out_dir.parent / "truth"
    first = start
    while first > 0 and plan(1, seed, first - 1)[0][0].k == plan(1, seed, start)[0][0].k:
        first -= 1
    names = []
    for index, report in build_reports(n + start - first, seed, first):
        if index < start:
            continue
        data, suffix = render(report)
        name = relative_name(index, report, suffix)
        path = out_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        truth = truth_dir / f"{name}.truth.json"
        truth.parent.mkdir(parents=True, exist_ok=True)
        truth.write_text(json.dumps(truth_of(report, name), ensure_ascii=False), encoding="utf-8")
        names.append(name)
    return names


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("n", type=int)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--start", type=int, default=0, help="index of the first report (to add to a corpus)")
    parser.add_argument("--jobs", type=int, default=1, help="worker processes (file creation dominates: 1 is as fast)")
    args = parser.parse_args()
    generate_parallel(args.n, args.out_dir, args.seed, args.start, args.jobs)


def generate_parallel(n: int, out_dir: Path, seed: int = 0, start: int = 0, jobs: int = 1) -> None:
    """`generate` in chunks of CHUNK reports on `jobs` processes (the same bytes as one process writes)."""
    chunks = [(min(CHUNK, start + n - s), out_dir, seed, s) for s in range(start, start + n, CHUNK)]
    if jobs <= 1 or len(chunks) == 1:
        for chunk in chunks:
            generate(*chunk)
        return
    with ProcessPoolExecutor(jobs) as pool:
        for future in [pool.submit(generate, *chunk) for chunk in chunks]:
            future.result()


CHUNK = 2000


if __name__ == "__main__":
    main()
