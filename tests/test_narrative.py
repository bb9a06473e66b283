"""narrative.*: figures in the prose vs the tables, on real reports (tables transcribed by hand).

False alarms matter as much as misses: seeds 000, 003, 004, 洪泽 2023 and 平潭 2023 restate their tables
correctly in their own words (收到…（含结转68件）, 办结701件 for this year's new applications only,
予以公开及部分公开42件 …) and must give no warning; seed 002 (湘潭 2016) says 同意部分公开41件 where its
统计表 says 43, and 洪泽 2024 says 受理…申请17件 where table 三 says 95.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from pipeline import frames
from pipeline.reading.files import read_report
from pipeline.validation.narrative import check_narrative, stated_figures
from tests.conftest import CORPUS, seed
from tests.test_validation_seeds import (
    HONGZE_2023,
    HONGZE_2023_FACTS,
    HONGZE_2024,
    HONGZE_2024_FACTS,
    HUAINAN,
    HUAINAN_FACTS,
    PINGDINGSHAN,
    PINGDINGSHAN_FACTS,
    SEED_REPORTS,
    ZHUZHOU,
    ZHUZHOU_FACTS,
    facts_of,
    requests_frame,
    review_frame,
)


def text_of(path: Path) -> str:
    return read_report(path).text


# --- seed 002: 湘潭市 2016, the national 统计表 (stat2014), read off 八、附表 -----------------------------
XIANGTAN = "002_xiangtan_2016"
XIANGTAN_FACTS = {
    "fact_legacy_indicators": frames.frame("fact_legacy_indicators", [
        {"report_id": XIANGTAN, "indicator_code": code, "label": label, "unit": "件", "value": value,
         "raw_text": str(value)}
        for code, label, value in [
            ("requests.received", "(一)收到申请数", 687),
            ("requests.received.in_person", "1.当面申请数", 199),
            ("requests.received.fax", "2.传真申请数", 1),
            ("requests.received.online", "3.网络申请数", 176),
            ("requests.received.letter", "4.信函申请数", 311),
            ("requests.closed", "(二)申请办结数", 655),
            ("requests.closed.on_time", "1.按时办结数", 633),
            ("requests.closed.extended", "2.延期办结数", 22),
            ("requests.answered", "(三)申请答复数", 687),
            ("requests.answered.already_public", "1.属于已主动公开范围数", 86),
            ("requests.answered.granted", "2.同意公开答复数", 336),
            ("requests.answered.partially_granted", "3.同意部分公开答复数", 43),
            ("requests.answered.denied", "4.不同意公开答复数", 41),
            ("requests.answered.not_this_agency", "5.不属于本行政机关公开数", 51),
            ("requests.answered.not_exist", "6.申请信息不存在数", 42),
            ("requests.answered.correction_requested", "7.告知作出更改补充数", 63),
            ("requests.answered.other_channel", "8.告知通过其他途径办理数", 25),
            ("review.total", "四、行政复议数量", 97),
            ("review.upheld", "(一)维持具体行政行为数", 60),
            ("review.corrected", "(二)被依法纠错数", 17),
            ("review.other", "(三)其他情形数", 20),
            ("litigation.total", "五、行政诉讼数量", 197),
            ("litigation.upheld", "(一)维持具体行政行为或者驳回原告诉讼请求数", 149),
            ("litigation.corrected", "(二)被依法纠错数", 2),
            ("litigation.other", "(三)其他情形数", 46),
            ("complaints.total", "六、举报投诉数量", 509),
        ]
    ])
}

# --- 平潭综合实验区 2023 (corpus/pingtan/zone_2023.html): 2021 format, （六） in three rows ------------
PINGTAN_2023 = "zone_2023"
_z = [0, 0, 0, 0, 0, 0, 0]
PINGTAN_2023_FACTS = {
    "fact_requests": requests_frame(PINGTAN_2023, {
        "new_received": [80, 1, 0, 0, 0, 0, 81],
        "carried_over": _z,
        "disclosed": [22, 0, 0, 0, 0, 0, 22],
        "partially_disclosed": [19, 1, 0, 0, 0, 0, 20],
        "withheld_state_secret": _z,
        "withheld_prohibited_by_law": _z,
        "withheld_security_stability": _z,
        "withheld_third_party_rights": [1, 0, 0, 0, 0, 0, 1],
        "withheld_internal_affairs": _z,
        "withheld_process_information": [1, 0, 0, 0, 0, 0, 1],
        "withheld_enforcement_file": [1, 0, 0, 0, 0, 0, 1],
        "withheld_query_matter": [2, 0, 0, 0, 0, 0, 2],
        "unavailable_not_held": [31, 0, 0, 0, 0, 0, 31],
        "unavailable_needs_compilation": _z,
        "unavailable_unclear_request": _z,
        "not_processed_complaint": _z,
        "not_processed_duplicate": [1, 0, 0, 0, 0, 0, 1],
        "not_processed_publication": _z,
        "not_processed_excessive": _z,
        "not_processed_confirmation": _z,
        "other_overdue_correction": [1, 0, 0, 0, 0, 0, 1],
        "other_overdue_fee": _z,
        "other_misc": [1, 0, 0, 0, 0, 0, 1],
        "total_processed": [80, 1, 0, 0, 0, 0, 81],
        "carried_forward": _z,
    }),
    "fact_review_results": review_frame(PINGTAN_2023, {
        "administrative_review": [1, 1, 0, 0, 2],
        "litigation_direct": [4, 0, 0, 1, 5],
        "litigation_after_review": [1, 0, 1, 0, 2],
    }),
}

CASES = {
    ZHUZHOU: (seed("000"), ZHUZHOU_FACTS),
    XIANGTAN: (seed("002"), XIANGTAN_FACTS),
    HUAINAN: (seed("003"), HUAINAN_FACTS),
    PINGDINGSHAN: (seed("004"), PINGDINGSHAN_FACTS),
    HONGZE_2023: (CORPUS / "text" / "002_hongze_district_2023.txt", HONGZE_2023_FACTS),
    HONGZE_2024: (CORPUS / "text" / "003_hongze_district_2024.txt", HONGZE_2024_FACTS),
    PINGTAN_2023: (CORPUS / "pingtan" / "zone_2023.html", PINGTAN_2023_FACTS),
}


def narrative_issues(report_id: str) -> pl.DataFrame:
    path, facts = CASES[report_id]
    return check_narrative(facts_of(facts), SEED_REPORTS, {report_id: text_of(path)})


@pytest.mark.parametrize("report_id", [ZHUZHOU, HUAINAN, PINGDINGSHAN, HONGZE_2023, PINGTAN_2023])
def test_reports_whose_prose_agrees_with_their_tables_give_no_warning(report_id):
    assert narrative_issues(report_id).height == 0, narrative_issues(report_id)["message"].to_list()


def test_xiangtan_2016_partially_granted_41_in_the_prose_vs_43_in_the_table():
    issues = narrative_issues(XIANGTAN)
    assert issues.select("rule_id", "severity", "table_name", "location", "expected", "actual").rows() == [
        ("narrative.partially_disclosed", "warning", "fact_legacy_indicators",
         "indicator=requests.answered.partially_granted", 43.0, 41.0),
    ]
    assert "同意部分公开”41件" in issues["message"][0] and "43" in issues["message"][0]


def test_hongze_2024_prose_17_applications_vs_table_95():
    issues = narrative_issues(HONGZE_2024)
    assert issues.select("rule_id", "expected", "actual").rows() == [("narrative.received", 95.0, 17.0)]
    assert "申请17 件" in issues["message"][0]


def test_all_reports_checked_in_one_call():
    facts = facts_of(*(f for _, f in CASES.values()))
    texts = {rid: text_of(path) for rid, (path, _) in CASES.items()}
    issues = check_narrative(facts, SEED_REPORTS, texts)
    assert sorted(issues.select("report_id", "rule_id").rows()) == [
        (XIANGTAN, "narrative.partially_disclosed"), (HONGZE_2024, "narrative.received")]
    assert issues.schema == pl.Schema(frames.TABLE_SCHEMAS["validation_issues"])


# --- what the patterns accept and refuse ---------------------------------------------------------

def figures(text: str) -> list[tuple[str, int]]:
    return [(f["rule_id"], f["stated"]) for f in stated_figures(text)]


def test_sentences_about_other_things_are_ignored():
    # seed 004 on 网民留言, not on 政府信息公开申请
    assert figures("收到网民留言912件,办结901件,办结率为98.8%。") == []
    assert figures("区县已入驻审批服务部门和单位13个,开设窗口26个,共受理申请121510件。") == []


def test_closed_needs_an_application_sentence_and_is_not_on_time_or_extended():
    assert figures("申请办结数655件,按时办结数633件,延期办结数22件。") == [("narrative.closed", 655)]
    assert figures("全年办结901件。") == []


def test_refused_is_not_granted_and_combined_is_not_partial():
    assert figures("“不同意公开”41件") == [("narrative.withheld", 41)]
    assert figures("予以公开及部分公开42件,不予公开5件。") == [
        ("narrative.disclosed_and_partial", 42), ("narrative.withheld", 5)]


def test_qualified_numbers_are_not_totals():
    assert figures("行政复议被纠错2件,行政诉讼败诉1件。") == []
    assert figures("收到申请较上年增加15件。") == []


def test_pdf_line_breaks_and_spaces_inside_a_sentence():
    assert figures("区政府办代表区政府受理政府\n信息公开申请17 件,均已答复。") == [("narrative.received", 17)]


def test_blank_table_cell_skips_the_comparison():
    facts = facts_of(HONGZE_2024_FACTS)
    facts["fact_requests"] = facts["fact_requests"].with_columns(
        value=pl.when((pl.col("row_code") == "new_received") & (pl.col("applicant") == "total"))
        .then(None).otherwise(pl.col("value")))
    text = text_of(CASES[HONGZE_2024][0])
    assert check_narrative(facts, SEED_REPORTS, {HONGZE_2024: text}).height == 0


# --- the figure phrases put their literal first (sre skips to it) and their lookbehinds after it -------------
#: each phrase as first written, lookbehinds in front: the rewritten FIGURES must match exactly what these match
LOOKBEHIND_FIRST = {
    "narrative.closed": r"(?<!按时)(?<!延期)(?<!并)办结",
    "narrative.disclosed_and_partial": r"(?<!不)(?:予以公开|同意公开)(?:及|和|与|、)部分公开",
    "narrative.disclosed": r"(?<!不)(?:予以公开|同意公开)(?![及和与、])",
    "narrative.partially_disclosed": r"(?<![及和与、])(?:同意)?部分公开",
}
_PIECES = ("不", "予以公开", "同意公开", "同意", "部分公开", "及", "和", "与", "、", "按时", "延期", "并", "办结",
           "申请", "12件", " 3 件", "，", "。", "共")


def test_figure_phrases_match_as_with_their_lookbehinds_first():
    import random
    import re

    from pipeline.validation.narrative import _GAP, _NUMBER, FIGURES

    gaps = {"narrative.closed": 6}
    rng = random.Random(7)
    strings = ["".join(rng.choice(_PIECES) for _ in range(rng.randint(1, 12))) for _ in range(20_000)]
    strings += ["不予以公开3件", "同意部分公开41件", "及部分公开2件", "按时办结申请5件", "并办结9件", "予以公开及部分公开42件"]
    checked = 0
    for figure in FIGURES:
        if figure.rule_id not in LOOKBEHIND_FIRST:
            continue
        source = rf"{LOOKBEHIND_FIRST[figure.rule_id]}(?P<gap>{_GAP}{{0,{gaps.get(figure.rule_id, 3)}}}?){_NUMBER}"
        first, tail = re.compile(source), re.compile(source + r"\Z")
        for s in strings:
            for old, new in ((first, figure.pattern), (tail, figure.tail)):
                a, b = old.search(s), new.search(s)
                assert (a and (a.span(), a.groupdict())) == (b and (b.span(), b.groupdict())), (figure.rule_id, s)
                checked += a is not None
    assert checked > 1000  # the strings do hold figures
