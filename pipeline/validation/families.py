"""Every rule id, by family: the one list validation, the asset checks and the docs share.

A family is the rule id's prefix (`requests.row_sum` → `requests`); each family is one Dagster asset check.
`extract.*` ids are open-ended (`extract.<table>.<problem>`, written by the extractors), so that family
lists no ids of its own.
"""

from __future__ import annotations

from pipeline.validation.cross_year import CROSS_YEAR_RULES
from pipeline.validation.narrative import NARRATIVE_RULES
from schemas.facts import ARITHMETIC_RULES
from schemas.legacy import LEGACY_SUM_RULES

#: rules pandera's column checks give every fact table (codes, signs, keys, types)
SCHEMA_RULES = ("codes", "non_negative", "unique_key", "not_null", "dtype")


def _family(prefix: str, *extra: str) -> tuple[str, ...]:
    return (
        *(r for r in ARITHMETIC_RULES if r.startswith(f"{prefix}.")),
        *(f"{prefix}.{e}" for e in extra),
        *(f"{prefix}.{s}" for s in SCHEMA_RULES),
    )


RULE_FAMILIES: dict[str, tuple[str, ...]] = {
    "extract": (),
    "requests": _family("requests"),
    "review": _family("review"),
    "proactive": _family("proactive", "article_item", "unit"),
    "legacy": tuple(rule_id for rule_id, _total, _parts in LEGACY_SUM_RULES),
    "narrative": tuple(NARRATIVE_RULES),
    "cross_year": tuple(CROSS_YEAR_RULES),
}

#: what each family checks, as the asset checks describe it
FAMILY_DESCRIPTIONS: dict[str, str] = {
    "extract": "tables the template implies are missing, truncated or unreadable",
    "requests": "table 三: row sums, the printed balance, outcome sums, org subtotal",
    "review": "table 四: totals per proceeding",
    "proactive": "table 二: codes, units, non-negative counts, unique cells",
    "legacy": "pre-2019 统计表 sums",
    "narrative": "figures stated in the prose vs the tables",
    "cross_year": "carry-over and in-force counts vs the same issuer's previous report",
}


#: the warehouse table each family's check is attached to in the Dagster UI
FAMILY_TABLES: dict[str, str] = {
    "extract": "reports",
    "requests": "fact_requests",
    "review": "fact_review_results",
    "proactive": "fact_proactive_disclosure",
    "legacy": "fact_legacy_indicators",
    "narrative": "report_sections",
    "cross_year": "validation_issues",
}


def family_of(rule_id: str) -> str:
    return rule_id.partition(".")[0]
