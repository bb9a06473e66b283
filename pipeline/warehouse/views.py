"""SQL views over the warehouse tables.

`requests_by_year` puts the requests counts of pre-2019 reports (fact_legacy_indicators) and of 2019+ reports
(fact_requests, applicant = total) on one time series per issuer. Each column, by era:

| column            | 2019+ (gov2019, gov2021)              | before 2019 (stat2014, legacy)                     |
|-------------------|---------------------------------------|----------------------------------------------------|
| received          | new_received 本年新收                 | requests.received 收到申请数 / 受理…总数           |
| processed         | total_processed （七）总计             | requests.answered 申请答复数 / 对申请的答复(总)数  |
| granted           | disclosed （一）予以公开               | requests.answered.granted 同意公开                 |
| partially_granted | partially_disclosed （二）部分公开     | requests.answered.partially_granted 同意部分公开   |
| refused           | sum of the eight withheld_* rows （三） | requests.answered.denied 不同意/否决/不予公开      |

Comparable across the 2019 break: received (both count the applications of the year) and, roughly, granted and
partially granted. Not strictly comparable: processed (2019+ includes applications carried over from the previous
year; before 2019 it counts replies given), granted (the old forms count 属于已主动公开范围 apart; the 2019 form
has no such row, so those answers move into another row, often 予以公开), refused (the 2014 form's 不同意公开
includes 不是《条例》所指政府信息, which the 2019 form counts elsewhere, and the 2019 form adds reasons such as
三类内部事务 / 四类过程性信息). The 历年累计 (cumulative) values of Fujian's forms are not used.

`issuer_key` is `reports.issuer_key` (pipeline.reading.metadata.issuer_key, the same key the cross-year checks use): the
name without a trailing 人民政府 / 政府 / 管委会 / 管理委员会 or a leading parent division of a district or county
(平潭综合实验区管委会 → 平潭综合实验区; 淮安市洪泽区人民政府 → 洪泽区). 人民政府办公室 / 办公厅 publish their own
department reports and stay distinct. Reports whose status is `failed` are left out, and so are copies that
are not primary (`reports.is_primary`, see pipeline.warehouse.primary); a report without a requests table appears with
NULL counts, so a gap in the series is visible.

The views for the common questions (`requests_by_outcome`, `review_outcomes`, `report_quality`) follow; `VIEWS`
holds every view's DDL in creation order. A sum over several rows (withheld = the eight 不予公开 rows) is NULL
when any of those cells is blank or missing: a blank cell is unknown, never read as 0.
"""

from __future__ import annotations

from pipeline.tables import GOV_TEMPLATES as MODERN_TEMPLATES
from pipeline.tables.labels import group_rows

#: the request_by_outcome columns that add up several table 三 rows (codes from the label table)
WITHHELD_ROWS = group_rows("withheld")  # （三）不予公开, eight rows
UNAVAILABLE_ROWS = group_rows("unavailable")  # （四）无法提供, three rows
NOT_PROCESSED_ROWS = group_rows("not_processed")  # （五）不予处理, five rows
OTHER_SUB_ROWS = group_rows("other")  # （六）其他处理 1-3 (2021 format); 2019 prints one row `other`


def _in(rows: tuple[str, ...]) -> str:
    return "row_code IN (" + ", ".join(f"'{r}'" for r in rows) + ")"


def _complete_sum(rows: tuple[str, ...]) -> str:
    """The sum of `rows`, NULL unless every one of them is printed with a number."""
    return (f"CASE WHEN count(value) FILTER (WHERE {_in(rows)}) = {len(rows)} "
            f"THEN CAST(sum(value) FILTER (WHERE {_in(rows)}) AS BIGINT) END")


#: the 总计 column of table 三 per report, outcome groups added up (NULL when a part is blank): one source for
#: requests_by_outcome and requests_by_year
TOTALS_SQL = f"""
    SELECT report_id,
           max(value) FILTER (WHERE row_code = 'new_received')        AS received,
           max(value) FILTER (WHERE row_code = 'carried_over')        AS carried_over,
           max(value) FILTER (WHERE row_code = 'total_processed')     AS processed,
           max(value) FILTER (WHERE row_code = 'disclosed')           AS disclosed,
           max(value) FILTER (WHERE row_code = 'partially_disclosed') AS partially_disclosed,
           {_complete_sum(WITHHELD_ROWS)} AS withheld,
           {_complete_sum(UNAVAILABLE_ROWS)} AS unavailable,
           {_complete_sum(NOT_PROCESSED_ROWS)} AS not_processed,
           CASE WHEN count(*) FILTER (WHERE {_in(OTHER_SUB_ROWS)}) > 0 THEN {_complete_sum(OTHER_SUB_ROWS)}
                ELSE max(value) FILTER (WHERE row_code = 'other') END AS other,
           max(value) FILTER (WHERE row_code = 'carried_forward')     AS carried_forward
    FROM fact_requests
    WHERE applicant = 'total'
    GROUP BY report_id
"""

REQUESTS_BY_OUTCOME_SQL = f"""
CREATE OR REPLACE VIEW requests_by_outcome AS
WITH totals AS (
{TOTALS_SQL})
SELECT r.issuer, r.issuer_key, r.report_year, r.template, r.report_id,
       t.received, t.carried_over, t.processed, t.disclosed, t.partially_disclosed,
       t.withheld, t.unavailable, t.not_processed, t.other, t.carried_forward,
       CAST(t.disclosed + t.partially_disclosed AS DOUBLE) / NULLIF(t.processed, 0) AS disclosure_rate
FROM reports r
LEFT JOIN totals t USING (report_id)
WHERE r.is_primary AND r.template IN {MODERN_TEMPLATES!r}
"""

REQUESTS_BY_YEAR_SQL = f"""
CREATE OR REPLACE VIEW requests_by_year AS
WITH modern AS (  -- the 总计 column of table 三, as requests_by_outcome reads it (blank parts make a NULL sum)
    SELECT report_id, received, processed, disclosed AS granted, partially_disclosed AS partially_granted,
           withheld AS refused
    FROM ({TOTALS_SQL})
),
legacy AS (
    SELECT report_id,
           max(value) FILTER (WHERE indicator_code = 'requests.received')                   AS received,
           max(value) FILTER (WHERE indicator_code = 'requests.answered')                   AS processed,
           max(value) FILTER (WHERE indicator_code = 'requests.answered.granted')           AS granted,
           max(value) FILTER (WHERE indicator_code = 'requests.answered.partially_granted') AS partially_granted,
           max(value) FILTER (WHERE indicator_code = 'requests.answered.denied')            AS refused
    FROM fact_legacy_indicators
    GROUP BY report_id
),
era AS (
    SELECT r.*, r.template IN {MODERN_TEMPLATES!r} AS is_modern
    FROM reports r
    WHERE r.status IS DISTINCT FROM 'failed' AND r.is_primary IS NOT FALSE
)
SELECT e.issuer_key,
       e.issuer,
       e.report_year,
       e.report_id,
       e.template,
       CASE WHEN e.is_modern THEN 'fact_requests' ELSE 'fact_legacy_indicators' END AS source_table,
       CAST(CASE WHEN e.is_modern THEN m.received ELSE l.received END AS DOUBLE)                   AS received,
       CAST(CASE WHEN e.is_modern THEN m.processed ELSE l.processed END AS DOUBLE)                 AS processed,
       CAST(CASE WHEN e.is_modern THEN m.granted ELSE l.granted END AS DOUBLE)                     AS granted,
       CAST(CASE WHEN e.is_modern THEN m.partially_granted ELSE l.partially_granted END AS DOUBLE) AS partially_granted,
       CAST(CASE WHEN e.is_modern THEN m.refused ELSE l.refused END AS DOUBLE)                     AS refused
FROM era e
LEFT JOIN modern m ON m.report_id = e.report_id
LEFT JOIN legacy l ON l.report_id = e.report_id
"""

#: pre-2019 indicator families → the proceeding code of review_outcomes (the old forms do not split 行政诉讼
#: into 未经复议直接起诉 / 复议后起诉, so their litigation rows get the proceeding `litigation`)
LEGACY_PROCEEDINGS = {"review": "administrative_review", "litigation": "litigation"}

REVIEW_OUTCOMES_SQL = f"""
CREATE OR REPLACE VIEW review_outcomes AS
WITH modern AS (
    SELECT report_id, proceeding,
           max(value) FILTER (WHERE outcome = 'upheld')    AS upheld,
           max(value) FILTER (WHERE outcome = 'corrected') AS corrected,
           max(value) FILTER (WHERE outcome = 'other')     AS other,
           max(value) FILTER (WHERE outcome = 'pending')   AS pending,
           max(value) FILTER (WHERE outcome = 'total')     AS total
    FROM fact_review_results
    GROUP BY report_id, proceeding
),
legacy AS (
    SELECT report_id, family,
           CAST(max(value) FILTER (WHERE measure = 'upheld') AS BIGINT)    AS upheld,
           CAST(max(value) FILTER (WHERE measure = 'corrected') AS BIGINT) AS corrected,
           CAST(max(value) FILTER (WHERE measure = 'other') AS BIGINT)     AS other,
           CAST(NULL AS BIGINT)                                            AS pending,
           CAST(max(value) FILTER (WHERE measure = 'total') AS BIGINT)     AS total
    FROM (SELECT report_id, value, split_part(indicator_code, '.', 1) AS family,
                 split_part(indicator_code, '.', 2) AS measure
          FROM fact_legacy_indicators
          WHERE coalesce(period, 'year') = 'year' AND value IS NOT NULL
            AND indicator_code IN ({", ".join(f"'{f}.{m}'" for f in LEGACY_PROCEEDINGS
                                              for m in ("total", "upheld", "corrected", "other"))}))
    GROUP BY report_id, family
),
outcomes AS (
    SELECT *, 'fact_review_results' AS source_table FROM modern
    UNION ALL BY NAME
    SELECT * EXCLUDE (family),
           CASE family {" ".join(f"WHEN '{k}' THEN '{v}'" for k, v in LEGACY_PROCEEDINGS.items())} END
               AS proceeding,
           'fact_legacy_indicators' AS source_table
    FROM legacy
)
SELECT r.issuer, r.issuer_key, r.report_year, r.template, r.report_id, o.proceeding,
       o.upheld, o.corrected, o.other, o.pending, o.total,
       CAST(o.corrected AS DOUBLE) / NULLIF(o.upheld + o.corrected + o.other, 0) AS correction_rate,
       o.source_table
FROM reports r
JOIN outcomes o USING (report_id)
WHERE r.is_primary
"""

REPORT_QUALITY_SQL = """
CREATE OR REPLACE VIEW report_quality AS
SELECT r.report_id, r.source_path, r.issuer, r.issuer_key, r.report_year, r.template, r.status, r.is_primary,
       r.n_errors, r.n_warnings,
       (SELECT string_agg(DISTINCT v.rule_id, ', ' ORDER BY v.rule_id) FROM validation_issues v
        WHERE v.report_id = r.report_id AND v.severity = 'error') AS failed_rules,
       (SELECT string_agg(DISTINCT v.rule_id, ', ' ORDER BY v.rule_id) FROM validation_issues v
        WHERE v.report_id = r.report_id AND v.severity = 'warning') AS warning_rules,
       r.error
FROM reports r
"""

#: every view, in creation order
VIEWS: dict[str, str] = {
    "requests_by_year": REQUESTS_BY_YEAR_SQL,
    "requests_by_outcome": REQUESTS_BY_OUTCOME_SQL,
    "review_outcomes": REVIEW_OUTCOMES_SQL,
    "report_quality": REPORT_QUALITY_SQL,
}
