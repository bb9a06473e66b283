"""The label tables pinned like data: every printed form met in real reports → its code, one row each.

Each row is a label as a report prints it (spaces, numbering, typos, converter artefacts included) with the code a
reader gives it. Adding a variant to `pipeline.tables.labels.LABELS` means adding its row here; a pattern change
that breaks another label fails here first.
"""

from __future__ import annotations

import pytest

from pipeline.tables.labels import LABELS, match

# (kind, printed label, context group or None, expected code); sources in the comment after each block
PRINTED_VARIANTS = [
    # table 三 rows as the 2019/2021 templates print them (seeds 000/003/004, pingtan zone_2019–2025)
    ("request_row", "一、本年新收政府信息公开申请数量", None, "new_received"),
    ("request_row", "二、上年结转政府信息公开申请数量", None, "carried_over"),
    ("request_row", "（一）予以公开", None, "disclosed"),
    ("request_row", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", None, "partially_disclosed"),
    ("request_row", "1.属于国家秘密", "withheld", "withheld_state_secret"),
    ("request_row", "2.其他法律行政法规禁止公开", "withheld", "withheld_prohibited_by_law"),
    ("request_row", "2.其他法律行政止公开", "withheld", "withheld_prohibited_by_law"),  # typo in a real report
    ("request_row", "3.危及“三安全一稳定”", "withheld", "withheld_security_stability"),
    ("request_row", "3.危及\"三安全一稳定\"", "withheld", "withheld_security_stability"),
    ("request_row", "4.保护第三方合法权益", "withheld", "withheld_third_party_rights"),
    ("request_row", "5.属于三类内部事务信息", "withheld", "withheld_internal_affairs"),
    ("request_row", "6.属于四类过程性信息", "withheld", "withheld_process_information"),
    ("request_row", "7.属于行政执法案卷", "withheld", "withheld_enforcement_file"),
    ("request_row", "8.属于行政查询事项", "withheld", "withheld_query_matter"),
    ("request_row", "8.属于行政查找事项", "withheld", "withheld_query_matter"),  # tw2sp's rewrite of 查詢
    ("request_row", "1.本机关不掌握相关政府信息", "unavailable", "unavailable_not_held"),
    ("request_row", "2.没有现成信息需要另行制作", "unavailable", "unavailable_needs_compilation"),
    ("request_row", "3.补正后申请内容仍不明确", "unavailable", "unavailable_unclear_request"),
    ("request_row", "3.申请内容不明确", "unavailable", "unavailable_unclear_request"),  # 2019-era wording
    ("request_row", "1.信访举报投诉类申请", "not_processed", "not_processed_complaint"),
    ("request_row", "2.重复申请", "not_processed", "not_processed_duplicate"),
    ("request_row", "3.要求提供公开出版物", "not_processed", "not_processed_publication"),
    ("request_row", "4.无正当理由大量反复申请", "not_processed", "not_processed_excessive"),
    ("request_row", "5.要求行政机关确认或重新出具已获取信息", "not_processed", "not_processed_confirmation"),
    ("request_row", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "other",
     "other_overdue_correction"),
    ("request_row", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "other",
     "other_overdue_fee"),
    ("request_row", "3.其他", "other", "other_misc"),
    ("request_row", "（六）其他处理", None, "other"),
    ("request_row", "（七）总计", None, "total_processed"),
    ("request_row", "四、结转下年度继续办理", None, "carried_forward"),
    ("request_row", "四 、结转下年度 继续办理", None, "carried_forward"),  # PDF text with stray spaces
    # table 三 groups (the merged cells)
    ("request_group", "（三）不予公开", None, "withheld"),
    ("request_group", "（四）无法提供", None, "unavailable"),
    ("request_group", "（五）不予处理", None, "not_processed"),
    ("request_group", "（六）其他处理", None, "other"),
    # table 三 applicant columns
    ("applicant", "自然人", None, "natural_person"),
    ("applicant", "商业企业", None, "commercial_enterprise"),
    ("applicant", "商业", None, "commercial_enterprise"),
    ("applicant", "科研机构", None, "research_institution"),
    ("applicant", "社会公益组织", None, "social_welfare_org"),
    ("applicant", "法律服务机构", None, "legal_service_org"),
    ("applicant", "其他", None, "other_org"),
    ("applicant", "总计", None, "total"),
    ("applicant", "法人或其他组织", None, "org_subtotal"),
    # table 四
    ("proceeding", "行政复议", None, "administrative_review"),
    ("proceeding", "未经复议直接起诉", None, "litigation_direct"),
    ("proceeding", "复议后起诉", None, "litigation_after_review"),
    ("outcome", "结果维持", None, "upheld"),
    ("outcome", "结果纠正", None, "corrected"),
    ("outcome", "其他结果", None, "other"),
    ("outcome", "驳回起诉", None, "other"),
    ("outcome", "驳回申请", None, "other"),
    ("outcome", "尚未审结", None, "pending"),
    ("outcome", "总计", None, "total"),
    ("outcome", "合计", None, "total"),
    # table 二 items and measures
    ("item", "规章", None, "regulation"),
    ("item", "规范性文件", None, "normative_document"),
    ("item", "行政规范性文件", None, "normative_document"),
    ("item", "行政许可", None, "administrative_license"),
    ("item", "其他对外管理服务事项", None, "other_management_service"),
    ("item", "行政处罚", None, "administrative_penalty"),
    ("item", "行政强制", None, "administrative_coercion"),
    ("item", "行政事业性收费", None, "administrative_fee"),
    ("item", "政府集中采购", None, "centralized_procurement"),
    ("measure", "本年新制作数量", None, "new_made"),
    ("measure", "本年新 制作数量", None, "new_made"),  # a header wrapped over two lines, joined
    ("measure", "本年新公开数量", None, "new_published"),
    ("measure", "对外公开总数量", None, "total_published"),
    ("measure", "上一年项目数量", None, "prev_year_items"),
    ("measure", "本年增/减", None, "change"),
    ("measure", "本年增减", None, "change"),
    ("measure", "处理决定数量", None, "decisions"),
    ("measure", "采购项目数量", None, "procurement_items"),
    ("measure", "采购总金额", None, "procurement_amount"),
    ("measure", "本年制发件数", None, "issued"),
    ("measure", "本年废止件数", None, "repealed"),
    ("measure", "现行有效件数", None, "in_force"),
    ("measure", "本年收费金额", None, "fee_amount"),
]


@pytest.mark.parametrize("kind, printed, context, code", PRINTED_VARIANTS)
def test_printed_variant_reads_as_its_code(kind, printed, context, code):
    label = match(kind, printed, context)
    assert label is not None and label.code == code


@pytest.mark.parametrize("label", LABELS, ids=lambda label: f"{label.kind}:{label.code}")
def test_each_label_matches_its_own_printed_form(label):
    found = match(label.kind, label.printed, label.context)
    assert found is not None and found.code == label.code


def test_every_code_has_a_printed_variant_row():
    pinned = {(kind, code) for kind, _printed, _context, code in PRINTED_VARIANTS}
    assert {(label.kind, label.code) for label in LABELS} <= pinned
