"""OpenCC's conversions, exactly, at a fraction of the cost: opencc-python-reimplemented stays the source of truth.

OpenCC (the pure-Python port) converts each run of text between separators through a chain of dictionary groups;
per group it repeatedly takes the longest (leftmost) dictionary key found anywhere in the run, fixes it, and goes
on with what is left on either side. Walking every character of a whole report that way costs ~12 ms. Two facts
make almost all of that work unnecessary, without changing a single output character:
- no key of a group contains the two characters on either side of a position → no match can span it, so the run
  converts as the two halves converted apart (the longest-match recursion never looks across that point);
- so a run falls into pieces, almost all one character long; a lone character becomes the value of the first
  dictionary of the group that has it as a key, and a longer piece goes through OpenCC's own algorithm for that
  group, remembered (pieces repeat: labels, set phrases).
`Converter(config).convert(text)` equals `opencc.OpenCC(config).convert(text)`; tests/test_fast_opencc.py checks
it on the fixtures, generated reports and random strings built from the dictionaries' own keys.
"""

from __future__ import annotations

import re
from functools import lru_cache

from opencc import OpenCC
from opencc.opencc import StringTree


class _Group:
    """One group of the conversion chain, prepared for piecewise conversion."""

    def __init__(self, dicts: list[tuple[int, int, dict[str, str]]]):
        self.dicts = dicts
        #: every pair of neighbouring characters inside some key: only there can a match span a position
        self.links: frozenset[str] = frozenset(
            key[i : i + 2] for _max, _min, table in dicts for key in table if len(key) > 1 for i in range(len(key) - 1)
        )
        singles: dict[str, str] = {}
        for _max, min_len, table in reversed(dicts):  # the first dictionary of the group that has it wins
            if min_len <= 1:
                singles.update((k, v.split(" ")[0]) for k, v in table.items() if len(k) == 1)  # OpenCC: first value
        self.singles = singles
        self.pieces: dict[str, str] = {}

    def piece(self, text: str) -> str:
        """A piece of two or more linked characters, through OpenCC's own algorithm (remembered)."""
        done = self.pieces.get(text)
        if done is None:
            tree = StringTree(text)
            tree.create_parse_tree(self.dicts)
            done = self.pieces[text] = "".join(tree.inorder())
        return done

    def convert(self, text: str) -> str:
        links, singles = self.links, self.singles
        out: list[str] = []
        start = 0
        for i in range(1, len(text)):
            if text[i - 1 : i + 1] not in links:
                out.append(singles.get(text[start:i], text[start:i]) if i - start == 1 else self.piece(text[start:i]))
                start = i
        rest = text[start:]
        out.append(singles.get(rest, rest) if len(rest) <= 1 else self.piece(rest))
        return "".join(out)


def _as_char_class(split_re: re.Pattern) -> re.Pattern:
    """OpenCC's separator pattern `(\\s+|-|,|…)` with its one-character alternatives as one character class: the
    same matches (at a position every one-character alternative matches the same one character, and `\\s+` is
    still tried first), without trying ~70 alternatives at every character (~0.2 ms per report)."""
    first, *singles = split_re.pattern.removeprefix("(").removesuffix(")").split("|")
    chars = [re.sub(r"\\(.)", r"\1", alt) for alt in singles]
    assert first == r"\s+" and all(len(c) == 1 for c in chars), split_re.pattern
    return re.compile(rf"({first}|[{''.join(map(re.escape, chars))}])", split_re.flags)


#: ASCII digits: no dictionary key or value holds one (checked when a Converter is built) and a digit is no
#: separator, so a digit is a piece of its own that converts to itself and can stand in as "0" while the rest
#: converts: table rows that differ only in their numbers convert alike. Masked on the UTF-8 bytes (where a byte
#: 0x30–0x39 is always a digit) by C byte tables: a regex over the text cost ~0.1 ms per traditional report.
_DIGITS = re.compile("[0-9]")
_DIGITS_TO_ZERO = bytes.maketrans(b"123456789", b"000000000")
_NOT_DIGITS = bytes(sorted(set(range(256)) - set(b"0123456789")))
#: most lines (digits masked) remembered per converter; ~93 % of a traditional report's lines were seen before
MAX_LINES = 100_000


class Converter:
    """A drop-in for `opencc.OpenCC(config).convert` that gives the same text."""

    def __init__(self, config: str):
        reference = OpenCC(config)
        reference._init_dict()  # noqa: SLF001 — the dictionaries the reference converter uses, as it loads them
        self.split = _as_char_class(reference.split_chars_re).split
        self.groups = [_Group(group) for group in reference._dict_chain_data]  # noqa: SLF001
        assert not any(_DIGITS.search(key + value) for group in reference._dict_chain_data  # noqa: SLF001
                       for _max, _min, table in group for key, value in table.items()), "a key or value holds a digit"
        assert self.split("0") == ["0"], "a digit is a separator"
        self.runs: dict[str, str] = {}
        self.lines: dict[str, str] = {}

    def convert(self, text: str) -> str:
        """The text converted line by line (no run between separators spans a line break, `\\s` being one), each
        line with its digits masked as "0" and remembered, the digits put back afterwards: a dictionary lookup
        per line instead of one per run (~12 runs a line)."""
        data = text.encode("utf-8", "surrogatepass")
        digits = data.translate(None, _NOT_DIGITS).decode("ascii")  # every digit of the text, in order
        masked = data.translate(_DIGITS_TO_ZERO).decode("utf-8", "surrogatepass") if digits else text
        lines = self.lines
        converted = []
        for line in masked.split("\n"):
            done = lines.get(line)
            if done is None:
                done = self.convert_runs(line)
                if len(lines) < MAX_LINES:
                    lines[line] = done
            converted.append(done)
        joined = "\n".join(converted)
        if not digits:
            return joined
        pieces = joined.split("0")  # every "0" left stands for a digit: the conversion writes none
        out = [""] * (2 * len(pieces) - 1)
        out[0::2] = pieces
        out[1::2] = digits
        return "".join(out)

    def convert_runs(self, text: str) -> str:
        """`opencc.OpenCC(config).convert(text)`, each run between separators converted once and remembered."""
        parts = self.split(text)
        for i in range(0, len(parts), 2):  # even parts are text, odd parts separators (never converted)
            run = parts[i]
            if run:
                done = self.runs.get(run)
                if done is None:
                    done = run
                    for group in self.groups:
                        done = group.convert(done)
                    if len(self.runs) < 200_000:
                        self.runs[run] = done
                parts[i] = done
        return "".join(parts)


@lru_cache(maxsize=4)
def converter(config: str) -> Converter:
    return Converter(config)
