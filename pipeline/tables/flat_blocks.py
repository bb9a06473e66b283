"""Splitting one run whose sums are blocks (parts in consecutive columns, their total printed right after them:
表三's row total, 表四's three 总计), block by block with the total placed first.

Casting out nines prunes the placement: parts add up to their total only if the digits of the parts, however
they are cut, and the digits of the total have the same sum modulo 9, so most places a total could start are
refused before any part is cut. Then no part is wider than the total, a partial sum above it stops the branch,
and the last part is computed from it. What the columns after a position can hold is memoized per (segment,
position), so a block is split once per place it can start. Pure functions: the cell rules (`valid`, `widths`)
and the step budget (`spend`) come from the caller, pipeline.tables.flat.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence


class _OutOfBudget(Exception):
    pass


def split_blocks(
    text: str, kinds: Sequence[str], blocks: Sequence[tuple[int, int]], widths: Sequence[int],
    valid: Callable[[str, str], bool], spend: Callable[[], bool], limit: int,
) -> list[tuple[str, ...]] | None:
    """Every splitting of `text` (digits, single spaces as cell boundaries) into len(kinds) cells where each block
    (first part column, total column) adds up; None when `spend()` refuses a step or a position has more than
    `limit` completions (reported like running out of time, never truncated)."""
    size, n = len(text), len(kinds)
    segments: list[tuple[int, int]] = []  # (first column, total column); a free cell is (col, col)
    col = 0
    for first, total in sorted(blocks):
        segments += [(c, c) for c in range(col, first)] + [(first, total)]
        col = total + 1
    segments += [(c, c) for c in range(col, n)]
    digits, dsum, spaces = [0] * (size + 1), [0] * (size + 1), [0] * (size + 1)
    for i, ch in enumerate(text):
        d = ch.isdigit()
        digits[i + 1], dsum[i + 1] = digits[i] + d, dsum[i] + (int(ch) if d else 0)
        spaces[i + 1] = spaces[i] + (ch == " ")
    cols_after = [n - first for first, _t in segments] + [0]
    width_after = [sum(widths[first:]) for first, _t in segments] + [0]
    memo: dict[tuple[int, int], list[tuple[str, ...]]] = {}
    widest_total = max((widths[total] for _first, total in blocks), default=0)
    cuts = [_cuts(text, p, widest_total) for p in range(size)] if blocks else []

    def after(end: int) -> int:
        return end + 1 if end < size and text[end] == " " else end

    def rest(seg: int, pos: int) -> list[tuple[str, ...]]:
        """The splittings of text[pos:] into the columns of segments[seg:], memoized."""
        key = (seg, pos)
        if key not in memo:
            if not spend():
                raise _OutOfBudget
            left, have = cols_after[seg], digits[size] - digits[pos]
            if not left:
                memo[key] = [()] if pos >= size else []
            elif have < left or have > width_after[seg] or spaces[size] - spaces[pos] > left - 1:
                memo[key] = []
            else:
                first, total = segments[seg]
                found = free(seg, pos) if first == total else block(seg, pos, first, total)
                if len(found) > limit:
                    raise _OutOfBudget
                memo[key] = found
        return memo[key]

    def free(seg: int, pos: int) -> list[tuple[str, ...]]:
        col, out = segments[seg][0], []
        kind, widest = kinds[col], widths[col]
        i = pos + 1
        while i <= size:
            if i == size or text[i] == " " or (text[i - 1].isdigit() and text[i].isdigit()):
                cell = text[pos:i]
                if valid(cell, kind):
                    out += [(cell, *tail) for tail in rest(seg + 1, after(i))]
                elif i - pos > widest or (cell[0] == "0" and cell[1:2].isdigit()):
                    break  # wider cells only get wider, and a leading zero stays
                if i == size or text[i] == " ":
                    break
            i += 1
        return out

    def block(seg: int, pos: int, first: int, total: int) -> list[tuple[str, ...]]:
        m, out = total - first, []
        for e in range(pos + 1, size):  # where the total starts
            if not text[e].isdigit() or not (text[e - 1] == " " or text[e - 1].isdigit()):
                continue
            end = e - 1 if text[e - 1] == " " else e  # the parts are text[pos:end]
            have = digits[end] - digits[pos]
            if spaces[end] - spaces[pos] > m - 1 or have > m * widths[total]:
                break  # more text before the total only adds spaces and digits
            if have < m:
                continue
            nines, value = (dsum[end] - dsum[pos]) % 9, 0
            for f in range(e + 1, min(size, e + widths[total]) + 1):
                if not text[f - 1].isdigit() or (f - e > 1 and text[e] == "0"):
                    break
                value = value * 10 + int(text[f - 1])
                if f < size and not (text[f] == " " or text[f].isdigit()):
                    break
                if value % 9 != nines or have > m * (f - e) or not valid(text[e:f], kinds[total]):
                    continue
                if m < 10 and have < f - e + m - 2:
                    continue  # parts all two digits shorter than the total add up to less than it (m < 10)
                tails = rest(seg + 1, after(f))
                if tails:
                    cut = text[e:f]
                    out += [(*parts, cut, *tail) for parts in _parts(pos, end, m, value, f - e) for tail in tails]
        return out

    bounds: dict[tuple[int, int, int, int], tuple[int, int] | None] = {}

    def span(end: int, widest: int, j: int, p: int) -> tuple[int, int] | None:
        """The least and the most text[p:end] cut into j counts no wider than `widest` adds up to (None: it cannot
        be cut so). Independent of the total, so shared by every total that starts at `end`."""
        key = (end, widest, j, p)
        if key not in bounds:
            if not spend():
                raise _OutOfBudget
            have = digits[end] - digits[p]
            if not j <= have <= j * widest or spaces[end] - spaces[p] > j - 1:
                bounds[key] = None
            elif j == 1:
                cell = text[p:end]
                bounds[key] = (int(cell), int(cell)) if cell.isdigit() and (len(cell) == 1 or cell[0] != "0") else None
            else:
                lo = hi = -1
                for i, value, nxt in cuts[p]:
                    if i >= end or i - p > widest:
                        break
                    sub = span(end, widest, j - 1, nxt)
                    if sub is not None:
                        lo = value + sub[0] if lo < 0 else min(lo, value + sub[0])
                        hi = max(hi, value + sub[1])
                bounds[key] = None if lo < 0 else (lo, hi)
        return bounds[key]

    def _parts(start: int, end: int, m: int, target: int, widest: int) -> list[tuple[str, ...]]:
        """text[start:end] cut into m counts adding up to `target`, none wider than `widest`: a branch goes on only
        while what is left of the target lies between the least and the most the rest of the text can add up to."""
        found: list[tuple[str, ...]] = []
        cells: list[str] = []

        def go(k: int, p: int, partial: int) -> None:
            if not spend():
                raise _OutOfBudget
            if k == m - 1:
                need = str(target - partial)
                if end - p == len(need) and text.startswith(need, p):
                    found.append((*cells, need))
                return
            for i, value, nxt in cuts[p]:
                if i >= end or i - p > widest or partial + value > target:
                    return  # a longer cell is larger
                sub = span(end, widest, m - k - 1, nxt)
                if sub is not None and sub[0] <= target - partial - value <= sub[1]:
                    cells.append(text[p:i])
                    go(k + 1, nxt, partial + value)
                    cells.pop()

        whole = span(end, widest, m, start)
        if whole is not None and whole[0] <= target <= whole[1]:
            go(0, start, 0)
        return found

    try:
        return rest(0, 0)
    except _OutOfBudget:
        return None


def _cuts(text: str, p: int, widest: int) -> list[tuple[int, int, int]]:
    """(end, value, next start) of each count that starts at p and is followed by another cell: it ends between
    two digits or at a space, has no leading zero and is at most `widest` digits."""
    out = []
    for i in range(p + 1, min(len(text), p + widest + 1)):
        if not text[i - 1].isdigit() or not (text[i] == " " or text[i].isdigit()) or (text[p] == "0" and i > p + 1):
            break
        out.append((i, int(text[p:i]), i + 1 if text[i] == " " else i))
        if text[i] == " ":
            break
    return out
