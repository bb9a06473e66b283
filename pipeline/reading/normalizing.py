"""Text normalization: one place, one list of rules, applied to every report after decoding.

Rules, in the order they are applied:
 1. Line endings: CRLF and lone CR become LF.
 2. Zero-width characters (U+200B–U+200D, U+2060, U+FEFF) are removed.
 3. NBSP (U+00A0), the ideographic space (U+3000) and the other Unicode spaces (U+2000–U+200A, U+202F,
    U+205F) become an ASCII space.
 4. Full-width digits ０-９ and Latin letters Ａ-Ｚ ａ-ｚ become ASCII.
 5. Full-width signs become ASCII: ，→ ,  ．→ .  ％→ %  ＋→ +  －→ -  ／→ /  ：→ :  ；→ ;  ｜→ |
 6. ASCII parentheses become full-width （ ）, the form the templates' labels use (（一）予以公开).
 7. Traditional Chinese is detected (share of characters that OpenCC's t2s changes) and, when found, converted to
    simplified with OpenCC's phrase-aware `tw2sp` (規範性檔案 → 规范性文件), except the few Taiwan phrases in
    KEEP_MEANING whose rewrite would change a mainland report's words (效能 ↛ 性能); `reports.script` records it.
 8. Trailing spaces are stripped from every line; tabs inside lines are kept (they separate table cells);
    leading/trailing blank lines of the document are dropped.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from itertools import islice, repeat

from opencc import OpenCC

from pipeline.reading.fast_opencc import converter

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
_SPACES = {ord(c): " " for c in "\u00a0\u3000\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f"}
_FULLWIDTH_ASCII = {cp: cp - 0xFEE0 for cp in [*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B)]}
_SIGNS = {ord(a): b for a, b in zip("，．％＋－／：；｜", ",.%+-/:;|", strict=True)}
_PARENS = {ord("("): "（", ord(")"): "）"}
CHAR_TABLE = str.maketrans({**_ZERO_WIDTH, **_SPACES, **_FULLWIDTH_ASCII, **_SIGNS, **_PARENS})
#: CHAR_TABLE as a regex substitution: the same character-for-character mapping, but the scan runs in C and only
#: the few characters that change cost a Python call (str.translate looks every character up in a dict: ~0.3 ms
#: for a 3,000-character report)
_CHAR_MAP = {chr(k): (v if isinstance(v, str) else "" if v is None else chr(v)) for k, v in CHAR_TABLE.items()}
_CHAR_RE = re.compile("[" + "".join(map(re.escape, _CHAR_MAP)) + "]")


#: mapped characters nearly every report holds, thousands of times (，：；): replaced outright, so that the scan
#: for the others finds few (it builds a string per match)
_FREQUENT = "，：；"


def _map_chars(text: str) -> str:
    """`text.translate(CHAR_TABLE)`: one str.replace per distinct mapped character present (a few per report).
    Replacing one character after another is the same as mapping all at once because no character the table
    writes is one it maps."""
    for char in _FREQUENT:
        text = text.replace(char, _CHAR_MAP[char])
    for char in set(_CHAR_RE.findall(text)):
        text = text.replace(char, _CHAR_MAP[char])
    return text


assert not set("".join(_CHAR_MAP.values())) & set(_CHAR_MAP), "CHAR_TABLE must not write a character it maps"

_TRAILING_SPACE = re.compile(r"[ ]+$", re.MULTILINE)
_HAN = re.compile(r"[\u4e00-\u9fff]")

#: share of Han characters that must change under t2s for a text to count as traditional
TRADITIONAL_THRESHOLD = 0.03


@lru_cache(maxsize=2)
def _opencc(config: str) -> OpenCC:
    return OpenCC(config)


@lru_cache(maxsize=1)
def _traditional_chars() -> frozenset[str]:
    """Han characters that OpenCC's t2s changes: computed once, so detection is a set lookup per character."""
    block = "".join(map(chr, range(0x4E00, 0xA000)))
    return frozenset(a for a, b in zip(block, converter("t2s").convert(block), strict=False) if a != b)


def detect_script(text: str, sample_chars: int = 20000) -> str:
    """'traditional' or 'simplified', from the share of Han characters that only traditional text uses."""
    sample = text[: sample_chars * 4]
    if _traditional_re().search(sample) is None:  # most reports: not one character only traditional text uses
        return "simplified"
    n_han = count_han(sample)
    if n_han <= sample_chars:  # every Han character of the sample counts: count the traditional ones in C too
        if not n_han:
            return "simplified"
        return "traditional" if _holds_traditional(sample, _fewest_traditional(n_han)) else "simplified"
    han = _HAN.findall(sample)[:sample_chars]
    traditional = _traditional_chars()
    changed = sum(map(traditional.__contains__, han))
    return "traditional" if changed / len(han) >= TRADITIONAL_THRESHOLD else "simplified"


def _fewest_traditional(n_han: int) -> int:
    """The fewest traditional characters `changed` for which `changed / n_han >= TRADITIONAL_THRESHOLD` (the
    same float comparison as the rule's, so the same verdict at the boundary)."""
    changed = max(1, math.ceil(TRADITIONAL_THRESHOLD * n_han))
    while changed > 1 and (changed - 1) / n_han >= TRADITIONAL_THRESHOLD:
        changed -= 1
    while changed / n_han < TRADITIONAL_THRESHOLD:
        changed += 1
    return changed


def _holds_traditional(sample: str, at_least: int) -> bool:
    """Whether `sample` holds at least `at_least` traditional-only characters: the scan stops at the one that
    decides (listing all of them, thousands in a traditional report, cost ~0.1 ms)."""
    return next(islice(_traditional_re().finditer(sample), at_least - 1, None), None) is not None


#: UTF-8 lead bytes E4–E9 start U+4000–U+9FFF (a byte table for bytes.translate: 1 for those, 0 otherwise) …
_LEAD_E4_E9 = bytes(1 if 0xE4 <= b <= 0xE9 else 0 for b in range(256))
#: … of which E4 80–B7 is U+4000–U+4DFF, before the Han block
_BELOW_HAN = re.compile(rb"\xe4[\x80-\xb7]")


def count_han(text: str) -> int:
    """How many characters of `text` are in U+4E00–U+9FFF (what `_HAN` matches), counted on its UTF-8 bytes:
    one lead byte per character, so a byte-table translate and one count, both in C and building nothing per
    character (a regex subn cost ~6x more)."""
    data = text.encode("utf-8", "surrogatepass")
    n = data.translate(_LEAD_E4_E9).count(1)
    return n - len(_BELOW_HAN.findall(data)) if b"\xe4" in data else n


@lru_cache(maxsize=1)
def _traditional_re() -> re.Pattern:
    return re.compile("[" + "".join(sorted(_traditional_chars())) + "]")


#: Taiwan phrases that tw2sp would rewrite wrongly here: these reports are mainland texts shown in traditional
#: script, so 效能革命 stays 效能 (not 性能) and 行政查詢事項 becomes 查询 (not 查找); converted character by character.
KEEP_MEANING = ("效能", "查詢", "預設")


def to_simplified(text: str) -> str:
    """Phrase-aware traditional → simplified (Taiwan phrases, e.g. 檔案 → 文件, 網路 → 网络), except KEEP_MEANING."""
    placeholders = {f"\ue000{i}\ue001": word for i, word in enumerate(KEEP_MEANING) if word in text}
    for mark, word in placeholders.items():
        text = text.replace(word, mark)
    text = converter("tw2sp").convert(text)  # exactly OpenCC's tw2sp (pipeline.reading.fast_opencc), ~20x faster
    for mark, word in placeholders.items():
        text = text.replace(mark, converter("t2s").convert(word))
    return text


def reference_to_simplified(text: str) -> str:
    """`to_simplified` through opencc-python-reimplemented itself: the reference the fast path is tested against."""
    placeholders = {f"\ue000{i}\ue001": word for i, word in enumerate(KEEP_MEANING) if word in text}
    for mark, word in placeholders.items():
        text = text.replace(word, mark)
    text = _opencc("tw2sp").convert(text)
    for mark, word in placeholders.items():
        text = text.replace(mark, _opencc("t2s").convert(word))
    return text


def _strip_trailing_spaces(text: str) -> str:
    """`_TRAILING_SPACE.sub("", text)`, line by line (C-level `map`): the regex tries a match at every space of the
    text (PDF layout text holds thousands), ~4x slower."""
    return "\n".join(map(str.rstrip, text.split("\n"), repeat(" ")))


def _map_chars_noting_traditional(text: str) -> tuple[str, bool]:
    """`_map_chars(text)`, and whether `text` holds a character only traditional text uses: one regex scan finds
    both (each scan of a report costs ~0.15 M instructions; most texts hold neither kind)."""
    for char in _FREQUENT:
        text = text.replace(char, _CHAR_MAP[char])
    found = set(_mapped_or_traditional_re().findall(text))
    mapped = found & _CHAR_MAP.keys()
    for char in mapped:
        text = text.replace(char, _CHAR_MAP[char])
    return text, len(found) > len(mapped)


@lru_cache(maxsize=1)
def _mapped_or_traditional_re() -> re.Pattern:
    """A character CHAR_TABLE maps or one only traditional text uses (the two sets do not meet)."""
    assert not _traditional_chars() & _CHAR_MAP.keys()
    return re.compile(_traditional_re().pattern[:-1] + "".join(map(re.escape, _CHAR_MAP)) + "]")


def normalize_text(text: str) -> tuple[str, str]:
    """Apply every rule of the module docstring; return (normalized text, script found in the input)."""
    # = .translate(CHAR_TABLE); mapping writes no Han character, so the mapped text holds a traditional-only
    # character exactly when the input does, and detect_script can only answer 'simplified' when it holds none
    text, traditional_seen = _map_chars_noting_traditional(text.replace("\r\n", "\n").replace("\r", "\n"))
    script = detect_script(text) if traditional_seen else "simplified"
    if script == "traditional":
        text = to_simplified(text)
    if " \n" in text or text.endswith(" "):  # what _TRAILING_SPACE matches ends so (most texts have none)
        text = _strip_trailing_spaces(text)
    text = text.strip("\n")
    return text + "\n", script
