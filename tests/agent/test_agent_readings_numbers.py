"""Patient readings are read through the shared number reader (issue #22): every way a
patient writes a value gives the exact reading, and a labelled reading whose value cannot be
read exactly is carried as unreadable (the reply asks for the number), never dropped and
never approximated."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from ammed_fhir import store
from clinical.agent.models import AgentMessage
from clinical.agent.understanding import model
from clinical.agent.understanding.rules import read_vitals, understand
from inference.base import LLMBackend, LLMConfig

URL = "/api/v1/patients/{}/messages"
ZW = "\u200b"

# (patient text, expected readings as (kind, values, fasting))
READ: list[tuple[str, list[tuple[str, tuple[float, ...], bool]]]] = [
    # temperature
    ("体温38.5度", [("temperature", (38.5,), False)]),
    ("体温三十八度五", [("temperature", (38.5,), False)]),
    ("体温38度5", [("temperature", (38.5,), False)]),
    ("体温３８.５℃", [("temperature", (38.5,), False)]),
    ("体温３８．５度", [("temperature", (38.5,), False)]),
    ("体温三十八点五度", [("temperature", (38.5,), False)]),
    ("体温三十八度半", [("temperature", (38.5,), False)]),
    ("体温39℃", [("temperature", (39.0,), False)]),
    ("发烧到三十九度二", [("temperature", (39.2,), False)]),
    ("體溫三十八度五", [("temperature", (38.5,), False)]),  # traditional characters
    (f"体{ZW}温38{ZW}.5", [("temperature", (38.5,), False)]),  # zero-width characters
    ("体温量了一下38度5", [("temperature", (38.5,), False)]),  # 一下 is not a number
    ("体温测了3次都是38度", [("temperature", (38.0,), False)]),  # 3次 counts, not a value
    # blood pressure
    ("血压160/100", [("bp", (160.0, 100.0), False)]),
    ("血压一百六十/一百", [("bp", (160.0, 100.0), False)]),
    ("血压160比100", [("bp", (160.0, 100.0), False)]),
    ("血压一百六比九十五", [("bp", (160.0, 95.0), False)]),
    ("血壓１６０／１００mmHg", [("bp", (160.0, 100.0), False)]),
    ("BP 150/90", [("bp", (150.0, 90.0), False)]),
    ("血压高压150低压90", [("bp", (150.0, 90.0), False)]),
    # glucose
    ("血糖十二点三", [("glucose", (12.3,), False)]),
    ("空腹血糖7.8", [("glucose", (7.8,), True)]),
    ("空腹血糖六点八", [("glucose", (6.8,), True)]),
    ("餐后血糖１１．２mmol/L", [("glucose", (11.2,), False)]),
    ("血糖早上8点测的7.8", [("glucose", (7.8,), False)]),  # 8点 is the time
    # heart rate, INR
    ("心率一百二", [("heart_rate", (120.0,), False)]),
    ("心率96次/分", [("heart_rate", (96.0,), False)]),
    ("脉搏八十八", [("heart_rate", (88.0,), False)]),
    ("心跳一百下", [("heart_rate", (100.0,), False)]),
    ("INR三点五", [("inr", (3.5,), False)]),
    ("inr 2.5", [("inr", (2.5,), False)]),
    ("ＩＮＲ２．３", [("inr", (2.3,), False)]),
    # several in one message
    (
        "血压一百五/九十，心率七十二，体温三十六度八",
        [
            ("bp", (150.0, 90.0), False),
            ("temperature", (36.8,), False),
            ("heart_rate", (72.0,), False),
        ],
    ),
    # a label without a value next to it is not a reading of that label
    ("体温正常，心率96", [("heart_rate", (96.0,), False)]),
    ("血压药吃了两片", []),
    ("伤口红肿，还有点发热", []),
]

# Labelled readings that cannot be read exactly: (text, kind, has_number)
UNREADABLE: list[tuple[str, str, bool]] = [
    ("血压一百多", "bp", True),
    ("体温三十八九度", "temperature", True),  # 38 or 39: not one reading
    ("体温38到39度", "temperature", True),
    ("体温38度左右", "temperature", True),
    ("体温大概38度", "temperature", True),
    ("血糖五点多", "glucose", True),
    ("血糖十几", "glucose", True),
    ("血压160", "bp", True),  # one number is not a blood pressure
    ("血糖180mg/dl", "glucose", True),  # another unit: not converted
    ("体温38度5分钟前量的", "temperature", True),  # 度5 is not a decimal here
    ("血糖很高", "glucose", False),
    ("血压一直很高", "bp", False),
    ("心率有点快", "heart_rate", False),
]


def _got(text: str) -> list[tuple[str, tuple[float, ...], bool]]:
    found, _ = read_vitals(text)
    return sorted((r.kind, tuple(r.values), r.fasting) for r in found)


@pytest.mark.parametrize(("text", "expected"), READ)
def test_spelling_gives_the_exact_reading(text: str, expected: list) -> None:
    assert _got(text) == sorted(expected)
    assert read_vitals(text)[1] == []


def test_table_is_large_enough() -> None:
    assert len(READ) >= 25 and len(UNREADABLE) >= 10


@pytest.mark.parametrize(("text", "kind", "has_number"), UNREADABLE)
def test_unreadable_reading_is_flagged_not_dropped(text: str, kind: str, has_number: bool) -> None:
    found, unreadable = read_vitals(text)
    assert found == []  # never an approximate value
    assert [(r.kind, r.has_number) for r in unreadable] == [(kind, has_number)]
    u = understand(text)
    assert u.intent == "reading_report"
    assert u.unreadable_readings == unreadable


def test_values_are_exact_decimals() -> None:
    (r,) = read_vitals("体温三十八度五")[0]
    assert r.values == [38.5] and str(r.values[0]) == "38.5"


def test_an_unreadable_number_still_makes_a_reading_report_over_other_intents() -> None:
    # A number the patient wrote keeps the message a reading report, as an exact one would.
    assert understand("血压一百多，能吃柚子吗").intent == "reading_report"
    # A word alone (血压高) does not take a diet question away from the diet route.
    u = understand("我血压很高，能吃柚子吗")
    assert u.intent == "diet_question" and u.unreadable_readings


class _Labels(LLMBackend):
    name = "scripted"

    def __init__(self, intent: str) -> None:
        super().__init__(LLMConfig())
        self.intent = intent

    def structured(self, messages, schema, **_kw):  # type: ignore[no-untyped-def]
        return {"intent": self.intent, "medicines": [], "foods": [], "symptoms": []}


def test_model_understanding_keeps_the_rules_unreadable_readings() -> None:
    u = model.understand("体温三十八九度", backend=_Labels("symptom_report"))
    assert u.source == "model" and u.intent == "reading_report"
    assert [r.kind for r in u.unreadable_readings] == ["temperature"]
    u = model.understand("体温三十八度五", backend=_Labels("other"))
    assert u.intent == "reading_report" and u.readings[0].values == [38.5]


# --------------------------------------------------------------------------- endpoint


def say(client: APIClient, text: str, patient: str = "demo-surgery") -> dict[str, Any]:
    r = client.post(URL.format(patient), {"text": text}, format="json")
    assert r.status_code == 200, r.content
    return r.json()


def _last_structured() -> dict[str, Any]:
    return AgentMessage.objects.filter(direction="out").order_by("-id").first().structured


def _temperatures(patient: str) -> list[float]:
    return [
        o["valueQuantity"]["value"]
        for o in store.search("Observation", patient_id=patient)
        if o["code"].get("coding") and o["code"]["coding"][0]["code"] == "8310-5"
    ]


def _alerts(patient: str) -> int:
    return sum(
        1
        for c in store.search("Communication", patient_id=patient)
        if c["category"][0]["coding"][0]["code"] == "alert"
    )


@pytest.mark.django_db
def test_chinese_numeral_temperature_gets_the_same_disposition_as_digits(
    patient_client,
) -> None:
    before = _temperatures("demo-surgery")
    a = say(patient_client, "伤口红肿，体温三十八度五")
    sa = _last_structured()
    b = say(patient_client, "伤口红肿，体温38.5度")
    sb = _last_structured()
    assert (a["intent"], a["route"]) == (b["intent"], b["route"]) == ("reading_report", "followup")
    assert a["outcome"] == b["outcome"]
    assert (
        sa["readings"]
        == sb["readings"]
        == [{"kind": "temperature", "values": [38.5], "unit": "Cel"}]
    )
    assert (sa["assessment"]["disposition"], [r["code"] for r in sa["assessment"]["reasons"]]) == (
        sb["assessment"]["disposition"],
        [r["code"] for r in sb["assessment"]["reasons"]],
    )
    assert _temperatures("demo-surgery")[len(before) :] == [38.5, 38.5]
    assert "unreadable_readings" not in sa


@pytest.mark.django_db
def test_unreadable_temperature_asks_for_the_number_and_keeps_the_disposition(
    patient_client,
) -> None:
    plain = say(patient_client, "伤口红肿")
    s_plain = _last_structured()
    alerts = _alerts("demo-surgery")
    before = _temperatures("demo-surgery")
    out = say(patient_client, "伤口红肿，体温三十八九度")
    s = _last_structured()
    assert (out["intent"], out["route"]) == ("reading_report", "followup")
    assert out["outcome"] != "clarify"
    assert "准确数字" in out["reply"] and "体温" in out["reply"]
    assert s["unreadable_readings"] == [
        {
            "kind": "temperature",
            "text": "体温三十八九度",
            "reason": s["unreadable_readings"][0]["reason"],
        }
    ]
    # the engine's disposition is kept (never lowered), and nothing guessed is stored
    assert s["assessment"]["disposition"] == s_plain["assessment"]["disposition"]
    assert _temperatures("demo-surgery") == before
    assert _alerts("demo-surgery") > alerts  # a clinician sees the unread value
    assert plain["route"] == "followup"


@pytest.mark.django_db
def test_reading_without_a_number_asks_for_it(patient_client) -> None:
    alerts = _alerts("demo-surgery")
    out = say(patient_client, "血糖很高")
    assert (out["intent"], out["route"]) == ("reading_report", "followup")
    assert "血糖" in out["reply"] and "准确数字" in out["reply"]
    assert _alerts("demo-surgery") > alerts


@pytest.mark.django_db
def test_implausible_chinese_numeral_reading_asks_to_recheck(nurse_client) -> None:
    before = len(store.search("Observation", patient_id="demo-htn-dm"))
    out = say(nurse_client, "体温八十五度", patient="demo-htn-dm")
    assert out["outcome"] == "clarify" and "核对" in out["reply"]
    assert len(store.search("Observation", patient_id="demo-htn-dm")) == before


@pytest.mark.django_db
def test_spo2_and_systolic_in_words_are_stored_and_judged(patient_client) -> None:
    # the one reader (clinical.knowledge.readings) reads them; the follow-up engine judges them
    out = say(patient_client, "指脉氧掉到89%，高压才85")
    s = _last_structured()
    assert (out["intent"], out["route"]) == ("reading_report", "followup")
    assert s["readings"] == [
        {"kind": "spo2", "values": [89.0], "unit": "%"},
        {"kind": "sbp", "values": [85.0], "unit": "mm[Hg]"},
    ]
    codes = {r["code"] for r in s["assessment"]["reasons"]}
    assert {"spo2-lt90", "hypotension"} <= codes
    assert s["assessment"]["disposition"] == "emergency"
