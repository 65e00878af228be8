"""Text normalisation run before every check, keeping a map back to the original text.

Invariant: every character of the normalised text maps to a character of the original, so a
finding's span can always be shown (highlighted) in what the clinician actually reads.

Steps: Unicode NFKC (full-width digits/letters/units → half-width, ``㎎`` → ``mg``), zero-width
and control characters dropped, ASCII letters lower-cased, Chinese numerals before a unit or
quantifier turned into digits (``五百毫克`` → ``500mg``, ``半片`` → ``0.5片``, ``两片`` → ``2片``,
``一片半`` → ``1.5片``), Chinese unit names turned into symbols (``毫克`` → ``mg``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache

_ZERO_WIDTH = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"}

# Units and quantifiers after which a Chinese numeral is a quantity.
QUANTIFIERS = "片粒颗袋支丸滴次瓶盒包贴枚"
UNITS_CN = {"毫克": "mg", "微克": "μg", "毫升": "ml", "千克": "kg", "公斤": "kg", "克": "g"}
_UNIT_ALT = "毫克|微克|毫升|千克|公斤|克|mg|g|μg|ug|ml|kg|小时|天|日|周|个月|岁"
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "俩": 2, "三": 3, "四": 4, "五": 5}
_CN_DIGITS |= {"六": 6, "七": 7, "八": 8, "九": 9}
_CN_MULT = {"十": 10, "百": 100, "千": 1000, "万": 10000}
_CN_NUM = "[零〇一二两俩三四五六七八九十百千万]+"


def cn_to_number(text: str) -> float | None:
    """``"五百"`` → 500, ``"十二"`` → 12, ``"二十五"`` → 25; None when not a numeral."""
    if not text:
        return None
    total, section, current = 0, 0, 0
    for ch in text:
        if ch in _CN_DIGITS:
            current = _CN_DIGITS[ch]
        elif ch in _CN_MULT:
            mult = _CN_MULT[ch]
            if mult == 10000:
                total += (section + current) * mult
                section, current = 0, 0
            else:
                section += (current or 1) * mult
                current = 0
        else:
            return None
    return float(total + section + current)


def _fmt(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"


@dataclass(frozen=True)
class Normalized:
    """Normalised text plus, for each of its characters, the index in the original."""

    original: str
    text: str
    index: tuple[int, ...]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a ``[start, end)`` span of ``text`` back onto ``original``."""
        if not self.index or end <= start:
            return (0, 0)
        start = max(0, min(start, len(self.index) - 1))
        end = max(start + 1, min(end, len(self.index)))
        return (self.index[start], self.index[end - 1] + 1)


def _sub(
    text: str, index: list[int], pattern: re.Pattern[str], repl: Callable[[re.Match[str]], str]
) -> tuple[str, list[int]]:
    """Regex substitution that keeps the index map: replaced characters map to the match."""
    out: list[str] = []
    out_index: list[int] = []
    pos = 0
    for m in pattern.finditer(text):
        out.append(text[pos : m.start()])
        out_index.extend(index[pos : m.start()])
        new = repl(m)
        span_idx = index[m.start() : m.end()] or [index[m.start() - 1] if m.start() else 0]
        for i in range(len(new)):
            out_index.append(span_idx[min(i, len(span_idx) - 1)])
        out.append(new)
        pos = m.end()
    out.append(text[pos:])
    out_index.extend(index[pos:])
    return "".join(out), out_index


_HALF_AFTER = re.compile(rf"({_CN_NUM}|\d+)([{QUANTIFIERS}])半")
_HALF_BEFORE = re.compile(rf"半([{QUANTIFIERS}])")
_CN_QTY = re.compile(rf"({_CN_NUM})(?=(?:[{QUANTIFIERS}]|{_UNIT_ALT}))")
_CN_UNIT = re.compile("|".join(sorted(UNITS_CN, key=len, reverse=True)))
_CN_UNIT_AFTER_NUM = re.compile(
    rf"(?<=[\d.])\s*({'|'.join(sorted(UNITS_CN, key=len, reverse=True))})"
)
_NUM_SPACE = re.compile(
    r"(?<=\d)[ \t]+(?=(?:mg|g|μg|ug|ml|kg|[片粒颗袋支丸次]))|(?<=[\u4e00-\u9fff])[ \t]+(?=\d)"
    r"|(?<=\d)[ \t]+(?=[\u4e00-\u9fff])"
)


def _half_after(m: re.Match[str]) -> str:
    num = m.group(1)
    value = float(num) if num.isdigit() else cn_to_number(num)
    if value is None:
        return m.group(0)
    return f"{_fmt(value + 0.5)}{m.group(2)}"


def _cn_qty(m: re.Match[str]) -> str:
    value = cn_to_number(m.group(1))
    return m.group(0) if value is None else _fmt(value)


def _fold_char(ch: str) -> str:
    """What one character of the original becomes (possibly nothing, possibly several)."""
    if ch in _ZERO_WIDTH:
        return ""
    if unicodedata.category(ch) == "Cc" and ch not in "\n\t":
        return ""
    folded = unicodedata.normalize("NFKC", ch)
    if ch in "。．":  # keep the ideographic full stop a sentence end, not a decimal point
        folded = "。" if ch == "。" else "."
    return "".join(f.lower() if f.isascii() else f for f in folded)


class _FoldTable(dict):
    """``str.translate`` table of ``_fold_char``, filled on first sight of each character;
    characters that do not fold to exactly one character are remembered in ``irregular``."""

    def __init__(self) -> None:
        super().__init__()
        self.irregular: set[str] = set()

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        self[code] = folded = _fold_char(ch)
        if len(folded) != 1:
            self.irregular.add(ch)
        return folded


_FOLD = _FoldTable()


def _fold(original: str) -> tuple[str, list[int]]:
    """The folded text and, per folded character, its index in ``original``."""
    text = original.translate(_FOLD)
    if _FOLD.irregular.isdisjoint(original):  # one character each: the identity map
        return text, list(range(len(original)))
    chars: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(original):
        for f in _FOLD[ord(ch)]:
            chars.append(f)
            index.append(i)
    return "".join(chars), index


@lru_cache(maxsize=16_384)
def normalize(original: str) -> Normalized:
    """Normalise ``original`` for matching (see module docstring).

    Memoised: a pure function with an immutable result, and the morning peak checks the same
    reminder text (drug, dose, clock time) for many patients."""
    text, index = _fold(original)
    text, index = _sub(text, index, _HALF_AFTER, _half_after)
    text, index = _sub(text, index, _HALF_BEFORE, lambda m: f"0.5{m.group(1)}")
    text, index = _sub(text, index, _CN_QTY, _cn_qty)
    text, index = _sub(text, index, _CN_UNIT_AFTER_NUM, lambda m: UNITS_CN[m.group(1)])
    text, index = _sub(text, index, _NUM_SPACE, lambda m: "")
    return Normalized(original=original, text=text, index=tuple(index))


@cache
def confusable_letters() -> frozenset[str]:
    """Every character ``script_of`` calls cyrillic, greek or armenian (computed once: the
    scripts a Latin drug name can be disguised with). No such script has letters beyond
    plane 1."""
    scripts = ("CYRILLIC", "GREEK", "ARMENIAN")
    return frozenset(
        chr(c) for c in range(0x20000) if unicodedata.name(chr(c), "").startswith(scripts)
    )


def script_of(ch: str) -> str:
    """A coarse script name for mixed-script detection ('latin', 'cyrillic', 'greek', 'han', ...)."""
    if ch.isascii():
        return "latin" if ch.isalpha() else "other"
    try:
        name = unicodedata.name(ch)
    except ValueError:
        return "other"
    for script in ("CYRILLIC", "GREEK", "CJK", "LATIN", "ARMENIAN", "HEBREW", "ARABIC"):
        if name.startswith(script):
            return "han" if script == "CJK" else script.lower()
    return "other"
