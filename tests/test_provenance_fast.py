"""strip_markers and mark_line give what their regex definitions give."""

import random
import re

from pipeline.reading.provenance import _CLOSE, _OPEN, Origin, mark_line, strip_markers

#: the definition: a marker is the opening character, three fields of decimal digits (any may be empty) separated by
#: commas, and the closing character; a line's first marker is its origin
_MARKER = re.compile(_OPEN + r"(\d*),(\d*),(\d*)" + _CLOSE)


def _reference(text: str) -> tuple[str, dict[int, Origin]]:
    origins: dict[int, Origin] = {}
    for found in _MARKER.finditer(text):
        line = text.count("\n", 0, found.start()) + 1
        origins.setdefault(line, Origin(*(int(v) if v else None for v in found.groups())))
    return _MARKER.sub("", text), origins


PIECES = [_OPEN, _CLOSE, ",", ",,", "1", "23", "\n", "x", "表", "٣", "²", "1,2,3", " ", "\n\n"]


def test_strip_markers_is_the_regex_definition():
    rng = random.Random(0)
    for _ in range(100_000):
        text = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 16)))
        assert strip_markers(text) == _reference(text), repr(text)


def test_strip_markers_on_marked_lines():
    lines = [mark_line(f"row {i}\t{i}", page, table, i) for i, (page, table) in
             enumerate([(None, 1), (3, None), (None, None), (12, 2)] * 5)]
    text = "\n".join(["title", *lines, "end " + mark_line("tail", 1, 1, 1)])
    assert strip_markers(text) == _reference(text)
    assert strip_markers(text)[1][2] == Origin(None, 1, 0)


def test_mark_line_writes_the_fields():
    assert mark_line("ab", 1, None, 30) == _OPEN + "1,,30" + _CLOSE + "ab"
    assert mark_line("", None, None, None) == _OPEN + ",," + _CLOSE
