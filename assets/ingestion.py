"""The pipeline as assets, in reading order: raw files → report texts → sections, tables → issues → warehouse.

Each asset calls one stage function of `pipeline.ingest`; the work is there, not here.
"""


import dagster as dg
import polars as pl

from assets.resources import PipelinePaths
from pipeline import ingest
from pipeline.warehouse.load import write_warehouse

GROUP = "ogi"


def _preview(df: pl.DataFrame, n: int = 10) -> dg.MetadataValue:
    with pl.Config(tbl_formatting="MARKDOWN", tbl_hide_dataframe_shape=True, tbl_hide_column_data_types=True,
                   fmt_str_lengths=60, tbl_width_chars=400, tbl_cols=-1):
        return dg.MetadataValue.md(str(df.head(n)))


@dg.asset(group_name=GROUP, description="Every report file in the raw folder with its content hash.")
def raw_report_files(context: dg.AssetExecutionContext, paths: PipelinePaths) -> list[ingest.RawFile]:
    files = ingest.discover_raw_files(paths.raw_path)
    context.add_output_metadata({"dagster/row_count": len(files), "raw_dir": str(paths.raw_path)})
    return files


@dg.asset(group_name=GROUP, description="Decoded, normalized, simplified text of each report, with its metadata.")
def report_texts(
    context: dg.AssetExecutionContext, paths: PipelinePaths, raw_report_files: list[ingest.RawFile]
) -> list[ingest.ReportText]:
    reports = ingest.read_reports(
        raw_report_files, paths.raw_path, lambda i, n, msg: context.log.info(f"[{i}/{n}] {msg}"),
        cache=paths.parse_cache,
    )
    rows = pl.DataFrame([{k: r.row.get(k) for k in ("source_path", "issuer", "report_year", "template", "status")}
                         for r in reports])
    context.add_output_metadata({
        "dagster/row_count": len(reports),
        "failed": sum(r.text is None for r in reports),
        "preview": _preview(rows, 50),
    })
    return reports


@dg.asset(group_name=GROUP, description="Each report split at its top-level headings (report_sections).")
def report_sections(context: dg.AssetExecutionContext, report_texts: list[ingest.ReportText]) -> pl.DataFrame:
    sections = ingest.section_reports(report_texts)
    context.add_output_metadata({"dagster/row_count": sections.height,
                                 "preview": _preview(sections.select("report_id", "ordinal", "heading"))})
    return sections


@dg.asset(group_name=GROUP, description="Tables 二/三/四 and the pre-2019 indicator tables as fact frames.")
def fact_tables(
    context: dg.AssetExecutionContext, paths: PipelinePaths, report_texts: list[ingest.ReportText]
) -> ingest.Extraction:
    extraction = ingest.extract_tables(report_texts, cache=paths.parse_cache)
    context.add_output_metadata({
        **{f"rows/{t}": df.height for t, df in extraction.facts.items()},
        "extract_issues": extraction.issues.height,
    })
    return extraction


@dg.asset(group_name=GROUP, description="Every failed 勾稽关系 and extraction problem, one row each.")
def validation_issues(
    context: dg.AssetExecutionContext, report_texts: list[ingest.ReportText], fact_tables: ingest.Extraction
) -> pl.DataFrame:
    issues = ingest.validate(report_texts, fact_tables)
    context.add_output_metadata({"dagster/row_count": issues.height,
                                 "preview": _preview(issues.drop("message"), 20)})
    return issues


@dg.asset(group_name=GROUP, description="The DuckDB warehouse, rebuilt and published atomically.")
def warehouse(
    context: dg.AssetExecutionContext,
    paths: PipelinePaths,
    report_texts: list[ingest.ReportText],
    report_sections: pl.DataFrame,
    fact_tables: ingest.Extraction,
    validation_issues: pl.DataFrame,
) -> dg.MaterializeResult:
    reports = ingest.build_reports_frame(report_texts, fact_tables, validation_issues)
    counts = write_warehouse(paths.warehouse_path, {
        "reports": reports,
        "report_sections": report_sections,
        **fact_tables.facts,
        "validation_issues": validation_issues,
    })
    status = reports.group_by("status").len().sort("status")
    return dg.MaterializeResult(metadata={
        "path": str(paths.warehouse_path),
        **{f"rows/{t}": n for t, n in counts.items()},
        "status": _preview(status),
        "reports": _preview(reports.select("source_path", "issuer", "report_year", "template", "status",
                                           "n_errors", "n_warnings"), 50),
    })
