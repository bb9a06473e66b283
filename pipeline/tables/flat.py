"""Cutting table rows whose cells ran together (crawler text) back into cells, using the template's arithmetic.

Crawlers flatten a table into one run of text: `一、本年新收…230 000023` is 23,0,0,0,0,0,23 only because the six
applicant columns must add up to 总计 and a count has no leading zero. `solve` searches every splitting of a
table's runs that keeps the spaces that survived as cell boundaries, gives each column a plausible number (no
leading zero except a lone 0, no decimals in a count, a unit only in a money cell) and satisfies every
constraint; it answers `unique` only when exactly one splitting of the whole table fits. Anything else comes back
with the candidates found, for the caller to report: a guess is never returned as data.

The search is pruned as it goes. A row whose own sums are blocks (表三's row total, 表四's three 总计) is split
block by block with the total placed first (pipeline.tables.flat_blocks: casting out nines, then parts bounded
by what the rest of the run can add up to); other rows by a depth-first search that computes the cell closing
an equation. Rows are then combined fewest-splittings-first, each column constraint kept as running sums over
bounds; a row whose every cell follows from rows already placed (表三's total_processed from the outcome rows,
then new_received from the balance) is computed and matched against its run instead of being split. A step
budget keeps any table within milliseconds; running out is reported like an ambiguity.

The constraints are built from the rule data the validation uses (`schemas.facts`, `schemas.legacy`), never a
second copy: `request_constraints`, `review_constraints`, `proactive_constraints`, `legacy_constraints`.
Pure functions, no I/O.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pipeline.tables.flat_blocks import split_blocks
from pipeline.tables.labels import (
    APPLICANT_ORDER,
    APPLICANT_PARTS,
    BALANCE_ROWS,
    OTHER_SUB_ROWS,
    OUTCOME_ORDER,
    OUTCOME_ROWS,
    PROCEEDING_ORDER,
    REVIEW_PARTS,
)
from pipeline.tables.legacy_labels import EXTRA_PART_KEYS, LEGACY_SUM_RULES, label_key

COUNT, MONEY = "count", "money"
#: widest count a cell may hold (行政处罚 3985758 is the largest seen); wider runs must be split
MAX_COUNT_DIGITS = 9
#: search steps after which a table is reported as not solvable in time (real tables take < 500)
DEFAULT_BUDGET = 200_000
MONEY_UNITS = ("亿元", "万元", "元")
_POSITIVE, _NEGATIVE = frozenset({True}), frozenset({False})

_COUNT = re.compile(r"0|[1-9]\d*")
_MONEY = re.compile(r"(?:0|[1-9]\d*)(?:\.\d+)?(?:亿元|万元|元)?")
_PIECE = re.compile(r"[\d.]+(?:亿元|万元|元)?")


@dataclass(frozen=True, slots=True)
class FlatRow:
    """One row's values as printed: `run` holds digits, the spaces that survived, a decimal point, a unit."""

    key: str  # the row's code, used by constraints and messages
    run: str
    kinds: tuple[str, ...]  # one per column: COUNT or MONEY


@dataclass(frozen=True, slots=True)
class Constraint:
    """sum(coef × cell) + const == 0 (op 'eq') or <= 0 (op 'le'); a term is (row key, column, coef)."""

    rule_id: str
    terms: tuple[tuple[str, int, int], ...]
    op: str = "eq"
    const: int = 0


@dataclass(frozen=True, slots=True)
class Solution:
    """`status`: unique | ambiguous | none | gave_up. `cells` only when unique; `candidates` up to the limit;
    `row_candidates` each row's own splittings (a row computed from the others is split for it only when no
    splitting of the table was found, to say which row fails)."""

    status: str
    cells: dict[str, tuple[str, ...]] | None
    candidates: tuple[dict[str, tuple[str, ...]], ...]
    row_candidates: dict[str, tuple[tuple[str, ...], ...]]
    steps: int


class _Budget:
    __slots__ = ("left", "used")

    def __init__(self, steps: int):
        self.left, self.used = steps, 0

    def spend(self) -> bool:
        self.used += 1
        self.left -= 1
        return self.left >= 0


def _valid(cell: str, kind: str) -> bool:
    if kind == COUNT:
        return len(cell) <= MAX_COUNT_DIGITS and _COUNT.fullmatch(cell) is not None
    return _MONEY.fullmatch(cell) is not None


def _value(cell: str, kind: str) -> int | None:
    return int(cell) if kind == COUNT else None


def _pieces(run: str) -> list[str] | None:
    pieces = run.split()
    return pieces if all(_PIECE.fullmatch(p) for p in pieces) else None


def split_row(
    row: FlatRow, local: Sequence[Constraint] = (), budget: _Budget | None = None, limit: int = 10_000
) -> list[tuple[str, ...]] | None:
    """Every splitting of one row that satisfies its row-local constraints (None when the budget ran out).

    A cut is allowed between two digits only; a space is always a cut; a unit stays with the digits before it.
    A row whose constraints are all blocks (parts, then their total) goes to flat_blocks.split_blocks; the rest:
    A printed total at the end of the row is taken first (each suffix in turn), so the parts before it are
    bounded by it; the cell that closes an equation is computed, not searched; a partial sum that already
    exceeds its total stops the branch.
    """
    budget = budget or _Budget(DEFAULT_BUDGET)
    pieces = _pieces(row.run)
    n = len(row.kinds)
    if not pieces or n == 0:
        return []
    text = " ".join(pieces)
    blocks = _blocks(row.kinds, local)
    if blocks is not None:
        key = (text, row.kinds, tuple(blocks), limit)
        hit = _SPLITS.get(key)  # 0000000 and the like recur in every table
        if hit is not None:
            return list(hit)
        widths = [MAX_COUNT_DIGITS if kind == COUNT else len(text) for kind in row.kinds]
        found = split_blocks(text, row.kinds, blocks, widths, _valid, budget.spend, limit)
        if found is not None:  # running out of budget is not a property of the run
            if len(_SPLITS) >= _SPLITS_KEPT:
                _SPLITS.clear()
            _SPLITS[key] = tuple(found)
        return found
    last = n - 1
    equations = [c for c in local if c.op == "eq"]
    anchored = n > 1 and set(row.kinds) == {COUNT} and any(  # a row total: every other cell is a part of it
        {col for _k, col, _c in c.terms} == set(range(n)) for c in equations
    )
    out: list[tuple[str, ...]] = []
    if not anchored:
        return None if _search(row.kinds, local, text, {}, budget, limit, out) else out
    for p in range(1, len(text)):
        if not (text[p - 1] == " " or (text[p - 1].isdigit() and text[p].isdigit())):
            continue
        total = text[p:]
        if " " in total or not _valid(total, COUNT):
            continue
        region = text[: p - 1] if text[p - 1] == " " else text[:p]
        if len(region.replace(" ", "")) > last * len(total):
            continue  # no part is wider than the total it adds up to
        if _search(row.kinds, local, region, {last: total}, budget, limit, out, len(total)):
            return None
    return out


#: splittings of runs already split (by run, kinds, blocks, limit): a cache, cleared when it holds _SPLITS_KEPT
_SPLITS: dict[tuple, tuple[tuple[str, ...], ...]] = {}
_SPLITS_KEPT = 4096


def _blocks(kinds: tuple[str, ...], local: Sequence[Constraint]) -> list[tuple[int, int]] | None:
    """(first part, total) of each local sum whose count parts sit in the columns just before their total, or None
    when a local constraint has another shape (then the general search runs)."""
    out = set()
    for c in local:
        coefs: dict[int, int] = {}
        for _k, col, coef in c.terms:
            coefs[col] = coefs.get(col, 0) + coef
        total = max(coefs, default=-1)
        if total >= len(kinds):
            return None
        parts = sorted(col for col in coefs if col != total)
        if (c.op != "eq" or c.const or not parts or abs(coefs[total]) != 1 or parts != list(range(parts[0], total))
                or any(coefs[col] != -coefs[total] or kinds[col] != COUNT for col in parts) or kinds[total] != COUNT):
            return None
        out.add((parts[0], total))
    ordered = sorted(out)
    if any(later[0] <= earlier[1] for earlier, later in zip(ordered, ordered[1:], strict=False)):
        return None
    return ordered


def _search(
    kinds: tuple[str, ...], local: Sequence[Constraint], text: str, preset: dict[int, str], budget: _Budget,
    limit: int, out: list[tuple[str, ...]], widest: int = MAX_COUNT_DIGITS,
) -> bool:
    """Depth-first splitting of `text` into the columns not in `preset`; appends to `out`; True if out of budget."""
    n = len(kinds)
    order = [col for col in range(n) if col not in preset]
    size = len(text)
    digits_after = [0] * (size + 1)
    spaces_after = [0] * (size + 1)
    for i in range(size - 1, -1, -1):
        digits_after[i] = digits_after[i + 1] + text[i].isdigit()
        spaces_after[i] = spaces_after[i + 1] + (text[i] == " ")
    cells: list[str | None] = [preset.get(col) for col in range(n)]
    # per constraint: its running sum (const + preset cells), each searched column's coefficient, and for each
    # column the constraints it closes (its last searched column) or that still have cells to come after it
    sums: list[int] = []
    coef_at: list[dict[int, int]] = []
    closing: dict[int, list[int]] = {}
    touching: dict[int, list[int]] = {}
    to_come: dict[tuple[int, int], tuple[int, frozenset[bool]]] = {}
    for index, c in enumerate(local):
        total, coefs = c.const, {}
        for _k, col, coef in c.terms:
            if col in preset:
                total += coef * (_value(preset[col], kinds[col]) or 0)
            else:
                coefs[col] = coefs.get(col, 0) + coef
        sums.append(total)
        coef_at.append(coefs)
        if not coefs:
            continue
        closing.setdefault(max(coefs), []).append(index)
        for col in coefs:
            touching.setdefault(col, []).append(index)
            later = [k for cc, k in coefs.items() if cc > col]
            to_come[(index, col)] = (len(later), frozenset(k > 0 for k in later))
    gave_up = False
    counts_only = all(kind == COUNT for kind in kinds)  # then no cell is wider than `widest`

    def forced(col: int) -> str | None:
        """The text of a count cell that closes an equation with coefficient ±1: computed, not searched."""
        if kinds[col] != COUNT:
            return None
        for index in closing.get(col, ()):
            coef = coef_at[index][col]
            if local[index].op == "eq" and abs(coef) == 1:
                need = -sums[index] * coef
                return str(need) if need >= 0 else ""
        return None

    def admissible(col: int, k: int, pos: int) -> bool:
        """Whether the constraints touching `col` can still hold, given what the rest of the text can hold."""
        left = len(order) - k - 1
        cap = 10 ** min(widest, max(0, digits_after[pos] - left + 1)) - 1  # the largest cell to come
        for index in touching.get(col, ()):
            total, eq = sums[index], local[index].op == "eq"
            count, signs = to_come[(index, col)]
            if not count:
                if (total != 0) if eq else (total > 0):
                    return False
            elif signs == _POSITIVE and (total > 0 or (eq and -total > count * cap)):
                return False  # only positive cells to come: the sum can only grow, and by at most count × cap
            elif eq and signs == _NEGATIVE and (total < 0 or total > count * cap):
                return False
        return True

    def step(k: int, pos: int) -> None:
        nonlocal gave_up
        if gave_up or len(out) >= limit:
            return
        if not budget.spend():
            gave_up = True
            return
        if k == len(order):
            if pos >= size:
                out.append(tuple(cells))  # type: ignore[arg-type]
            return
        left = len(order) - k
        if digits_after[pos] < left or (counts_only and digits_after[pos] > left * widest) or spaces_after[pos] > left - 1:
            return
        col = order[k]
        kind = kinds[col]
        need = forced(col)
        if need is not None:
            end = pos + len(need)
            ok = need and text.startswith(need, pos) and (end == size or text[end] == " " or (
                text[end - 1].isdigit() and text[end].isdigit()))
            options = [end] if ok else []
        else:
            options = []
            i = pos + 1
            while i <= size:
                if i == size or text[i] == " ":
                    options.append(i)
                    break
                if text[i - 1].isdigit() and text[i].isdigit():
                    options.append(i)
                i += 1
        mine = touching.get(col, ())
        for end in options:
            cell = text[pos:end]
            if not _valid(cell, kind):
                if (kind == COUNT and end - pos > widest) or (cell[0] == "0" and cell[1:2].isdigit()):
                    break  # wider cells only get wider, and a leading zero stays
                continue
            value = int(cell) if kind == COUNT else 0
            cells[col] = cell
            for index in mine:
                sums[index] += coef_at[index][col] * value
            nxt = end + 1 if end < size and text[end] == " " else end
            if admissible(col, k, nxt):
                step(k + 1, nxt)
            for index in mine:
                sums[index] -= coef_at[index][col] * value
            cells[col] = None

    step(0, 0)
    return gave_up


def solve(
    rows: Sequence[FlatRow], constraints: Iterable[Constraint] = (), *, max_candidates: int = 5,
    budget: int = DEFAULT_BUDGET,
) -> Solution:
    """The unique splitting of a table's runs under `constraints`, or the candidates when there is not one.

    A constraint naming a row that is not in `rows` is dropped (a missing row is unknown, not zero). Rows whose
    every cell follows from rows above them in the search (表三's total_processed from the outcome rows, then
    new_received from the balance) are computed and matched against their run instead of being split, unless
    the split rows combine more than COMPUTE_LIMIT ways (then their splittings' bounds prune better).
    """
    layout = _layout(tuple((row.key, row.kinds) for row in rows), tuple(constraints))
    spent = _Budget(budget)
    computed = _computed_rows(rows, layout)
    per_row: dict[str, list[tuple[str, ...]]] = {}
    if not _split_rows(rows, {row.key for row in rows} - computed, layout.local, spent, per_row):
        return Solution("gave_up", None, (), _own(rows, per_row, set(), layout.local), spent.used)
    if all(per_row.values()) and computed and math.prod(len(v) for v in per_row.values()) > COMPUTE_LIMIT:
        if not _split_rows(rows, computed, layout.local, spent, per_row):
            return Solution("gave_up", None, (), _own(rows, per_row, set(), layout.local), spent.used)
        computed = set()
    if not all(per_row.values()):
        return Solution("none", None, (), _own(rows, per_row, computed, layout.local), spent.used)
    found, gave_up = _combine(rows, per_row, computed, layout, spent, max_candidates)
    if len(found) == 1 and not gave_up:
        return Solution("unique", found[0], found, _own(rows, per_row, set(), layout.local), spent.used)
    status = "gave_up" if gave_up else "ambiguous" if found else "none"
    own = _own(rows, per_row, computed if not found else set(), layout.local)  # candidates show an ambiguity
    return Solution(status, None, found, own, spent.used)


def _split_rows(rows, keys: set[str], local, spent: _Budget, per_row: dict) -> bool:
    """Each row named in `keys` split on its own into `per_row`; False when the budget ran out."""
    for row in rows:
        if row.key in keys:
            found = split_row(row, local[row.key], spent)
            if found is None:
                return False
            per_row[row.key] = found
    return True


def _combine(rows, per_row, computed, layout, spent: _Budget, max_candidates: int):
    """The splittings of the whole table (up to `max_candidates`) and whether the budget ran out: split rows
    fewest-candidates-first, each computed row as soon as it follows, every across constraint kept as running
    sums: `fixed` over the placed rows (and the constant), `low`/`high` the least and most the rows still to
    place can add; placing a row moves its terms from the one to the other."""
    local, across = layout.local, layout.across
    by_key = {row.key: row for row in rows}
    values = {
        key: [[_value(cell, by_key[key].kinds[col]) for col, cell in enumerate(cand)] for cand in cands]
        for key, cands in per_row.items()
    }
    bounds = {
        key: [
            (min(v[col] for v in vals), max(v[col] for v in vals)) if by_key[key].kinds[col] == COUNT else (0, 0)
            for col in range(len(by_key[key].kinds))
        ]
        for key, vals in values.items()
    }
    for key in computed:  # a count cell is at most as wide as its run
        bounds[key] = [(0, 10 ** min(MAX_COUNT_DIGITS, sum(ch.isdigit() for ch in by_key[key].run)) - 1)] * len(
            by_key[key].kinds)
    order, how = _search_order(rows, per_row, computed, layout)
    index = {id(c): i for i, c in enumerate(across)}
    fixed = [c.const for c in across]
    low, high = [0] * len(across), [0] * len(across)
    terms_of: dict[str, list[tuple[int, int, int, int, int]]] = {row.key: [] for row in rows}
    for i, c in enumerate(across):
        for key, col, coef in c.terms:
            lo, hi = bounds[key][col]
            lo, hi = (coef * lo, coef * hi) if coef > 0 else (coef * hi, coef * lo)
            low[i] += lo
            high[i] += hi
            terms_of[key].append((i, col, coef, lo, hi))
    eq = [c.op == "eq" for c in across]
    cells_now: dict[str, tuple[str, ...]] = {}
    solutions: list[dict[str, tuple[str, ...]]] = []
    gave_up = False

    def move(key: str, vals: Sequence[int | None], sign: int) -> bool:
        """Place (sign 1) or take back (-1) a row's values; on placing, whether its constraints can still hold."""
        for i, col, coef, lo, hi in terms_of[key]:
            fixed[i] += sign * coef * (vals[col] or 0)
            low[i] -= sign * lo
            high[i] -= sign * hi
        return sign < 0 or all(
            fixed[i] + low[i] <= 0 and (not eq[i] or fixed[i] + high[i] >= 0) for i, *_ in terms_of[key])

    def assign(depth: int) -> None:
        nonlocal gave_up
        if gave_up or len(solutions) >= max_candidates:
            return
        if not spent.spend():
            gave_up = True
            return
        if depth == len(order):
            solutions.append({row.key: cells_now[row.key] for row in rows})
            return
        key = order[depth]
        if key in how:
            cells = _compute(by_key[key], [(coef, fixed[index[id(c)]]) for c, coef in how[key]], local[key])
            options = [] if cells is None else [(cells, [int(cell) for cell in cells])]
        else:
            options = list(zip(per_row[key], values[key], strict=True))
        for cells, vals in options:
            cells_now[key] = cells
            if move(key, vals, 1):
                assign(depth + 1)
            move(key, vals, -1)
        cells_now.pop(key, None)

    if all(f + lo <= 0 and (not e or f + hi >= 0) for f, lo, hi, e in zip(fixed, low, high, eq, strict=True)):
        assign(0)
    return tuple(solutions), gave_up


#: steps allowed to split a computed row only to describe a table that did not solve
MESSAGE_BUDGET = 20_000
#: above this many combinations of the split rows, rows that could be computed are split too: one splitting of
#: total_processed bounds every outcome row at once, where a computed row is only checked at the end
COMPUTE_LIMIT = 256


@dataclass(frozen=True, slots=True)
class _Layout:
    """What a table's constraints say about its rows, the same for every report of a template (so cached)."""

    local: dict[str, list[Constraint]]  # constraints on one row
    across: list[Constraint]
    #: per row, per column: (constraint, coefficient, the other rows) of each equation that gives that cell
    equations: dict[str, list[list[tuple[Constraint, int, frozenset[str]]]]]


@functools.lru_cache(maxsize=64)
def _layout(rows: tuple[tuple[str, tuple[str, ...]], ...], constraints: tuple[Constraint, ...]) -> _Layout:
    keys = {key for key, _kinds in rows}
    usable = [c for c in constraints if all(k in keys for k, _col, _coef in c.terms)]
    local = {key: [c for c in usable if {k for k, _, _ in c.terms} == {key}] for key, _kinds in rows}
    across = [c for c in usable if len({k for k, _, _ in c.terms}) > 1]
    across_of = {key: [c for c in across if any(k == key for k, _, _ in c.terms)] for key, _kinds in rows}
    equations: dict[str, list[list[tuple[Constraint, int, frozenset[str]]]]] = {}
    for key, kinds in rows:
        if any(kind != COUNT for kind in kinds):
            continue
        per_col: list[list[tuple[Constraint, int, frozenset[str]]]] = [[] for _ in kinds]
        for c in across_of[key]:
            mine = [(col, coef) for k, col, coef in c.terms if k == key]
            if c.op == "eq" and len(mine) == 1 and abs(mine[0][1]) == 1 and mine[0][0] < len(kinds):
                per_col[mine[0][0]].append((c, mine[0][1], frozenset(k for k, _, _ in c.terms) - {key}))
        if all(per_col):
            equations[key] = per_col
    return _Layout(local, across, equations)


def _computable(key: str, placed: set[str], layout: _Layout) -> list[tuple[Constraint, int]] | None:
    """How each cell of row `key` follows from rows in `placed`: per column an equation in which that cell is the
    only unknown, with coefficient ±1, as (constraint, coefficient) per column; None when a column has none yet."""
    how = {}
    for col, options in enumerate(layout.equations[key]):
        found = next(((c, coef) for c, coef, others in options if others <= placed), None)
        if found is None:
            return None
        how[col] = found
    return [how[col] for col in range(len(how))]


def _placement(rows: Sequence[FlatRow], split: Sequence[str], computed: set[str], layout: _Layout):
    """The search order: split rows as given, each computed row right after the rows it follows from, and how it
    is computed; None when some computed row never becomes computable."""
    order: list[str] = []
    how: dict[str, list[tuple[Constraint, int]]] = {}
    placed: set[str] = set()
    pending = [row.key for row in rows if row.key in computed]

    def settle() -> None:
        progress = True
        while progress:
            progress = False
            for key in pending:
                if key not in placed and (found := _computable(key, placed, layout)) is not None:
                    how[key] = found
                    order.append(key)
                    placed.add(key)
                    progress = True

    settle()
    for key in split:
        order.append(key)
        placed.add(key)
        if pending:
            settle()
    return (order, how) if len(order) == len(split) + len(pending) else None


def _computed_rows(rows: Sequence[FlatRow], layout: _Layout) -> set[str]:
    """Rows to compute from the others instead of splitting: the runs with the most digits first (the costliest
    to split), each kept only while every chosen row can still be computed from the split ones."""
    chosen: set[str] = set()
    keys = {row.key for row in rows}
    for row in sorted((r for r in rows if r.key in layout.equations), key=lambda r: -sum(map(str.isdigit, r.run))):
        trial = chosen | {row.key}
        if _settles(trial, keys - trial, layout):
            chosen = trial
    return chosen


def _settles(computed: set[str], placed: set[str], layout: _Layout) -> bool:
    """Whether every row of `computed` follows, in some order, from the rows in `placed`."""
    placed, pending = set(placed), set(computed)
    while pending:
        ready = {key for key in pending if _computable(key, placed, layout) is not None}
        if not ready:
            return False
        placed |= ready
        pending -= ready
    return True


def _search_order(rows, per_row, computed, layout):
    """Split rows with the fewest splittings first, computed rows as soon as they follow."""
    split = sorted(per_row, key=lambda k: len(per_row[k]))
    placement = _placement(rows, split, computed, layout)
    assert placement is not None  # _computed_rows kept only rows that follow from the split ones
    return placement


def _compute(row: FlatRow, equations: Sequence[tuple[int, int]], local: Sequence[Constraint]) -> tuple[str, ...] | None:
    """The cells of `row` from its equations, given per column as (its coefficient ±1, the sum of the equation's
    other terms and constant); None when one is negative, the row's own sums fail or its run does not read as
    those cells."""
    values = [-coef * rest for coef, rest in equations]
    if any(v < 0 for v in values):
        return None
    for c in local:
        if all(col < len(values) for _k, col, _f in c.terms):
            total = c.const + sum(f * values[col] for _k, col, f in c.terms)
            if total > 0 or (c.op == "eq" and total < 0):
                return None
    cells = tuple(str(v) for v in values)
    return cells if _reads_as(row.run, cells) else None


def _reads_as(run: str, cells: tuple[str, ...]) -> bool:
    """Whether `run` is `cells` run together: each boundary a surviving space or a cut between two digits."""
    pieces = _pieces(run)
    if not pieces or any(not _valid(cell, COUNT) for cell in cells):
        return False
    text, pos = " ".join(pieces), 0
    for k, cell in enumerate(cells):
        if not text.startswith(cell, pos):
            return False
        pos += len(cell)
        if k < len(cells) - 1 and pos < len(text) and text[pos] == " ":
            pos += 1
    return pos == len(text)  # a cut without a space falls between two digits: cells are digits only


def _own(rows, per_row, computed, local) -> dict[str, tuple[tuple[str, ...], ...]]:
    """Each row's splittings on its own, for the message when the table is not unique (computed rows are split
    here, within MESSAGE_BUDGET steps each, and left out if they run out of it)."""
    out = {}
    for row in rows:
        if row.key in per_row:
            out[row.key] = tuple(per_row[row.key])
        elif row.key in computed:
            found = split_row(row, local[row.key], _Budget(MESSAGE_BUDGET))
            if found is not None:
                out[row.key] = tuple(found)
    return out


def _fmt(cells: tuple[str, ...]) -> str:
    return "[" + ",".join(cells) + "]"


def describe(solution: Solution, limit: int = 4) -> str:
    """The candidates for an issue message: per row that differs, its splittings, e.g. `row=x: [23,0] | [2,30]`."""
    if solution.status == "unique":
        return ""
    if solution.status == "ambiguous":
        parts = []
        for key in solution.candidates[0]:
            seen = list(dict.fromkeys(c[key] for c in solution.candidates))
            if len(seen) > 1:
                parts.append(f"row={key}: " + " | ".join(_fmt(s) for s in seen[:limit]))
        alone = [
            f"row={key}: " + " | ".join(_fmt(s) for s in cands[:limit]) + (f" … ({len(cands)})" if len(cands) > limit else "")
            for key, cands in solution.row_candidates.items() if len(cands) > 1
        ]
        return (f"candidates (at least {len(solution.candidates)} splittings of the whole table fit): "
                + "; ".join(parts) + ". Rows with more than one splitting of their own: " + "; ".join(alone))
    rows = [
        f"row={key}: " + (" | ".join(_fmt(s) for s in cands[:limit]) if cands else "none")
        + (f" | … ({len(cands)} in all)" if len(cands) > limit else "")
        for key, cands in solution.row_candidates.items() if len(cands) != 1
    ]
    reason = {
        "none": "no splitting satisfies the template's arithmetic",
        "gave_up": "the search was stopped before it could tell the splittings apart",
    }[solution.status]
    return f"{reason}; candidates of each row alone: " + ("; ".join(rows) if rows else "one per row")


# --- constraints from the rule data ------------------------------------------------------------------------------


def _sum(rule_id: str, parts: Iterable[tuple[str, int]], totals: Iterable[tuple[str, int]]) -> Constraint:
    return Constraint(rule_id, (*((k, c, 1) for k, c in parts), *((k, c, -1) for k, c in totals)))


def request_constraints(row_codes: Iterable[str]) -> list[Constraint]:
    """Table 三: requests.row_sum per row, requests.balance and requests.outcome_sum per applicant column.

    Rows are FlatRows keyed by row code with the columns of gov_labels.APPLICANT_ORDER. （六）其他处理 is the three
    2021 sub-rows when any is present, else the single 2019 row (as schemas.facts decides).
    """
    present = list(row_codes)
    col = {a: i for i, a in enumerate(APPLICANT_ORDER)}
    total = col["total"]
    out = [_sum("requests.row_sum", ((r, col[a]) for a in APPLICANT_PARTS), [(r, total)]) for r in present]
    other = OTHER_SUB_ROWS if any(r in OTHER_SUB_ROWS for r in present) else ("other",)
    received, processed = BALANCE_ROWS[:2], BALANCE_ROWS[2:]
    for c in range(len(APPLICANT_ORDER)):
        out.append(_sum("requests.balance", [(r, c) for r in received], [(r, c) for r in processed]))
        out.append(_sum("requests.outcome_sum", [(r, c) for r in (*OUTCOME_ROWS, *other)], [("total_processed", c)]))
    return out


REVIEW_KEY = "review"
#: table 四's 15 cells in printed order, as (proceeding, outcome)
REVIEW_COLUMNS = tuple((p, o) for p in PROCEEDING_ORDER for o in OUTCOME_ORDER)


def review_constraints() -> list[Constraint]:
    """Table 四 as one row of 15 cells: review.sum for each proceeding (the four outcomes add up to 总计)."""
    col = {pair: i for i, pair in enumerate(REVIEW_COLUMNS)}
    return [
        _sum("review.sum", [(REVIEW_KEY, col[(p, o)]) for o in REVIEW_PARTS], [(REVIEW_KEY, col[(p, "total")])])
        for p in PROCEEDING_ORDER
    ]


def proactive_constraints(measures: dict[str, Sequence[str]], previous_in_force: dict[str, int] | None = None):
    """Table 二: only cross-year `in_force = last year's in_force + issued − repealed`, where last year is known.

    `measures` maps each item row key to its measure codes (the columns). The 2019 measures have no arithmetic.
    """
    out = []
    for item, prev in (previous_in_force or {}).items():
        cols = {m: i for i, m in enumerate(measures.get(item, ()))}
        if {"issued", "repealed", "in_force"} <= cols.keys():
            out.append(Constraint(
                "cross_year.in_force",
                ((item, cols["issued"], 1), (item, cols["repealed"], -1), (item, cols["in_force"], -1)),
                const=prev,
            ))
    return out


def legacy_constraints(rows: Sequence[tuple[str, str | None]], year: int, cumulative: int | None) -> list[Constraint]:
    """Fujian-style legacy tables: 历年累计 ≥ the year's value; the 其中 rows of a total add up to at most it;
    the national sums of schemas.legacy where the total and all its parts are rows of this table.

    `rows` are (row key, indicator code or None) in printed order; a key starting with 其中 opens the parts of the
    row above, numbered keys (2.…) continue them.
    """
    out = []
    if cumulative is not None:
        out += [Constraint("legacy.cumulative", ((k, year, 1), (k, cumulative, -1)), op="le") for k, _ in rows]
    parent: str | None = None
    children: dict[str, list[str]] = {}
    last_top: str | None = None
    for key, _code in rows:
        stripped = re.sub(r"\s+", "", key)
        if stripped.startswith("其中"):
            parent = last_top
        elif not re.match(r"\d+[.、．]", stripped):
            parent, last_top = None, key
        if parent is not None:
            children.setdefault(parent, []).append(key)
    columns = [year] if cumulative is None else [year, cumulative]
    for total, parts in children.items():
        for c in columns:
            out.append(Constraint("legacy.parts", (*((p, c, 1) for p in parts), (total, c, -1)), op="le"))
    by_code = {code: key for key, code in rows if code}
    split_otherwise = {EXTRA_PART_KEYS.get(label_key(key)) for key, _code in rows}
    for rule_id, total_code, part_codes in LEGACY_SUM_RULES:
        if total_code in by_code and total_code not in split_otherwise and all(p in by_code for p in part_codes):
            for c in columns:
                out.append(_sum(rule_id, ((by_code[p], c) for p in part_codes), [(by_code[total_code], c)]))
    return out
