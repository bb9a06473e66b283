"""Reading tables 二/三/四 straight from the text (pipeline.tables.by_text) gives exactly what the row-by-row
reading gives (gov.read_rows): on generated reports of every layout, with the keys learnt from other reports, and
on regions broken on purpose, which must either keep their key (other numbers) or fall back to the rows."""

from __future__ import annotations

import hashlib
import importlib.util
import random
import re
import sys
from collections import Counter
from pathlib import Path

import pytest

from pipeline.ingest import RawFile, read_one
from pipeline.tables import GOV_TEMPLATES, by_text, gov

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("generate_corpus", ROOT / "scripts" / "generate_corpus.py")
generate_corpus = sys.modules.get("generate_corpus") or importlib.util.module_from_spec(_spec)
if "generate_corpus" not in sys.modules:
    sys.modules["generate_corpus"] = generate_corpus
    _spec.loader.exec_module(generate_corpus)

LAYOUTS = sorted({layout for layout, _share in generate_corpus.LAYOUTS})


def _read(path: Path, root: Path) -> tuple[str, str, str] | None:
    name = path.relative_to(root).as_posix()
    report = read_one(RawFile(path, name, hashlib.sha256(name.encode()).hexdigest()))
    if report.text is None or report.row["template"] not in GOV_TEMPLATES:
        return None
    return path.name, report.row["report_id"], report.text


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> list[tuple[str, str, str]]:
    """(file name, report id, text) of the 2019/2021 reports of a generated corpus covering every layout."""
    raw = tmp_path_factory.mktemp("by_text") / "raw"
    generate_corpus.generate(160, raw, seed=11)
    found = [_read(path, raw) for path in sorted(raw.rglob("*")) if path.is_file() and ".truth" not in path.name]
    return [f for f in found if f is not None]


@pytest.fixture
def fresh_keys(monkeypatch):
    """An empty key cache; returns the list of (report id, through the text or not) of every reading."""
    monkeypatch.setattr(by_text, "_KNOWN", {})
    taken: list[bool] = []
    read_tables = by_text.read_tables

    def counting(*args, **kwargs):
        read = read_tables(*args, **kwargs)
        taken.append(read is not None)
        return read

    monkeypatch.setattr(by_text, "read_tables", counting)
    return taken


def _layout(name: str) -> str:
    """The layout a generated report's file name ends in (000005_html_gbk.html → html_gbk)."""
    return name.split(".")[0].split("_", 1)[1]


def _same_as_rows(text: str, report_id: str) -> None:
    facts, issues = gov.gov_table_columns(text, report_id)
    (row_facts, row_issues), _rows, _sections = gov.read_rows(text, report_id)
    assert issues == row_issues
    assert facts.keys() == row_facts.keys()
    for table, columns in facts.items():
        assert columns.lists == row_facts[table].lists, table


def test_every_layout_is_read_from_its_text_as_by_rows(generated, fresh_keys):
    by_layout = Counter()
    for _round in range(3):  # a shape is noted, then its key learnt, then read through it
        for name, report_id, text in generated:
            before = len(fresh_keys)
            _same_as_rows(text, report_id)
            if _round == 2 and len(fresh_keys) > before and fresh_keys[-1]:
                by_layout[_layout(name)] += 1
    assert set(by_layout) == set(LAYOUTS)  # every layout read through a key at least once
    assert sum(by_layout.values()) >= 0.8 * len(generated)


#: region edits: (edit of one table line, whether the text may still be read through a key: True when it keeps
#: its own, False when it must fall back, None when it may match another learnt key or none)
def _number_cell(line: str) -> re.Match | None:
    return re.search(r"(?<=[\t|])[ ]*\d+(?=[ ]*(?:[\t|]|$))", line)


def _replace_number(value: str) -> callable:
    def edit(line: str) -> str | None:
        m = _number_cell(line)
        return None if m is None else line[: m.start()] + value + line[m.end():]
    return edit


EDITS = {
    "other number": (_replace_number("98765"), True),
    "signed number": (_replace_number("增12"), True),
    "decimal number": (_replace_number("3.5"), True),  # a count that is no count: the rows word the issue
    "thousands": (_replace_number("1,234"), True),
    "not a number": (_replace_number("abc"), False),
    "amount in a count": (_replace_number("12万元"), None),
    "placeholder": (_replace_number("-"), None),
    "blank": (_replace_number(""), None),
    "number and letter": (_replace_number("12a"), False),
    "footer-like": (_replace_number("- 3 -"), None),
    "line twice": (lambda line: f"{line}\n{line}" if _number_cell(line) else None, None),
    "line dropped": (lambda line: "" if _number_cell(line) else None, None),
    "footer after": (lambda line: f"{line}\n- 3 -" if _number_cell(line) else None, None),
    "NUL": (lambda line: line + "\x00" if _number_cell(line) else None, False),
}


@pytest.mark.parametrize("edit_name", sorted(EDITS))
def test_edited_regions_keep_their_key_or_fall_back(generated, fresh_keys, monkeypatch, edit_name):
    edit, may_keep = EDITS[edit_name]
    for _round in range(2):  # every key learnt, then no more (so that no edited region is learnt)
        for _name, report_id, text in generated:
            gov.gov_table_columns(text, report_id)
    monkeypatch.setattr(by_text, "learn", lambda *args: None)
    rng = random.Random(edit_name)
    kept = 0
    for name, report_id, text in generated:
        region = by_text.find_region(text)
        if region is None:
            continue
        lines = text[region.start : region.end].split("\n")
        candidates = [k for k, line in enumerate(lines) if _number_cell(line)]
        if not candidates:
            continue
        k = rng.choice(candidates)
        lines[k] = edit(lines[k])
        edited = text[: region.start] + "\n".join(lines) + text[region.end :]
        before = len(fresh_keys)
        _same_as_rows(edited, report_id)
        kept += len(fresh_keys) > before and fresh_keys[-1]
        if may_keep is False:
            assert not (len(fresh_keys) > before and fresh_keys[-1]), (name, edit_name)
    if may_keep and edit_name != "decimal number":
        assert kept > 0


def test_a_table_heading_or_a_tab_before_the_region_falls_back(generated, fresh_keys, monkeypatch):
    for _round in range(2):
        for _name, report_id, text in generated:
            gov.gov_table_columns(text, report_id)
    monkeypatch.setattr(by_text, "learn", lambda *args: None)
    for _name, report_id, text in generated[:20]:
        region = by_text.find_region(text)
        heading = text[region.start : text.find("\n", region.start)]
        for prefix in (f"{heading}\n", f"{heading}\t\n", "a\tb\n", "a | b\n", f"**{heading}**\n"):
            before = len(fresh_keys)
            edited = text[: region.start] + prefix + text[region.start:]
            _same_as_rows(edited, report_id)
            assert len(fresh_keys) == before  # not read through a key


def test_a_key_pattern_takes_the_tokens_masking_takes():
    region = "二、主动公开政府信息情况\n规章\t12\t增 5 件\t1,234\t3.5\n| 4 |5|\n行政许可 97\n\t7\n五、存在的主要问题"
    key, tokens = by_text.masked(region)
    assert tokens == ["12", "增 5", "1,234", "3.5", "4", "5", "7"]
    assert "97" in key and key.count(by_text.NUMBER_MARK) == len(tokens)
    m = by_text.key_pattern(key).fullmatch(region)
    assert m is not None and list(m.groups()) == tokens
    other = region.replace("\t12\t", "\t-8\t").replace("增 5", "减 60")
    m = by_text.key_pattern(key).fullmatch(other)
    assert m is not None and by_text.masked(other)[0] == key and list(m.groups()) == by_text.masked(other)[1]
    for broken in (region.replace("97", "98"), region.replace("\t12\t", "\t12a\t"), region.replace("|5|", "|5|6|")):
        m = by_text.key_pattern(key).fullmatch(broken)
        assert m is None or not by_text._are_tokens(m.groups()) or by_text.masked(broken)[0] == key


def test_learning_stops_at_its_budget_and_known_keys_are_still_read(generated, fresh_keys, monkeypatch):
    monkeypatch.setattr(by_text, "KEYS_LEARNT", 2)
    monkeypatch.setattr(by_text, "SHAPES_NOTED", 3)
    for _round in range(3):
        for _name, report_id, text in generated:
            _same_as_rows(text, report_id)  # the same facts whatever the budget
    assert len(by_text._KNOWN) == 3 and sum(map(len, by_text._KNOWN.values())) == 2
    assert any(fresh_keys)  # the keys learnt are read through
    read_before = len(fresh_keys)
    for _name, report_id, text in generated:
        _same_as_rows(text, report_id)
    assert 0 < len(fresh_keys) - read_before < len(generated)  # only the regions of the two keys, the rest by rows
