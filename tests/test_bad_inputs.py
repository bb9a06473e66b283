"""Issue #13, the input side: nothing a user puts in the raw folder aborts a run or is lost in silence.

Each case puts one bad thing in a raw folder next to two good seed reports, runs `ogi-ingest` (pipeline.run.main)
and checks: exit code 0, both good reports loaded with the issuer and year printed in their titles (株洲市2019年…,
平顶山市人民政府2019年…), and one recorded row naming the file and the problem (a `failed` reports row, or an
`extract.override` issue on the report concerned). The suite runs as root, which reads any file: a non-root
read is simulated by chmod and, under root, by making the open fail as the kernel would.
"""

from __future__ import annotations

import errno
import json
import os
import pathlib
import shutil
from pathlib import Path

import duckdb
import pytest

from pipeline.run import main
from tests.conftest import seed

GOOD = {
    "000_683ce4d00f0cce4b.txt": ("株洲市", 2019),
    "004_2b7bc92f2bdde0c7.txt": ("平顶山市人民政府", 2019),
}
ZHUZHOU = "000_683ce4d00f0cce4b.txt"
AS_ROOT = os.geteuid() == 0


@pytest.fixture
def raw(tmp_path) -> Path:
    folder = tmp_path / "raw"
    folder.mkdir()
    for name in GOOD:
        shutil.copy(seed(name[:3]), folder / name)
    return folder


def ingest(raw: Path) -> tuple[dict[str, dict], list[dict]]:
    """Run ogi-ingest; assert it published with rc 0 and loaded both good reports' tables; return the
    reports by source_path and the extract.override issues (with their report's source_path)."""
    warehouse = raw.parent / "warehouse" / "ogi.duckdb"
    assert main(["--raw", str(raw), "--warehouse", str(warehouse), "--quiet", "--no-cache"]) == 0
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        reports = {r["source_path"]: r for r in con.sql("SELECT * FROM reports").pl().iter_rows(named=True)}
        issues = con.sql("""SELECT r.source_path, i.* FROM validation_issues i JOIN reports r USING (report_id)
                            WHERE i.rule_id = 'extract.override'""").pl().to_dicts()
        loaded = dict(con.sql("SELECT r.source_path, count(*) FROM fact_requests JOIN reports r USING (report_id) "
                              "GROUP BY ALL").fetchall())
    finally:
        con.close()
    for name, (issuer, year) in GOOD.items():
        assert (reports[name]["issuer"], reports[name]["report_year"]) == (issuer, year)
        assert loaded.get(name, 0) > 0
    return reports, issues


def failed(reports: dict[str, dict], source_path: str) -> str:
    row = reports[source_path]
    assert row["status"] == "failed"
    assert row["error"].startswith(f"{source_path}: ")
    return row["error"]


def deny(monkeypatch, path: Path, attribute: str, owner=pathlib.Path) -> None:
    """Make `owner.attribute(path)` fail with EACCES, as it does for a non-root user after chmod 000."""
    real = getattr(owner, attribute)

    def denied(target, *args, **kwargs):
        if not isinstance(target, int) and os.fspath(target) == os.fspath(path):  # (shutil passes fds)
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(target))
        return real(target, *args, **kwargs)

    monkeypatch.setattr(owner, attribute, denied)


# ---------------------------------------------------------------- files that used to abort the run


def test_file_without_read_permission(raw, monkeypatch):
    locked = raw / "locked.txt"
    shutil.copy(seed("002"), locked)
    locked.chmod(0)
    if AS_ROOT:
        deny(monkeypatch, locked, "read_bytes")
    try:
        reports, _ = ingest(raw)
    finally:
        locked.chmod(0o644)
    assert failed(reports, "locked.txt") == "locked.txt: cannot be read (Permission denied)."
    assert reports["locked.txt"]["source_sha256"] is None


def test_file_name_that_is_not_utf8_is_read_and_shown_with_escapes(raw):
    # 株洲 in GBK, as a zip made on Chinese Windows leaves it
    with open(os.fsencode(raw) + b"/\xd6\xea\xd6\xde.txt", "wb") as fh:
        fh.write(seed("002").read_bytes())
    reports, _ = ingest(raw)
    row = reports["\\xd6\\xea\\xd6\\xde.txt"]
    assert (row["status"], row["issuer"], row["report_year"]) == ("ok", "湘潭市", 2016)


@pytest.mark.parametrize(
    "content, problem",
    [
        ("[2019]", "holds a JSON array, not an object"),
        ('"2019"', "holds a JSON string, not an object"),
        ('{"issuer": "株洲市人民政府",', "is not valid JSON (line 1 column"),
        ("\ufeff{'issuer': 'x'}", "is not valid JSON"),
    ],
)
def test_meta_json_that_is_not_an_object(raw, content, problem):
    (raw / f"{ZHUZHOU}.meta.json").write_text(content, encoding="utf-8")
    reports, issues = ingest(raw)
    [issue] = issues
    assert issue["source_path"] == ZHUZHOU and issue["severity"] == "error"
    assert issue["message"].startswith(f"{ZHUZHOU}.meta.json: {problem}")
    assert reports[ZHUZHOU]["status"] == "partial"


@pytest.mark.parametrize(
    "year, shown",
    [("abc", "'abc'"), (3000000000, "3000000000"), (99999, "99999"), (-5, "-5"), (True, "true"),
     (2019.0, "2019.0"), (1989, "1989")],
)
def test_implausible_report_year_in_meta_json_is_refused(raw, year, shown):
    (raw / f"{ZHUZHOU}.meta.json").write_text(json.dumps({"report_year": year, "region": "湖南"}), encoding="utf-8")
    reports, issues = ingest(raw)
    [issue] = issues
    assert issue["location"] == "field=report_year"
    assert issue["message"].startswith(f"{ZHUZHOU}.meta.json: report_year {shown} refused, it must be a whole year")
    assert (reports[ZHUZHOU]["report_year"], reports[ZHUZHOU]["region"]) == (2019, "湖南")  # the rest applies


@pytest.mark.parametrize("year", ["abc", "3000000000", "99999", "-5", "true"])
def test_implausible_report_year_in_manifest_is_refused(raw, year):
    (raw / "manifest.csv").write_text(f"file,report_year\n{ZHUZHOU},{year}\n", encoding="utf-8")
    reports, issues = ingest(raw)
    [issue] = issues
    assert issue["source_path"] == ZHUZHOU
    assert issue["message"].startswith(f"manifest.csv (line 2): report_year '{year}' refused")
    assert reports[ZHUZHOU]["report_year"] == 2019


def test_manifest_saved_in_gbk(raw):
    (raw / "manifest.csv").write_bytes(f"file,region\n{ZHUZHOU},湖南省株洲市\n".encode("gbk"))
    reports, issues = ingest(raw)
    assert issues == []
    assert reports[ZHUZHOU]["region"] == "湖南省株洲市"


def test_manifest_row_with_a_missing_field(raw):
    (raw / "manifest.csv").write_text(f"file,region,url\n{ZHUZHOU},湖南省\n", encoding="utf-8")
    reports, issues = ingest(raw)
    assert issues == []
    assert (reports[ZHUZHOU]["region"], reports[ZHUZHOU]["url"]) == ("湖南省", None)


def test_manifest_with_an_unclosed_quote_is_one_failed_row(raw):
    (raw / "manifest.csv").write_text(f'file,region\n{ZHUZHOU},"湖南省\n', encoding="utf-8")
    reports, _ = ingest(raw)
    assert failed(reports, "manifest.csv") == (
        "manifest.csv: line 2: unexpected end of data; none of its rows is applied.")
    assert reports[ZHUZHOU]["region"] is None


def test_manifest_and_meta_json_naming_a_missing_file(raw):
    (raw / "manifest.csv").write_text("file,region\nreports/typo.txt,湖南省\n", encoding="utf-8")
    (raw / "gone.txt.meta.json").write_text('{"region": "湖南省"}', encoding="utf-8")
    reports, _ = ingest(raw)
    assert "there is no file reports/typo.txt in the raw folder" in failed(reports, "manifest.csv")
    assert "there is no file gone.txt in the raw folder" in failed(reports, "gone.txt.meta.json")


# ---------------------------------------------------------------- what used to be lost in silence


@pytest.mark.parametrize("template", ["gov2020", "Gov2019", "GOV2021", " legacy"])
def test_template_override_with_a_typo_is_refused(raw, template):
    (raw / f"{ZHUZHOU}.meta.json").write_text(json.dumps({"template": template}), encoding="utf-8")
    reports, issues = ingest(raw)
    [issue] = issues
    assert issue["message"] == (f"{ZHUZHOU}.meta.json: template {template!r} refused, it must be one of gov2021, "
                                "gov2019, legacy, stat2014 (exact case); the value read from the report is used "
                                "instead.")
    assert reports[ZHUZHOU]["template"] == "gov2019"  # the 2019 form, as its tables show


def test_unknown_field_in_meta_json_is_a_warning(raw):
    (raw / f"{ZHUZHOU}.meta.json").write_text('{"report_yaer": 2020}', encoding="utf-8")
    reports, issues = ingest(raw)
    [issue] = issues
    assert issue["severity"] == "warning" and "unknown field(s) report_yaer ignored" in issue["message"]
    assert (reports[ZHUZHOU]["status"], reports[ZHUZHOU]["report_year"]) == ("ok", 2019)


def test_broken_symlink(raw):
    (raw / "latest.txt").symlink_to("downloads/missing.txt")
    reports, _ = ingest(raw)
    assert failed(reports, "latest.txt") == (
        "latest.txt: broken symbolic link (its target downloads/missing.txt does not exist); skipped.")


def test_symlink_loop_between_two_files(raw):
    (raw / "a.txt").symlink_to("b.txt")
    (raw / "b.txt").symlink_to("a.txt")
    reports, _ = ingest(raw)
    assert "symbolic link loop (it points to b.txt" in failed(reports, "a.txt")
    assert "symbolic link loop (it points to a.txt" in failed(reports, "b.txt")


def test_symlink_to_a_folder_above_is_read_once(raw):
    (raw / "sub").mkdir()
    (raw / "sub" / "again").symlink_to("..")
    reports, _ = ingest(raw)
    assert "already read" in failed(reports, "sub/again")
    assert len(reports) == 3


def test_unreadable_sub_folder(raw, monkeypatch):
    sub = raw / "2020"
    sub.mkdir()
    shutil.copy(seed("002"), sub / "xiangtan.txt")
    sub.chmod(0)
    if AS_ROOT:
        deny(monkeypatch, sub, "scandir", os)
    try:
        reports, _ = ingest(raw)
    finally:
        sub.chmod(0o755)
    assert failed(reports, "2020") == "2020: folder cannot be read (Permission denied); the files in it are not ingested."


@pytest.mark.parametrize("name", [".draft.txt", "._000.txt"])
def test_hidden_file_is_recorded_not_ingested(raw, name):
    shutil.copy(seed("002"), raw / name)
    (raw / ".gitkeep").touch()  # the folder's own bookkeeping: no row
    reports, _ = ingest(raw)
    assert failed(reports, name) == f"{name}: hidden file (its name starts with '.'); skipped, rename it to ingest it."
    assert len(reports) == 3


def test_hidden_folder_is_one_row(raw):
    (raw / ".git" / "objects").mkdir(parents=True)
    (raw / ".git" / "objects" / "x").write_bytes(b"\x00blob")
    reports, _ = ingest(raw)
    assert "hidden folder" in failed(reports, ".git")
    assert len(reports) == 3


def test_fifo_is_recorded_not_opened(raw):
    os.mkfifo(raw / "pipe.txt")
    reports, _ = ingest(raw)
    assert "not a regular file" in failed(reports, "pipe.txt")


# ---------------------------------------------------------------- records that used to be wrong or unclear


def _as_html(text: str, charset: str) -> str:
    body = "".join(f"<p>{line}</p>\n" for line in text.splitlines())
    return f'<html><head><meta charset="{charset}"></head><body><div class="content">{body}</div></body></html>'


def test_gbk_page_declaring_utf8_is_recorded_as_gb18030(raw):
    page = _as_html(seed("002").read_text(encoding="utf-8"), "utf-8").encode("gbk")
    (raw / "xiangtan.html").write_bytes(page)
    reports, _ = ingest(raw)
    row = reports["xiangtan.html"]
    assert (row["status"], row["issuer"], row["report_year"], row["encoding"]) == ("ok", "湘潭市", 2016, "gb18030")


def test_gbk_page_declaring_gbk_keeps_the_declared_name(raw):
    page = _as_html(seed("002").read_text(encoding="utf-8"), "GBK").encode("gbk")
    (raw / "xiangtan.html").write_bytes(page)
    reports, _ = ingest(raw)
    assert reports["xiangtan.html"]["encoding"] == "gbk"


def test_nul_byte_after_the_first_8000_bytes_is_binary(raw):
    data = seed("002").read_bytes()
    cut = data.index(b"\n", 9000) + 1
    (raw / "damaged.txt").write_bytes(data[:cut] + b"\x00" + data[cut:])
    reports, _ = ingest(raw)
    assert failed(reports, "damaged.txt") == (
        "damaged.txt: the file is binary (it contains NUL bytes), not a text report.")


@pytest.mark.parametrize("depth, readable", [(300, True), (1500, True), (5000, True), (20000, False)])
def test_deeply_nested_page(raw, depth, readable):
    """Read whole at any depth while the page has fewer than NESTING_CHECK_TAGS tags (lexbor stays fast); a page
    with more is refused beyond libxml2's 2,048 levels (lexbor's parse time grows with the square of the depth)."""
    text = seed("002").read_text(encoding="utf-8")
    page = _as_html(text, "utf-8").replace("<body>", "<body>" + "<div>" * depth)
    (raw / "deep.html").write_text(page, encoding="utf-8")
    reports, _ = ingest(raw)
    if readable:
        row = reports["deep.html"]
        assert (row["status"], row["issuer"], row["report_year"]) == ("ok", "湘潭市", 2016)
    else:
        assert failed(reports, "deep.html") == (
            "deep.html: the HTML page nests its elements more than 2048 levels deep, beyond what the HTML parser "
            "(libxml2) reads, so its text cannot be read whole.")


def test_manifest_in_a_sub_folder_is_not_applied_and_says_so(raw):
    (raw / "2019").mkdir()
    (raw / "2019" / "manifest.csv").write_text(f"file,region\n{ZHUZHOU},湖南省\n", encoding="utf-8")
    reports, _ = ingest(raw)
    assert failed(reports, "2019/manifest.csv") == (
        "2019/manifest.csv: only the raw folder's own manifest.csv is read; this one is not applied.")


def test_unreadable_raw_folder_publishes_nothing_and_keeps_the_warehouse(raw, monkeypatch, capsys):
    reports, _ = ingest(raw)
    warehouse = raw.parent / "warehouse" / "ogi.duckdb"
    before = warehouse.read_bytes()
    raw.chmod(0)
    if AS_ROOT:
        deny(monkeypatch, raw, "scandir", os)
    try:
        rc = main(["--raw", str(raw), "--warehouse", str(warehouse), "--quiet", "--no-cache"])
    finally:
        raw.chmod(0o755)
    assert rc == 2
    assert capsys.readouterr().err == (f"error: raw folder {raw} cannot be read (Permission denied); "
                                       "the warehouse is left as it was\n")
    assert warehouse.read_bytes() == before
