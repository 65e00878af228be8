"""The agent's routes against the REAL engines on main (clinical.diet, clinical.medkb) and
the real output monitor, through POST /api/v1/patients/{id}/messages in template mode, with
the demo patients' records: correct replies are released, the ones a clinician must see
are held, and the structured engine result reaches the monitor."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from ammed_fhir import store
from clinical.agent import services
from clinical.agent.services import HELD_TEXT
from clinical.monitor import gate
from inference.phrasing import Phrasing

URL = "/api/v1/patients/{}/messages"


def say(client: APIClient, text: str, patient: str = "demo-surgery") -> dict[str, Any]:
    r = client.post(URL.format(patient), {"text": text}, format="json")
    assert r.status_code == 200, r.content
    return r.json()


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[tuple[gate.OutgoingMessage, gate.GateResult]]:
    seen: list[tuple[gate.OutgoingMessage, gate.GateResult]] = []
    real = gate.submit

    def spy(msg: gate.OutgoingMessage) -> gate.GateResult:
        result = real(msg)
        seen.append((msg, result))
        return result

    monkeypatch.setattr(gate, "submit", spy)
    return seen


def codes(result: gate.GateResult) -> set[str]:
    return {f["code"] for f in result.findings if f["severity"] != "low"}


# ------------------------------------------------------------------ diet (clinical.diet)


@pytest.mark.django_db
def test_alcohol_for_the_patient_on_cefuroxime_and_warfarin_is_avoid_and_released(
    patient_client, sent
) -> None:
    out = say(patient_client, "我能喝酒吗？")
    assert (out["route"], out["outcome"], out["status"]) == ("diet", "answered", "released")
    assert out["reply"].startswith("不建议喝酒。")
    assert "停药后至少7天内、服药期间、术后恢复期（至少到复查医生同意前）都不要饮酒" in out["reply"]
    assert out["reply"].count("不要饮酒") == 1  # three rules, one instruction
    assert "如果喝" not in out["reply"]  # the warfarin caution's limited-drinking line is dropped
    ((msg, result),) = sent
    assert msg.structured["verdict"] == "avoid" and msg.structured["food"] == "酒"
    because = {r["because"] for r in msg.structured["reasons"]}
    assert {"头孢呋辛酯片 0.25g", "华法林钠片 3mg"} <= because
    assert result.action == "release"


@pytest.mark.django_db
def test_spinach_on_warfarin_is_caution_about_steady_amounts(patient_client) -> None:
    out = say(patient_client, "能吃菠菜吗")
    assert (out["route"], out["status"]) == ("diet", "released")
    assert out["reply"].startswith("菠菜需要注意：") and "复查INR" in out["reply"]


@pytest.mark.django_db
def test_food_named_before_the_question_goes_to_diet(nurse_client, sent) -> None:
    out = say(nurse_client, "柚子能吃吗", patient="demo-htn-dm")
    assert (out["intent"], out["route"], out["status"]) == ("diet_question", "diet", "released")
    assert out["entities"]["foods"] == ["柚子"]
    ((msg, _),) = sent
    assert msg.structured["verdict"] == "caution"
    assert any(r["because"] == "苯磺酸氨氯地平片 5mg" for r in msg.structured["reasons"])
    assert "不喝西柚汁" in out["reply"]


@pytest.mark.django_db
def test_a_phrasing_that_adds_a_drug_to_the_diet_answer_is_held(
    patient_client, sent, monkeypatch
) -> None:
    """The structured diet result goes to the monitor: a drug it does not name is held."""

    def add_a_drug(kind: str, structured: dict, draft: str, **kw: Any) -> Phrasing:
        return Phrasing(draft + "膝盖疼也可以吃布洛芬。", "model")

    monkeypatch.setattr(services, "phrase", add_a_drug)
    out = say(patient_client, "能吃菠菜吗")
    assert out["status"] == "held" and out["reply"] == HELD_TEXT
    ((_, result),) = sent
    assert "drug_added" in codes(result)


# ------------------------------------------------------------- guidance (clinical.medkb)


@pytest.mark.django_db
def test_penicillin_allergic_patient_asking_for_amoxicillin_is_told_not_to(
    patient_client,
) -> None:
    out = say(patient_client, "感冒了能吃阿莫西林吗")
    assert (out["route"], out["outcome"], out["status"]) == ("medication", "answered", "released")
    assert out["reply"].startswith("不要使用阿莫西林：阿莫西林属于青霉素类，您对青霉素类过敏")


@pytest.mark.django_db
def test_brand_name_the_dictionary_lacks_is_found_through_medkb(nurse_client) -> None:
    """复方新诺明 is no food: "能吃吗" with a KB product name is a medication question."""
    out = say(nurse_client, "复方新诺明能吃吗", patient="demo-htn-dm")
    assert (out["intent"], out["route"], out["status"]) == (
        "medication_question",
        "medication",
        "released",
    )
    assert out["entities"]["medicines"] == ["复方新诺明"]
    assert "您对磺胺类抗菌药过敏，禁止使用" in out["reply"]


@pytest.mark.django_db
def test_symptom_in_the_patients_words_gets_a_recommendation_with_its_dose(
    nurse_client,
) -> None:
    out = say(nurse_client, "皮肤瘙痒，能吃氯雷他定吗", patient="demo-htn-dm")
    assert (out["outcome"], out["status"]) == ("answered", "released")
    assert out["reply"].startswith("根据您的情况，建议使用氯雷他定（每次10毫克")


@pytest.mark.django_db
def test_no_symptom_named_asks_what_the_medicine_is_for(nurse_client, sent) -> None:
    out = say(nurse_client, "能吃氯雷他定吗", patient="demo-htn-dm")
    assert (out["outcome"], out["status"]) == ("clarify", "released")
    assert "缓解什么不适" in out["reply"] and "氯雷他定" not in out["reply"]
    ((msg, _),) = sent
    assert msg.structured["guidance"]["items"][0]["verdict"] == "usable"


@pytest.mark.django_db
def test_a_product_name_is_not_read_as_a_symptom(patient_client) -> None:
    out = say(patient_client, "能吃感冒灵吗")  # 感冒灵 contains 感冒
    assert out["entities"]["symptoms"] == []
    # 张伟 has paracetamol ordered: 感冒灵's paracetamol would add to it (#15 cumulative totals)
    assert (out["route"], out["outcome"], out["status"]) == ("medication", "answered", "released")
    assert out["reply"].startswith("不要使用感冒灵颗粒：")


@pytest.mark.django_db
def test_second_paracetamol_product_for_a_patient_with_paracetamol_ordered_is_avoided(
    patient_client, sent
) -> None:
    """#15 cumulative totals: the ordered 对乙酰氨基酚片 (PRN) already counts towards the
    day's paracetamol, so medkb does not suggest 泰诺林 on top (it used to, and the monitor
    had to hold it: an engine hold in bench/engine_holds.py). The answer is released."""
    out = say(patient_client, "发烧了能吃泰诺林吗")
    assert (out["route"], out["status"]) == ("medication", "released")
    ((msg, result),) = sent
    item = msg.structured["guidance"]["items"][0]
    assert item["verdict"] == "avoid" and item["dose"] is None
    assert "duplicate_ingredient" in {
        r["code"] for r in item["reasons"] if r["severity"] == "avoid"
    }
    assert out["reply"].startswith("不要使用泰诺林：您正在使用的")


@pytest.mark.django_db
def test_black_stool_on_warfarin_is_urgent_and_alerts_the_care_team(patient_client) -> None:
    out = say(patient_client, "拉黑便，能吃布洛芬吗")
    assert (out["route"], out["status"]) == ("medication", "released")
    assert out["reply"].startswith("情况紧急：出现黑便")
    assert "不要使用布洛芬" in out["reply"]
    alerts = [
        c
        for c in store.search("Communication", patient_id="demo-surgery")
        if c["category"][0]["coding"][0]["code"] == "alert"
    ]
    assert len(alerts) == 1 and "拉黑便" in alerts[0]["payload"][0]["contentString"]


@pytest.mark.django_db
def test_alcohol_containing_medicine_on_cefuroxime_is_a_released_warning(patient_client) -> None:
    """藿香正气水 is a medicine (medkb), not a drink: it gets medkb's disulfiram warning."""
    out = say(patient_client, "能喝藿香正气水吗")
    assert (out["route"], out["outcome"], out["status"]) == ("medication", "answered", "released")
    assert out["reply"].startswith("不要使用藿香正气水：正在或近期服用头孢类抗菌药")
    assert "停药7天内都不要使用" in out["reply"]


# ---------------------------------------------------------- follow-up (clinical.followup)


def alerts(patient_id: str) -> list[dict[str, Any]]:
    return [
        c
        for c in store.search("Communication", patient_id=patient_id)
        if c["category"][0]["coding"][0]["code"] == "alert"
    ]


@pytest.mark.django_db
def test_wound_redness_in_words_the_dictionary_lacks_reaches_the_assessment(
    patient_client, sent
) -> None:
    """ "伤口有点红肿" is read by the follow-up lexicon: the engine must see it (before, the
    survey Observation was not written and the engine answered "no findings")."""
    out = say(patient_client, "伤口有点红肿，体温37.9度")
    assert (out["route"], out["outcome"], out["status"]) == ("followup", "answered", "released")
    # Wound redness + 37.9 ℃ on post-op day 9: a possible SSI (CDC/NHSN), seen within 24 h; the
    # reason, the disposition and the timeframe all say so.
    assert out["reply"].startswith("根据您反映的情况：术后第9天伤口红肿伴体温37.9℃")
    assert "请在24小时内就诊" in out["reply"] and "7天内" not in out["reply"]
    assert out["reply"].endswith("。")
    ((msg, _),) = sent
    assessment = msg.structured["assessment"]
    assert assessment["disposition"] == "urgent"
    assert assessment["timeframe"]["within"] == "PT24H"
    assert "no-findings" not in {r["code"] for r in assessment["reasons"]}
    said = [
        o
        for o in store.search("Observation", patient_id="demo-surgery")
        if o["category"][0]["coding"][0]["code"] == "survey"
    ]
    assert [o["valueString"] for o in said] == ["伤口有点红肿，体温37.9度"]
    assert len(alerts("demo-surgery")) == 1


@pytest.mark.django_db
def test_chest_tightness_after_surgery_is_an_emergency(patient_client, sent) -> None:
    out = say(patient_client, "有点胸闷气短")
    assert (out["route"], out["status"]) == ("followup", "released")
    assert "警惕肺栓塞" in out["reply"] and "立即拨打120" in out["reply"]
    ((msg, _),) = sent
    assert msg.structured["assessment"]["disposition"] == "emergency"
    assert len(alerts("demo-surgery")) == 1


@pytest.mark.django_db
def test_blood_pressure_reading_gets_the_engines_assessment(nurse_client) -> None:
    out = say(nurse_client, "早上血压160/100，有点头晕", patient="demo-htn-dm")
    assert (out["route"], out["outcome"], out["status"]) == ("followup", "answered", "released")
    assert "收缩压160mmHg" in out["reply"] and "7天内" in out["reply"]


@pytest.mark.django_db
def test_a_self_care_assessment_is_released_with_a_safety_net(patient_client, sent) -> None:
    """The engine's self-care text never says "无需就医" (the monitor would hold it): it says
    "目前可以先在家观察" and names this patient's red flags, so the monitor releases it."""
    out = say(patient_client, "今天体温37.2度")
    assert (out["route"], out["status"]) == ("followup", "released")
    assert "目前可以先在家观察" in out["reply"] and "无需就医" not in out["reply"]
    assert "伤口红肿流脓" in out["reply"] and "黑便、出血不止" in out["reply"]
    assert "请及时就医" in out["reply"] and "拨打120" in out["reply"]
    ((msg, result),) = sent
    assert msg.structured["assessment"]["disposition"] == "self-care"
    assert "discourages_care" not in codes(result)


@pytest.mark.django_db
def test_nsaid_with_a_hypertension_caution_is_left_to_a_clinician(nurse_client, sent) -> None:
    """medkb no longer recommends ibuprofen with "高血压：…只宜短期使用并监测血压" (a caution
    without a quantitative limit, DECISIONS.md): it tells the patient not to take it alone and
    to ask a physician or pharmacist, and that message is released."""
    out = say(nurse_client, "头疼能吃布洛芬吗", patient="demo-htn-dm")
    assert (out["route"], out["outcome"], out["status"]) == ("medication", "answered", "released")
    assert (
        out["reply"].startswith("不要自行使用布洛芬：高血压：") and "建议使用" not in out["reply"]
    )
    ((msg, result),) = sent
    item = msg.structured["guidance"]["items"][0]
    assert item["verdict"] == "avoid"
    assert [r["code"] for r in item["reasons"]] == ["contraindication", "needs_clinician"]
    assert codes(result) == set()


@pytest.mark.django_db
def test_nsaid_recommended_with_a_hypertension_caution_is_held(nurse_client, sent) -> None:
    """The monitor's policy stays: a message that DOES recommend ibuprofen with the
    hypertension caution (the engine's old wording) is held (medium) for a clinician."""
    say(nurse_client, "头疼能吃布洛芬吗", patient="demo-htn-dm")
    ((msg, _),) = sent
    old = gate.OutgoingMessage(
        patient_id="demo-htn-dm",
        text="根据您的情况，建议使用布洛芬（每次200毫克，间隔至少6小时，24小时内不超过4次）。"
        "注意：高血压：非甾体抗炎药可能升高血压，只宜短期使用并监测血压。",
        category=msg.category,
        structured=msg.structured,
    )
    result = gate.submit(old)
    assert result.action == "hold"
    assert "contraindication" in codes(result)


@pytest.mark.django_db
def test_hypoglycaemia_symptoms_on_metformin_are_urgent(nurse_client, sent) -> None:
    """李秀英 takes metformin: 出冷汗手抖心慌 without a glucose reading is possible hypoglycaemia
    (check glucose now, 15 g fast sugar, recheck after 15 min), seen within 24 h."""
    out = say(nurse_client, "出冷汗手抖心慌", patient="demo-htn-dm")
    assert (out["route"], out["outcome"]) == ("followup", "answered")
    assert "可能是低血糖" in out["reply"] and "15克" in out["reply"]
    ((msg, result),) = sent
    assessment = msg.structured["assessment"]
    assert assessment["disposition"] == "urgent"
    assert "hypoglycemia-suspected" in {r["code"] for r in assessment["reasons"]}
    assert out["status"] == "released", codes(result)


@pytest.mark.django_db
def test_denied_tremor_raises_no_hypoglycaemia(nurse_client, sent) -> None:
    out = say(nurse_client, "没有手抖，也没有出冷汗", patient="demo-htn-dm")
    assert out["route"] == "followup"
    ((msg, _),) = sent
    reasons = {r["code"] for r in msg.structured["assessment"]["reasons"]}
    assert reasons and "hypoglycemia-suspected" not in reasons
    assert "低血糖" not in out["reply"]
