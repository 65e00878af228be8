"""The mechanisms behind the round-3 population fixes (#15), one behaviour each: week windows
in pregnancy, pregnancy cautions routed to a clinician, the pre-eclampsia gestation bound,
lab-derived severe CKD, trying to conceive, herbal products in pregnancy/breastfeeding."""

from __future__ import annotations

import pytest

from clinical.knowledge import patient
from clinical.medkb import api
from tests.medkb.conftest import by_input, codes

PREG = {"sex": "female", "pregnant": True}


@pytest.mark.parametrize(("weeks", "avoid"), [(12, False), (19.5, False), (20, True), (36, True)])
def test_nsaid_is_avoided_from_20_weeks_and_routed_before(ask, weeks: float, avoid: bool) -> None:
    a = ask(["布洛芬片", "泰诺林"], symptoms=["牙痛"], pregnancy_weeks=weeks, **PREG)
    items = by_input(a)
    assert items["布洛芬片"]["verdict"] == "avoid"  # never offered in pregnancy
    assert ("pregnancy" in codes(items["布洛芬片"], "avoid")) is avoid
    assert ("needs_clinician" in codes(items["布洛芬片"], "avoid")) is not avoid
    assert items["泰诺林"]["verdict"] == "recommended"
    assert items["泰诺林"]["dose"]["per_dose_mg"] == 650


def test_unknown_weeks_take_the_20_week_window(ask) -> None:
    a = ask(["芬必得"], symptoms=["牙痛"], **PREG)
    assert "怀孕20周起" in " ".join(r["text"] for r in a["items"][0]["reasons"])


def test_a_pregnancy_caution_is_not_offered_for_self_care(ask) -> None:
    # dextromethorphan: 说明书 孕妇慎用 → a clinician decides
    a = ask(["右美沙芬片"], symptoms=["咳嗽"], pregnancy_weeks=30, **PREG)
    item = a["items"][0]
    assert item["verdict"] == "avoid" and item["dose"] is None
    assert {"needs_clinician"} <= codes(item, "avoid")
    assert a["see_doctor"]["needed"] is True


@pytest.mark.parametrize(("weeks", "urgent"), [(8, False), (19, False), (20, True), (None, True)])
def test_preeclampsia_headache_needs_20_weeks_or_unknown(ask, weeks, urgent: bool) -> None:
    a = ask(["泰诺林"], symptoms=["头痛"], pregnancy_weeks=weeks, **PREG)
    fired = {f["code"] for f in a["see_doctor"]["flags"]}
    assert ("syndrome-preeclampsia-symptoms" in fired) is urgent
    assert a["items"][0]["verdict"] == "recommended"  # paracetamol stays the answer


@pytest.mark.parametrize(
    "who", [{"pregnant": True, "pregnancy_weeks": 24}, {"breastfeeding": True}]
)
def test_herbal_product_of_partly_unknown_composition_is_not_offered(ask, who) -> None:
    a = ask(["感冒灵颗粒", "泰诺林"], symptoms=["头痛", "鼻塞"], sex="female", **who)
    items = by_input(a)
    assert "unknown_composition" in codes(items["感冒灵颗粒"], "avoid")
    assert items["泰诺林"]["verdict"] == "recommended"


def test_an_antipyretic_cold_remedy_with_chlorphenamine_is_not_for_under_6(ask) -> None:
    a = ask(["小儿氨酚黄那敏颗粒"], symptoms=["流鼻涕"], age_years=4, weight_kg=16)
    assert "age" in codes(a["items"][0], "avoid")
    a = ask(["扑尔敏"], symptoms=["打喷嚏"], age_years=4, weight_kg=16)  # alone: not a cold remedy
    texts = " ".join(r["text"] for r in a["items"][0]["reasons"])
    assert "复方感冒" not in texts


@pytest.mark.parametrize(("egfr", "keys"), [(45, {"ckd"}), (25, {"ckd", "ckd_severe"})])
def test_egfr_gives_every_band_it_meets(egfr: float, keys: set[str]) -> None:
    ctx = patient.from_inline(
        {"age_years": 70, "labs": [{"loinc": "33914-3", "value": egfr, "unit": "mL/min/{1.73_m2}"}]}
    )
    assert set().union(*(c.keys for c in ctx.conditions)) == keys


def test_severe_ckd_by_egfr_holds_the_antacid_and_paracetamol(ask) -> None:
    lab = {"loinc": "33914-3", "value": 20, "unit": "mL/min/{1.73_m2}"}
    ctx = api.PatientContext.from_knowledge(patient.from_inline({"age_years": 72, "labs": [lab]}))
    reasons = api.check_patient(["hydrotalcite"], ctx) + api.check_patient(["paracetamol"], ctx)
    assert {(r.ingredient, r.code) for r in reasons} >= {
        ("hydrotalcite", "contraindication"),
        ("paracetamol", "contraindication"),
    }


def test_trying_to_conceive_routes_nsaids_and_keeps_paracetamol(ask) -> None:
    a = ask(["布洛芬片", "泰诺林"], symptoms=["头痛"], sex="female", conditions=["正在备孕"])
    items = by_input(a)
    assert "needs_clinician" in codes(items["布洛芬片"], "avoid")
    assert items["泰诺林"]["verdict"] == "recommended"


def test_tacrolimus_routes_nsaids(ask) -> None:
    a = ask(["芬必得", "泰诺林"], symptoms=["头痛"], current_medications=["他克莫司胶囊 1mg bid"])
    items = by_input(a)
    assert "interaction" in codes(items["芬必得"], "caution")
    assert items["芬必得"]["verdict"] == "avoid"
    assert items["泰诺林"]["verdict"] == "recommended"


def test_colloquial_daily_drinking_is_alcohol_use(ask) -> None:
    a = ask(["泰诺林"], symptoms=["头痛"], conditions=["每天喝半斤白酒"])
    assert "needs_clinician" in codes(a["items"][0], "avoid")
