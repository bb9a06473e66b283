"""The fast paths of metadata inference give what their plain definitions give."""

import random
import re

from pipeline.reading.issuer import _first_lines, _last_lines, _lines
from pipeline.reading.metadata import TEMPLATE_MARKERS, infer_template

PIECES = ["\n", "\n\n", " ", "\u3000", "#", "## ", "\t", "本年制发件数", "本年 新制作数量", "指标\n名称", "统计指标",
          "政府信息公开情况统计表", "本年新收政府信息公开申请数量", "计量", "单位", "现行有效", "件数", "甲", "2019"]


def _texts(n: int, seed: int = 0):
    rng = random.Random(seed)
    for _ in range(n):
        yield "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 30)))


def test_first_and_last_lines_are_slices_of_lines():
    for text in _texts(5000):
        for n in (1, 6, 12):
            assert _first_lines(text, n) == _lines(text)[:n]
            assert _last_lines(text, n) == _lines(text)[-n:]


def test_infer_template_is_the_compact_text_definition():
    def reference(text, year):
        compact = re.sub(r"\s+", "", text)
        for template, markers in TEMPLATE_MARKERS:
            if any(marker in compact for marker in markers):
                return template
        if year is None or year < 2019:
            return "legacy"
        return "gov2019" if year < 2021 else "gov2021"

    for text in _texts(5000, seed=1):
        for year in (None, 2018, 2020, 2023):
            assert infer_template(text, year) == reference(text, year), repr(text)
