"""Property tests of the amount reader: every supported spelling of an amount reads back to
exactly that amount; a corrupted spelling is unreadable, never a different number.

The spellings are rendered here independently of the reader. Hypothesis runs derandomised
in CI; nothing here depends on a seed."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from clinical.knowledge.numbers import Amount, Unreadable, read_amount, units

CN = "零一二三四五六七八九"
DOSE_UNITS = sorted(s for s, u in units().items() if u.dose)
COUNT_UNITS = sorted(s for s, u in units().items() if u.kind == "count")
ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\ufeff", "\u2060"]


def cn_section(n: int, leading: bool) -> str:
    """0 < n < 10000 in Chinese numerals, 零 between non-adjacent digits."""
    out, pending_zero = "", False
    for unit_value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d = n // unit_value % 10
        if d == 0:
            pending_zero = bool(out)
            continue
        if pending_zero:
            out += "零"
            pending_zero = False
        if unit == "十" and d == 1 and not out and leading:
            out += "十"
        else:
            out += CN[d] + unit
    return out


def cn_int(n: int, two: str = "二") -> str:
    if n == 0:
        return "零"
    if n < 10000:
        text = cn_section(n, leading=True)
    else:
        high, low = divmod(n, 10000)
        text = cn_section(high, leading=True) + "万"
        if low:
            text += ("零" if low < 1000 else "") + cn_section(low, leading=False)
    return text.replace("二", two) if two == "两" and not text.endswith("二") else text


def arabic(value: Fraction) -> str:
    text = format(Decimal(value.numerator) / Decimal(value.denominator), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def cn_decimal(value: Fraction, two: str) -> str:
    whole, _, frac = arabic(value).partition(".")
    text = cn_int(int(whole), two)
    return text + ("点" + "".join(CN[int(c)] for c in frac) if frac else "")


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


decimals = st.builds(
    lambda n, k: Fraction(n, 10**k),
    st.integers(min_value=1, max_value=99_999_999),
    st.integers(min_value=0, max_value=3),
).filter(lambda v: v < 10_000_000)


def with_zero_width(draw, text: str) -> str:
    if draw(st.booleans()):
        pos = draw(st.integers(min_value=0, max_value=len(text)))
        text = text[:pos] + draw(st.sampled_from(ZERO_WIDTH)) + text[pos:]
    return text


@settings(max_examples=400, deadline=None)
@given(st.data())
def test_decimal_amounts_round_trip_in_every_spelling(data) -> None:
    value = data.draw(decimals)
    unit = data.draw(st.sampled_from(DOSE_UNITS))
    two = data.draw(st.sampled_from(["二", "两"]))
    spellings = {
        "arabic": arabic(value) + unit,
        "arabic spaced": arabic(value) + " " + unit,
        "chinese": cn_decimal(value, two) + unit,
        "full-width": full_width(arabic(value) + unit),
    }
    if value >= 1 and value.denominator == 1 and value < 100_000_000:
        spellings["chinese integer"] = cn_int(int(value), two) + unit
    for how, text in spellings.items():
        text = with_zero_width(data.draw, text)
        result = read_amount(text)
        assert isinstance(result, Amount), (how, text, result)
        assert (result.value, result.high) == (value, None), (how, text)
        assert result.unit == units()[unit].unit, (how, text)


@settings(max_examples=300, deadline=None)
@given(
    whole=st.integers(min_value=0, max_value=20),
    den=st.sampled_from([2, 3, 4, 5, 8]),
    data=st.data(),
)
def test_fractions_round_trip(whole: int, den: int, data) -> None:
    num = data.draw(st.integers(min_value=1, max_value=den - 1))
    value = whole + Fraction(num, den)
    unit = data.draw(st.sampled_from(COUNT_UNITS))
    spellings: list[str] = []
    if whole:
        spellings += [
            f"{whole}又{num}/{den}{unit}",
            f"{cn_int(whole)}又{cn_int(den)}分之{cn_int(num)}{unit}",
            f"{whole}又{cn_int(den)}分之{cn_int(num)}{unit}",
        ]
        if value - whole == Fraction(1, 2):
            spellings += [f"{cn_int(whole)}{unit}半", f"{whole}{unit}半"]
    else:
        spellings += [f"{num}/{den}{unit}", f"{cn_int(den)}分之{cn_int(num)}{unit}"]
        if value == Fraction(1, 2):
            spellings += [f"半{unit}", f"½{unit}"]
    for text in spellings:
        result = read_amount(text)
        assert isinstance(result, Amount), (text, result)
        assert result.value == value, text
        assert result.unit == units()[unit].unit, text


@settings(max_examples=200, deadline=None)
@given(lo=decimals, step=decimals, data=st.data())
def test_ranges_round_trip(lo: Fraction, step: Fraction, data) -> None:
    hi = lo + step
    unit = data.draw(st.sampled_from(DOSE_UNITS))
    sep = data.draw(st.sampled_from(["-", "~", "～", "到", "至", "—", "－"]))
    for text in (
        f"{arabic(lo)}{sep}{arabic(hi)}{unit}",
        f"{arabic(lo)}{unit}{sep}{arabic(hi)}{unit}",
    ):
        result = read_amount(text)
        assert isinstance(result, Amount), (text, result)
        assert (result.value, result.high) == (lo, hi), text


@settings(max_examples=300, deadline=None)
@given(value=decimals, data=st.data())
def test_a_second_decimal_point_is_unreadable(value: Fraction, data) -> None:
    text = arabic(value)
    if "." not in text:
        text += ".5"
    pos = data.draw(st.integers(min_value=1, max_value=len(text) - 1))
    corrupt = text[:pos] + "." + text[pos:]
    result = read_amount(corrupt + "mg")
    assert isinstance(result, Unreadable), (corrupt, result)


@settings(max_examples=300, deadline=None)
@given(value=st.integers(min_value=10, max_value=99_999_999), data=st.data())
def test_a_doubled_chinese_unit_is_unreadable(value: int, data) -> None:
    text = cn_int(value)
    positions = [i for i, c in enumerate(text) if c in "十百千万"]
    pos = data.draw(st.sampled_from(positions))
    corrupt = text[: pos + 1] + text[pos] + text[pos + 1 :]
    result = read_amount(corrupt + "毫克")
    assert isinstance(result, Unreadable), (corrupt, result)


@settings(max_examples=200, deadline=None)
@given(value=decimals)
def test_a_second_dian_is_unreadable(value: Fraction) -> None:
    corrupt = cn_decimal(value, "二") + ("点五" if "点" not in arabic(value) else "")
    corrupt = corrupt + "点五" if "点" in corrupt else corrupt + "点五点五"
    assert isinstance(read_amount(corrupt + "克"), Unreadable), corrupt
