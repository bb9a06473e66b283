"""A self-describing warehouse: code_labels, the views, and a COMMENT ON every table, view and column.

    install_catalog(con)   # inside the load transaction, after the tables are filled

A user who opens the file with any SQL client sees what each column means, its unit and that NULL is a blank
cell (`SELECT table_name, column_name, comment FROM duckdb_columns()`), and can show a code as the template
prints it with a join on `code_labels`. The descriptions are data (`TABLE_COMMENTS`, `COLUMN_COMMENTS`); the
codes come from the label tables the extractors use (pipeline.tables.labels, pipeline.tables.legacy_labels), so a code
list is written down once. Only columns that exist are commented, so a column added elsewhere without a
description shows up in tests/test_analyst.py rather than breaking a run.
"""

from __future__ import annotations

import duckdb
import polars as pl

from pipeline.tables.labels import LABELS
from pipeline.tables.legacy_labels import LEGACY_LABELS
from pipeline.warehouse.primary import mark_primary_copies

NULL_IS_BLANK = "NULL = the cell is blank in the source (unknown, not 0)"

TABLE_COMMENTS: dict[str, str] = {
    "reports": "One row per distinct ingested document (identical bytes are ingested once); status says whether "
               "its tables were read; is_primary marks the copy the views use when a report was ingested twice.",
    "report_sections": "Each report's text split at its top-level headings (一、总体情况 …), simplified Chinese.",
    "fact_requests": "Table 三 收到和处理政府信息公开申请情况 (2019/2021 templates), one row per cell: row × applicant "
                     "column. Counts of applications.",
    "fact_review_results": "Table 四 政府信息公开行政复议、行政诉讼情况, one row per cell: proceeding × outcome. Counts "
                           "of cases.",
    "fact_proactive_disclosure": "Table 二 主动公开政府信息情况, one row per cell: 第二十条 article × item × measure. "
                                 "Counts, or money in yuan.",
    "fact_legacy_indicators": "The pre-2019 statistics tables (the 2014 national 统计表, Fujian's provincial form), "
                              "one row per printed indicator and period.",
    "validation_issues": "Every failed check (勾稽关系 arithmetic, cross-year, prose vs table, extraction), one row "
                         "each; nothing is corrected, only flagged.",
    "ingest_state": "Internal bookkeeping of incremental runs: what each report was built from (file, override, "
                    "code version). Not part of the data model; do not query it.",
    "code_labels": "Every code of the fact tables with its label as printed in the template: join on "
                   "(table_name, column_name, code) to show a code as printed.",
    "requests_by_year": "Requests counts on one series per issuer across the 2019 template break (table 三 总计 "
                        "since 2019, the 统计表 before); primary copies only, failed reports left out.",
    "requests_by_outcome": "One row per issuer and year (2019+ reports, primary copies): the 总计 column of table 三 "
                           "with the outcome groups added up, and the disclosure rate.",
    "review_outcomes": "One row per issuer, year and proceeding (primary copies): table 四, or the 行政复议/行政诉讼 "
                       "indicators of pre-2019 reports, with the correction rate.",
    "report_quality": "One row per report: its status, issue counts and the rule ids it fails (see "
                      "validation_issues for the details).",
}

#: columns that mean the same in every table and view that has them
SHARED_COMMENTS: dict[str, str] = {
    "report_id": "The report: first 16 hex characters of the sha256 of the raw file (reports.report_id).",
    "issuer": "Issuing body, simplified Chinese, as named by the report (e.g. 株洲市, 平顶山市人民政府).",
    "issuer_key": "The issuer with trivial variants folded (平潭综合实验区管委会 = 平潭综合实验区): one key per body "
                  "across years.",
    "report_year": "The year the report covers (not the publication year).",
    "template": "Report format: gov2021 (国办公开办函〔2021〕30号), gov2019 (〔2019〕60号), stat2014 (2014–2018 "
                "national 统计表), legacy (older or free-form).",
    "status": "ok (every table the template implies was read), partial (some missing or unreadable), failed "
              "(unreadable, empty, not an annual report).",
    "source_path": "Path of the raw file relative to the raw folder.",
    "is_primary": "TRUE for the one copy per (issuer_key, report_year) the views use (ok before partial, most "
                  "fact cells, fewest errors); FALSE for other copies and failed reports.",
    "n_errors": "Number of this report's rows in validation_issues with severity error.",
    "n_warnings": "Number of this report's rows in validation_issues with severity warning.",
    "error": "Why the report is partial or failed, in one sentence; NULL when ok.",
    "raw_text": "The cell exactly as printed (after simplification), so every number can be traced to the source.",
    "page": "1-based page of a PDF the cell was read from; NULL for other formats.",
    "table_no": "The table's order in the document (1 = first table).",
    "row_no": "The row's order in its table (1 = first row).",
    "line": "The line of the report's normalized text the row was read from (1-based); NULL where not known.",
    "source_table": "The fact table the row's numbers come from.",
}

COLUMN_COMMENTS: dict[str, dict[str, str]] = {
    "reports": {
        "source_sha256": "Full sha256 of the raw file's bytes.",
        "script": "simplified or traditional, as found in the raw file (all stored text is simplified).",
        "ingested_at": "When these bytes were first ingested (UTC); kept across re-runs while the file is unchanged.",
        "encoding": "Text encoding the raw file was decoded with (utf-8, utf-16, gbk …).",
        "source_format": "Format of the raw file: text, markdown or html.",
        "url": "Where the report was published, from a metadata override; NULL when not given.",
        "region": "Region, from a metadata override; NULL when not given.",
    },
    "report_sections": {
        "ordinal": "Order of the section in the report (0 = text before the first heading).",
        "heading": "The top-level heading as printed (e.g. 一、总体情况); NULL for text before the first heading.",
        "body": "The section's text, simplified Chinese, tables included as text.",
    },
    "fact_requests": {
        "row_code": "Row of table 三 (new_received, disclosed, withheld_state_secret …; labels in code_labels).",
        "applicant": "Applicant column: natural_person, commercial_enterprise, research_institution, "
                     "social_welfare_org, legal_service_org, other_org, total (总计), org_subtotal (法人或其他组织).",
        "value": f"Number of applications (件), as printed. {NULL_IS_BLANK}.",
    },
    "fact_review_results": {
        "proceeding": "administrative_review 行政复议, litigation_direct 未经复议直接起诉, litigation_after_review "
                      "复议后起诉.",
        "outcome": "upheld 结果维持, corrected 结果纠正, other 其他结果, pending 尚未审结, total 总计.",
        "value": f"Number of cases (件), as printed. {NULL_IS_BLANK}.",
    },
    "fact_proactive_disclosure": {
        "article": "第二十条 item the row belongs to: 20.1, 20.5, 20.6, 20.8, 20.9 (labels in code_labels).",
        "item": "信息内容 row: regulation, normative_document, administrative_license … (labels in code_labels).",
        "measure": "Column: new_made, issued, in_force, change (signed), procurement_amount … (labels in "
                   "code_labels).",
        "value": f"The number as printed; money converted to yuan (19.07亿元 → 1907000000); DECIMAL(20,2). "
                 f"{NULL_IS_BLANK}.",
        "unit": "count (件, 项, 个) or yuan (元, money always stored in yuan).",
    },
    "fact_legacy_indicators": {
        "indicator_code": "National indicator code (requests.received, review.corrected …); NULL where the printed "
                          "label maps to no known indicator (labels in code_labels).",
        "label": "The indicator's label as printed (simplified).",
        "unit": "The unit as printed (条, 件, 次, 人 …), except money: 万元 and 元 become yuan.",
        "value": f"The number as printed, in `unit` (万元 scaled to yuan). {NULL_IS_BLANK}.",
        "period": "year (the report year's column) or cumulative (Fujian's 历年累计 column).",
    },
    "validation_issues": {
        "rule_id": "The check that failed (requests.row_sum, review.sum, cross_year.carry, extract.requests.missing "
                   "…; list in docs/DATA_MODEL.md).",
        "severity": "error (the report's numbers contradict each other or could not be read) or warning.",
        "table_name": "The fact table the check is about; NULL for whole-report problems.",
        "location": "Where: key=value pairs joined by ';' (row=partially_disclosed, applicant=total, "
                    "proceeding=administrative_review …).",
        "expected": "The value derived from other cells (sum of the parts, last year's figure); NULL when not a "
                    "comparison.",
        "actual": "The value being checked (the printed total, this year's figure, the prose figure); NULL when "
                  "not a comparison.",
        "message": "One readable sentence with both numbers.",
    },
    "ingest_state": {
        "override_key": "A hash of the metadata override applied to the file ('' when none): a changed override "
                        "re-processes the file.",
        "code_version": "A hash of the pipeline's code that built the report: new code re-processes every report once.",
        "source_sha256": "Full sha256 of the file's bytes when it was last hashed; NULL when it could not be read.",
        "size": "The file's size in bytes when it was hashed.",
        "mtime_ns": "The file's modification time (ns since the epoch) when it was hashed: a file whose size and "
                    "modification time are unchanged is not read again to plan a run.",
    },
    "code_labels": {
        "table_name": "The fact table whose column holds the code.",
        "column_name": "The column that holds the code.",
        "code": "The code stored in the column (lowercase ASCII).",
        "label": "The label as printed in the template (simplified Chinese).",
        "template": "gov2019 or gov2021 when only that format prints the label; NULL when both do (or pre-2019).",
    },
    "requests_by_year": {
        "received": "2019+: 本年新收 (new_received, 总计); before: 收到申请数 / 受理…总数 (requests.received). "
                    "Comparable across the break. NULL = blank or no table.",
        "processed": "2019+: （七）总计 (includes last year's carried-over applications); before: 申请答复数. Not "
                     "comparable across the break. NULL = blank or no table.",
        "granted": "2019+: （一）予以公开; before: 同意公开. Roughly comparable. NULL = blank or no table.",
        "partially_granted": "2019+: （二）部分公开; before: 同意部分公开. NULL = blank or no table.",
        "refused": "2019+: the eight （三）不予公开 rows (blank rows skipped); before: 不同意公开. Not comparable "
                   "across the break. NULL = blank or no table.",
    },
    "requests_by_outcome": {
        "received": "一、本年新收政府信息公开申请数量, 总计 column. NULL = blank cell or no table 三.",
        "carried_over": "二、上年结转政府信息公开申请数量, 总计 column. NULL = blank cell or no table 三.",
        "processed": "（七）总计 of 三、本年度办理结果, 总计 column. NULL = blank cell or no table 三.",
        "disclosed": "（一）予以公开, 总计 column. NULL = blank cell or no table 三.",
        "partially_disclosed": "（二）部分公开, 总计 column. NULL = blank cell or no table 三.",
        "withheld": "（三）不予公开: sum of its eight rows, 总计 column; NULL when any of them is blank or missing.",
        "unavailable": "（四）无法提供: sum of its three rows, 总计 column; NULL when any of them is blank or missing.",
        "not_processed": "（五）不予处理: sum of its five rows, 总计 column; NULL when any of them is blank or missing.",
        "other": "（六）其他处理: the one 2019 row, or the sum of the three 2021 rows (NULL when any is blank), "
                 "总计 column.",
        "carried_forward": "四、结转下年度继续办理, 总计 column. NULL = blank cell or no table 三.",
        "disclosure_rate": "(disclosed + partially_disclosed) / processed, a fraction 0–1; NULL when a part is "
                           "NULL or processed is 0.",
    },
    "review_outcomes": {
        "proceeding": "administrative_review 行政复议, litigation_direct 未经复议直接起诉, litigation_after_review "
                      "复议后起诉; pre-2019 reports: administrative_review or litigation (行政诉讼, not split).",
        "upheld": "结果维持 (pre-2019: 维持具体行政行为数). NULL = blank cell.",
        "corrected": "结果纠正 (pre-2019: 被依法纠错数). NULL = blank cell.",
        "other": "其他结果 / 驳回 (pre-2019: 其他情形数). NULL = blank cell.",
        "pending": "尚未审结; NULL for pre-2019 reports (their forms have no such row) or a blank cell.",
        "total": "总计 as printed (pre-2019: 行政复议数量 / 行政诉讼数量). NULL = blank cell.",
        "correction_rate": "corrected / (upheld + corrected + other), a fraction 0–1, cases still pending left out; "
                           "NULL when a part is NULL or no case was decided.",
    },
    "report_quality": {
        "failed_rules": "The distinct rule ids of the report's errors, comma-separated; NULL when none.",
        "warning_rules": "The distinct rule ids of the report's warnings, comma-separated; NULL when none.",
    },
}

#: gov_labels kinds → the (table, column) whose codes they are
LABEL_COLUMNS: dict[str, tuple[str, str]] = {
    "request_row": ("fact_requests", "row_code"),
    "applicant": ("fact_requests", "applicant"),
    "proceeding": ("fact_review_results", "proceeding"),
    "outcome": ("fact_review_results", "outcome"),
    "item": ("fact_proactive_disclosure", "item"),
    "measure": ("fact_proactive_disclosure", "measure"),
}

_CHINESE_NUMERALS = dict(zip("123456789", "一二三四五六七八九", strict=True))

CODE_LABELS_SCHEMA = {
    "table_name": pl.String, "column_name": pl.String, "code": pl.String, "label": pl.String,
    "template": pl.String,
}


def code_label_rows() -> list[tuple[str, str, str, str, str | None]]:
    """(table_name, column_name, code, label, template) for every code, from the label tables."""
    rows = [(*LABEL_COLUMNS[lab.kind], lab.code, lab.printed, lab.template)
            for lab in LABELS if lab.kind in LABEL_COLUMNS]
    articles = sorted({lab.article for lab in LABELS if lab.article})
    rows += [("fact_proactive_disclosure", "article", a, f"第二十条第（{_CHINESE_NUMERALS[a.split('.')[1]]}）项", None)
             for a in articles]
    rows += [("fact_legacy_indicators", "indicator_code", entry.code, entry.keys[0], None)
             for entry in LEGACY_LABELS if entry.code]
    return rows


def comment_for(table: str, column: str) -> str | None:
    return COLUMN_COMMENTS.get(table, {}).get(column) or SHARED_COMMENTS.get(column)


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def install_code_labels(con: duckdb.DuckDBPyConnection) -> None:
    labels = pl.DataFrame(code_label_rows(), schema=CODE_LABELS_SCHEMA, orient="row")
    con.register("code_labels_incoming", labels)
    con.execute("CREATE OR REPLACE TABLE code_labels AS SELECT * FROM code_labels_incoming")
    con.unregister("code_labels_incoming")


#: the warehouse's own relations (not DuckDB's catalog views, which live in the `system` database)
_OWN = "NOT internal AND database_name = current_database() AND schema_name = 'main'"


def install_comments(con: duckdb.DuckDBPyConnection) -> None:
    """COMMENT ON every table, view and column that has a description."""
    relations = con.sql(f"""SELECT table_name, 'TABLE' FROM duckdb_tables() WHERE {_OWN}
                            UNION ALL SELECT view_name, 'VIEW' FROM duckdb_views() WHERE {_OWN}""").fetchall()
    for name, kind in relations:
        if name in TABLE_COMMENTS:
            con.execute(f'COMMENT ON {kind} "{name}" IS {_quote(TABLE_COMMENTS[name])}')
    for table, column in con.sql(f"SELECT table_name, column_name FROM duckdb_columns() WHERE {_OWN}").fetchall():
        comment = comment_for(table, column)
        if comment:
            con.execute(f'COMMENT ON COLUMN "{table}"."{column}" IS {_quote(comment)}')


def install_catalog(con: duckdb.DuckDBPyConnection) -> None:
    """Primary copies, code_labels and every comment, on a connection whose tables and views exist."""
    mark_primary_copies(con)
    install_code_labels(con)
    install_comments(con)
