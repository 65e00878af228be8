"""Each follow-up reason carries ``patient_text``: the patient's wording of a care-team note
(``services/wording.py`` over ``data/patient_wording.yaml``). The care team keeps ``text``.
The agent's reply is built from ``patient_text`` and the timeframe, and says each thing once:
the reply for unread words gives the 24 h promise and the 120 escape one time each."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from clinical.agent.routes.followup import assessment_text
from clinical.followup.services.wording import generic_patient_text, patient_text
from clinical.knowledge.wording import care_team_phrases
from tests.followup.followup_vignette_builder import (
    assess_vignette,
    load_vignettes,
)

NOW = datetime(2026, 11, 29, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # fixed: no today
BY_ID = {v["id"]: v for v in load_vignettes()}


def _assess(v: dict[str, Any]) -> dict[str, Any]:
    return assess_vignette(v, NOW)


def _survey(words: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": "wording",
        "age": 61,
        "obs": [["hr", 74, 2]],
        "survey": [["今日感受", words, 2]],
        **extra,
    }


@pytest.mark.parametrize(
    ("code", "text", "said"),
    [
        ("symptom-dizziness", "患者报告头晕", "您提到头晕"),
        ("symptom-fever-reported", "患者自述发热（请测量体温）", "您提到发热（请测量体温）"),
        (
            "redflag-chest-pain",
            "患者报告胸痛，需排除急性冠脉综合征、肺栓塞等急症",
            "您提到胸痛",
        ),
        ("redflag-distress", "患者表示非常难受或求助，需医护人员尽快联系", "您提到非常难受或求助"),
        ("temp-fever", "体温38.4℃，发热", "体温38.4℃，发热"),  # patient wording already
        ("news2-high", "NEWS2评分7分（≥7，高危）：呼吸频率24（2分），收缩压96（2分）", ""),
        ("some-new-rule", "血钾6.1mmol/L，需减量螺内酯", "GENERIC"),
        (
            "symptom-unrecognised",
            "患者报告的不适未能自动识别：怪怪的，需医护人员24小时内查看原文",
            "",
        ),
    ],
)
def test_patient_text_of_a_rule_text(code: str, text: str, said: str) -> None:
    if said == "GENERIC":
        said = generic_patient_text()
        assert "请不要自行停药或改变剂量" in said
    assert patient_text(code, text) == said


def test_the_moved_templates_keep_the_measurement_and_the_medicine() -> None:
    assert patient_text("inr-high", "INR 6.2（≥5），需停用或减量华法林并复查").startswith(
        "INR 6.2（≥5），明显高于目标范围"
    )
    said = patient_text(
        "adherence-stopped-critical", "患者自行停用关键药物（利伐沙班片），需医生尽快联系"
    )
    assert said.startswith("您反映没有按医嘱服用利伐沙班片，")


def test_reasons_carry_patient_text_and_keep_the_care_team_text() -> None:
    a = _assess(BY_ID["rf-chest-pain"])
    reason = next(r for r in a["reasons"] if r["code"] == "redflag-chest-pain")
    assert reason["text"].startswith("患者报告胸痛，需排除")  # the care team's note stands
    assert reason["patient_text"] == "您提到胸痛"
    reply = assessment_text(a)
    assert reply.startswith("根据您反映的情况：您提到胸痛")
    assert care_team_phrases(reply) == [] and "需排除" not in reply


def test_a_score_reason_says_nothing_to_the_patient_but_the_timeframe_does() -> None:
    a = _assess(BY_ID["syn-sepsis-words"])
    reply = assessment_text(a)
    assert "NEWS2" not in reply and "qSOFA" not in reply and "休克指数" not in reply
    assert reply.endswith("请立即拨打120或前往最近的急诊科，不要自行驾车。")


def test_unread_words_are_said_once_when_for_review() -> None:
    # words naming no body part (h-partial: text-unrecognised names the flank, now urgent)
    a = _assess(BY_ID["text-unrecognised-nobody"])
    assert a["disposition"] == "review"
    reply = assessment_text(a)
    assert reply.count("24小时") == 1, reply
    assert reply.count("120") == 1, reply
    assert "暂时无法自动判断" in reply and "随访医护人员" in reply
    assert "怪怪的" not in reply  # the quote is for the care team's note
    assert "就诊" not in reply  # the care team reads the words; no visit is asked


def test_partly_understood_words_are_said_once_and_safely() -> None:
    a = _assess(BY_ID["text-unrecognised"])  # 右边腰上一跳一跳的怪怪的: names the flank
    assert a["disposition"] == "urgent"
    reply = assessment_text(a)
    assert reply.count("24小时") == 1, reply
    assert reply.count("120") == 1, reply
    assert "暂时无法自动判断" in reply and "随访医护人员" in reply
    assert "怪怪的" not in reply  # the quote is for the care team's note
    assert "居家观察" not in reply and "无需" not in reply  # no reassurance


def test_unread_words_are_said_once_when_urgent() -> None:
    a = _assess(_survey("咳嗽带咖啡色的渣子"))  # a residue of a read complaint stays urgent
    assert a["disposition"] == "urgent"
    reply = assessment_text(a)
    assert reply.count("24小时") == 1, reply
    assert reply.count("120") == 1, reply
    assert "暂时无法自动判断" in reply and "随访医护人员" in reply
    assert "咖啡色" not in reply  # the quote is for the care team's note
    assert "居家观察" not in reply  # the read cough is not met with reassurance


def test_unread_words_are_said_once_when_an_emergency_stands() -> None:
    a = _assess(_survey("胸口痛，右边腰上一跳一跳的怪怪的"))
    assert a["disposition"] == "emergency"
    assert "symptom-unrecognised" in {r["code"] for r in a["reasons"]}
    reply = assessment_text(a)
    assert reply.count("120") == 1, reply
    assert "暂时无法自动判断" in reply
    assert reply.index("120") < reply.index("暂时无法自动判断")  # what to do comes first


@pytest.mark.parametrize("vignette_id", sorted(BY_ID))
def test_no_reply_repeats_what_its_timeframe_says(vignette_id: str) -> None:
    """A reason's sentence that the timeframe already says is said once, by the timeframe (a
    clause inside a sentence keeps its action: 如出现胸痛、气短或咯血，立即拨打120)."""
    a = _assess(BY_ID[vignette_id])
    reply = assessment_text(a)
    when = a["timeframe"]["text"]
    when = when if when.endswith("。") else when + "。"
    assert reply.endswith(when)
    body = reply[: len(reply) - len(when)]
    sentences = re.split(r"[；。]", body.removeprefix("根据您反映的情况："))
    assert [c for c in sentences if len(c) >= 6 and c in when] == [], reply
