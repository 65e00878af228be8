"""Real-world spellings of amounts, each with its exact expected value (written before the
reader). A row's expected value is ``(low, high, unit)``: ``high`` is None unless the
spelling is a range; ``None`` for the whole row means the reader must report the spelling
as unreadable, never as a number."""

from __future__ import annotations

from fractions import Fraction

import pytest

from clinical.knowledge.numbers import Amount, Unreadable, read_amount

F = Fraction

# (spelling, expected) — expected = (value, high, unit) or None (unreadable)
TABLE: list[tuple[str, tuple[str, str | None, str | None] | None]] = [
    # --- Arabic digits and decimals, mass units (prescriptions) ---
    ("0.5mg", ("0.5", None, "mg")),
    ("0.25g", ("0.25", None, "g")),
    ("10 mg", ("10", None, "mg")),
    ("10mg", ("10", None, "mg")),
    ("100mg", ("100", None, "mg")),
    ("47.5mg", ("47.5", None, "mg")),
    ("0.125mg", ("0.125", None, "mg")),
    ("1g", ("1", None, "g")),
    ("0.1g", ("0.1", None, "g")),
    ("5.0mg", ("5", None, "mg")),
    ("0.5 g", ("0.5", None, "g")),
    ("75MG", ("75", None, "mg")),
    ("500mcg", ("500", None, "μg")),
    ("0.5μg", ("0.5", None, "μg")),
    ("0.5ug", ("0.5", None, "μg")),
    ("0.5微克", ("0.5", None, "μg")),
    ("0.5µg", ("0.5", None, "μg")),  # MICRO SIGN, not Greek mu
    ("18μg", ("18", None, "μg")),
    ("2.5kg", ("2.5", None, "kg")),
    ("5㎎", ("5", None, "mg")),
    # --- volumes ---
    ("2.5ml", ("2.5", None, "mL")),
    ("2.5mL", ("2.5", None, "mL")),
    ("5毫升", ("5", None, "mL")),
    ("10ML", ("10", None, "mL")),
    ("5㎖", ("5", None, "mL")),
    ("三十毫升", ("30", None, "mL")),
    # --- units of activity ---
    ("800IU", ("800", None, "IU")),
    ("800iu", ("800", None, "IU")),
    ("400国际单位", ("400", None, "IU")),
    ("12U", ("12", None, "U")),
    ("10单位", ("10", None, "U")),
    ("1万单位", ("10000", None, "U")),
    ("80万单位", ("800000", None, "U")),
    ("1.5万单位", ("15000", None, "U")),
    ("4100IU", ("4100", None, "IU")),
    ("一万单位", ("10000", None, "U")),
    ("八十万单位", ("800000", None, "U")),
    ("两千单位", ("2000", None, "U")),
    # --- full-width digits, zero-width characters ---
    ("０．２５ｇ", ("0.25", None, "g")),
    ("５ｍｇ", ("5", None, "mg")),
    ("１０ｍｌ", ("10", None, "mL")),
    ("３片", ("3", None, "片")),
    ("5\u200bmg", ("5", None, "mg")),
    ("1\u200b0mg", ("10", None, "mg")),
    ("\ufeff0.5g", ("0.5", None, "g")),
    # --- Chinese numerals with 点 / 零点 (the tenfold bug of issue #22) ---
    ("零点五毫克", ("0.5", None, "mg")),
    ("零点一克", ("0.1", None, "g")),
    ("〇.五", ("0.5", None, None)),
    ("〇点五克", ("0.5", None, "g")),
    ("一点五毫克", ("1.5", None, "mg")),
    ("二点五毫克", ("2.5", None, "mg")),
    ("零点二五克", ("0.25", None, "g")),
    ("零点零五克", ("0.05", None, "g")),
    ("十二点五毫克", ("12.5", None, "mg")),
    ("零点一二五毫克", ("0.125", None, "mg")),
    ("四十七点五毫克", ("47.5", None, "mg")),
    # --- Chinese integers: 两/二, 十/百/千/万 compounds ---
    ("十二", ("12", None, None)),
    ("十", ("10", None, None)),
    ("二十", ("20", None, None)),
    ("一十五", ("15", None, None)),
    ("二十五毫克", ("25", None, "mg")),
    ("一百", ("100", None, None)),
    ("一百零五", ("105", None, None)),
    ("一百五十毫克", ("150", None, "mg")),
    ("一百五", ("150", None, None)),  # colloquial 一百五 = 150
    ("一百二十五毫克", ("125", None, "mg")),
    ("两百毫克", ("200", None, "mg")),
    ("二百五十毫克", ("250", None, "mg")),
    ("一千", ("1000", None, None)),
    ("一千零五十", ("1050", None, None)),
    ("一千二", ("1200", None, None)),
    ("五百毫克", ("500", None, "mg")),
    ("一万", ("10000", None, None)),
    ("七十五毫克", ("75", None, "mg")),
    ("壹佰毫克", ("100", None, "mg")),  # financial numerals (大写) on narcotic prescriptions
    # --- counts of the dosage form ---
    ("两片", ("2", None, "片")),
    ("二片", ("2", None, "片")),
    ("一片", ("1", None, "片")),
    ("三粒", ("3", None, "粒")),
    ("四滴", ("4", None, "滴")),
    ("1袋", ("1", None, "袋")),
    ("1支", ("1", None, "支")),
    ("2吸", ("2", None, "吸")),
    ("2喷", ("2", None, "吸")),
    ("10丸", ("10", None, "丸")),
    ("1贴", ("1", None, "贴")),
    ("两颗", ("2", None, "颗")),
    ("俩片", ("2", None, "片")),
    # --- halves: 半, 一半, X片半 ---
    ("半片", ("0.5", None, "片")),
    ("半", ("0.5", None, None)),
    ("一半", ("0.5", None, None)),
    ("一片半", ("1.5", None, "片")),
    ("两片半", ("2.5", None, "片")),
    ("1片半", ("1.5", None, "片")),
    ("半粒", ("0.5", None, "粒")),
    ("半袋", ("0.5", None, "袋")),
    # --- fractions, X又Y/Z, X又Z分之Y ---
    ("二分之一片", ("0.5", None, "片")),
    ("四分之一片", ("0.25", None, "片")),
    ("三分之一片", ("1/3", None, "片")),
    ("四分之三片", ("0.75", None, "片")),
    ("1/2片", ("0.5", None, "片")),
    ("1/4片", ("0.25", None, "片")),
    ("3/4片", ("0.75", None, "片")),
    ("1/3片", ("1/3", None, "片")),
    ("½片", ("0.5", None, "片")),
    ("1½片", ("1.5", None, "片")),
    ("¼片", ("0.25", None, "片")),
    ("1又1/2片", ("1.5", None, "片")),
    ("一又二分之一片", ("1.5", None, "片")),
    ("1又二分之一片", ("1.5", None, "片")),
    ("二又四分之一片", ("2.25", None, "片")),
    # --- ranges ---
    ("1-2片", ("1", "2", "片")),
    ("1～2粒", ("1", "2", "粒")),
    ("1~2粒", ("1", "2", "粒")),
    ("1到2片", ("1", "2", "片")),
    ("一到两片", ("1", "2", "片")),
    ("一至两片", ("1", "2", "片")),
    ("1-2g", ("1", "2", "g")),
    ("0.5-1g", ("0.5", "1", "g")),
    ("0.5g-1g", ("0.5", "1", "g")),
    ("5-10mg", ("5", "10", "mg")),
    ("5～10毫克", ("5", "10", "mg")),
    ("1—2片", ("1", "2", "片")),
    ("1－2片", ("1", "2", "片")),
    ("10–20mg", ("10", "20", "mg")),
    ("半片到一片", ("0.5", "1", "片")),
    ("1/2-1片", ("0.5", "1", "片")),
    ("两三片", ("2", "3", "片")),
    ("一两片", ("1", "2", "片")),
    ("三四粒", ("3", "4", "粒")),
    ("2-4喷", ("2", "4", "吸")),
    # --- unreadable: never a number ---
    ("几片", None),
    ("几", None),
    ("若干片", None),
    ("适量", None),
    ("1..5", None),
    ("1..5mg", None),
    ("0.5.5", None),
    ("0.5.5g", None),
    ("十十", None),
    ("十十毫克", None),
    ("百百", None),
    ("二十十", None),
    ("五十五十", None),
    ("千百", None),
    ("一万万", None),
    ("一二片", None),
    ("点五毫克", None),
    (".5mg", None),  # a naked decimal point: a known tenfold-error spelling
    ("5.", None),
    ("2-1片", None),  # reversed range
    ("1-1片", None),
    ("1/0片", None),
    ("一百零", None),
    ("零五", None),
    ("1,000mg", None),  # thousands separator or a European decimal comma: ambiguous
    ("1,5mg", None),
    ("十二点", None),  # 12 o'clock, not 12
    ("两点", None),
    ("一点半", None),  # half past one, or 1.5: ambiguous
    ("1又", None),
    ("又1/2片", None),
    ("分之一", None),
    ("二分之", None),
    ("1/2/3", None),
    ("1-2-3片", None),
    ("1-片", None),
    ("半半", None),
    ("1e3mg", None),
    ("0.5mg-1g", None),  # a range across different units
    ("", None),
    ("mg", None),
]


def test_table_is_large_enough() -> None:
    assert len(TABLE) >= 100
    assert len({s for s, _ in TABLE}) == len(TABLE), "duplicate spellings"


@pytest.mark.parametrize(("spelling", "expected"), TABLE, ids=[repr(s) for s, _ in TABLE])
def test_spelling_reads_exactly(spelling: str, expected) -> None:
    result = read_amount(spelling)
    if expected is None:
        assert isinstance(result, Unreadable), result
        assert result.reason
        return
    value, high, unit = expected
    assert isinstance(result, Amount), result
    assert result.value == F(value)
    assert result.high == (F(high) if high is not None else None)
    assert result.unit == unit
    assert isinstance(result.value, Fraction)  # exact, never a float
