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

`issuer_key` is `reports.issuer_key` (pipeline.metadata.issuer_key, the same key the cross-year checks use): the
name without a trailing 人民政府 / 政府 / 管委会 / 管理委员会 or a leading parent division of a district or county
(平潭综合实验区管委会 → 平潭综合实验区; 淮安市洪泽区人民政府 → 洪泽区). 人民政府办公室 / 办公厅 publish their own
department reports and stay distinct. Reports whose status is `failed` are left out; a report
without a requests table appears with NULL counts, so a gap in the series is visible.
"""

from __future__ import annotations

MODERN_TEMPLATES = ("gov2019", "gov2021")

REQUESTS_BY_YEAR_SQL = f"""
CREATE OR REPLACE VIEW requests_by_year AS
WITH modern AS (
    SELECT report_id,
           max(value) FILTER (WHERE row_code = 'new_received')        AS received,
           max(value) FILTER (WHERE row_code = 'total_processed')     AS processed,
           max(value) FILTER (WHERE row_code = 'disclosed')           AS granted,
           max(value) FILTER (WHERE row_code = 'partially_disclosed') AS partially_granted,
           sum(value) FILTER (WHERE starts_with(row_code, 'withheld_')) AS refused
    FROM fact_requests
    WHERE applicant = 'total'
    GROUP BY report_id
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
    WHERE r.status IS DISTINCT FROM 'failed'
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
