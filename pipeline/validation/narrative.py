"""Figures stated in a report's prose, compared with its tables (narrative.* warnings).

The prose of 依申请公开 paragraphs restates table 三/四: 收到申请569件, 办结546件, 结转下一年度办理23件,
予以公开364件, 行政复议案件23件 … A figure that matches no table reading is a `narrative.<figure>`
warning quoting the sentence. Two tables drive it, both data:

* `FIGURES`: each figure's phrase pattern and the table quantities it may denote. Some phrases have
  more than one honest reading, and a figure is fine when it matches any of them: 收到申请N件 is the
  new applications or new + carried over (株洲: 收到569件（含结转68件）); 办结N件 is （七）总计 or only
  this year's new applications (平顶山: 受理702件 … 办结701件, the 11 from 2018 counted apart).
* `QUANTITIES`: each table quantity as a signed sum of cells of fact_requests (total column),
  fact_review_results or fact_legacy_indicators (the 2014 统计表: 同意部分公开 → requests.answered.partially_granted).

NULL policy: a quantity with a blank or missing cell is unknown; a figure whose readings are all
unknown is skipped. `expected` = the table value (first known reading), `actual` = the stated number.

Precision over recall: patterns only accept a number followed by 件 within a few characters of the
phrase, never across clause punctuation or table separators (TAB, |), and a sentence about something
else (网民留言, 信箱, 信访, 热线, 审批窗口 …) is ignored; 办结 needs a sentence that speaks of 申请.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import polars as pl

from pipeline import frames
from pipeline.common import fmt
from pipeline.tables.labels import group_rows

# --- table quantities ---------------------------------------------------------------------------

_WITHHELD = group_rows("withheld")
_UNAVAILABLE = group_rows("unavailable")
_NOT_PROCESSED = group_rows("not_processed")
_OTHER_SUB = group_rows("other")


def _requests(*rows: str, minus: tuple[str, ...] = ()) -> list[tuple[str, str, int]]:
    return [("requests", r, 1) for r in rows] + [("requests", r, -1) for r in minus]


#: quantity → (table name, location, [(source, cell key, sign)]); requests cells are the total column,
#: review cells are "proceeding.outcome", legacy cells are indicator codes
QUANTITIES: dict[str, tuple[str, str, list[tuple[str, str, int]]]] = {
    "new_received": ("fact_requests", "row=new_received;applicant=total", _requests("new_received")),
    "received_incl_carried": (
        "fact_requests", "row=new_received+carried_over;applicant=total",
        _requests("new_received", "carried_over"),
    ),
    "carried_over": ("fact_requests", "row=carried_over;applicant=total", _requests("carried_over")),
    "total_processed": ("fact_requests", "row=total_processed;applicant=total", _requests("total_processed")),
    "closed_new_only": (
        "fact_requests", "row=total_processed-carried_over;applicant=total",
        _requests("total_processed", minus=("carried_over",)),
    ),
    "carried_forward": ("fact_requests", "row=carried_forward;applicant=total", _requests("carried_forward")),
    "disclosed": ("fact_requests", "row=disclosed;applicant=total", _requests("disclosed")),
    "partially_disclosed": (
        "fact_requests", "row=partially_disclosed;applicant=total", _requests("partially_disclosed")
    ),
    "disclosed_and_partial": (
        "fact_requests", "row=disclosed+partially_disclosed;applicant=total",
        _requests("disclosed", "partially_disclosed"),
    ),
    "withheld": ("fact_requests", "row=withheld_*;applicant=total", _requests(*_WITHHELD)),
    "unavailable": ("fact_requests", "row=unavailable_*;applicant=total", _requests(*_UNAVAILABLE)),
    "not_processed": ("fact_requests", "row=not_processed_*;applicant=total", _requests(*_NOT_PROCESSED)),
    "other_single": ("fact_requests", "row=other;applicant=total", _requests("other")),
    "other_three": ("fact_requests", "row=other_*;applicant=total", _requests(*_OTHER_SUB)),
    "review_total": (
        "fact_review_results", "proceeding=administrative_review;outcome=total",
        [("review", "administrative_review.total", 1)],
    ),
    "litigation_total": (
        "fact_review_results", "proceeding=litigation_direct+litigation_after_review;outcome=total",
        [("review", "litigation_direct.total", 1), ("review", "litigation_after_review.total", 1)],
    ),
    "litigation_direct": (
        "fact_review_results", "proceeding=litigation_direct;outcome=total",
        [("review", "litigation_direct.total", 1)],
    ),
}
for _code in (
    "requests.received", "requests.closed", "requests.answered.granted",
    "requests.answered.partially_granted", "requests.answered.denied", "review.total", "litigation.total",
):
    QUANTITIES[f"legacy:{_code}"] = ("fact_legacy_indicators", f"indicator={_code}", [("legacy", _code, 1)])


# --- figures in the prose ------------------------------------------------------------------------

_GAP = r"[^\d。!?！？,，;；:：|\t]"  # may lie between a phrase and its number: no digits, no clause break
_NUMBER = r"(?P<n>\d{1,3}(?:,\d{3})+|\d+)\s*件"
#: words that, between a phrase and its number, make the number mean something else
_QUALIFIERS = ("纠错", "纠正", "维持", "败诉", "驳回", "撤销", "尚未", "其中", "增长", "增加", "减少", "下降",
               "同比", "较上年", "比上年", "占")
#: sentences about other counted things (网民留言, 市长信箱 …) are not about table 三
OFF_TOPIC = ("留言", "信箱", "信访", "热线", "来电", "网民", "提案", "12345", "审批", "窗口")
#: "holds one of the words" as one regex search each (an any() over a generator costs ~1 µs per word here)
_HOLDS_QUALIFIER = re.compile("|".join(map(re.escape, _QUALIFIERS)))
_HOLDS_OFF_TOPIC = re.compile("|".join(map(re.escape, OFF_TOPIC)))


@dataclass(frozen=True)
class Figure:
    rule_id: str
    pattern: re.Pattern
    tail: re.Pattern  # the same, anchored at the end of the text it searches
    readings: tuple[str, ...]  # QUANTITIES keys, most likely first
    needs_application: bool = False  # the sentence must speak of 申请
    literal: str = ""  # a string every match contains: a window without it is not searched


def _figure(name: str, phrase: str, gap: int, readings: tuple[str, ...], needs_application: bool = False,
            literal: str = "") -> Figure:
    source = rf"{phrase}(?P<gap>{_GAP}{{0,{gap}}}?){_NUMBER}"
    return Figure(f"narrative.{name}", re.compile(source), re.compile(source + r"\Z"), readings, needs_application,
                  literal)


FIGURES: tuple[Figure, ...] = (
    _figure("received", rf"(?:收到|受理|新收)(?:{_GAP}{{0,12}}?)申请", 6,
            ("new_received", "received_incl_carried", "legacy:requests.received"), literal="申请"),
    _figure("carried_over", r"(?:上一?年度?|\d{4}年度?)结转(?![至到下])", 14, ("carried_over",), literal="结转"),
    _figure("closed", r"办结(?<!按时办结)(?<!延期办结)(?<!并办结)", 6,
            ("total_processed", "closed_new_only", "legacy:requests.closed"), needs_application=True,
            literal="办结"),
    _figure("carried_forward", r"结转(?:至|到)?(?:下一?年度?|\d{4}年度?)", 8, ("carried_forward",), literal="结转"),
    _figure("disclosed_and_partial", r"(?:予以公开(?<!不予以公开)|同意公开(?<!不同意公开))(?:及|和|与|、)部分公开", 3,
            ("disclosed_and_partial",), literal="部分公开"),
    _figure("disclosed", r"(?:予以公开(?<!不予以公开)|同意公开(?<!不同意公开))(?![及和与、])", 3,
            ("disclosed", "legacy:requests.answered.granted"), literal="公开"),
    _figure("partially_disclosed", r"(?:同意部分公开(?<![及和与、]同意部分公开)|部分公开(?<![及和与、]部分公开))", 3,
            ("partially_disclosed", "legacy:requests.answered.partially_granted"), literal="部分公开"),
    _figure("withheld", r"(?:不予公开|不同意公开)", 3, ("withheld", "legacy:requests.answered.denied"),
            literal="公开"),
    _figure("unavailable", r"无法提供", 3, ("unavailable",), literal="无法提供"),
    _figure("not_processed", r"不予处理", 3, ("not_processed",), literal="不予处理"),
    _figure("other_processing", r"其他处理", 3, ("other_single", "other_three"), literal="其他处理"),
    _figure("review", r"行政复议", 6, ("review_total", "legacy:review.total"), literal="行政复议"),
    _figure("litigation", r"行政诉讼", 6, ("litigation_total", "litigation_direct", "legacy:litigation.total"),
            literal="行政诉讼"),
)
NARRATIVE_RULES = tuple(f.rule_id for f in FIGURES)

_SENTENCE_END_CHARS = "。!?！？"
_SENTENCE_END = re.compile(f"[{_SENTENCE_END_CHARS}]")
QUOTE_CHARS = 90


WINDOW = 64  # characters before 件 that a phrase, its gap, its number and a lookbehind can span


def stated_figures(text: str) -> list[dict]:
    """Every figure the prose states: rule_id, stated number, the sentence (quoted, whitespace-collapsed).

    Only the characters just before each "<digits>件" are tried against the figure patterns (anchored
    at the 件), which keeps this at ~0.3 ms per report (a regex scan of the whole text per figure cost 3x more).
    """
    flat = text.replace("\n", " ")  # PDF text wraps mid-sentence; same length, so offsets hold
    found, seen = [], set()
    p = flat.find("件")
    while p != -1:
        j = p - 1
        while j >= 0 and flat[j] == " ":
            j -= 1
        if j >= 0 and flat[j].isdigit():
            lo = max(0, p - WINDOW)
            window = flat[lo: p + 1]
            for figure in FIGURES:
                if figure.literal not in window:
                    continue
                m = figure.tail.search(window)
                if m is None or _HOLDS_QUALIFIER.search(m.group("gap")):
                    continue
                m_start = lo + m.start()
                start, end = _sentence_bounds(flat, m_start)
                sentence = flat[start:end]
                if _HOLDS_OFF_TOPIC.search(sentence):
                    continue
                if figure.needs_application and "申请" not in sentence:
                    continue
                stated = int(m.group("n").replace(",", ""))
                if (figure.rule_id, stated) in seen:
                    continue
                seen.add((figure.rule_id, stated))
                found.append({"rule_id": figure.rule_id, "stated": stated,
                              "sentence": _quote(sentence, m_start - start, p + 1 - start)})
        p = flat.find("件", p + 1)
    return found


def _sentence_bounds(flat: str, at: int) -> tuple[int, int]:
    """Start and end of the sentence holding position `at`: after the last sentence end before it, through the
    first one at or after it (or the text's ends)."""
    start = max(flat.rfind(c, 0, at) for c in _SENTENCE_END_CHARS) + 1
    after = _SENTENCE_END.search(flat, at)
    return start, after.end() if after else len(flat)


def _quote(sentence: str, m_start: int, m_end: int) -> str:
    """The sentence, whitespace collapsed, cut to QUOTE_CHARS around the match."""
    lo = max(0, min(m_start - QUOTE_CHARS // 2, len(sentence) - QUOTE_CHARS))
    cut = sentence[lo: max(m_end, lo + QUOTE_CHARS)]
    cut = re.sub(r"\s+", " ", cut).strip()
    return ("…" if lo > 0 else "") + cut + ("…" if lo + len(cut) < len(sentence.rstrip()) else "")


#: the tables above as frames, built once (joined per batch): QUANTITIES' terms, FIGURES' readings by rank,
#: each quantity's table and location
_TERMS = pl.DataFrame(
    [(q, src, key, sign, len(spec[2])) for q, spec in QUANTITIES.items() for src, key, sign in spec[2]],
    schema={"quantity": pl.String, "source": pl.String, "key": pl.String, "sign": pl.Int8, "n_terms": pl.Int32},
    orient="row",
)
_READINGS = pl.DataFrame(
    [(f.rule_id, q, rank) for f in FIGURES for rank, q in enumerate(f.readings)],
    schema={"rule_id": pl.String, "quantity": pl.String, "rank": pl.Int32}, orient="row",
)
_QUANTITY_INFO = pl.DataFrame(
    [(q, spec[0], spec[1]) for q, spec in QUANTITIES.items()],
    schema={"quantity": pl.String, "table_name": pl.String, "location": pl.String}, orient="row",
)


def table_quantities(facts: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """(report_id, quantity, value) for every quantity whose cells are all present and non-blank."""
    cells = []
    req = facts.get("fact_requests")
    if req is not None and req.height:
        cells.append(req.filter(pl.col("applicant") == "total").select(
            "report_id", source=pl.lit("requests"), key=pl.col("row_code"), value=pl.col("value").cast(pl.Float64)))
    rev = facts.get("fact_review_results")
    if rev is not None and rev.height:
        cells.append(rev.select("report_id", source=pl.lit("review"),
                                key=fmt("{}.{}", "proceeding", "outcome"),
                                value=pl.col("value").cast(pl.Float64)))
    leg = facts.get("fact_legacy_indicators")
    if leg is not None and leg.height:
        cells.append(leg.filter(pl.col("indicator_code").is_not_null()).select(
            "report_id", source=pl.lit("legacy"), key=pl.col("indicator_code"), value=pl.col("value")))
    empty = pl.DataFrame(schema={"report_id": pl.String, "quantity": pl.String, "value": pl.Float64})
    if not cells:
        return empty
    cells_df = pl.concat(cells).unique(["report_id", "source", "key"], keep="first", maintain_order=True)
    return (
        cells_df.join(_TERMS, on=["source", "key"])
        .group_by("report_id", "quantity")
        .agg((pl.col("value") * pl.col("sign")).sum().alias("value"),
             pl.col("value").count().alias("n_known"), pl.col("n_terms").first())
        .filter(pl.col("n_known") == pl.col("n_terms"))
        .select("report_id", "quantity", "value")
    )


def check_narrative(
    facts: dict[str, pl.DataFrame], reports: pl.DataFrame | None, texts: dict[str, str]
) -> pl.DataFrame:
    """narrative.* warnings: each stated figure that matches none of its known table readings."""
    stated = [{"report_id": rid, **f} for rid, text in texts.items() if text for f in stated_figures(text)]
    if not stated:
        return frames.empty("validation_issues")
    stated_df = pl.DataFrame(stated, schema={"report_id": pl.String, "rule_id": pl.String,
                                             "stated": pl.Int64, "sentence": pl.String})
    compared = (
        stated_df.join(_READINGS, on="rule_id")
        .join(table_quantities(facts), on=["report_id", "quantity"])
        .join(_QUANTITY_INFO, on="quantity")
        .sort("rank")
        .group_by("report_id", "rule_id", "stated", maintain_order=True)
        .agg(pl.all().first(), (pl.col("value") == pl.col("stated")).any().alias("matches"))
        .filter(~pl.col("matches"))
    )
    return frames.conform(
        compared.select(
            "report_id", "rule_id", "table_name", "location",
            severity=pl.lit("warning"),
            expected=pl.col("value"),
            actual=pl.col("stated").cast(pl.Float64),
            message=fmt(
                "The prose states {} in “{}”, but the table gives {} ({}).",
                pl.col("stated"), pl.col("sentence"), pl.col("value").cast(pl.Int64), pl.col("location"),
            ),
        ),
        "validation_issues",
    )
