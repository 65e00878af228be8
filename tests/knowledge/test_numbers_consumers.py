"""The consumers of the shared reader read the same amount strings to the same values: the
sig parser, the output monitor (normalisation + dose parsing) and the drug KB's strength
reader (used by guidance and the KB build)."""

from __future__ import annotations

from fractions import Fraction

import pytest

from clinical.knowledge.numbers import Amount, read_amount
from clinical.knowledge.sigs import parse_sig
from clinical.knowledge.text import normalize
from clinical.medkb import api as medkb
from clinical.monitor.checks._text import parse_dose, to_mg

MASSES = [
    "零点五毫克",
    "零点一克",
    "〇点五克",
    "五百毫克",
    "二十五毫克",
    "一百零五毫克",
    "十二点五毫克",
    "0.25g",
    "０．２５ｇ",
    "10 mg",
    "47.5mg",
    "500μg",
    "0.5微克",
    "两百毫克",
]
COUNTS = ["两片半", "一片半", "半片", "1/2片", "二分之一片", "1又1/2片", "一又二分之一片", "三粒"]


def _reader_mg(text: str) -> Fraction:
    amount = read_amount(text)
    assert isinstance(amount, Amount) and amount.base() is not None, amount
    return amount.base()


def _sig_quantity(text: str) -> tuple[float, str]:
    result = parse_sig(f"每次{text} 每日1次")
    assert not result.needs_review, result.issues
    q = result.dosage["doseAndRate"][0]["doseQuantity"]
    return q["value"], q["unit"]


def _monitor_dose(text: str):
    normalised = normalize(f"请每次{text}，每日1次").text
    return parse_dose(normalised)


@pytest.mark.parametrize("text", MASSES)
def test_mass_amounts_read_alike_everywhere(text: str) -> None:
    mg = _reader_mg(text)
    value, unit = _sig_quantity(text)
    assert Fraction(str(value)) * read_amount(f"1{unit}").base() == mg  # sig
    dose = _monitor_dose(text)
    assert to_mg(dose.amount, dose.unit, None) == pytest.approx(float(mg), rel=1e-12)  # monitor
    assert medkb.strengths_in(text) == [pytest.approx(float(mg), rel=1e-12)]  # drug KB


@pytest.mark.parametrize("text", COUNTS)
def test_counts_of_the_dosage_form_read_alike(text: str) -> None:
    amount = read_amount(text)
    assert isinstance(amount, Amount)
    value, unit = _sig_quantity(text)
    assert (Fraction(str(value)), unit) == (amount.value, amount.unit)
    dose = _monitor_dose(text)
    assert (Fraction(str(dose.amount)), dose.unit) == (amount.value, amount.unit)


@pytest.mark.parametrize("text", ["十十毫克", "0.5.5g", "几片", "1..5mg"])
def test_unreadable_amounts_are_no_dose_anywhere(text: str) -> None:
    assert parse_sig(f"每次{text} 每日1次").needs_review
    assert _monitor_dose(text).amount is None
    assert medkb.strengths_in(text) == []
