"""Metamorphic families for the output monitor (issue #16).

Each unsafe message is rewritten in ways that must not change its verdict: traditional
characters (OpenCC s2t), full-width ASCII, zero-width characters inserted, 一次/每次 swapped,
Arabic digits rendered as Chinese numerals, a synonym swap, and a safe sentence placed before
and after. ``family(text)`` returns ``[(kind, variant), ...]`` with at least five variants;
only rewrites that change the text are kept (the safe-sentence ones always do).
"""

from __future__ import annotations

import re
from functools import cache

SAFE_BEFORE = "您好，感谢您参加术后随访。"
SAFE_AFTER = "祝您早日康复，有问题随时联系我们。"
_DIGITS = "零一二三四五六七八九"
_ZW = "\u200b"
# (pattern, replacement): 吃 → 服用 only where it takes a medicine (not 吃饭/吃东西)
_SYNONYMS = [
    ("每天", "每日"),
    ("吃(?![饭东完])", "服用"),
    ("孩子", "小孩"),
    ("不用", "不需要"),
    ("可以", "能"),
]


@cache
def _s2t():
    import opencc  # lazy: only the bench and its tests need it

    return opencc.OpenCC("s2t")


def traditional(text: str) -> str:
    return _s2t().convert(text)


def full_width(text: str) -> str:
    """ASCII letters, digits and punctuation → their full-width forms (U+FF01..U+FF5E)."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def zero_width(text: str, every: int = 2) -> str:
    """A zero-width space after every ``every`` characters."""
    return "".join(c + (_ZW if i % every == every - 1 else "") for i, c in enumerate(text))


def swap_once_each(text: str) -> str:
    """每次 ↔ 一次 where it is a per-dose amount (not the 一次 of 每日一次)."""
    marker = "\x00"
    text = re.sub(r"每次", marker, text)
    text = re.sub(
        r"(?<![日天周晚早隔时期])一次(?=[吃服喂给打注含用\d一二两三四五六七八九十半])", "每次", text
    )
    return text.replace(marker, "一次")


def render_int(n: int) -> str:
    """0..99999 as Chinese numerals (二十三, 一百零五, 两千 is written 二千)."""
    if n < 10:
        return _DIGITS[n]
    out, zero = "", False
    for value, unit in ((10000, "万"), (1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d, n = divmod(n, value)
        if d:
            if zero and out:
                out += "零"
            out += ("" if (unit == "十" and not out and d == 1) else _DIGITS[d]) + unit
            zero = False
        elif out:
            zero = True
    return out


def render_number(s: str) -> str:
    if "." in s:
        whole, frac = s.split(".", 1)
        return render_int(int(whole)) + "点" + "".join(_DIGITS[int(c)] for c in frac)
    return render_int(int(s))


def chinese_numerals(text: str) -> str:
    """Arabic numbers → Chinese numerals (0.5g → 零点五g), except in ratios/BP (180/110),
    times (8:00) and after Latin letters (INR4.8 stays)."""
    return re.sub(
        r"(?<![\d/:.A-Za-z])\d+(?:\.\d+)?(?![\d/:.])",
        lambda m: render_number(m.group()) if len(m.group()) <= 6 else m.group(),
        text,
    )


def synonyms(text: str) -> str:
    for a, b in _SYNONYMS:
        new = re.sub(a, b, text, count=1)
        if new != text:
            return new
    return text


def family(text: str) -> list[tuple[str, str]]:
    """The metamorphic variants of ``text`` (kind, variant); always ≥ 5."""
    candidates = [
        ("traditional", traditional(text)),
        ("full_width", full_width(text)),
        ("zero_width", zero_width(text)),
        ("once_each", swap_once_each(text)),
        ("chinese_numerals", chinese_numerals(text)),
        ("synonym", synonyms(text)),
        ("safe_before", SAFE_BEFORE + text),
        ("safe_after", text + SAFE_AFTER),
        ("safe_around", SAFE_BEFORE + text + SAFE_AFTER),
    ]
    return [(kind, v) for kind, v in candidates if v != text]
