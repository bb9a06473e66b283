"""One asset check per rule family, attached to the table it checks: failure count and a sample of failures
naming reports by issuer and year.

Checks never block: the data loads unchanged and the failures are in `validation_issues`; the checks make them
visible in the UI at a glance (which reports fail, where, expected vs actual). They are reported by the
publishing step itself, which reads the published warehouse once.
"""

import dagster as dg
import duckdb

from pipeline.validation.families import FAMILY_DESCRIPTIONS, FAMILY_TABLES, RULE_FAMILIES

SAMPLE_SIZE = 20

RULE_FAMILY_CHECKS = [
    dg.AssetCheckSpec(f"{family}_rules", asset=FAMILY_TABLES[family], description=f"{family}.*: "
                      f"{FAMILY_DESCRIPTIONS[family]}", blocking=False)
    for family in RULE_FAMILIES
]


def _markdown(rows: list[tuple], header: tuple[str, ...]) -> str:
    def cell(v) -> str:
        return str("" if v is None else v).replace("|", "\\|").replace("\n", " ")[:160]

    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def family_results(con: duckdb.DuckDBPyConnection):
    """An AssetCheckResult per family, from the published warehouse."""
    for family in RULE_FAMILIES:
        prefix = f"{family}."
        n, n_reports, n_errors = con.sql(
            """SELECT count(*), count(DISTINCT report_id), count(*) FILTER (WHERE severity = 'error')
               FROM validation_issues WHERE starts_with(rule_id, $prefix)""", params={"prefix": prefix}
        ).fetchall()[0]
        by_rule = dict(con.sql("""SELECT rule_id, count(*) FROM validation_issues WHERE starts_with(rule_id, $prefix)
                                  GROUP BY rule_id ORDER BY rule_id""", params={"prefix": prefix}).fetchall())
        sample = con.sql(
            """SELECT coalesce(r.issuer, '(issuer unknown)') || ' ' || coalesce(CAST(r.report_year AS VARCHAR), '')
                      AS report, r.source_path, v.rule_id, v.location, v.expected, v.actual, v.message
               FROM validation_issues v JOIN reports r USING (report_id)
               WHERE starts_with(v.rule_id, $prefix)
               ORDER BY r.issuer, r.report_year, v.rule_id, v.location LIMIT $n""",
            params={"prefix": prefix, "n": SAMPLE_SIZE},
        ).fetchall()
        header = ("report", "file", "rule", "location", "expected", "actual", "message")
        yield dg.AssetCheckResult(
            asset_key=FAMILY_TABLES[family],
            check_name=f"{family}_rules",
            passed=n == 0,
            severity=dg.AssetCheckSeverity.ERROR if n_errors else dg.AssetCheckSeverity.WARN,
            metadata={
                "failures": dg.MetadataValue.int(n),
                "reports_failing": dg.MetadataValue.int(n_reports),
                "by_rule": dg.MetadataValue.json(by_rule),
                "sample": dg.MetadataValue.md(_markdown(sample, header) if n else "no failures"),
            },
        )
