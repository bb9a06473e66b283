"""quality.html: what failed in which report, with the cells involved, readable in any browser without a server.

    write_quality_report(warehouse_path, out_path)      # run.py writes it next to the warehouse after publishing

One self-contained page (inline CSS, no script, no external resource) built from the published warehouse,
opened read-only. Reports that fail (status not ok, or any error) come first, then those with warnings only,
then a list of clean reports. For each failed check: rule, severity, location, expected vs actual, the message,
and the cells involved with their value and raw_text as printed (plus `page`, `table_no`, `row_no` where the
fact table has those provenance columns). Every text from a report is HTML-escaped: report text is untrusted.

Which cells a check involves is data, not code per rule: the location's key=value pairs select the cells
(row=… → row_code, applicant=…, proceeding=…, indicator=… → indicator_code), and an arithmetic rule keeps the
cells of its two sides (schemas.facts.ARITHMETIC_RULES, schemas.legacy.LEGACY_SUM_RULES), so a row-sum finding
lists the six applicant cells and the printed total, not the whole table.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl

from schemas.facts import ARITHMETIC_RULES
from schemas.legacy import LEGACY_SUM_RULES

QUALITY_REPORT_NAME = "quality.html"

#: location keys → the fact-table column they name
LOCATION_COLUMNS = {
    "row": "row_code",
    "applicant": "applicant",
    "proceeding": "proceeding",
    "outcome": "outcome",
    "article": "article",
    "item": "item",
    "measure": "measure",
    "indicator": "indicator_code",
    "column": "period",  # legacy rules: year / cumulative
}
#: the columns shown for a cell, by table (the key columns, then value and raw_text; provenance if present)
CELL_COLUMNS = {
    "fact_requests": ("row_code", "applicant"),
    "fact_review_results": ("proceeding", "outcome"),
    "fact_proactive_disclosure": ("article", "item", "measure"),
    "fact_legacy_indicators": ("indicator_code", "label", "period"),
}
PROVENANCE_COLUMNS = ("page", "table_no", "row_no")
#: legacy sum rules: every code the rule adds up (its total and parts); the location names only the total
LEGACY_RULE_CODES = pl.DataFrame(
    [(rule, code) for rule, total, parts in LEGACY_SUM_RULES for code in (total, *parts)],
    schema={"rule_id": pl.String, "indicator_code": pl.String}, orient="row",
)
MAX_CELLS_PER_ISSUE = 40

CSS = """
body{font-family:system-ui,"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:2em;color:#222}
h1{font-size:1.5em}h2{font-size:1.15em;margin-top:2em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:.4em 0 1em}td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left}
th{background:#f3f3f3}.num{text-align:right;font-variant-numeric:tabular-nums}
.error{color:#a40000}.warning{color:#8a5a00}.ok{color:#1a6b1a}.cells{margin-left:2em;font-size:.9em}
.meta{color:#555}.blank{color:#999;font-style:italic}
"""


def quality_report_path(warehouse: Path) -> Path:
    return warehouse.with_name(QUALITY_REPORT_NAME)


#: html.escape(text, quote=True) as one C pass (str.translate): the page escapes ~50,000 values
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"})


def _esc(value) -> str:
    if value is None:
        return '<span class="blank">NULL</span>'
    return str(value).translate(_ESCAPES)


def _num(value) -> str:
    if value is None:
        return '<span class="blank">—</span>'
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).translate(_ESCAPES)


def _has_table(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    return bool(con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [table]).fetchall()[0][0])


#: a national warehouse has 10^5–10^6 reports: the page details this many reports with findings and lists this
#: many clean ones, and counts the rest (all of it is in report_quality / validation_issues)
MAX_DETAILED_REPORTS = 500
MAX_LISTED_CLEAN = 1000

_STANDING = "CASE WHEN status <> 'ok' OR n_errors > 0 THEN 0 WHEN n_warnings > 0 THEN 1 ELSE 2 END"


def load_reports(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """The reports the page shows: failing ones first (then warnings only, then clean), each part capped."""
    limit_detailed, limit_clean = MAX_DETAILED_REPORTS, MAX_LISTED_CLEAN
    return con.sql(f"""
        WITH ranked AS (
            SELECT report_id, source_path, issuer, report_year, template, status, error, n_errors, n_warnings,
                   {_STANDING} AS standing,
                   row_number() OVER (PARTITION BY {_STANDING} = 2
                       ORDER BY {_STANDING}, CASE status WHEN 'failed' THEN 0 WHEN 'partial' THEN 1 ELSE 2 END,
                                n_errors DESC, issuer NULLS LAST, report_year, source_path) AS rank
            FROM reports)
        SELECT * EXCLUDE (rank) FROM ranked
        WHERE rank <= CASE WHEN standing = 2 THEN {int(limit_clean)} ELSE {int(limit_detailed)} END
        ORDER BY standing, CASE status WHEN 'failed' THEN 0 WHEN 'partial' THEN 1 ELSE 2 END, n_errors DESC,
                 issuer NULLS LAST, report_year, source_path
    """).pl()


def involved_cells(con: duckdb.DuckDBPyConnection, issues: pl.DataFrame) -> dict[int, list[dict]]:
    """issue_no → the cells it involves (dicts of key columns, value, raw_text, provenance); extract.* excepted."""
    cells: dict[int, list[dict]] = {}
    for table, keys in CELL_COLUMNS.items():
        subset = issues.filter((pl.col("table_name") == table) & ~pl.col("rule_id").str.starts_with("extract."))
        if subset.is_empty() or not _has_table(con, table):
            continue
        con.register("wanted", subset.select("report_id").unique())
        facts = con.sql(f"SELECT * FROM {table} WHERE report_id IN (SELECT report_id FROM wanted)").pl()
        con.unregister("wanted")
        rules = [r for r in ARITHMETIC_RULES.values() if r.table == table]
        for rule in rules:
            facts = rule.prepared(facts)
        wanted = subset.select(
            "issue_no", "report_id", "rule_id",
            *(pl.col("location").str.extract(rf"(?:^|;)\s*{key}=([^;]+)").str.strip_chars().alias(f"__{key}")
              for key, column in LOCATION_COLUMNS.items() if column in facts.columns),
        )
        if table == "fact_legacy_indicators":  # a sum rule's location names its total only
            wanted = wanted.with_columns(
                pl.when(pl.col("rule_id").is_in(LEGACY_RULE_CODES["rule_id"].implode()))
                .then(None).otherwise(pl.col("__indicator")).alias("__indicator")
            )
        joined = wanted.join(facts, on="report_id")
        matches = [
            pl.col(f"__{key}").is_null() | (pl.col(f"__{key}") == pl.col(column))
            for key, column in LOCATION_COLUMNS.items() if f"__{key}" in joined.columns
        ]
        sides = pl.lit(True)
        for rule in rules:
            sides = pl.when(pl.col("rule_id") == rule.rule_id).then(rule.parts.cells | rule.printed.cells).otherwise(
                sides)
        joined = joined.filter(pl.all_horizontal(*matches, sides))
        if table == "fact_legacy_indicators":
            in_rule = joined.join(LEGACY_RULE_CODES, on=["rule_id", "indicator_code"], how="semi")
            joined = pl.concat([joined.filter(~pl.col("rule_id").is_in(LEGACY_RULE_CODES["rule_id"].implode())),
                                in_rule])
        shown = [c for c in (*keys, "value", "raw_text", *PROVENANCE_COLUMNS) if c in facts.columns]
        for row in joined.sort("issue_no").select("issue_no", *shown).iter_rows(named=True):
            cells.setdefault(row.pop("issue_no"), []).append(row)
    return cells


def _cell_html(table: str, column: str, value, labels: dict[tuple[str, str, str], str]) -> str:
    """One cell of the cells table: numbers right-aligned, a code with its printed label under it."""
    if column == "value":
        return f'<td class="num">{_num(value)}</td>'
    label = labels.get((table, column, value))
    return f"<td>{_esc(value)}<br><small>{_esc(label)}</small></td>" if label else f"<td>{_esc(value)}</td>"


def _cells_html(table: str, cells: list[dict], labels: dict[tuple[str, str, str], str]) -> str:
    if not cells:
        return ""
    columns = list(cells[0])
    head = "".join(f"<th>{_esc(c)}</th>" for c in columns)
    body = "".join(
        "<tr>" + "".join(_cell_html(table, c, cell[c], labels) for c in columns) + "</tr>"
        for cell in cells[:MAX_CELLS_PER_ISSUE]
    )
    more = (f"<p class='meta'>… and {len(cells) - MAX_CELLS_PER_ISSUE} more cells</p>"
            if len(cells) > MAX_CELLS_PER_ISSUE else "")
    return f'<table class="cells"><tr>{head}</tr>{body}</table>{more}'


def _report_html(report: dict, issues: list[dict], cells: dict[int, list[dict]],
                 labels: dict[tuple[str, str, str], str]) -> str:
    title = f"{report['issuer'] or '(issuer unknown)'} {report['report_year'] or ''}"
    status = report["status"]
    lines = [
        f'<section class="report" id="r-{_esc(report["report_id"])}">',
        f'<h2>{_esc(title)} — <span class="{_esc(status)}">{_esc(status)}</span> — '
        f"{report['n_errors']} error(s), {report['n_warnings']} warning(s)</h2>",
        f'<p class="meta">{_esc(report["source_path"])} · template {_esc(report["template"])} · '
        f"report_id {_esc(report['report_id'])}</p>",
    ]
    if report["error"]:
        lines.append(f"<p class='error'>{_esc(report['error'])}</p>")
    for issue in issues:
        lines.append(
            '<table class="issue"><tr><th>rule</th><th>severity</th><th>table</th><th>location</th>'
            "<th>expected</th><th>actual</th></tr>"
            f"<tr><td>{_esc(issue['rule_id'])}</td><td class='{_esc(issue['severity'])}'>{_esc(issue['severity'])}"
            f"</td><td>{_esc(issue['table_name'])}</td><td>{_esc(issue['location'])}</td>"
            f"<td class='num'>{_num(issue['expected'])}</td><td class='num'>{_num(issue['actual'])}</td></tr>"
            f"<tr><td colspan='6'>{_esc(issue['message'])}</td></tr></table>"
        )
        lines.append(_cells_html(issue["table_name"], cells.get(issue["issue_no"], []), labels))
    lines.append("</section>")
    return "\n".join(lines)


@dataclass
class QualityPageData:
    """Everything quality.html shows, read from the warehouse: the page is rendered from this without a
    connection, so the run renders it while DuckDB commits (the commit releases the GIL)."""

    reports: pl.DataFrame
    issues: pl.DataFrame
    cells: dict[int, list[dict]]
    labels: dict[tuple[str, str, str], str]
    standing: dict[int, int]
    by_rule: pl.DataFrame


def quality_page_data(con: duckdb.DuckDBPyConnection) -> QualityPageData:
    """The page's rows, from a connection to the warehouse (or to its staging file inside the load transaction)."""
    reports = load_reports(con)
    con.register("shown_reports", reports.filter(pl.col("standing") < 2).select("report_id"))
    issues = con.sql("""
        SELECT * FROM validation_issues WHERE report_id IN (SELECT report_id FROM shown_reports)
        ORDER BY report_id, CASE severity WHEN 'error' THEN 0 ELSE 1 END, rule_id, location
    """).pl().with_row_index("issue_no")
    con.unregister("shown_reports")
    cells = involved_cells(con, issues)
    labels = {}
    if _has_table(con, "code_labels"):
        labels = {(t, c, code): label for t, c, code, label in
                  con.sql("SELECT table_name, column_name, code, label FROM code_labels").fetchall()}
    standing = dict(con.sql(f"SELECT {_STANDING}, count(*) FROM reports GROUP BY ALL").fetchall())
    by_rule = con.sql("""SELECT rule_id, severity, count(*) AS len FROM validation_issues
                         GROUP BY ALL ORDER BY rule_id""").pl()
    return QualityPageData(reports, issues, cells, labels, standing, by_rule)


def render_quality_report(con: duckdb.DuckDBPyConnection, warehouse_name: str) -> str:
    """quality.html of the warehouse `con` reads."""
    return render_quality_page(quality_page_data(con), warehouse_name)


def render_quality_page(data: QualityPageData, warehouse_name: str) -> str:
    """quality.html from its rows (no connection: Python only)."""
    reports, issues, cells, labels, standing, by_rule = (data.reports, data.issues, data.cells, data.labels,
                                                          data.standing, data.by_rule)
    by_report: dict[str, list[dict]] = {}
    for issue in issues.iter_rows(named=True):
        by_report.setdefault(issue["report_id"], []).append(issue)
    counts = reports.group_by("standing").len()
    shown = dict(zip(counts["standing"], counts["len"], strict=True))
    not_shown = {k: n - shown.get(k, 0) for k, n in standing.items()}
    parts = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN"><head><meta charset="utf-8"><title>Data quality — ogi warehouse</title>',
        f"<style>{CSS}</style></head><body>",
        "<h1>Data quality report</h1>",
        f"<p class='meta'>Warehouse {_esc(warehouse_name)}, written "
        f"{datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}. {sum(standing.values())} report(s): "
        f"{standing.get(0, 0)} failing, {standing.get(1, 0)} with warnings only, {standing.get(2, 0)} clean. "
        f"A blank cell is shown as NULL: it is unknown, not 0.</p>",
        *([f"<p class='meta'>This page details the first {MAX_DETAILED_REPORTS} reports with findings "
           f"and lists {MAX_LISTED_CLEAN} clean ones; {not_shown.get(0, 0) + not_shown.get(1, 0)} more with findings "
           f"and {not_shown.get(2, 0)} more clean reports are in the warehouse: "
           "<code>SELECT * FROM report_quality</code>, <code>validation_issues</code>.</p>"]
          if any(not_shown.values()) else []),
        "<table><tr><th>rule</th><th>severity</th><th>findings</th></tr>",
        *(f"<tr><td>{_esc(r['rule_id'])}</td><td class='{_esc(r['severity'])}'>{_esc(r['severity'])}</td>"
          f"<td class='num'>{r['len']}</td></tr>" for r in by_rule.iter_rows(named=True)),
        "</table>",
    ]
    clean = []
    for report in reports.iter_rows(named=True):
        if report["standing"] == 2:
            clean.append(report)
            continue
        parts.append(_report_html(report, by_report.get(report["report_id"], []), cells, labels))
    if clean:
        parts.append("<h2>Reports without findings</h2><table><tr><th>issuer</th><th>year</th><th>status</th>"
                     "<th>source</th></tr>")
        parts += [f"<tr><td>{_esc(r['issuer'])}</td><td>{_esc(r['report_year'])}</td>"
                  f"<td class='ok'>{_esc(r['status'])}</td><td>{_esc(r['source_path'])}</td></tr>" for r in clean]
        parts.append("</table>")
    parts.append("</body></html>\n")
    return "\n".join(parts)


def write_quality_report(warehouse_path: Path, out_path: Path | None = None) -> Path:
    """Render quality.html from the published warehouse (read-only) and replace `out_path` atomically."""
    with duckdb.connect(str(warehouse_path), read_only=True) as con:
        page = render_quality_report(con, Path(warehouse_path).name)
    return write_quality_page(page, out_path or quality_report_path(warehouse_path))


def write_quality_page(page: str, out_path: Path) -> Path:
    """Replace `out_path` with the rendered page atomically."""
    staging = out_path.with_name(f".{out_path.name}.{os.getpid()}.tmp")
    staging.write_text(page, encoding="utf-8")
    staging.replace(out_path)
    return out_path

