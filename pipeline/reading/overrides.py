"""Metadata overrides: `NAME.meta.json` beside a raw file, or a row of `manifest.csv` in the raw folder.

Every value is checked against OVERRIDE_FIELDS before it is used. A bad value is refused, never applied
and never dropped in silence: `load_overrides` returns it as an `OverrideProblem`, which the ingest records
as an `extract.override` error on the report it concerns. That report is still read, with the value
inferred from the text: its tables are real and worth loading, and the error (which makes it `partial`)
tells the user which file and field to fix. A problem that concerns no single report (a manifest that
cannot be decoded or parsed, an override for a file that is not there) becomes a `failed` row for the
override file itself. A meta.json value wins over the manifest's for the same field.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path, PurePosixPath

from pipeline.reading.discovery import OVERRIDE_SUFFIX, Entry, walk_raw_folder
from pipeline.reading.metadata import TEMPLATE_MARKERS, ReportMetadata

MANIFEST = "manifest.csv"
#: the manifest column naming the report (path relative to the raw folder), in order of preference
MANIFEST_FILE_COLUMNS = ("file", "source_path")
TEMPLATES = tuple(dict.fromkeys([*(name for name, _ in TEMPLATE_MARKERS), "legacy"]))
FIRST_YEAR = 1990


class Refused(ValueError):
    """An override value that is not allowed."""


def _text(value: object) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > 200 or re.search(r"[\x00-\x1f]", value):
        raise Refused
    return value.strip()


def _year(value: object) -> int:
    """A year as a JSON integer or digits; true/false and floats are not years."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise Refused
    if isinstance(value, str):
        if not re.fullmatch(r"[0-9]{4}", value.strip()):
            raise Refused
        value = int(value)
    if not FIRST_YEAR <= value <= date.today().year + 1:
        raise Refused
    return value


def _template(value: object) -> str:
    if value not in TEMPLATES:
        raise Refused
    return value


def _url(value: object) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"https?://\S{1,2000}", value.strip()):
        raise Refused
    return value.strip()


@dataclass(frozen=True)
class OverrideField:
    name: str
    parse: Callable[[object], object]  # the value to store; raises Refused
    allowed: str  # what is allowed, for the error sentence


OVERRIDE_FIELDS: tuple[OverrideField, ...] = (
    OverrideField("issuer", _text, "a name of at most 200 characters"),
    OverrideField("report_year", _year, f"a whole year from {FIRST_YEAR} to next year"),
    OverrideField("template", _template, "one of " + ", ".join(TEMPLATES) + " (exact case)"),
    OverrideField("url", _url, "an http:// or https:// address"),
    OverrideField("region", _text, "a name of at most 200 characters"),
)
META_FIELDS = tuple(f.name for f in OVERRIDE_FIELDS)


@dataclass(frozen=True)
class OverrideProblem:
    """A refused override: `source` is the override file, `target` the report it concerns (None: all of it)."""

    source: str
    target: str | None
    sentence: str
    field: str | None = None
    severity: str = "error"


def _shown(value: object) -> str:
    return json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else repr(value)


def check_values(values: dict, source: str, target: str, where: str | None = None
                 ) -> tuple[dict, list[OverrideProblem]]:
    """The allowed values of one override (empty ones mean 'not given'), and a problem per refused one."""
    valid, problems = {}, []
    where = where or source
    for spec in OVERRIDE_FIELDS:
        value = values.get(spec.name)
        if value is None or value == "":
            continue
        try:
            valid[spec.name] = spec.parse(value)
        except Refused:
            problems.append(OverrideProblem(
                source, target, f"{where}: {spec.name} {_shown(value)} refused, it must be {spec.allowed}; "
                f"the value read from the report is used instead", spec.name))
    return valid, problems


def _decode(data: bytes) -> tuple[str, str]:
    """Text of a user-written file: UTF-8 (with or without BOM), else GB18030 (Excel on Chinese Windows)."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise Refused


def _relative(name: str) -> str:
    """A manifest's file name as a source_path: `./a.txt` and `sub\\a.txt` (Windows) name a.txt and sub/a.txt."""
    name = name.strip().replace("\\", "/")
    return PurePosixPath(name).as_posix() if name else ""


def read_manifest(path: Path) -> tuple[dict[str, dict], list[OverrideProblem]]:
    """manifest.csv rows by file; a manifest that cannot be read or parsed is one problem and no rows."""
    def whole(why: str) -> tuple[dict, list[OverrideProblem]]:
        return {}, [OverrideProblem(MANIFEST, None, f"{MANIFEST}: {why}; none of its rows is applied")]

    try:
        text, _ = _decode(path.read_bytes())
    except OSError as exc:
        return whole(f"cannot be read ({exc.strerror})")
    except Refused:
        return whole("is neither UTF-8 nor GBK/GB18030 text")
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    rows: dict[str, dict] = {}
    problems: list[OverrideProblem] = []
    try:
        columns = reader.fieldnames or []
        file_column = next((c for c in MANIFEST_FILE_COLUMNS if c in columns), None)
        if file_column is None:
            return whole(f"has no {' or '.join(repr(c) for c in MANIFEST_FILE_COLUMNS)} column")
        for row in reader:
            line = reader.line_num
            name = _relative(row.get(file_column) or "")
            if not name:
                problems.append(OverrideProblem(MANIFEST, None, f"{MANIFEST}: line {line} names no file; skipped"))
                continue
            if None in row:  # more fields than the header: the values may be in the wrong columns
                problems.append(OverrideProblem(MANIFEST, name, f"{MANIFEST}: line {line} ({name}) has more fields "
                                                "than the header; none of its values is applied"))
                continue
            rows[name], refused = check_values(row, MANIFEST, name, f"{MANIFEST} (line {line})")
            problems += refused
    except csv.Error as exc:  # line_num still counts the lines before the record that failed
        return whole(f"line {reader.line_num + 1}: {exc}")
    return rows, problems


#: what json.loads returns → the JSON name of it, for the error sentence
JSON_KINDS = {list: "array", str: "string", int: "number", float: "number", bool: "true/false", type(None): "null"}


def read_meta_json(path: Path, source: str, target: str) -> tuple[dict, list[OverrideProblem]]:
    """One NAME.meta.json: its allowed values, and a problem for anything refused or unknown."""
    def refused(why: str) -> tuple[dict, list[OverrideProblem]]:
        return {}, [OverrideProblem(source, target, f"{source}: {why}; it is not applied")]

    try:
        text, _ = _decode(path.read_bytes())
        data = json.loads(text)
    except OSError as exc:
        return refused(f"cannot be read ({exc.strerror})")
    except Refused:
        return refused("is not UTF-8 text")
    except json.JSONDecodeError as exc:
        return refused(f"is not valid JSON (line {exc.lineno} column {exc.colno}: {exc.msg})")
    except RecursionError:
        return refused("is not valid JSON (nested too deep)")
    if not isinstance(data, dict):
        return refused(f"holds a JSON {JSON_KINDS.get(type(data), 'value')}, not an object")
    valid, problems = check_values(data, source, target)
    unknown = sorted(str(k) for k in data if k not in META_FIELDS)
    if unknown:
        problems.append(OverrideProblem(
            source, target, f"{source}: unknown field(s) {', '.join(unknown)} ignored (known: "
            f"{', '.join(META_FIELDS)})", severity="warning"))
    return valid, problems


def load_overrides(
    raw_dir: Path, entries: Iterable[Entry] | None = None
) -> tuple[dict[str, dict], list[OverrideProblem]]:
    """All valid overrides (relative path → {field: value}) and every refused one; never raises for bad input.
    `entries`: the folder's walk, when the caller has it already."""
    overrides: dict[str, dict] = {}
    problems: list[OverrideProblem] = []
    manifest = raw_dir / MANIFEST
    try:
        present = manifest.is_file()
    except OSError as exc:
        present, problems = False, [OverrideProblem(MANIFEST, None, f"{MANIFEST}: cannot be examined "
                                                    f"({exc.strerror}); none of its rows is applied")]
    if present:
        overrides, problems = read_manifest(manifest)
    sources = dict.fromkeys(overrides, MANIFEST)
    present = set()
    for entry in walk_raw_folder(raw_dir) if entries is None else entries:
        present.add(entry.source_path)
        if not entry.error and entry.path.name == MANIFEST and entry.source_path != MANIFEST:
            problems.append(OverrideProblem(entry.source_path, None, f"{entry.source_path}: only the raw folder's "
                                            f"own {MANIFEST} is read; this one is not applied"))
        if entry.error or not entry.source_path.endswith(OVERRIDE_SUFFIX):
            continue
        target = entry.source_path.removesuffix(OVERRIDE_SUFFIX)
        values, refused = read_meta_json(entry.path, entry.source_path, target)
        problems += refused
        if values:
            overrides[target] = {**overrides.get(target, {}), **values}
            sources[target] = entry.source_path
    for target in [t for t in overrides if t not in present]:
        problems.append(OverrideProblem(sources[target], None,
                                        f"{sources[target]}: there is no file {target} in the raw folder; "
                                        "its override is not applied"))
        del overrides[target]
    return overrides, problems


def apply_overrides(meta: ReportMetadata, override: dict | None) -> ReportMetadata:
    """Inferred metadata with the (already checked) override values put in."""
    if not override:
        return meta
    return ReportMetadata(**{**meta.__dict__, **override})
