"""The lead's probes (#15), session of 2026-12-07 (sixth): drug toxicity told in words, an infant's
fever said without a number, and no urine said with 一点.

- Antithyroid drugs (甲巯咪唑/他巴唑, 丙硫氧嘧啶): fever, a sore throat or mouth ulcers may be the
  first sign of agranulocytosis (甲巯咪唑片说明书; NICE CKS Hyperthyroidism 2023: stop and check the
  full blood count urgently). 吃着他巴唑，今天发烧39度，喉咙痛得咽不下 was routine.
- Digoxin: colours seen yellow or green (黄视/绿视, 看东西发黄) are digoxin toxicity's visual sign
  (地高辛片说明书; TOXBASE Digoxin): with digoxin it is urgent even without a slow pulse measured;
  看东西发黄 was unread (review).
- An infant under 3 months whose parent says it has a fever (发烧, 摸着很烫) with no temperature
  below 38℃ measured: NICE NG143 §1.1.3 (a parent's perception of fever is valid) and §1.3 (under
  3 months with 38℃ or more: red) → the infant-fever emergency; it was review.
- 一天了一点尿都没有 (no urine for a day) was unread: as 一滴尿都没有 it is urinary retention (urgent).

Twins: the same words without the medicine, an older baby, a measured normal temperature, a
little urine.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from clinical.knowledge import symptoms
from tests.followup.followup_vignette_builder import assess_words, reason_codes

NOW = datetime(2026, 6, 1, 9, tzinfo=UTC)
ANTITHYROID = {"age": 40, "sex": "female", "meds": [{"atc": "H03BB02", "text": "甲巯咪唑片 10mg"}]}
PLAIN = {"age": 40, "sex": "female"}


@pytest.mark.parametrize(
    "text", ["今天发烧38度5", "这两天嗓子疼得厉害", "嘴里长了好几个溃疡，喉咙痛", "有点发冷打寒战"]
)
def test_fever_or_a_sore_throat_on_an_antithyroid_drug_is_urgent(text: str) -> None:
    out = assess_words(text, NOW, **ANTITHYROID)
    assert "syndrome-antithyroid-agranulocytosis" in reason_codes(out)
    assert out["disposition"] in ("urgent", "emergency")


def test_an_antithyroid_drug_the_patient_names_counts_too() -> None:
    out = assess_words("吃着他巴唑，今天发烧39度，喉咙痛得咽不下", NOW, **PLAIN)
    assert "syndrome-antithyroid-agranulocytosis" in reason_codes(out)
    assert out["disposition"] in ("urgent", "emergency")


def test_a_sore_throat_without_the_drug_is_no_agranulocytosis() -> None:
    out = assess_words("这两天嗓子疼得厉害", NOW, **PLAIN)
    assert "syndrome-antithyroid-agranulocytosis" not in reason_codes(out)


DIGOXIN = {"age": 78, "sex": "female", "conditions": ["af"], "meds": ["digoxin"]}


@pytest.mark.parametrize(
    "text",
    ["这几天看东西发黄", "看什么都是黄的", "看东西发绿", "眼前的东西都黄黄的", "看東西發黃"],
)
def test_colours_seen_yellow_or_green_are_xanthopsia(text: str) -> None:
    assert "xanthopsia" in symptoms.present(text)


@pytest.mark.parametrize(
    "text", ["皮肤发黄", "眼睛发黄", "看东西很清楚", "叶子发黄了", "看报纸发黄的那页"]
)
def test_yellow_skin_eyes_or_things_are_not_xanthopsia(text: str) -> None:
    assert "xanthopsia" not in symptoms.present(text)


def test_xanthopsia_on_digoxin_is_urgent_digoxin_toxicity() -> None:
    out = assess_words("一直吃地高辛，这几天看东西发黄，还恶心", NOW, **DIGOXIN)
    assert "syndrome-digoxin-symptoms" in reason_codes(out)
    assert out["disposition"] in ("urgent", "emergency")
    (row,) = [r for r in out["reasons"] if r["code"] == "syndrome-digoxin-symptoms"]
    assert "地高辛" in row["text"]


def test_nausea_and_vomiting_on_digoxin_are_urgent() -> None:
    out = assess_words("这两天一直恶心，吐了两回", NOW, **DIGOXIN)
    assert "syndrome-digoxin-symptoms" in reason_codes(out)
    twin = assess_words("这两天一直恶心，吐了两回", NOW, age=78, sex="female", conditions=["af"])
    assert "syndrome-digoxin-symptoms" not in reason_codes(twin)


@pytest.mark.parametrize("text", ["孩子今天发烧了", "今天摸着有点发烧", "宝宝发热了"])
def test_a_fever_said_of_an_infant_under_three_months_is_an_emergency(text: str) -> None:
    out = assess_words(text, NOW, age_months=2, sex="male")
    assert "infant_fever" in reason_codes(out)
    assert out["disposition"] == "emergency"


def test_a_fever_said_of_an_older_baby_is_not_the_infant_rule() -> None:
    out = assess_words("孩子今天发烧了", NOW, age_months=5, sex="male")
    assert "infant_fever" not in reason_codes(out)


def test_a_measured_temperature_below_38_keeps_the_infant_rule_off() -> None:
    out = assess_words("孩子有点发烧，量了一下37度6", NOW, age_months=2, sex="male")
    assert "infant_fever" not in reason_codes(out)


@pytest.mark.parametrize("text", ["一天了一点尿都没有", "到现在一点小便也没有", "一点尿都尿不出来"])
def test_no_urine_at_all_is_retention(text: str) -> None:
    assert "urinary_retention" in symptoms.present(text)


def test_a_little_urine_is_no_retention() -> None:
    assert "urinary_retention" not in symptoms.present("尿有一点黄")
