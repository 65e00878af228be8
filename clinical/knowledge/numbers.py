"""The one reader of amounts written by prescribers and patients (issue #22).

Reads Arabic digits and decimals, Chinese numerals (两/二, 十/百/千/万 compounds, 点/零点
decimals, financial 壹贰叁), 半 / 一半 / 一片半, fractions (1/2, 二分之一, ½), mixed numbers
(1又1/2, 一又二分之一), ranges (1-2片, 一到两片, 1～2粒, 两三片), full-width digits and
zero-width characters, followed by a unit from ``data/units.csv`` (Chinese and UCUM).

Invariant: a value is exact (``fractions.Fraction``, never a float) or the spelling is
reported as ``Unreadable``; the reader never approximates and never returns a different
number (``零点五`` is 0.5 or nothing, never 5; ``1..5`` and ``十十`` are nothing).
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from pathlib import Path

from clinical.knowledge import counts

UNITS_PATH = Path(__file__).parent / "data" / "units.csv"

_ZERO_WIDTH = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u180e"}


def invisible(ch: str) -> bool:
    """A character that shows nothing and changes no word: zero-width, soft hyphen, bidi and
    other format controls (Unicode category Cf: U+200E, U+202E, U+2061…), control characters
    except newline and tab. Dropped before any matching: 我想自杀 with a U+200E or U+202E inside
    is 我想自杀. The one definition (``clinical.knowledge.text.invisible`` is this function:
    defined here, below the normaliser, which imports this module)."""
    if ch in _ZERO_WIDTH:
        return True
    category = unicodedata.category(ch)
    return category == "Cf" or (category == "Cc" and ch not in "\n\t")


_DASHES = {"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-"}
_DASHES |= {"\u2015": "-", "\u2212": "-", "\u301c": "~", "\u2053": "~"}
_VULGAR = {"½": "1/2", "⅓": "1/3", "⅔": "2/3", "¼": "1/4", "¾": "3/4", "⅕": "1/5"}
_VULGAR |= {"⅖": "2/5", "⅗": "3/5", "⅘": "4/5", "⅙": "1/6", "⅚": "5/6", "⅛": "1/8"}
_VULGAR |= {"⅜": "3/8", "⅝": "5/8", "⅞": "7/8"}

# The count digits (``counts.DIGITS``), with zero, 俩 and the financial numerals of a prescription.
_CN_DIGIT = {**counts.DIGITS, "零": 0, "〇": 0, "俩": 2, "壹": 1, "贰": 2, "叁": 3, "肆": 4}
_CN_DIGIT |= {"伍": 5, "陆": 6, "柒": 7, "捌": 8, "玖": 9}
_CN_UNIT = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_WAN = "万"
_ZERO = "零〇"
_PAIRS = counts.NEIGHBOURS  # 两三片 = 2 to 3 tablets
_VAGUE = counts.INEXACT
_CONNECTORS = "-~到至"

_CHARS = "0-9.点零〇一壹二贰两俩三叁四肆五伍六陆七柒八捌九玖十拾百佰千仟万半又/几"
# A maximal run of characters that can belong to a number (validated strictly afterwards).
TERM = rf"(?:[{_CHARS}]|(?<=\d),(?=\d)|分之|若干)+"
_TERM_RE = re.compile(rf"(?<![A-Za-z_0-9.]){TERM}")
_ARABIC = re.compile(r"\d+(?:\.\d+)?")
_ARABIC_INT = re.compile(r"\d+")
_ARABIC_MULT = re.compile(r"(\d+(?:\.\d+)?)([十百千万])")


@dataclass(frozen=True)
class Unit:
    """One unit: its canonical name, UCUM code, kind and factor to the kind's base unit
    (mg for mass, mL for volume, the unit itself otherwise)."""

    unit: str
    ucum: str | None
    kind: str
    to_base: Fraction
    dose: bool


@dataclass(frozen=True)
class Amount:
    """An exactly read amount. ``high`` is set for a range (``value`` is its low end)."""

    value: Fraction
    high: Fraction | None = None
    unit: str | None = None
    ucum: str | None = None
    kind: str | None = None
    to_base: Fraction | None = None
    dose_unit: bool = False
    span: tuple[int, int] = (0, 0)
    text: str = ""
    unit_text: str | None = None  # the unit as written (after folding): 毫克, mg, 片

    @property
    def is_range(self) -> bool:
        return self.high is not None

    def base(self, which: str = "value") -> Fraction | None:
        """The amount in its kind's base unit (mg, mL …); None without a unit."""
        if self.to_base is None:
            return None
        v = self.value if which == "value" else self.high
        return None if v is None else v * self.to_base


@dataclass(frozen=True)
class Unreadable:
    """A spelling that looks like an amount but cannot be read exactly."""

    reason: str
    span: tuple[int, int] = (0, 0)
    text: str = ""


# --------------------------------------------------------------------------- units


@lru_cache(maxsize=1)
def units() -> dict[str, Unit]:
    """Surface form (lower case for ASCII) → Unit, from ``data/units.csv``."""
    out: dict[str, Unit] = {}
    with UNITS_PATH.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            out[row["surface"].lower()] = Unit(
                unit=row["unit"],
                ucum=row["ucum"] or None,
                kind=row["kind"],
                to_base=Fraction(row["to_base"]),
                dose=row["dose"] == "yes",
            )
    return out


@lru_cache(maxsize=1)
def _unit_re() -> re.Pattern[str]:
    surfaces = sorted(units(), key=len, reverse=True)
    alt = "|".join(re.escape(s) + ("(?![A-Za-z])" if s.isascii() else "") for s in surfaces)
    return re.compile(rf"\s*({alt})", re.IGNORECASE)


def unit_pattern(dose_only: bool = True) -> str:
    """A regex alternation of unit surfaces (longest first), for patterns built elsewhere."""
    surfaces = [s for s, u in units().items() if u.dose or not dose_only]
    return "(?:" + "|".join(re.escape(s) for s in sorted(surfaces, key=len, reverse=True)) + ")"


def unit_of(surface: str) -> Unit | None:
    """The Unit of a surface form after folding (``㎎`` → mg, ``ML`` → mL); None if unknown."""
    folded, _ = fold(surface.strip())
    return units().get(folded.lower())


# --------------------------------------------------------------------------- folding


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    if invisible(ch):
        return ""
    if ch in _DASHES:
        return _DASHES[ch]
    if ch in "〇。":
        return ch
    return unicodedata.normalize("NFKC", ch).replace("\u2044", "/")


def fold(text: str) -> tuple[str, tuple[int, ...]]:
    """NFKC per character (full-width digits, ``㎎``), zero-width dropped, dashes and
    vulgar fractions spelled plainly; with, per folded character, its index in ``text``."""
    chars: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        if ch in _VULGAR:
            folded = _VULGAR[ch]
            if chars and chars[-1].isdigit():
                folded = "又" + folded  # 1½ is 1又1/2, never 11/2
        else:
            folded = _fold_char(ch)
        for f in folded:
            chars.append(f)
            index.append(i)
    return "".join(chars), tuple(index)


# --------------------------------------------------------------------------- numbers


class _Bad(ValueError):
    pass


def _section(s: str) -> int:
    """A Chinese integer below 10000 (一百零五, 二十五, 十二, colloquial 一百五 = 150)."""
    if s in ("零", "〇"):
        return 0
    total, last, zero, i, n = 0, 10000, False, 0, len(s)
    if not s:
        raise _Bad("空的数字")
    while i < n:
        ch = s[i]
        if ch in _ZERO:
            if zero or total == 0 or i == n - 1:
                raise _Bad(f"“零”的位置不对: {s}")
            zero = True
            i += 1
        elif ch in _CN_DIGIT:
            d = _CN_DIGIT[ch]
            if i + 1 < n and s[i + 1] in _CN_UNIT:
                u = _CN_UNIT[s[i + 1]]
                if u >= last:
                    raise _Bad(f"数位重复或颠倒: {s}")
                if last != 10000 and (u * 10 == last) == zero:
                    raise _Bad(f"数位缺少或多了“零”: {s}")
                total += d * u
                last, zero = u, False
                i += 2
            elif i + 1 == n:
                if last == 10000:
                    total = d
                elif zero or last == 10:
                    total += d
                else:  # 一百五 = 150, 一千二 = 1200
                    total += d * (last // 10)
                i += 1
            else:
                raise _Bad(f"数字连写: {s}")
        elif ch in _CN_UNIT and i == 0 and _CN_UNIT[ch] == 10:
            total, last = 10, 10  # 十二
            i += 1
        else:
            raise _Bad(f"无法读取的数字: {s}")
    return total


def _cn_int(s: str) -> int:
    """A Chinese integer below 10^8."""
    if _WAN not in s:
        return _section(s)
    high, _, low = s.partition(_WAN)
    if _WAN in low or not high:
        raise _Bad(f"无法读取的数字: {s}")
    value = _section(high) * 10000
    if not low:
        return value
    if low[0] in _ZERO:
        rest = _section(low[1:])
        if rest >= 1000 or rest == 0:
            raise _Bad(f"“零”的位置不对: {s}")
        return value + rest
    if len(low) == 1:
        return value + _section(low) * 1000  # 一万五 = 15000
    rest = _section(low)
    if rest < 1000:
        raise _Bad(f"数位缺少“零”: {s}")
    return value + rest


def _int(s: str) -> int:
    if _ARABIC_INT.fullmatch(s):
        return int(s)
    if s and all(c in _CN_DIGIT or c in _CN_UNIT or c == _WAN for c in s):
        return _cn_int(s)
    raise _Bad(f"不是整数: {s}")


def _fraction(s: str) -> Fraction:
    """Y/Z or Z分之Y."""
    if "分之" in s:
        den, _, num = s.partition("分之")
        if "分之" in num or "/" in s:
            raise _Bad(f"无法读取的分数: {s}")
        d, n = _int(den), _int(num)
    elif s.count("/") == 1:
        num, _, den = s.partition("/")
        if not (_ARABIC_INT.fullmatch(num) and _ARABIC_INT.fullmatch(den)):
            raise _Bad(f"无法读取的分数: {s}")
        n, d = int(num), int(den)
    else:
        raise _Bad(f"无法读取的分数: {s}")
    if d == 0:
        raise _Bad(f"分母为零: {s}")
    return Fraction(n, d)


def _decimal(s: str) -> Fraction:
    for sep in ("点", "."):
        if sep in s:
            break
    head, _, tail = s.partition(sep)
    if not head or not tail or "点" in tail or "." in tail:
        raise _Bad(f"无法读取的小数: {s}")
    whole = _int(head)
    if tail.isdigit() and tail.isascii():
        digits = tail
    elif all(c in _CN_DIGIT and c not in "两俩" for c in tail):
        digits = "".join(str(_CN_DIGIT[c]) for c in tail)
    else:
        raise _Bad(f"无法读取的小数: {s}")
    return whole + Fraction(Decimal("0." + digits))


def _term(s: str) -> Fraction | tuple[Fraction, Fraction]:
    """One number (or a 两三-style pair) read strictly; raises ``_Bad`` when it cannot be."""
    if any(v in s for v in _VAGUE):
        raise _Bad(f"不确定的数量: {s}")
    if "," in s:
        raise _Bad(f"含逗号的数字有歧义(千位分隔或小数点): {s}")
    if s in _PAIRS:
        lo, hi = _PAIRS[s]
        return Fraction(lo), Fraction(hi)
    if s in ("半", "一半"):
        return Fraction(1, 2)
    if "半" in s:
        raise _Bad(f"无法读取的“半”: {s}")
    if "又" in s:
        whole, _, frac = s.partition("又")
        f = _fraction(frac)
        if not whole or not 0 < f < 1:
            raise _Bad(f"无法读取的带分数: {s}")
        return _int(whole) + f
    if "分之" in s or "/" in s:
        return _fraction(s)
    if _ARABIC.fullmatch(s):
        return Fraction(Decimal(s))
    if m := _ARABIC_MULT.fullmatch(s):  # 1万, 1.5万
        return Fraction(Decimal(m.group(1))) * _int("一" + m.group(2))
    if "点" in s or "." in s:
        return _decimal(s)
    return Fraction(_int(s))


# --------------------------------------------------------------------------- amounts


def _unit_at(folded: str, pos: int) -> tuple[str, Unit, int] | None:
    m = _unit_re().match(folded, pos)
    if m is None:
        return None
    return m.group(1), units()[m.group(1).lower()], m.end()


def _skip_space(folded: str, pos: int) -> int:
    while pos < len(folded) and folded[pos] in " \t":
        pos += 1
    return pos


def _one(folded: str, m: re.Match[str]) -> tuple[Fraction | tuple | _Bad, tuple | None, int]:
    """A term at ``m`` with its unit (and a trailing 半 after a count unit)."""
    try:
        value: Fraction | tuple | _Bad = _term(m.group(0))
    except _Bad as exc:
        value = exc
    pos = m.end()
    unit = _unit_at(folded, pos)
    if unit is not None:
        pos = unit[2]
        if folded[pos : pos + 1] == "半" and unit[1].kind == "count":
            pos += 1  # 一片半, 两片半
            if isinstance(value, Fraction) and value.denominator == 1:
                value = value + Fraction(1, 2)
            elif not isinstance(value, _Bad):
                value = _Bad(f"无法读取的“半”: {folded[m.start() : pos]}")
    return value, unit, pos


def _scan(folded: str, m: re.Match[str]) -> tuple[Amount | Unreadable, int]:
    """Read the amount starting at term ``m`` of ``folded``; spans are folded positions."""
    start = m.start()
    lo, unit1, pos = _one(folded, m)
    high: Fraction | None = None
    unit = unit1
    c = _skip_space(folded, pos)
    if c < len(folded) and folded[c] in _CONNECTORS:
        m2 = _TERM_RE.match(folded, _skip_space(folded, c + 1))
        if m2 is not None:
            hi, unit2, pos = _one(folded, m2)
            if isinstance(lo, _Bad) or isinstance(hi, _Bad):
                lo = lo if isinstance(lo, _Bad) else hi
            elif not isinstance(lo, Fraction) or not isinstance(hi, Fraction):
                lo = _Bad("范围的两端必须各是一个数")
            elif unit1 and unit2 and unit1[1].unit != unit2[1].unit:
                lo = _Bad("范围两端的单位不同")
            elif not lo < hi:
                lo = _Bad("范围的下限必须小于上限")
            else:
                high, unit = hi, unit2 or unit1
            c = _skip_space(folded, pos)
            if c < len(folded) and folded[c] in _CONNECTORS and _TERM_RE.match(folded, c + 1):
                m3 = _TERM_RE.match(folded, c + 1)
                assert m3 is not None
                lo, high, pos = _Bad("范围写了两次以上"), None, _one(folded, m3)[2]
        elif folded[c] in "-~" and _unit_at(folded, c + 1):
            lo, pos = _Bad("范围缺少上限"), _unit_at(folded, c + 1)[2]  # type: ignore[index]
    text = folded[start:pos]
    if isinstance(lo, _Bad):
        return Unreadable(str(lo), (start, pos), text), pos
    if isinstance(lo, tuple):
        lo, high = lo
    u = unit[1] if unit else None
    return (
        Amount(
            value=lo,
            high=high,
            unit=u.unit if u else None,
            ucum=u.ucum if u else None,
            kind=u.kind if u else None,
            to_base=u.to_base if u else None,
            dose_unit=bool(u and u.dose),
            span=(start, pos),
            text=text,
            unit_text=unit[0] if unit else None,
        ),
        pos,
    )


def _to_original(
    result: Amount | Unreadable, text: str, index: tuple[int, ...]
) -> Amount | Unreadable:
    s, e = result.span
    span = (index[s], index[e - 1] + 1) if e > s else (0, 0)
    return type(result)(**{**result.__dict__, "span": span, "text": text[span[0] : span[1]]})


@lru_cache(maxsize=16_384)
def find_amounts(text: str) -> tuple[Amount | Unreadable, ...]:
    """Every amount-like spelling in ``text``, left to right, each read exactly or reported
    as ``Unreadable``; spans index the original ``text``. Memoised (pure)."""
    folded, index = fold(text)
    out: list[Amount | Unreadable] = []
    pos = 0
    while (m := _TERM_RE.search(folded, pos)) is not None:
        result, pos = _scan(folded, m)
        out.append(_to_original(result, text, index))
    return tuple(out)


def read_amount(text: str) -> Amount | Unreadable:
    """``text`` as exactly one amount (number, optional unit), else ``Unreadable``."""
    folded, index = fold(text)
    stripped = folded.strip()
    lead = len(folded) - len(folded.lstrip())
    m = _TERM_RE.match(folded, lead)
    if not stripped or m is None:
        return Unreadable("没有可读取的数字", (0, len(text)), text)
    result, pos = _scan(folded, m)
    if isinstance(result, Amount) and folded[pos:].strip():
        return Unreadable(f"无法完整读取: {text.strip()}", (0, len(text)), text)
    return _to_original(result, text, index)


def read_number(text: str) -> Fraction | Unreadable:
    """``text`` as exactly one number (no unit, no range), else ``Unreadable``."""
    result = read_amount(text)
    if isinstance(result, Amount) and (result.unit is not None or result.is_range):
        return Unreadable(f"不是单个数字: {text}", result.span, text)
    return result.value if isinstance(result, Amount) else result


def decimal_text(value: Fraction) -> str | None:
    """The exact decimal spelling (``0.5``, ``12``, ``0.125``); None when ``value`` has none
    (1/3)."""
    den = value.denominator
    for p in (2, 5):
        while den % p == 0:
            den //= p
    if den != 1:
        return None
    if value.denominator == 1:
        return str(value.numerator)
    text = format(Decimal(value.numerator) / Decimal(value.denominator), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def json_number(value: Fraction) -> int | float | None:
    """The value for a JSON/FHIR decimal: an int when whole, a float whose shortest repr is
    the exact decimal (0.1 → 0.1) otherwise; None when no finite decimal is exact."""
    text = decimal_text(value)
    if text is None:
        return None
    return int(text) if "." not in text else float(text)
