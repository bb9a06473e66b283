"""One primary copy per issuer and year, so a series never has two rows for a year.

The same report often arrives several times: the web page and a crawler's text of it, a PDF and the page, two
downloads with different bytes. Each copy stays in `reports` (with its own issues), and `reports.is_primary`
marks the one the views use: per (issuer_key, report_year), status `ok` before `partial`, then the copy with
the most non-blank fact cells, then the fewest errors and warnings, then the smallest report_id (the content
hash: the choice does not depend on file names or load order). Failed reports are never primary; a report
whose issuer or year is unknown cannot be matched with another copy and is primary on its own.
"""

from __future__ import annotations

import duckdb

from pipeline import frames

#: the order in which copies of one report are preferred (status first), as SQL sort keys
PREFERENCE = (
    "CASE r.status WHEN 'ok' THEN 0 WHEN 'partial' THEN 1 ELSE 2 END",
    "coalesce(c.n_cells, 0) DESC",
    "r.n_errors",
    "r.n_warnings",
    "r.report_id",
)


def primary_copies_sql() -> str:
    """UPDATE reports SET is_primary from a window over (issuer_key, report_year)."""
    cells = "\n    UNION ALL ".join(
        f"SELECT report_id, count(value) AS n FROM {table} GROUP BY report_id" for table in frames.FACT_TABLES
    )
    return f"""
WITH cells AS (
    SELECT report_id, sum(n) AS n_cells FROM (
    {cells}
    ) GROUP BY report_id
),
ranked AS (
    SELECT r.report_id,
           row_number() OVER (
               PARTITION BY r.issuer_key, r.report_year,
                            CASE WHEN r.issuer_key IS NULL OR r.report_year IS NULL THEN r.report_id END
               ORDER BY {', '.join(PREFERENCE)}
           ) AS preference
    FROM reports r LEFT JOIN cells c USING (report_id)
    WHERE r.status IS DISTINCT FROM 'failed'
)
UPDATE reports SET is_primary = report_id IN (SELECT report_id FROM ranked WHERE preference = 1)
"""


def mark_primary_copies(con: duckdb.DuckDBPyConnection) -> None:
    """Set reports.is_primary for every report (TRUE for exactly one copy per issuer and year)."""
    con.execute(primary_copies_sql())
