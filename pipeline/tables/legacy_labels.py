"""Printed labels of the pre-2019 statistics tables → indicator codes of fact_legacy_indicators.

One data table (`LEGACY_LABELS`) covers both forms seen before the 2019 template:
- the national 《政府信息公开情况统计表》 of 2014–2018 (统计指标 | 单位 | 合计), and
- Fujian's provincial table of 2008–2018 (指标名称 | 计量单位 | YYYY年度 | 历年累计), whose rows are mapped to the
  national codes only where they mean the same thing.

Labels are matched on a *key*: the printed label without spaces, leading enumerators (（一） 1. 一、 其中:),
a trailing bracketed note and with 其它 spelt 其他. A few labels are printed under two blocks
(被依法纠错数 under both 行政复议 and 行政诉讼); the entry's `family` then says which block it belongs to, and the
block is the family (`review`, `litigation`) of the nearest mapped row above it.

Rows with `code=None` are labels we know and deliberately leave unmapped (kept with indicator_code NULL);
`part_of` marks those that split a national total differently (Fujian's 电子邮件申请数 is a fifth channel of
requests.received), so the national sum rule for that total is not applied to such a table.
"""

from __future__ import annotations

import re
from typing import NamedTuple


class LegacyLabel(NamedTuple):
    code: str | None  # indicator_code, None = known but not comparable with any national indicator
    keys: tuple[str, ...]  # label keys (see label_key) printed for this indicator
    family: str | None = None  # for labels printed in more than one block: the block this entry is for
    part_of: str | None = None  # unmapped part of a national total, splitting it differently
    note: str = ""


LEGACY_LABELS: tuple[LegacyLabel, ...] = (
    # 一、主动公开情况
    LegacyLabel("proactive.total", ("主动公开政府信息数", "主动公开信息数", "主动公开文件数")),
    LegacyLabel("proactive.normative_published", ("主动公开规范性文件数",)),
    LegacyLabel("proactive.normative_issued", ("制发规范性文件总数",)),
    LegacyLabel("proactive.channels", ("通过不同渠道和方式公开政府信息的情况",)),
    LegacyLabel("proactive.channels.gazette", ("政府公报公开政府信息数", "政府公报公开", "政府公报公开数")),
    LegacyLabel("proactive.channels.website", ("政府网站公开政府信息数", "网站公开", "政府网站公开数", "网站公开数")),
    LegacyLabel("proactive.channels.weibo", ("政务微博公开政府信息数",)),
    LegacyLabel("proactive.channels.wechat", ("政务微信公开政府信息数",)),
    LegacyLabel("proactive.channels.other", ("其他方式公开政府信息数",)),
    # 二、回应解读情况
    LegacyLabel("response.hotspots", ("回应公众关注热点或重大舆情数",)),
    LegacyLabel("response.channels", ("通过不同渠道和方式回应解读的情况",)),
    LegacyLabel("response.press_conferences", ("参加或举办新闻发布会总次数",)),
    LegacyLabel("response.press_conferences_principal", ("主要负责同志参加新闻发布会次数",)),
    LegacyLabel("response.online_interviews", ("政府网站在线访谈次数",)),
    LegacyLabel("response.online_interviews_principal", ("主要负责同志参加政府网站在线访谈次数",)),
    LegacyLabel("response.interpretations", ("政策解读稿件发布数",)),
    LegacyLabel("response.weibo_wechat", ("微博微信回应事件数",)),
    LegacyLabel("response.other", ("其他方式回应事件数",)),
    # 三、依申请公开情况
    LegacyLabel(
        "requests.received",
        ("收到申请数", "受理依申请公开信息总数", "受理政府信息依申请公开总数", "受理依申请公开申请总数"),
    ),
    LegacyLabel("requests.received.in_person", ("当面申请数",)),
    LegacyLabel("requests.received.fax", ("传真申请数",)),
    LegacyLabel("requests.received.online", ("网络申请数", "网上申请数")),
    LegacyLabel("requests.received.letter", ("信函申请数",)),
    LegacyLabel(None, ("电子邮件申请数",), part_of="requests.received",
                note="Fujian counts e-mail apart; the national form folds it into 网络申请 — not the same split"),
    LegacyLabel(None, ("其他形式申请数",), part_of="requests.received", note="no national counterpart"),
    LegacyLabel(None, ("信函、传真申请数",), part_of="requests.received",
                note="letter and fax together: neither national channel alone"),
    LegacyLabel("requests.closed", ("申请办结数",)),
    LegacyLabel("requests.closed.on_time", ("按时办结数",)),
    LegacyLabel("requests.closed.extended", ("延期办结数",)),
    LegacyLabel("requests.answered", ("申请答复数", "对申请的答复数", "对申请的答复总数")),
    LegacyLabel("requests.answered.already_public", ("属于已主动公开范围数",)),
    LegacyLabel("requests.answered.granted", ("同意公开答复数",)),
    LegacyLabel("requests.answered.partially_granted", ("同意部分公开答复数",)),
    LegacyLabel("requests.answered.denied", ("不同意公开答复数", "否决公开答复数", "不予公开答复数")),
    LegacyLabel(None, ("其他类型答复数",), part_of="requests.answered",
                note="Fujian's catch-all answer kind; the national form has five specific kinds instead"),
    LegacyLabel("requests.answered.denied.state_secret", ("涉及国家秘密",)),
    LegacyLabel("requests.answered.denied.trade_secret", ("涉及商业秘密",)),
    LegacyLabel("requests.answered.denied.privacy", ("涉及个人隐私",)),
    LegacyLabel("requests.answered.denied.security_stability", ("危及国家安全、公共安全、经济安全和社会稳定",)),
    LegacyLabel("requests.answered.denied.not_government_information", ("不是《条例》所指政府信息",)),
    LegacyLabel("requests.answered.denied.other_legal", ("法律法规规定的其他情形",)),
    LegacyLabel("requests.answered.not_this_agency", ("不属于本行政机关公开数",)),
    LegacyLabel("requests.answered.not_exist", ("申请信息不存在数",)),
    LegacyLabel("requests.answered.correction_requested", ("告知作出更改补充数",)),
    LegacyLabel("requests.answered.other_channel", ("告知通过其他途径办理数",)),
    # 四、行政复议 五、行政诉讼
    LegacyLabel("review.total", ("行政复议数量", "行政复议数")),
    LegacyLabel("review.upheld", ("维持具体行政行为数",)),
    LegacyLabel("review.corrected", ("被依法纠错数",), family="review"),
    LegacyLabel("review.other", ("其他情形数",), family="review"),
    LegacyLabel("litigation.total", ("行政诉讼数量", "行政诉讼数")),
    LegacyLabel("litigation.upheld", ("维持具体行政行为或者驳回原告诉讼请求数",)),
    LegacyLabel("litigation.corrected", ("被依法纠错数",), family="litigation"),
    LegacyLabel("litigation.other", ("其他情形数",), family="litigation"),
    # 六、举报投诉 七、收费
    LegacyLabel("complaints.total", ("举报投诉数量", "行政申诉数", "行政申诉、举报数")),
    LegacyLabel(None, ("接受行政诉讼、举报数",),
                note="mixes litigation and reports, printed next to a separate 行政诉讼数: meaning unclear"),
    LegacyLabel("fees.collected", ("依申请公开信息收取的费用",)),
    LegacyLabel(None, ("政府信息公开收费减免金额",), note="fees waived, not fees collected"),
    # 八、机构建设和保障经费 九、会议和培训
    LegacyLabel("staffing.bodies", ("政府信息公开工作专门机构数",)),
    LegacyLabel("staffing.reading_points", ("设置政府信息公开查阅点数",)),
    LegacyLabel("staffing.staff", ("从事政府信息公开工作人员数",)),
    LegacyLabel("staffing.staff_full_time", ("专职人员数",)),
    LegacyLabel("staffing.staff_part_time", ("兼职人员数",)),
    LegacyLabel("staffing.budget", ("政府信息公开专项经费",)),
    LegacyLabel("meetings.meetings", ("召开政府信息公开工作会议或专题会议数",)),
    LegacyLabel("meetings.trainings", ("举办各类培训班数",)),
    LegacyLabel("meetings.trainees", ("接受培训人员数",)),
)

#: the suffix of the code given to a 历年累计 (cumulative) value
CUMULATIVE_SUFFIX = ".cumulative"

_SPACE = re.compile(r"\s+")
_ENUMERATOR = re.compile(
    r"^(?:其中[:：]?|[（(][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+[、.．]|\d+[、.．])"
)
_TRAILING_NOTE = re.compile(r"[（(][^（）()]*[)）]$")


def label_key(label: str) -> str:
    """The form a printed label is matched on: no spaces, no enumerators, no trailing bracketed note."""
    key = _SPACE.sub("", label or "").replace("其它", "其他")
    previous = None
    while key != previous:
        previous = key
        key = _ENUMERATOR.sub("", key)
    if _TRAILING_NOTE.search(key) and _TRAILING_NOTE.sub("", key):
        key = _TRAILING_NOTE.sub("", key)
    return key


def _entries_by_key() -> dict[str, list[LegacyLabel]]:
    table: dict[str, list[LegacyLabel]] = {}
    for entry in LEGACY_LABELS:
        for key in entry.keys:
            table.setdefault(key, []).append(entry)
    return table


ENTRIES_BY_KEY = _entries_by_key()

#: label key → the national total it splits differently (for the legacy sum rules)
EXTRA_PART_KEYS: dict[str, str] = {
    key: entry.part_of for entry in LEGACY_LABELS if entry.part_of for key in entry.keys
}


def family_of(code: str | None) -> str | None:
    """The block an indicator belongs to: the code's first segment (`review` for review.upheld)."""
    return code.split(".", 1)[0] if code else None


def lookup_code(label: str, current_family: str | None = None) -> str | None:
    """The indicator code of a printed label, or None; `current_family` picks among labels printed twice."""
    entries = ENTRIES_BY_KEY.get(label_key(label), [])
    if len(entries) > 1:
        entries = [e for e in entries if e.family == current_family]
    return entries[0].code if len(entries) == 1 else None


# --- the sums the 2014 national 统计表 implies, as data (legacy.* rules and the flat-cell solver) ----------

#: rule_id, total code, the codes of its parts
LEGACY_SUM_RULES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("legacy.proactive_channels", "proactive.channels", (
        "proactive.channels.gazette", "proactive.channels.website", "proactive.channels.weibo",
        "proactive.channels.wechat", "proactive.channels.other")),
    # the 其中 counts of principals (response.*_principal) are inside their channel, not channels of their own
    ("legacy.response_channels", "response.channels", (
        "response.press_conferences", "response.online_interviews", "response.interpretations",
        "response.weibo_wechat", "response.other")),
    ("legacy.requests_received", "requests.received", (
        "requests.received.in_person", "requests.received.fax", "requests.received.online",
        "requests.received.letter")),
    ("legacy.requests_closed", "requests.closed", ("requests.closed.on_time", "requests.closed.extended")),
    ("legacy.requests_answered", "requests.answered", (
        "requests.answered.already_public", "requests.answered.granted", "requests.answered.partially_granted",
        "requests.answered.denied", "requests.answered.not_this_agency", "requests.answered.not_exist",
        "requests.answered.correction_requested", "requests.answered.other_channel")),
    ("legacy.requests_denied", "requests.answered.denied", (
        "requests.answered.denied.state_secret", "requests.answered.denied.trade_secret",
        "requests.answered.denied.privacy", "requests.answered.denied.security_stability",
        "requests.answered.denied.not_government_information", "requests.answered.denied.other_legal")),
    ("legacy.review_sum", "review.total", ("review.upheld", "review.corrected", "review.other")),
    ("legacy.litigation_sum", "litigation.total", ("litigation.upheld", "litigation.corrected", "litigation.other")),
    ("legacy.staff_sum", "staffing.staff", ("staffing.staff_full_time", "staffing.staff_part_time")),
)
