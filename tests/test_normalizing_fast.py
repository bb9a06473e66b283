"""The fast paths of normalizing give what the plain definitions give: CHAR_TABLE's mapping done by a regex
scan equals str.translate, and the C-counted script detection equals counting Han characters one by one."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from pipeline.reading.normalizing import (
    _HAN,
    CHAR_TABLE,
    TRADITIONAL_THRESHOLD,
    _map_chars,
    _traditional_chars,
    detect_script,
)

FIXTURES = Path(__file__).parent / "fixtures"


def _texts() -> list[str]:
    texts = []
    for path in sorted(FIXTURES.rglob("*")):
        if path.is_file() and path.suffix in {".txt", ".md", ".html", ".htm"}:  # PDF and Word fixtures are not text
            data = path.read_bytes()
            try:
                texts.append(data.decode("utf-8"))
            except UnicodeDecodeError:
                texts.append(data.decode("gb18030"))
    rng = random.Random(7)
    pool = [chr(k) for k in CHAR_TABLE] + list("ab 12中文規範體\n\t") + sorted(_traditional_chars())[:40]
    texts += ["".join(rng.choice(pool) for _ in range(rng.randint(0, 60))) for _ in range(2000)]
    return texts


def _reference_script(text: str, sample_chars: int = 20000) -> str:
    han = _HAN.findall(text[: sample_chars * 4])[:sample_chars]
    if not han:
        return "simplified"
    changed = sum(1 for c in han if c in _traditional_chars())
    return "traditional" if changed / len(han) >= TRADITIONAL_THRESHOLD else "simplified"


def test_char_mapping_equals_translate():
    for text in _texts():
        assert _map_chars(text) == text.translate(CHAR_TABLE)


def test_script_detection_equals_counting_one_by_one():
    for text in _texts():
        assert detect_script(text) == _reference_script(text)


@pytest.mark.parametrize("text", [
    "中" * 30000 + "體" * 2000,  # more Han characters than the sample holds: only the first 20,000 count
    "體" * 700 + "中" * 20000,
    "x" * 90000 + "體",  # beyond the sample
])
def test_long_texts(text):
    assert detect_script(text) == _reference_script(text)


def test_count_han_is_the_regex_count():
    """count_han (UTF-8 lead bytes) counts exactly what the _HAN regex matches, around the block's edges too."""
    import random

    from pipeline.reading.normalizing import _HAN, count_han

    edges = [0x3FFF, 0x4000, 0x4DB5, 0x4DFF, 0x4E00, 0x4E01, 0x9FFF, 0xA000, 0xD7FF, 0xE000, 0x7F, 0x80, 0x7FF,
             0x800, 0xFFFF, 0x10000, 0x1F600]
    rng = random.Random(0)
    for _ in range(3000):
        text = "".join(chr(rng.choice(edges) if rng.random() < 0.5 else rng.randint(0, 0x2FFFF))
                       for _ in range(rng.randint(0, 40)))
        text = "".join(c for c in text if not 0xD800 <= ord(c) <= 0xDFFF) + ("\ud800" if rng.random() < 0.1 else "")
        assert count_han(text) == _HAN.subn("", text)[1], repr(text)


def test_trailing_spaces_stripped_as_the_regex_does():
    from pipeline.reading.normalizing import _TRAILING_SPACE, _strip_trailing_spaces

    rng = random.Random(3)
    texts = _texts() + ["".join(rng.choice(" \n\ta中") for _ in range(rng.randint(0, 30))) for _ in range(3000)]
    for text in texts:
        assert _strip_trailing_spaces(text) == _TRAILING_SPACE.sub("", text), repr(text)


def test_opencc_separators_as_one_character_class():
    from opencc import OpenCC

    from pipeline.reading.fast_opencc import converter

    reference = OpenCC("tw2sp").split_chars_re
    pool = list(reference.pattern.replace("\\", "")) + list(" \t\n\u3000\u00a0ab中國")
    rng = random.Random(5)
    for text in _texts() + ["".join(rng.choice(pool) for _ in range(rng.randint(0, 20))) for _ in range(5000)]:
        assert converter("tw2sp").split(text) == reference.split(text), repr(text)


def test_fewest_traditional_is_the_threshold_count():
    """The least count of traditional characters that makes `changed / n_han >= TRADITIONAL_THRESHOLD` true."""
    from pipeline.reading.normalizing import _fewest_traditional

    for n_han in range(1, 30001):
        least = _fewest_traditional(n_han)
        assert least / n_han >= TRADITIONAL_THRESHOLD, n_han
        assert least == 1 or (least - 1) / n_han < TRADITIONAL_THRESHOLD, n_han


def test_script_detection_at_the_threshold():
    """Texts with just below, at and just above the threshold's share of traditional characters."""
    traditional = sorted(_traditional_chars())
    rng = random.Random(11)
    for n_han in (1, 2, 33, 34, 100, 101, 999, 1000, 1001, 5000, 19999, 20000):
        least = -(-n_han * 3 // 100)
        for changed in {max(0, least - 1), least, min(n_han, least + 1)}:
            chars = [rng.choice(traditional) for _ in range(changed)] + ["中"] * (n_han - changed)
            rng.shuffle(chars)
            text = "".join(c + (" \n" if rng.random() < 0.1 else "") for c in chars)
            assert detect_script(text) == _reference_script(text), (n_han, changed)
