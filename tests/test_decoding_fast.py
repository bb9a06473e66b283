"""The byte-level test for control and private-use characters says what the _CONTROL regex says."""

from __future__ import annotations

import random

from pipeline.reading.decoding import _CONTROL, _may_hold_control

#: code points at the edges of what _CONTROL matches, and others that share bytes with them
EDGES = [0x00, 0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x1F, 0x20, 0x7F, 0x80, 0x9F, 0xFF, 0x100, 0x4E00, 0xDFFF,
         0xD800, 0xE000, 0xE001, 0xEFFF, 0xF8FF, 0xF900, 0xFF0C, 0x10000, 0xF0000, 0x10FFFF]


def test_may_hold_control_is_the_regex():
    rng = random.Random(0)
    for _ in range(30000):
        text = "".join(chr(rng.choice(EDGES) if rng.random() < 0.7 else rng.randint(0, 0x10FFFF))
                       for _ in range(rng.randint(0, 8)))
        assert _may_hold_control(text) == (_CONTROL.search(text) is not None), repr(text)
