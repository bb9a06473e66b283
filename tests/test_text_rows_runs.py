"""grid.text_rows cuts runs of TAB, pipe and markdown lines at once (_run_rows); it must give the rows the
line-by-line cut gives, on every fixture and on lines that end a run (footers, separators, `|` alone, blanks)."""

from __future__ import annotations

from pathlib import Path

from pipeline.tables import grid
from pipeline.tables.grid import _NOT_A_ROW, _NOT_A_ROW_STARTS, _cell_block, _new_row, _split_pipes, text_rows

FIXTURES = Path(__file__).parent / "fixtures"


def _rows_line_by_line(text: str) -> list[grid.Row]:
    """text_rows as it was before runs: one line at a time (the reference)."""
    lines = text.split("\n")
    rows: list[grid.Row] = []
    i, n = 0, len(lines)
    while i < n:
        line = lines[i]
        i += 1
        if not line.strip(" ") or ((line[0] in _NOT_A_ROW_STARTS or line[0].isspace()) and _NOT_A_ROW.match(line)):
            continue
        if "\t" in line:
            if line[0] == "\t" and line.count("\t") == 1:
                i = _cell_block(lines, i - 1, rows)
            else:
                rows.append(_new_row((tuple(map(str.strip, line.split("\t"))), i, "tab")))
        elif "|" in line:
            cells, layout = _split_pipes(line)
            rows.append(_new_row((cells, i, layout)))
        else:
            rows.append(_new_row(((line.strip(),), i, "text")))
    return rows


EDGE_LINES = [
    "a | b | c", "a | b |", " a | 1 ", "a |", "| a | b |", "| a | b", "|", "||", "| x", "|---|---|", "a | --- | b",
    "--- | ---", ":---|", "a\tb\tc", "\t\t", "a\t", "\tone cell", "- 3 -\t", "\t- 3 -\t", "— 12 —", "- 3 -",
    "a\t---\tb", "   ", "", "\u3000", "text line", "a | b\r", "|\r", "x\t|\ty", " |a", "行政许可 | 19175 | 减5711 | 20219 |",
]


def test_runs_cut_as_line_by_line_on_fixtures():
    texts = [p.read_text(encoding="utf-8") for p in FIXTURES.rglob("*") if p.suffix in (".txt", ".md")]
    assert texts
    for text in texts:
        assert text_rows(text) == _rows_line_by_line(text)


def test_runs_cut_as_line_by_line_on_edge_lines():
    for k, first in enumerate(EDGE_LINES):
        for second in EDGE_LINES:
            for third in ("a | b", "| c |", "d\te", "x"):
                text = "\n".join([first, second, third, first, third, second]) + ("\n" if k % 2 else "")
                assert text_rows(text) == _rows_line_by_line(text), repr(text)
