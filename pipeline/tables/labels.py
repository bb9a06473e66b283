"""Every label of tables 二, 三 and 四 (2019 and 2021 formats), its variants and its warehouse code: one table.

Reports print the same row or column in many ways (stray spaces, 驳回起诉 for 其他结果, 申请内容不明确 for
补正后申请内容仍不明确, typos such as 其他法律行政止公开, tw2sp's 行政查找事项). Adding a variant means adding
a pattern to a row of `LABELS`, never a branch in the extractors. Patterns are regular expressions searched in
the label with all whitespace removed; the first row of a kind whose pattern matches wins, so the order of rows
matters where one label contains another (复议后起诉 before 行政复议, 其他处理 after its three sub-rows).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache


@dataclass(frozen=True, slots=True)
class Label:
    kind: str  # request_row | request_group | applicant | proceeding | outcome | item | measure
    code: str  # the warehouse code (DATA_MODEL.md)
    printed: str  # the label as the template prints it
    patterns: tuple[str, ...]  # regexes searched in the whitespace-free label
    context: str | None = None  # request_row: only matches under this （三）…（六） group
    article: str | None = None  # item: 第二十条 item number, e.g. '20.1'
    unit: str | None = None  # measure: 'count' or 'yuan'
    articles: tuple[str, ...] = ()  # measure: the articles whose items print it
    template: str | None = None  # 'gov2019' / 'gov2021' when the label belongs to one format only


_NUM = r"(?:[（(]?[0-9一二三四五六七八九十]+[)）.、]?)*"  # numbering such as 3. 3、 （六） 三、

# fmt: off  (one row per label, so the table reads as a table)
LABELS: tuple[Label, ...] = (
    # --- table 三: row groups (the merged （三）…（六） cells); they set the context of the rows below them
    Label("request_group", "withheld", "（三）不予公开", ("不予公开",)),
    Label("request_group", "unavailable", "（四）无法提供", ("无法提供",)),
    Label("request_group", "not_processed", "（五）不予处理", ("不予处理",)),
    Label("request_group", "other", "（六）其他处理", ("其他处理", r"^（六）")),
    # --- table 三: rows
    Label("request_row", "new_received", "一、本年新收政府信息公开申请数量", ("本年新收",)),
    Label("request_row", "carried_over", "二、上年结转政府信息公开申请数量", ("上年结转",)),
    Label("request_row", "disclosed", "（一）予以公开", ("予以公开",)),
    Label("request_row", "partially_disclosed", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", ("部分公开",)),
    Label("request_row", "withheld_state_secret", "1.属于国家秘密", ("国家秘密",)),
    Label(
        "request_row", "withheld_prohibited_by_law", "2.其他法律行政法规禁止公开",
        ("法规禁止公开", "其他法律行政.{0,3}止公开", "法律行政法规禁止"),
    ),
    Label("request_row", "withheld_security_stability", "3.危及“三安全一稳定”", ("三安全一稳定", "危及.{0,2}三安全")),
    Label("request_row", "withheld_third_party_rights", "4.保护第三方合法权益", ("第三方合法权益",)),
    Label("request_row", "withheld_internal_affairs", "5.属于三类内部事务信息", ("内部事务",)),
    Label("request_row", "withheld_process_information", "6.属于四类过程性信息", ("过程性信息",)),
    Label("request_row", "withheld_enforcement_file", "7.属于行政执法案卷", ("执法案卷",)),
    Label("request_row", "withheld_query_matter", "8.属于行政查询事项", ("行政查询事项", "行政查找事项", "查询事项")),
    Label("request_row", "unavailable_not_held", "1.本机关不掌握相关政府信息", ("不掌握",)),
    Label("request_row", "unavailable_needs_compilation", "2.没有现成信息需要另行制作", ("另行制作", "没有现成信息")),
    Label("request_row", "unavailable_unclear_request", "3.补正后申请内容仍不明确", ("申请内容仍?不明确", "内容仍不明确")),
    Label("request_row", "not_processed_complaint", "1.信访举报投诉类申请", ("信访举报投诉", "信访举报")),
    Label("request_row", "not_processed_duplicate", "2.重复申请", ("重复申请",)),
    Label("request_row", "not_processed_publication", "3.要求提供公开出版物", ("公开出版物",)),
    Label("request_row", "not_processed_excessive", "4.无正当理由大量反复申请", ("大量反复",)),
    Label("request_row", "not_processed_confirmation", "5.要求行政机关确认或重新出具已获取信息", ("确认或重新出具", "重新出具已获取")),
    Label(
        "request_row", "other_overdue_correction",
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", ("逾期不补正",), template="gov2021",
    ),
    Label(
        "request_row", "other_overdue_fee",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", ("收费通知", "缴纳费用"),
        template="gov2021",
    ),
    Label("request_row", "other_misc", "3.其他", (rf"^{_NUM}其他$",), context="other", template="gov2021"),
    Label("request_row", "other", "（六）其他处理", ("其他处理",), template="gov2019"),
    Label("request_row", "total_processed", "（七）总计", ("总计",)),
    Label("request_row", "carried_forward", "四、结转下年度继续办理", ("结转下年度", "下年度继续办理")),
    # --- table 三: applicant columns (header cells)
    Label("applicant", "natural_person", "自然人", ("自然人",)),
    Label("applicant", "commercial_enterprise", "商业企业", ("商业企业", "^商业$")),
    Label("applicant", "research_institution", "科研机构", ("科研机构", "^科研$")),
    Label("applicant", "social_welfare_org", "社会公益组织", ("社会公益",)),
    Label("applicant", "legal_service_org", "法律服务机构", ("法律服务",)),
    Label("applicant", "other_org", "其他", ("^其他$",)),
    Label("applicant", "total", "总计", ("^总计$",)),
    Label("applicant", "org_subtotal", "法人或其他组织", ("法人或其他组织",)),
    # --- table 四: proceedings and outcomes
    Label("proceeding", "litigation_after_review", "复议后起诉", ("复议后起诉",)),
    Label("proceeding", "litigation_direct", "未经复议直接起诉", ("直接起诉",)),
    Label("proceeding", "administrative_review", "行政复议", ("行政复议",)),
    Label("outcome", "upheld", "结果维持", ("维持",)),
    Label("outcome", "corrected", "结果纠正", ("纠正",)),
    Label("outcome", "other", "其他结果", ("其他结果", "驳回申请", "驳回起诉", "驳回", "^其他$")),
    Label("outcome", "pending", "尚未审结", ("未审结",)),
    Label("outcome", "total", "总计", ("总计", "合计")),
    # --- table 二: items (the 信息内容 column) with the 第二十条 item they belong to
    Label("item", "regulation", "规章", ("^规章$",), article="20.1"),
    Label("item", "normative_document", "规范性文件", ("规范性文件",), article="20.1"),
    Label("item", "administrative_license", "行政许可", ("^行政许可",), article="20.5"),
    Label(
        "item", "other_management_service", "其他对外管理服务事项", ("对外管理服务",), article="20.5",
        template="gov2019",
    ),
    Label("item", "administrative_penalty", "行政处罚", ("^行政处罚",), article="20.6"),
    Label("item", "administrative_coercion", "行政强制", ("^行政强制",), article="20.6"),
    Label("item", "administrative_fee", "行政事业性收费", ("事业性收费",), article="20.8"),
    Label("item", "centralized_procurement", "政府集中采购", ("集中采购",), article="20.9", template="gov2019"),
    # --- table 二: measures (column headers)
    Label("measure", "new_made", "本年新制作数量", ("新制作数量", "新制作"),
          unit="count", template="gov2019", articles=("20.1",)),
    Label("measure", "new_published", "本年新公开数量", ("新公开数量",),
          unit="count", template="gov2019", articles=("20.1",)),
    Label("measure", "total_published", "对外公开总数量", ("公开总数量",),
          unit="count", template="gov2019", articles=("20.1",)),
    Label("measure", "prev_year_items", "上一年项目数量", ("上一年项目数量", "上年项目数量"),
          unit="count", template="gov2019", articles=("20.5", "20.6", "20.8")),
    Label("measure", "change", "本年增/减", ("增/减", "增减"),
          unit="count", template="gov2019", articles=("20.5", "20.6", "20.8")),
    Label("measure", "procurement_items", "采购项目数量", ("采购项目数量",),
          unit="count", template="gov2019", articles=("20.9",)),
    Label("measure", "procurement_amount", "采购总金额", ("采购总金额", "采购金额"),
          unit="yuan", template="gov2019", articles=("20.9",)),
    Label("measure", "issued", "本年制发件数", ("制发件数",), unit="count", template="gov2021", articles=("20.1",)),
    Label("measure", "repealed", "本年废止件数", ("废止件数",), unit="count", template="gov2021", articles=("20.1",)),
    Label("measure", "in_force", "现行有效件数", ("现行有效件数", "现行有效"),
          unit="count", template="gov2021", articles=("20.1",)),
    Label("measure", "fee_amount", "本年收费金额", ("收费金额",), unit="yuan", template="gov2021", articles=("20.8",)),
    Label("measure", "decisions", "处理决定数量", ("处理决定数量",), unit="count", articles=("20.5", "20.6")),
)
# fmt: on

#: the column order the templates print, used when a header cannot be read cell by cell (the optional
#: 法人或其他组织 subtotal column is not part of it)
APPLICANT_ORDER = tuple(label.code for label in LABELS if label.kind == "applicant" and label.code != "org_subtotal")
#: table 四's proceedings in printed order (LABELS lists 复议后起诉 first so it is matched before 行政复议)
PROCEEDING_ORDER = ("administrative_review", "litigation_direct", "litigation_after_review")
OUTCOME_ORDER = tuple(label.code for label in LABELS if label.kind == "outcome")

#: headings that open each table: optional numbering (二、 / 表二: / （二）), optional 政府信息公开, the title, and
#: at most a full stop after it — so prose that merely mentions a title never opens a table
HEADING_PREFIX = r"^(?:表?[一二三四五六七八九十]+[、:.]?|（[一二三四五六七八九十]+）)?(?:政府信息公开)?"
TABLE_HEADINGS = {
    "fact_proactive_disclosure": re.compile(HEADING_PREFIX + r"主动公开政府信息(?:的)?情况[。.]?$"),
    "fact_requests": re.compile(HEADING_PREFIX + r"收到和处理政府信息公开申请(?:的)?情况[。.]?$"),
    "fact_review_results": re.compile(
        HEADING_PREFIX + r"行政法?复议[、和及与,]?(?:提起)?行政诉讼(?:的)?情况[。.]?$"
    ),
}
CLOSING_HEADING = re.compile(r"^(?:[五六七八]、|存在的主要问题|其他需要报告)")

_SPACE = re.compile(r"\s+")


def squeeze(text: str) -> str:
    """The label without whitespace or markdown heading marks, the form every pattern is written against."""
    return _SPACE.sub("", text).lstrip("#>*")


@cache
def _compiled(kind: str) -> tuple[tuple[Label, re.Pattern], ...]:
    return tuple(
        (label, re.compile("|".join(f"(?:{p})" for p in label.patterns))) for label in LABELS if label.kind == kind
    )


#: a note in brackets after a label: 规章（设区的市、自治州人民政府应提供相关数据）, 处理决定数量（指2020年办件量）
_NOTE = re.compile(r"[（(][^（）()]*[)）]$")


def strip_note(key: str) -> str:
    """The label without a bracketed note at its end (the label itself when nothing would be left)."""
    stripped = _NOTE.sub("", key)
    return stripped if stripped and stripped != key and not re.fullmatch(_NUM, stripped) else key


@lru_cache(maxsize=16384)
def match(kind: str, text: str, context: str | None = None) -> Label | None:
    """The first label of `kind` whose pattern occurs in `text` (and whose context, if any, is `context`).

    A bracketed note after the label is ignored: the label without it is tried first, then the whole text."""
    key = squeeze(text)
    if not key:
        return None
    for candidate in dict.fromkeys((strip_note(key), key)):
        for label, pattern in _compiled(kind):
            if label.context is not None and label.context != context:
                continue
            if pattern.search(candidate):
                return label
    return None


@cache
def codes(kind: str, template: str | None = None) -> tuple[str, ...]:
    """Codes of `kind` in table order; with `template`, only those the template prints (remembered: the
    completeness checks ask for them in every report)."""
    return tuple(
        label.code for label in LABELS
        if label.kind == kind and (template is None or label.template in (None, template))
    )


def by_code(kind: str, code: str) -> Label:
    return next(label for label in LABELS if label.kind == kind and label.code == code)


def measure_spans(text: str) -> list[tuple[int, int, Label]]:
    """Every table 二 measure named in `text` (whitespace removed), as (start, end, label) in printed order; a later
    pattern's match that overlaps an earlier one is not another measure (现行有效件数 is one, not two)."""
    key = squeeze(text)
    found: list[tuple[int, int, Label]] = []
    for label, pattern in _compiled("measure"):
        m = pattern.search(key)
        if m is not None and not any(m.start() < end and start < m.end() for start, end, _ in found):
            found.append((m.start(), m.end(), label))
    return sorted(found, key=lambda t: t[0])


def group_rows(group: str, template: str | None = None) -> tuple[str, ...]:
    """The table 三 rows under a （三）…（六） group: their codes carry the group's code as prefix."""
    return tuple(code for code in codes("request_row", template) if code.startswith(f"{group}_"))


# --- the template's arithmetic as data: which rows and columns add up (validation and the flat-cell solver)

#: the six applicant columns that add up to `total`, in the printed order
APPLICANT_PARTS = tuple(a for a in APPLICANT_ORDER if a != "total")
#: the five 法人或其他组织 columns that add up to `org_subtotal` where a report prints it
ORG_APPLICANTS = APPLICANT_PARTS[1:]

#: the role each table 三 row plays in the template's arithmetic; rows not named here are outcomes
_ROW_ROLES = {
    "new_received": "received",
    "carried_over": "received",
    "other": "outcome_other_single",  # （六）其他处理 as one row (2019 format)
    "total_processed": "processed",
    "carried_forward": "processed",
}
OTHER_SUB_ROWS = group_rows("other")  # （六）1-3 (2021 format)
REQUEST_ROWS: dict[str, str] = {
    code: _ROW_ROLES.get(code, "outcome_other_sub" if code in OTHER_SUB_ROWS else "outcome")
    for code in codes("request_row")
}
BALANCE_ROWS = ("new_received", "carried_over", "total_processed", "carried_forward")
OUTCOME_ROWS = tuple(c for c, role in REQUEST_ROWS.items() if role == "outcome")

REVIEW_PARTS = tuple(o for o in OUTCOME_ORDER if o != "total")
