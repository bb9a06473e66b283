"""pandera (polars backend) models of the fact frames, with the templates' 勾稽关系 as dataframe checks.

One model per fact table. Column checks hold the contract of DATA_MODEL.md (types, allowed codes,
non-negative counts, unique keys); dataframe-level checks hold the arithmetic the templates print.
Every dataframe check returns a row-aligned boolean mask (False = "this cell's group fails the rule",
blamed on the cell that holds the printed total) and is written so that one validate call over the
frame of *all* reports does the work: every sum is a window over (report_id, group), never a loop.

The checks are named by rule id (`requests.row_sum` …); `pipeline.validation.rules` turns their failure
cases into `validation_issues` rows, using the `ArithmeticRule` objects below to recompute the two
numbers and the location for each failing group.

Blank cells (NULL) are never read as 0.  A count is unknown but non-negative, so each rule compares
two sides, each a sum of cells, and decides like this:
  * both sides complete (no NULL and no missing cell)  -> fail when the sums differ;
  * one side complete, the other has blanks            -> fail only when the incomplete side's known
    cells already exceed the complete side (no value of the blanks can make it add up);
  * neither side complete (e.g. the printed total is blank) -> skipped, no issue.
So a blank part under a printed total is skipped unless it is certainly wrong; a missing row counts
as a blank. `expected` is the side computed from the parts, `actual` the printed total.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandera.polars as pa
import polars as pl
from pandera.api.polars.types import PolarsData

from pipeline.common import fmt
from pipeline.frames import TABLE_KEYS, column_types
from pipeline.tables.labels import (  # noqa: F401  (re-exported: the rules' vocabulary)
    APPLICANT_PARTS,
    BALANCE_ROWS,
    LABELS,
    ORG_APPLICANTS,
    OTHER_SUB_ROWS,
    OUTCOME_ORDER,
    OUTCOME_ROWS,
    PROCEEDING_ORDER,
    REQUEST_ROWS,
    REVIEW_PARTS,
    codes,
)

# --- codes and the template's arithmetic roles: from the label tables (pipeline.tables.labels) ----

APPLICANTS = codes("applicant")
PROCEEDINGS = PROCEEDING_ORDER
REVIEW_OUTCOMES = OUTCOME_ORDER

#: table 二: which items each article lists, and each measure's unit
PROACTIVE_ITEMS: dict[str, tuple[str, ...]] = {
    article: tuple(label.code for label in LABELS if label.kind == "item" and label.article == article)
    for article in dict.fromkeys(label.article for label in LABELS if label.kind == "item")
}
PROACTIVE_MEASURE_UNITS: dict[str, str] = {label.code: label.unit for label in LABELS if label.kind == "measure"}
SIGNED_MEASURES = ("change",)  # 本年增/减: 减5711 -> -5711
ARTICLE_ITEMS = tuple(f"{a}|{i}" for a, items in PROACTIVE_ITEMS.items() for i in items)


# --- the arithmetic rules ------------------------------------------------------------------------


@dataclass(frozen=True)
class Side:
    """One side of an equation: the sum of the cells `cells` selects, within a group."""

    cells: pl.Expr  # which rows of the group belong to this side
    n_cells: int | pl.Expr  # how many cells a complete side has
    description: str  # for the message


def _side_cells(side: Side) -> pl.Expr:
    """The values of the side's cells, NULL elsewhere: a side's sum is their sum within the group, and it is
    complete when their count (the known cells) is `n_cells`."""
    return pl.when(side.cells).then(pl.col("value"))


def _fails(prefix: str) -> pl.Expr:
    """The decision from the side columns named `prefix`expected … (see the NULL policy in the module doc)."""
    e, a = pl.col(f"{prefix}expected"), pl.col(f"{prefix}actual")
    ec, ac = pl.col(f"{prefix}parts_complete"), pl.col(f"{prefix}printed_complete")
    return (ec & ac & (e != a)) | (ac & ~ec & (e > a)) | (ec & ~ac & (a > e))


_E, _A = pl.col("__expected"), pl.col("__actual")
_EC, _AC = pl.col("__parts_complete"), pl.col("__printed_complete")
FAILS = _fails("__")


@dataclass(frozen=True)
class ArithmeticRule:
    """`parts` (expected) must equal `printed` (actual) within every group of `group_by`."""

    rule_id: str
    table: str
    group_by: tuple[str, ...]  # besides report_id
    parts: Side
    printed: Side
    blamed: pl.Expr  # the row of the group the mask marks False (the printed total cell)
    location: pl.Expr
    subject: pl.Expr  # "table 三 row partially_disclosed", for the message
    prepare: tuple[pl.Expr, ...] = ()  # helper columns the sides refer to, computed first (ROW_POSITION given)

    def with_sides(self, frame: pl.LazyFrame | pl.DataFrame):
        """`frame` plus the side columns __expected, __actual, __parts_complete, __printed_complete.

        Staged (helpers, then each side's cells, then the four windows, then the decision) so each window runs once.
        """
        return self.prepared(frame).with_columns(self.side_cells("__")).with_columns(self.side_windows("__"))

    def prepared(self, frame: pl.LazyFrame | pl.DataFrame):
        """`frame` plus the helper columns of `prepare` (and the ROW_POSITION they may use)."""
        if not self.prepare:
            return frame
        names = frame.collect_schema().names() if isinstance(frame, pl.LazyFrame) else frame.columns
        if ROW_POSITION not in names:
            frame = frame.with_row_index(ROW_POSITION)
        return frame.with_columns(*self.prepare)

    def side_cells(self, prefix: str) -> list[pl.Expr]:
        """Each side's cell values (NULL outside the side), named `prefix`parts_cells and …printed_cells (they
        need the `prepare` columns): computed row by row first, so that the windows are plain sums and counts
        (a when/then inside a window costs ~25 % more, polars 2.1)."""
        return [_side_cells(self.parts).alias(f"{prefix}parts_cells"),
                _side_cells(self.printed).alias(f"{prefix}printed_cells")]

    def side_windows(self, prefix: str) -> list[pl.Expr]:
        """The four window columns of the sides, named `prefix`expected, …actual, …parts_complete,
        …printed_complete (they need the `side_cells` columns)."""
        g = ["report_id", *self.group_by]
        parts, printed = pl.col(f"{prefix}parts_cells"), pl.col(f"{prefix}printed_cells")
        return [
            parts.sum().over(g).alias(f"{prefix}expected"),
            printed.sum().over(g).alias(f"{prefix}actual"),
            (parts.count().over(g) == self.parts.n_cells).alias(f"{prefix}parts_complete"),
            (printed.count().over(g) == self.printed.n_cells).alias(f"{prefix}printed_complete"),
        ]

    def mask(self, frame: pl.LazyFrame) -> pl.LazyFrame:
        """One boolean column: True for every row except the blamed cell of a failing group.

        Collected here without `cluster_with_columns`: fusing the staged with_columns into one
        projection re-evaluates the windows (measured 3x slower on 1.7M rows, polars 2.1).
        """
        plan = self.with_sides(frame).select((~(self.blamed & FAILS)).alias(self.rule_id))
        return plan.collect(optimizations=pl.QueryOptFlags(cluster_with_columns=False)).lazy()

    def numbers(self, frame: pl.DataFrame) -> pl.DataFrame:
        """`frame` plus expected, actual and complete, for the issue rows of failing groups."""
        return self.with_sides(frame).with_columns(
            expected=_E.cast(pl.Float64), actual=_A.cast(pl.Float64), complete=_EC & _AC
        )

    def wording(self) -> list[pl.Expr]:
        """location and message, from the columns `numbers()` made (no windows: safe to format)."""
        message = fmt(
            "{}: {} {} but {} = {}{}",
            self.subject,
            pl.lit(self.parts.description),
            pl.col("expected").cast(pl.Int64),
            pl.lit(self.printed.description),
            pl.col("actual").cast(pl.Int64),
            pl.when(pl.col("complete"))
            .then(pl.lit("."))
            .otherwise(pl.lit(" (some cells are blank; the known cells alone already break the rule)."))
        )
        return [self.location.alias("location"), message.alias("message")]


_row, _app = pl.col("row_code"), pl.col("applicant")
#: the row's position in the frame, a column `prepare` expressions may use (added before them)
ROW_POSITION = "__row_position"
_proc, _outcome = pl.col("proceeding"), pl.col("outcome")

# （六）其他处理: the three 2021 sub-rows when a report prints any of them, else the single row.
_has_other_sub = pl.col("__has_other_sub")
_outcome_cells = _row.is_in(OUTCOME_ROWS) | pl.when(_has_other_sub).then(
    _row.is_in(OTHER_SUB_ROWS)
).otherwise(_row == "other")
_outcome_n_cells = len(OUTCOME_ROWS) + pl.when(_has_other_sub).then(len(OTHER_SUB_ROWS)).otherwise(1)

REQUEST_RULES = (
    ArithmeticRule(
        rule_id="requests.row_sum",
        table="fact_requests",
        group_by=("row_code",),
        parts=Side(_app.is_in(APPLICANT_PARTS), len(APPLICANT_PARTS), "the six applicant columns sum to"),
        printed=Side(_app == "total", 1, "the printed total (总计)"),
        blamed=_app == "total",
        location=fmt("row={}", _row),
        subject=fmt("Table 三 row {}", _row),
    ),
    ArithmeticRule(
        rule_id="requests.org_subtotal",
        table="fact_requests",
        group_by=("row_code",),
        parts=Side(_app.is_in(ORG_APPLICANTS), len(ORG_APPLICANTS), "the five organisation columns sum to"),
        printed=Side(_app == "org_subtotal", 1, "the printed 法人或其他组织 subtotal"),
        blamed=_app == "org_subtotal",
        location=fmt("row={}", _row),
        subject=fmt("Table 三 row {}", _row),
    ),
    ArithmeticRule(
        rule_id="requests.balance",
        table="fact_requests",
        group_by=("applicant",),
        parts=Side(_row.is_in(["new_received", "carried_over"]), 2, "new_received + carried_over ="),
        printed=Side(_row.is_in(["total_processed", "carried_forward"]), 2, "total_processed + carried_forward"),
        blamed=pl.col("__first_balance_row"),  # any of the four rows may be the one missing
        prepare=(  # the first of the four rows in its column: the least row position (a cum_sum window is slow);
            # NULL where the row code is (as `is_in & (cum_sum == 1)` gave)
            pl.when(_row.is_not_null()).then(
                _row.is_in(BALANCE_ROWS) & (pl.col(ROW_POSITION) == pl.when(_row.is_in(BALANCE_ROWS))
                                            .then(pl.col(ROW_POSITION)).min().over("report_id", "applicant"))
            ).alias("__first_balance_row"),
        ),
        location=fmt("applicant={}", _app),
        subject=fmt("Table 三 column {} (第一项加第二项之和，等于第三项加第四项之和)", _app),
    ),
    ArithmeticRule(
        rule_id="requests.outcome_sum",
        table="fact_requests",
        group_by=("applicant",),
        parts=Side(_outcome_cells, _outcome_n_cells, "the outcome rows （一）-（六） sum to"),
        printed=Side(_row == "total_processed", 1, "the printed （七）总计"),
        blamed=_row == "total_processed",
        location=fmt("applicant={}", _app),
        subject=fmt("Table 三 column {}", _app),
        # any() as the max of 0/1: a boolean any() in a window takes polars' slow per-group path (~5x slower)
        prepare=((_row.is_in(OTHER_SUB_ROWS).cast(pl.UInt8).max().over("report_id", "applicant") == 1)
                 .fill_null(False).alias("__has_other_sub"),),
    ),
)

REVIEW_RULES = (
    ArithmeticRule(
        rule_id="review.sum",
        table="fact_review_results",
        group_by=("proceeding",),
        parts=Side(_outcome.is_in(REVIEW_PARTS), len(REVIEW_PARTS), "upheld + corrected + other + pending ="),
        printed=Side(_outcome == "total", 1, "the printed 总计"),
        blamed=_outcome == "total",
        location=fmt("proceeding={}", _proc),
        subject=fmt("Table 四 {}", _proc),
    ),
)

ARITHMETIC_RULES = {r.rule_id: r for r in (*REQUEST_RULES, *REVIEW_RULES)}


def table_masks(df: pl.DataFrame, table: str) -> pl.DataFrame:
    """The masks of every window check of `table` (its unique key and its arithmetic rules), one boolean column
    per check name, computed in one query.

    The same values as the checks' own masks (`unique_key_mask`, `ArithmeticRule.mask`), but each window
    grouping (report × row, report × column, the key) is computed once instead of once per check and stage:
    `validate_tables` hands these to pandera (`schemas.precomputed.failing_part`)."""
    rules = [rule for rule in ARITHMETIC_RULES.values() if rule.table == table]
    frame = df.lazy()
    prepare = [expr for rule in rules for expr in rule.prepare]
    if prepare:
        frame = frame.with_row_index(ROW_POSITION).with_columns(prepare)
    if rules:
        frame = frame.with_columns([expr for rule in rules for expr in rule.side_cells(f"__{rule.rule_id}:")])
        frame = frame.with_columns([expr for rule in rules for expr in rule.side_windows(f"__{rule.rule_id}:")])
    family = MODELS[table][1]
    keys = list(TABLE_KEYS[table])
    masks = [(unique_key(keys) if _may_repeat(df, keys) else pl.repeat(True, df.height)).alias(f"{family}.unique_key")]
    masks += [(~(rule.blamed & _fails(f"__{rule.rule_id}:"))).alias(rule.rule_id) for rule in rules]
    return frame.select(masks).collect(optimizations=pl.QueryOptFlags(cluster_with_columns=False))


def _may_repeat(df: pl.DataFrame, keys: list[str]) -> bool:
    """Whether two rows of `df` may share their key: two rows with one key have one hash, so when no hash repeats,
    no key does and the unique-key mask is all True (hashing the keys costs ~2/3 of the exact test, which then
    runs only when a hash repeats)."""
    return df.select(pl.struct(keys).hash().is_duplicated().any()).item()


def rule_mask(data: PolarsData, rule_id: str) -> pl.LazyFrame:
    """The row-aligned mask of one arithmetic rule, for a pandera dataframe check."""
    return ARITHMETIC_RULES[rule_id].mask(data.lazyframe)


def unique_key(keys: list[str]) -> pl.Expr:
    """False on every copy of a duplicated key (the struct's is_duplicated: ~2x cheaper than a window count over
    three string keys on 170,000 rows, polars 2.1)."""
    return ~pl.struct(keys).is_duplicated()


def unique_key_mask(data: PolarsData, keys: list[str]) -> pl.LazyFrame:
    """The unique_key check's mask."""
    return data.lazyframe.select(unique_key(keys).alias("unique_key"))


# --- models --------------------------------------------------------------------------------------


#: column types come from pipeline.frames (the one place they are written); the models add the checks
REQ = column_types("fact_requests")
REV = column_types("fact_review_results")
PRO = column_types("fact_proactive_disclosure")


class RequestsModel(pa.DataFrameModel):
    """fact_requests: table 三 in long format."""

    report_id: REQ.report_id = pa.Field(nullable=False)
    row_code: REQ.row_code = pa.Field(isin=list(REQUEST_ROWS), nullable=False)
    applicant: REQ.applicant = pa.Field(isin=list(APPLICANTS), nullable=False)
    value: REQ.value = pa.Field(ge=0, nullable=True)
    raw_text: REQ.raw_text = pa.Field(nullable=True)

    class Config:
        strict = False

    @pa.dataframe_check(name="requests.unique_key")
    def unique_key(cls, data: PolarsData) -> pl.LazyFrame:
        """One row per ["row_code", "applicant"] within a report."""
        return unique_key_mask(data, list(TABLE_KEYS["fact_requests"]))

    @pa.dataframe_check(name="requests.row_sum")
    def row_sum(cls, data: PolarsData) -> pl.LazyFrame:
        """Per row: the six applicant columns sum to 总计."""
        return rule_mask(data, "requests.row_sum")

    @pa.dataframe_check(name="requests.org_subtotal")
    def org_subtotal(cls, data: PolarsData) -> pl.LazyFrame:
        """Per row, where printed: the five organisation columns sum to 法人或其他组织."""
        return rule_mask(data, "requests.org_subtotal")

    @pa.dataframe_check(name="requests.balance")
    def balance(cls, data: PolarsData) -> pl.LazyFrame:
        """Per column: 第一项加第二项之和，等于第三项加第四项之和."""
        return rule_mask(data, "requests.balance")

    @pa.dataframe_check(name="requests.outcome_sum")
    def outcome_sum(cls, data: PolarsData) -> pl.LazyFrame:
        """Per column: （七）总计 = （一）…（六）, with （六） as one row or three sub-rows."""
        return rule_mask(data, "requests.outcome_sum")


class ReviewModel(pa.DataFrameModel):
    """fact_review_results: table 四."""

    report_id: REV.report_id = pa.Field(nullable=False)
    proceeding: REV.proceeding = pa.Field(isin=list(PROCEEDINGS), nullable=False)
    outcome: REV.outcome = pa.Field(isin=list(REVIEW_OUTCOMES), nullable=False)
    value: REV.value = pa.Field(ge=0, nullable=True)
    raw_text: REV.raw_text = pa.Field(nullable=True)

    class Config:
        strict = False

    @pa.dataframe_check(name="review.unique_key")
    def unique_key(cls, data: PolarsData) -> pl.LazyFrame:
        """One row per ["proceeding", "outcome"] within a report."""
        return unique_key_mask(data, list(TABLE_KEYS["fact_review_results"]))

    @pa.dataframe_check(name="review.sum")
    def review_sum(cls, data: PolarsData) -> pl.LazyFrame:
        """Per proceeding: 总计 = 维持 + 纠正 + 其他 + 尚未审结."""
        return rule_mask(data, "review.sum")


class ProactiveModel(pa.DataFrameModel):
    """fact_proactive_disclosure: table 二; only 本年增/减 may be negative."""

    report_id: PRO.report_id = pa.Field(nullable=False)
    article: PRO.article = pa.Field(isin=list(PROACTIVE_ITEMS), nullable=False)
    item: PRO.item = pa.Field(isin=sorted({i for items in PROACTIVE_ITEMS.values() for i in items}), nullable=False)
    measure: PRO.measure = pa.Field(isin=list(PROACTIVE_MEASURE_UNITS), nullable=False)
    value: PRO.value = pa.Field(nullable=True)
    unit: PRO.unit = pa.Field(isin=["count", "yuan"], nullable=True)
    raw_text: PRO.raw_text = pa.Field(nullable=True)

    class Config:
        strict = False

    @pa.dataframe_check(name="proactive.unique_key")
    def unique_key(cls, data: PolarsData) -> pl.LazyFrame:
        """One row per ["article", "item", "measure"] within a report."""
        return unique_key_mask(data, list(TABLE_KEYS["fact_proactive_disclosure"]))

    @pa.dataframe_check(name="proactive.non_negative")
    def non_negative(cls, data: PolarsData) -> pl.LazyFrame:
        """Counts and money are >= 0; only the signed 本年增/减 may be negative."""
        return data.lazyframe.select(
            (pl.col("value").is_null() | (pl.col("value") >= 0) | pl.col("measure").is_in(SIGNED_MEASURES))
            .alias("ok")
        )

    @pa.dataframe_check(name="proactive.article_item")
    def article_item(cls, data: PolarsData) -> pl.LazyFrame:
        """The item belongs to the article that lists it (规章 under 第二十条第（一）项 …)."""
        pair = pl.concat_str(pl.col("article"), pl.lit("|"), pl.col("item"))
        return data.lazyframe.select(pair.is_in(ARTICLE_ITEMS).fill_null(True).alias("ok"))

    @pa.dataframe_check(name="proactive.unit")
    def unit_matches_measure(cls, data: PolarsData) -> pl.LazyFrame:
        """Money measures are in yuan, the rest are counts."""
        expected_unit = pl.col("measure").replace_strict(PROACTIVE_MEASURE_UNITS, default=None)
        return data.lazyframe.select(
            (pl.col("unit").is_null() | expected_unit.is_null() | (pl.col("unit") == expected_unit)).alias("ok")
        )


#: the model for each fact table, and the rule-id family its failures belong to
MODELS: dict[str, tuple[type[pa.DataFrameModel], str]] = {
    "fact_requests": (RequestsModel, "requests"),
    "fact_review_results": (ReviewModel, "review"),
    "fact_proactive_disclosure": (ProactiveModel, "proactive"),
}
