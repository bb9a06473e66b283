"""The fast traditional → simplified path gives exactly the text opencc-python-reimplemented gives.

pipeline.reading.fast_opencc splits text where no dictionary key can match across and converts the pieces; these
tests compare it with the reference converter on every fixture, on generated traditional reports and on random
strings built from the dictionaries' own keys (where matches overlap and compete), and `to_simplified` with
`reference_to_simplified` (KEEP_MEANING included).
"""

from __future__ import annotations

import importlib.util
import random
import sys
from pathlib import Path

import pytest
from opencc import OpenCC

from pipeline.reading.fast_opencc import Converter
from pipeline.reading.normalizing import reference_to_simplified, to_simplified

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).resolve().parent.parent


def _decoded(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030")


def _fixture_texts() -> list[str]:
    text_like = {".txt", ".md", ".html", ".htm"}  # the PDF and Word fixtures are not text
    return [_decoded(p) for p in sorted(FIXTURES.rglob("*")) if p.is_file() and p.suffix in text_like]


@pytest.fixture(scope="module")
def generated_traditional(tmp_path_factory) -> list[str]:
    spec = importlib.util.spec_from_file_location("generate_corpus", ROOT / "scripts" / "generate_corpus.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["generate_corpus"] = module
    spec.loader.exec_module(module)
    raw = tmp_path_factory.mktemp("gen") / "raw"
    names = module.generate(120, raw, seed=11)
    texts = [_decoded(raw / name) for name in names if "traditional" in name]
    assert len(texts) >= 5
    return texts


@pytest.mark.parametrize("config", ["tw2sp", "t2s"])
def test_same_text_as_opencc_on_every_fixture(config):
    reference, fast = OpenCC(config), Converter(config)
    for text in _fixture_texts():
        assert fast.convert(text) == reference.convert(text)


def test_same_text_as_opencc_on_generated_traditional_reports(generated_traditional):
    reference, fast = OpenCC("tw2sp"), Converter("tw2sp")
    for text in generated_traditional:
        assert fast.convert(text) == reference.convert(text)
        assert to_simplified(text) == reference_to_simplified(text)


@pytest.mark.parametrize("config", ["tw2sp", "t2s"])
def test_same_text_on_strings_made_of_competing_keys(config):
    """Keys glued to keys and stray key characters: overlapping candidates where the longest-match order counts."""
    reference, fast = OpenCC(config), Converter(config)
    keys = sorted({key for group in fast.groups for _max, _min, table in group.dicts for key in table})
    chars = sorted({c for key in keys for c in key})
    rng = random.Random(20240611)
    for _ in range(2000):
        text = "".join(rng.choice(keys) if rng.random() < 0.5 else rng.choice(chars) for _ in range(rng.randint(1, 10)))
        assert fast.convert(text) == reference.convert(text), text


@pytest.mark.parametrize("text", [
    "效能革命與行政查詢事項",  # KEEP_MEANING: 效能 stays, 查詢 → 查询
    "規範性檔案、網路、軟體",  # Taiwan phrases → mainland words
    "第二十條第(一)項 | 本年新 製作數量 | 採購總金額 6089.19萬元",
    "",
    "abc 123 ／ —— 。",
])
def test_to_simplified_matches_the_reference(text):
    assert to_simplified(text) == reference_to_simplified(text)


def test_traditional_seed_is_converted_exactly():
    seed = _decoded(FIXTURES / "seeds" / "001_a1987c7275b215ef.txt")
    assert to_simplified(seed) == reference_to_simplified(seed)
    assert "规范性文件" in to_simplified(seed)  # read off the seed: 規範性檔案 (table 二) is 规范性文件


@pytest.mark.parametrize("config", ["tw2sp", "t2s"])
def test_same_text_with_digits_and_lines_remembered(config):
    """Lines are remembered with their digits masked: keys glued to digit runs, line breaks and separators, each
    text converted twice (the second time from the remembered lines) and again with other digits."""
    reference, fast = OpenCC(config), Converter(config)
    keys = sorted({key for group in fast.groups for _max, _min, table in group.dicts for key in table})
    pool = ["0", "7", "12", "3.5", "\n", " ", " | ", "\t", "，", "\n\n"]
    rng = random.Random(9)
    for _ in range(2000):
        text = "".join(rng.choice(keys) if rng.random() < 0.5 else rng.choice(pool) for _ in range(rng.randint(1, 12)))
        other_digits = "".join(str(rng.randint(0, 9)) if c.isdigit() else c for c in text)
        for variant in (text, text, other_digits):
            assert fast.convert(variant) == reference.convert(variant), variant
