"""The fast paths of pipeline.reading.sectioning give what the plain definitions give."""

import random

from pipeline.reading import sectioning
from pipeline.reading.sectioning import _TAIL, _candidate_starts, _cut_tail, _heading_number

PIECES = ["一、总体情况", "三、本年度办理结果", "|", " | ", "\t", " ", "\u3000", "\u00a0", "#", "## ", "12", "a",
          "其他需要报告的事项", "（一）", "行政复议", "。", "\u2028", "\x1c"]


def _random_lines(n: int, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(PIECES) for _ in range(rng.randint(0, 8))) for _ in range(n)]


def test_cut_tail_is_the_tail_regex():
    for line in _random_lines(20000):
        assert _cut_tail(line) == _TAIL.sub("", line), repr(line)


def test_candidate_lines_hold_every_heading():
    """Every line that _heading_number can accept, at any expected number, is a candidate."""
    lines = _random_lines(5000, seed=1)
    text = "\n".join(lines)
    starts = set(_candidate_starts(text))
    offset = 0
    for line in lines:
        if any(_heading_number(line, expected) is not None for expected in range(1, 12)):
            assert offset in starts, repr(line)
        offset += len(line) + 1


def test_split_sections_matches_line_by_line_definition():
    """split_sections against the plain loop over every line (the definition it replaces)."""

    def reference(text):
        sections, heading, body, expected = [], None, [], 1
        for line in text.split("\n"):
            number = None if heading in sectioning.APPENDIX_HEADINGS else _heading_number(line, expected)
            if number is None:
                body.append(line)
                continue
            if heading is not None or any(b.strip() for b in body):
                sections.append(sectioning.Section(len(sections), heading, "\n".join(body).strip("\n")))
            elif not sections:
                sections.append(sectioning.Section(0, None, ""))
            heading = sectioning._clean(line)
            body = []
            expected = (number or expected) + 1
        sections.append(sectioning.Section(len(sections), heading, "\n".join(body).strip("\n")))
        if sections[0].heading is None and not sections[0].body:
            sections = [sectioning.Section(i, s.heading, s.body) for i, s in enumerate(sections[1:], start=1)]
        return sections

    rng = random.Random(2)
    headings = ["一、总体情况", "二、主动公开政府信息情况", "## 三、收到和处理政府信息公开申请情况", "四、结转下年度继续办理",
                "五、存在的主要问题及改进情况", "六、其他需要报告的事项", "七、附表", "其他需要报告的事项", "", " "]
    for _ in range(3000):
        lines = [rng.choice(headings) if rng.random() < 0.4 else rng.choice(_random_lines(50, rng.randint(0, 99)))
                 for _ in range(rng.randint(0, 15))]
        text = "\n".join(lines)
        assert sectioning.split_sections(text) == reference(text), repr(text)


def test_plain_cleaning_is_clean():
    """Where `_plainly_cleaned` answers, it gives what `_clean` gives, and `_heading_shape` what the shape of the
    cleaned line is."""
    answered = 0
    for line in _random_lines(20000, seed=2):
        plain = sectioning._plainly_cleaned(line.strip())
        if plain is not None:
            answered += 1
            assert plain == sectioning._clean(line), repr(line)
        cleaned = sectioning._clean(line)
        reference = (sectioning._cleaned_shape(cleaned) if line.strip().lstrip("#").lstrip()[:1]
                     in sectioning._HEADING_FIRST or len(line.strip()) - len(line.strip().lstrip("#")) > 6
                     else None)
        assert sectioning._heading_shape(line) == reference, repr(line)
    assert answered > 5000
