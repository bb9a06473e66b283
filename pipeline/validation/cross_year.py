"""cross_year.*: a report against the same issuer's report of the previous year (warnings), in SQL.

`cross_year.carry`: this year's 上年结转 = last year's 结转下年度继续办理 (total column);
`cross_year.in_force`: 2021 table 二, last year's 现行有效 + 本年制发 − 本年废止 = this year's 现行有效.
Issuers are matched by `issuer_key`, so 平潭综合实验区管委会 and 平潭综合实验区 are one body.

These rules compare reports, so they run in DuckDB over the loaded tables (`cross_year_issues_sql`), for the
issuers a run touched only; `check_cross_year` runs the same SQL over in-memory frames (tests, small runs).
A comparison with a blank or missing operand is skipped.
"""

from __future__ import annotations

import duckdb
import polars as pl

from pipeline import frames
from pipeline.reading.metadata import issuer_key

CROSS_YEAR_RULES = ("cross_year.carry", "cross_year.in_force")


def cross_year_issues_sql(issuer_keys: str | None = None) -> str:
    """A SELECT of validation_issues rows; `issuer_keys` names a relation (column issuer_key) to restrict to."""
    scope = f"AND issuer_key IN (SELECT issuer_key FROM {issuer_keys})" if issuer_keys else ""
    return f"""
WITH keyed AS (
    SELECT report_id, issuer, report_year, issuer_key FROM reports
    WHERE issuer IS NOT NULL AND report_year IS NOT NULL AND issuer_key IS NOT NULL {scope}
),
pairs AS (
    SELECT k.report_id, p.report_id AS prev_report_id, k.issuer, k.report_year
    FROM keyed k JOIN keyed p ON p.issuer_key = k.issuer_key AND p.report_year = k.report_year - 1
    WHERE p.report_id <> k.report_id
),
totals AS (
    SELECT report_id, row_code, min(value) AS value FROM fact_requests
    WHERE applicant = 'total' AND value IS NOT NULL AND row_code IN ('carried_over', 'carried_forward')
    GROUP BY ALL
),
-- each report's side joined to its pair first, materialized: joined on their keys alone, a table's rows with last
-- year's (article, item) or row would pair every report with every other (DuckDB 2.0.1 chose that order: 6 s and
-- 1.7 GB spilled for 4,000 reports, out of memory at 128 MB)
paired_totals AS MATERIALIZED (
    SELECT p.*, c.value FROM pairs p JOIN totals c ON c.report_id = p.report_id AND c.row_code = 'carried_over'
),
carry AS (
    SELECT c.report_id, 'cross_year.carry' AS rule_id, 'warning' AS severity, 'fact_requests' AS table_name,
           'row=carried_over;applicant=total;previous_report=' || c.prev_report_id AS location,
           CAST(f.value AS DOUBLE) AS expected, CAST(c.value AS DOUBLE) AS actual,
           c.issuer || ' ' || c.report_year || ': 上年结转 (carried_over) is ' || c.value || ' but the '
             || (c.report_year - 1) || ' report carried forward 结转下年度 ' || f.value || '.' AS message
    FROM paired_totals c
    JOIN totals f ON f.report_id = c.prev_report_id AND f.row_code = 'carried_forward'
    WHERE c.value <> f.value
),
measures AS (
    SELECT report_id, article, item,
           min(value) FILTER (WHERE measure = 'issued') AS issued,
           min(value) FILTER (WHERE measure = 'repealed') AS repealed,
           min(value) FILTER (WHERE measure = 'in_force') AS in_force
    FROM fact_proactive_disclosure
    WHERE measure IN ('issued', 'repealed', 'in_force')
    GROUP BY ALL
),
paired_measures AS MATERIALIZED (
    SELECT p.prev_report_id, p.issuer, p.report_year, m.* FROM pairs p JOIN measures m USING (report_id)
),
in_force AS (
    SELECT m.report_id, 'cross_year.in_force' AS rule_id, 'warning' AS severity,
           'fact_proactive_disclosure' AS table_name,
           'article=' || m.article || ';item=' || m.item || ';previous_report=' || m.prev_report_id AS location,
           CAST(prev.in_force + m.issued - m.repealed AS DOUBLE) AS expected, CAST(m.in_force AS DOUBLE) AS actual,
           m.issuer || ' ' || m.report_year || ' ' || m.item || ': last year''s 现行有效 '
             || CAST(prev.in_force AS BIGINT) || ' + 本年制发 ' || CAST(m.issued AS BIGINT) || ' − 本年废止 '
             || CAST(m.repealed AS BIGINT) || ' = ' || CAST(prev.in_force + m.issued - m.repealed AS BIGINT)
             || ', but this year''s 现行有效 is ' || CAST(m.in_force AS BIGINT) || '.' AS message
    FROM paired_measures m
    JOIN measures prev ON prev.report_id = m.prev_report_id AND prev.article = m.article AND prev.item = m.item
    WHERE prev.in_force + m.issued - m.repealed IS NOT NULL AND m.in_force IS NOT NULL
      AND prev.in_force + m.issued - m.repealed <> m.in_force
)
SELECT * FROM carry UNION ALL SELECT * FROM in_force
"""


def check_cross_year(facts: dict[str, pl.DataFrame], reports: pl.DataFrame) -> pl.DataFrame:
    """cross_year.* over in-memory frames: the warehouse's SQL on a throwaway DuckDB connection."""
    if "issuer_key" not in reports.columns or reports["issuer_key"].null_count() == reports.height:
        reports = reports.with_columns(issuer_key(pl.col("issuer")).alias("issuer_key"))
    with duckdb.connect() as con:
        con.register("reports", reports.select("report_id", "issuer", "report_year", "issuer_key"))
        for table in ("fact_requests", "fact_proactive_disclosure"):
            con.register(table, frames.conform(facts.get(table, frames.empty(table)), table))
        found = con.sql(cross_year_issues_sql()).pl()
    return frames.conform(found, "validation_issues")
