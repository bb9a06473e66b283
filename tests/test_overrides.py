"""The override field table, value by value: what a meta.json or manifest.csv may set, and what is refused."""

from datetime import date

import pytest

from pipeline.reading.overrides import OVERRIDE_FIELDS, check_values

NEXT_YEAR = date.today().year + 1


@pytest.mark.parametrize(
    "field, given, stored",
    [
        ("report_year", 2019, 2019),
        ("report_year", "2019", 2019),  # manifest.csv values are text
        ("report_year", " 2008 ", 2008),
        ("report_year", 1990, 1990),
        ("report_year", NEXT_YEAR, NEXT_YEAR),
        ("template", "gov2021", "gov2021"),
        ("template", "stat2014", "stat2014"),
        ("template", "legacy", "legacy"),
        ("issuer", " 株洲市人民政府 ", "株洲市人民政府"),
        ("region", "湖南省", "湖南省"),
        ("url", "http://www.zhuzhou.gov.cn/c/2020-01-20/1.html", "http://www.zhuzhou.gov.cn/c/2020-01-20/1.html"),
    ],
)
def test_allowed_values(field, given, stored):
    assert check_values({field: given}, "a.txt.meta.json", "a.txt") == ({field: stored}, [])


@pytest.mark.parametrize(
    "field, given",
    [
        ("report_year", "abc"),
        ("report_year", 3000000000),
        ("report_year", 99999),
        ("report_year", -5),
        ("report_year", True),
        ("report_year", 2019.0),
        ("report_year", "2019年"),
        ("report_year", 1989),
        ("report_year", NEXT_YEAR + 1),
        ("report_year", [2019]),
        ("template", "gov2020"),
        ("template", "Gov2019"),
        ("template", "stat2019"),
        ("issuer", 123),
        ("issuer", "   "),
        ("issuer", "株洲\n市"),
        ("region", {"name": "湖南"}),
        ("url", "www.example.com"),
        ("url", "javascript:alert(1)"),
    ],
)
def test_refused_values_name_the_file_field_and_value(field, given):
    valid, [problem] = check_values({field: given}, "a.txt.meta.json", "a.txt")
    assert valid == {}
    assert (problem.source, problem.target, problem.field, problem.severity) == (
        "a.txt.meta.json", "a.txt", field, "error")
    assert problem.sentence.startswith(f"a.txt.meta.json: {field} ")


def test_empty_values_mean_not_given():
    assert check_values({"issuer": "", "report_year": None}, "manifest.csv", "a.txt") == ({}, [])


def test_every_metadata_field_has_a_row():
    assert [f.name for f in OVERRIDE_FIELDS] == ["issuer", "report_year", "template", "url", "region"]
