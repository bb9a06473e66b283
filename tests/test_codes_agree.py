"""The label table (what the extractor can emit) and the pandera models (what validation allows) name the
same codes, and both are the codes of DATA_MODEL.md, so neither can drift from the contract alone."""

import re
from pathlib import Path

import pytest

from pipeline.tables import labels as gov_labels
from schemas import facts

DATA_MODEL = (Path(__file__).resolve().parent.parent / "docs" / "DATA_MODEL.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "kind, allowed",
    [
        ("request_row", set(facts.REQUEST_ROWS)),
        ("applicant", set(facts.APPLICANTS)),
        ("proceeding", set(facts.PROCEEDINGS)),
        ("outcome", set(facts.REVIEW_OUTCOMES)),
        ("item", {i for items in facts.PROACTIVE_ITEMS.values() for i in items}),
        ("measure", set(facts.PROACTIVE_MEASURE_UNITS)),
    ],
)
def test_label_table_and_schema_name_the_same_codes(kind, allowed):
    emitted = set(gov_labels.codes(kind))
    assert emitted == allowed
    assert [c for c in emitted if not re.search(rf"(?<![a-z_]){c}(?![a-z_])", DATA_MODEL)] == []
