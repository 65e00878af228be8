"""The sig corpus: every hand-written sig parses to exactly its expected FHIR R4 Dosage."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from fhir.resources.R4B.dosage import Dosage
from hypothesis import given, settings
from hypothesis import strategies as st

from clinical.knowledge.sigs import parse_number, parse_sig

CORPUS = yaml.safe_load((Path(__file__).parent / "sig_corpus.yaml").read_text(encoding="utf-8"))
UCUM = "http://unitsofmeasure.org"
UNIT_CODES = {"mg": "mg", "g": "g", "μg": "ug", "mL": "mL", "IU": "[iU]", "U": "[U]"}
ROUTES = {
    "oral": ("26643006", "Oral route", "口服"),
    "sl": ("37839007", "Sublingual route", "舌下含服"),
    "sc": ("34206005", "Subcutaneous route", "皮下注射"),
    "iv": ("47625008", "Intravenous route", "静脉给药"),
    "im": ("78421000", "Intramuscular route", "肌肉注射"),
    "inh": ("447694001", "Respiratory tract route", "吸入"),
    "top": ("6064005", "Topical route", "外用"),
    "eye": ("54485002", "Ophthalmic route", "滴眼"),
    "nasal": ("46713006", "Nasal route", "经鼻"),
}


def _qty(text: str) -> dict[str, Any]:
    value, unit = text.split()
    number = float(value)
    q: dict[str, Any] = {"value": int(number) if number.is_integer() else number, "unit": unit}
    if unit in UNIT_CODES:
        q |= {"system": UCUM, "code": UNIT_CODES[unit]}
    return q


def expected_dosage(case: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"text": case["text"]} if case["text"] else {}
    if case.get("instruction"):
        out["additionalInstruction"] = [{"text": case["instruction"]}]
    if "repeat" in case:
        repeat = dict(case["repeat"])
        if "bounds" in repeat:
            value, unit = repeat.pop("bounds").split()
            repeat["boundsDuration"] = {"value": int(value), "unit": unit, "system": UCUM}
            repeat["boundsDuration"]["code"] = unit
        out["timing"] = {"repeat": repeat}
    prn = case.get("prn")
    if prn is True:
        out["asNeededBoolean"] = True
    elif prn:
        out["asNeededCodeableConcept"] = {"text": prn}
    if "route" in case:
        code, display, text = ROUTES[case["route"]]
        out["route"] = {
            "coding": [{"system": "http://snomed.info/sct", "code": code, "display": display}],
            "text": text,
        }
    if "dose" in case:
        out["doseAndRate"] = [{"doseQuantity": _qty(case["dose"])}]
    if "dose_range" in case:
        span, unit = case["dose_range"].split()
        low, high = span.split("-")
        out["doseAndRate"] = [
            {"doseRange": {"low": _qty(f"{low} {unit}"), "high": _qty(f"{high} {unit}")}}
        ]
    if "max" in case:
        amount, per = case["max"].split("/")
        out["maxDosePerPeriod"] = {
            "numerator": _qty(amount),
            "denominator": {"value": 1, "unit": per, "system": UCUM, "code": per},
        }
    return out


def test_corpus_is_large_enough() -> None:
    assert len(CORPUS) >= 80
    assert len({c["text"] for c in CORPUS}) == len(CORPUS)


@pytest.mark.parametrize("case", CORPUS, ids=[c["text"] or "<empty>" for c in CORPUS])
def test_sig_parses_to_expected_dosage(case: dict[str, Any]) -> None:
    result = parse_sig(case["text"])
    assert result.dosage == expected_dosage(case), result.issues
    assert result.needs_review is case.get("review", False), result.issues
    assert result.medication == case.get("med")
    Dosage.model_validate(result.dosage)  # a valid FHIR R4 Dosage


def test_review_cases_name_their_reason() -> None:
    result = parse_sig("氨氯地平 5mg qd bid")
    assert "timing" not in result.dosage
    assert any("频次矛盾" in i for i in result.issues)
    assert any("无法识别" in i for i in parse_sig("阿莫西林 0.5g tid 遵医嘱调整").issues)


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("3", 3),
        ("0.25", 0.25),
        ("两", 2),
        ("十", 10),
        ("十二", 12),
        ("二十", 20),
        ("半", 0.5),
        ("零点五", 0.5),
        ("五百", 500),
    ],
)
def test_numbers(raw: str, value: float) -> None:
    assert parse_number(raw) == value


def test_not_a_number() -> None:
    assert parse_number("几") is None
    assert parse_number("十十") is None
    assert parse_number("1..5") is None


ALPHABET = "0123456789.qdbitnhswopr ×x次日天周每隔早午晚餐饭前后中随睡晨起空腹必要时发热疼痛不超过片粒mgμlUI口服皮下注射吸入外用半两一二三四五小分钟连用疗程共"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=40))
def test_parser_never_crashes_and_always_yields_a_valid_dosage(text: str) -> None:
    result = parse_sig(text)
    Dosage.model_validate(result.dosage or {})
    if "timing" not in result.dosage:
        assert (
            result.needs_review
            or "asNeededBoolean" in result.dosage
            or ("asNeededCodeableConcept" in result.dosage)
        )


@pytest.mark.parametrize(
    "text", ["布洛芬 每次1片 一日最多三分之一次", "布洛芬 每次1片 一日最多1.5次"]
)
def test_a_max_count_that_is_not_a_whole_number_goes_to_review(text: str) -> None:
    # was a ValueError (a 500 on POST /api/v1/orders/parse-sig) for 三分之一次
    parsed = parse_sig(text)
    assert parsed.needs_review
    assert any("每日最多次数无法准确读取" in i for i in parsed.issues)
