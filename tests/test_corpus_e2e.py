"""The whole fixture corpus through run_pipeline: every validation finding and nothing else, statuses,
legacy values and the long series. Expected values were read off the sources (see tests/golden/*/ notes and
issue #4's ground truth); a false alarm on a clean report fails here as surely as a missed error."""

import pytest

#: every non-extract issue over the 35 fixture reports: (report, rule, location prefix, expected, actual)
EXPECTED_FINDINGS = {
    # seed 000 table 三: four rows whose applicant columns do not sum to 总计, and the 总计 column's outcomes
    ("seeds/000_683ce4d00f0cce4b.txt", "requests.row_sum", "row=partially_disclosed", 39.0, 19.0),
    ("seeds/000_683ce4d00f0cce4b.txt", "requests.row_sum", "row=unavailable_not_held", 122.0, 110.0),
    ("seeds/000_683ce4d00f0cce4b.txt", "requests.row_sum", "row=unavailable_needs_compilation", 26.0, 16.0),
    ("seeds/000_683ce4d00f0cce4b.txt", "requests.row_sum", "row=not_processed_complaint", 11.0, 1.0),
    ("seeds/000_683ce4d00f0cce4b.txt", "requests.outcome_sum", "applicant=total", 494.0, 546.0),
    # seed 002: prose 同意部分公开41件, table 43
    ("seeds/002_a1ae499f7f2fe0ec.txt", "narrative.partially_disclosed", "indicator=requests.answered.partially_granted",
     43.0, 41.0),
    # 洪泽区 2023 table 四: 复议 10+1 but 总计 0; 复议后起诉 5 but 总计 0
    ("corpus/text/002_hongze_district_2023.txt", "review.sum", "proceeding=administrative_review", 11.0, 0.0),
    ("corpus/text/002_hongze_district_2023.txt", "review.sum", "proceeding=litigation_after_review", 5.0, 0.0),
    # 洪泽区 2024: prose 受理申请17件, table 三 new_received 95
    ("corpus/text/003_hongze_district_2024.txt", "narrative.received", "row=new_received", 95.0, 17.0),
    # 平潭 2020 table 三: outcome rows sum to 26 (自然人) / 27 (总计) but （七）总计 prints 20 / 21
    ("corpus/pingtan/zone_2020.html", "requests.outcome_sum", "applicant=natural_person", 26.0, 20.0),
    ("corpus/pingtan/zone_2020.html", "requests.outcome_sum", "applicant=total", 27.0, 21.0),
    # 平潭 行政规范性文件 现行有效: last year + issued − repealed ≠ this year
    ("corpus/pingtan/zone_2023.html", "cross_year.in_force", "article=20.1;item=normative_document", 643.0, 470.0),
    ("corpus/pingtan/zone_2024.html", "cross_year.in_force", "article=20.1;item=normative_document", 499.0, 440.0),
    ("corpus/pingtan/zone_2025.html", "cross_year.in_force", "article=20.1;item=normative_document", 453.0, 546.0),
}


def _rows(con, sql):
    return con.sql(sql).fetchall()


def test_every_finding_and_no_false_alarm(corpus_warehouse):
    con, _ = corpus_warehouse
    rows = _rows(con, """SELECT r.source_path, v.rule_id, v.location, v.expected, v.actual
                         FROM validation_issues v JOIN reports r USING (report_id)
                         WHERE v.rule_id NOT LIKE 'extract.%'""")
    found = set()
    for path, rule, location, expected, actual in rows:
        prefix = next((e[2] for e in EXPECTED_FINDINGS if e[:2] == (path, rule) and location.startswith(e[2])),
                      location)
        found.add((path, rule, prefix, expected, actual))
    assert found == EXPECTED_FINDINGS


def test_issue_counts_and_statuses(corpus_warehouse):
    con, _ = corpus_warehouse
    mismatched = _rows(con, """SELECT r.source_path FROM reports r LEFT JOIN (
            SELECT report_id, count(*) FILTER (WHERE severity = 'error') AS e,
                   count(*) FILTER (WHERE severity = 'warning') AS w
            FROM validation_issues GROUP BY report_id) v USING (report_id)
        WHERE r.n_errors <> coalesce(v.e, 0) OR r.n_warnings <> coalesce(v.w, 0)""")
    assert mismatched == []
    status = dict(_rows(con, "SELECT source_path, status FROM reports"))
    assert status["seeds/001_a1987c7275b215ef.txt"] == "partial"  # table 三: 2 numbers for 7 columns
    assert status["corpus/pingtan/dishuiju_2013.html"] == "ok"
    assert status["seeds/002_a1ae499f7f2fe0ec.txt"] == "ok"
    assert all(status[f"corpus/pingtan/zone_{y}.html"] == "ok" for y in range(2011, 2026))
    assert sum(s == "failed" for s in status.values()) == 1  # the raw-pdftotext fragment has no title or year


def test_free_text_report_has_sections_and_no_facts(corpus_warehouse):
    con, ids = corpus_warehouse
    rid = ids["corpus/pingtan/dishuiju_2013.html"]
    assert _rows(con, f"SELECT template FROM reports WHERE report_id = '{rid}'") == [("legacy",)]
    facts = sum(_rows(con, f"SELECT count(*) FROM {t} WHERE report_id = '{rid}'")[0][0]
                for t in ("fact_requests", "fact_review_results", "fact_proactive_disclosure", "fact_legacy_indicators"))
    assert facts == 0
    assert _rows(con, f"SELECT count(*) FROM report_sections WHERE report_id = '{rid}' AND heading IS NOT NULL")[0][0] >= 5


@pytest.mark.parametrize(
    "label, period, value",
    # county_2011.html 附件 statistics table, read off the page: 2011年度 and 历年累计 columns
    [("主动公开信息数", "year", 425.0), ("主动公开信息数", "cumulative", 1516.0),
     ("其中:1.网站公开", "year", 418.0), ("其中:1.网站公开", "cumulative", 1509.0)],
)
def test_county_2011_both_columns(corpus_warehouse, label, period, value):
    con, ids = corpus_warehouse
    rid = ids["corpus/pingtan/county_2011.html"]
    got = _rows(con, f"""SELECT value FROM fact_legacy_indicators
                         WHERE report_id = '{rid}' AND label = '{label}' AND period = '{period}'""")
    assert got == [(value,)]


def test_pingtan_zone_series_is_one_line(corpus_warehouse):
    con, ids = corpus_warehouse
    zone_ids = {ids[f"corpus/pingtan/zone_{y}.html"] for y in range(2011, 2026)}
    rows = _rows(con, "SELECT report_id, issuer_key, report_year, received FROM requests_by_year")
    zone = [r for r in rows if r[0] in zone_ids]
    assert len(zone) == 15 and {r[1] for r in zone} == {"平潭综合实验区"}
    assert sorted(r[2] for r in zone) == list(range(2011, 2026))
    received = {year: value for _, _, year, value in zone}
    # read off the pages: 受理依申请公开信息总数 2014 = 1; table 三 本年新收 (总计) 2019 = 23, 2024 = 218
    assert (received[2014], received[2019], received[2024]) == (1.0, 23.0, 218.0)
    hongze = {r[1] for r in rows if r[0] in (ids["corpus/text/002_hongze_district_2023.txt"],
                                             ids["corpus/text/003_hongze_district_2024.txt"])}
    assert hongze == {"洪泽区"}
