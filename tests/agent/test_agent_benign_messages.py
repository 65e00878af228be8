"""Issue #15, agent: benign messages get an answer, not a care-team alert or a hold.

Development cases, written before the fix. A normal reading reported by a patient whose record
already holds routine findings (demo-htn-dm: HbA1c 7.8 %, a fasting glucose of 8.6 mmol/L) was
answered with an alert "患者消息需要医生回复": the follow-up route alerted on any disposition but
self-care, although nothing in the message changed it. A message alerts the care team when what
it brings is part of the finding (its readings or words are the evidence of a reason), when the
disposition is urgent or worse, or when a value could not be read; a normal reading does not.
Thresholds are the follow-up engine's own (clinical/followup/data), not restated here.
"""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from ammed_fhir.models import PatientAccount
from tests.agent.conftest import _user
from tests.agent.test_agent_conversation import say
from tests.agent.test_agent_crisis_and_safety_net import alerts

NORMAL_READINGS = [
    "血压125/80",
    "今天血压125/80，血糖5.6",
    "空腹血糖5.6",
    "体温36.8",
    "心率72",
    "血压一百二十五/八十",
    "早上量了血压128/82，感觉还好",
    "血壓１２５／８０",
]
ABNORMAL_READINGS = ["血压185/115", "血糖2.8", "体温39.2度", "心率135"]
UNREADABLE_READINGS = ["血压一百多", "血糖很高"]


@pytest.fixture
def htn_client(demo_patients: list[str]) -> APIClient:
    """王芳 (demo-htn-dm, hypertension and diabetes, routine findings on record) as a patient."""
    user = _user("wang_fang", "patient")
    PatientAccount.objects.create(user=user, patient_id="demo-htn-dm")
    client = APIClient()
    client.force_authenticate(user)
    return client


def answered_quietly(out: dict[str, Any], patient: str) -> None:
    assert (out["route"], out["outcome"], out["status"]) == ("followup", "answered", "released")
    assert alerts(patient) == []


@pytest.mark.django_db
@pytest.mark.parametrize("text", NORMAL_READINGS)
def test_a_normal_reading_is_answered_without_an_alert(htn_client, text: str) -> None:
    out = say(htn_client, text, "demo-htn-dm")
    answered_quietly(out, "demo-htn-dm")


@pytest.mark.django_db
@pytest.mark.parametrize("text", NORMAL_READINGS[:4])
def test_a_normal_reading_after_surgery_is_answered_without_an_alert(
    patient_client, text: str
) -> None:
    out = say(patient_client, text)
    answered_quietly(out, "demo-surgery")


@pytest.mark.django_db
@pytest.mark.parametrize("text", ABNORMAL_READINGS)
def test_an_abnormal_reading_still_alerts(htn_client, text: str) -> None:
    out = say(htn_client, text, "demo-htn-dm")
    assert out["route"] == "followup" and out["status"] == "released"
    sent = alerts("demo-htn-dm")
    assert len(sent) == 1 and text in sent[0]["payload"][0]["contentString"]


@pytest.mark.django_db
@pytest.mark.parametrize("text", UNREADABLE_READINGS)
def test_an_unreadable_reading_still_alerts(htn_client, text: str) -> None:
    out = say(htn_client, text, "demo-htn-dm")
    assert out["route"] == "followup"
    assert "准确" in out["reply"]
    assert len(alerts("demo-htn-dm")) == 1


@pytest.mark.django_db
def test_a_new_symptom_still_alerts(htn_client) -> None:
    say(htn_client, "血压125/80，今天有点头晕", "demo-htn-dm")
    assert len(alerts("demo-htn-dm")) == 1


@pytest.mark.django_db
@pytest.mark.parametrize("text", ["柚子能吃吗", "谢谢医生", "好的，知道了"])
def test_ordinary_questions_and_thanks_raise_no_alert(htn_client, text: str) -> None:
    out = say(htn_client, text, "demo-htn-dm")
    assert out["status"] == "released" and out["outcome"] == "answered"
    assert alerts("demo-htn-dm") == []


@pytest.mark.django_db
@pytest.mark.parametrize("text", ["最近感觉挺好", "身体还行，谢谢医生", "一切正常", "今天精神不错"])
def test_saying_one_is_well_raises_no_alert(htn_client, text: str) -> None:
    """A message made only of pleasantries and words of well-being (clinical/agent/data/
    lexicon.csv) is understood and answered; one more word and it is not."""
    out = say(htn_client, text, "demo-htn-dm")
    assert (out["status"], out["outcome"]) == ("released", "answered")
    assert alerts("demo-htn-dm") == []


@pytest.mark.django_db
@pytest.mark.parametrize("text", ["感觉不太好", "最近感觉挺好，就是走路老打晃", "身体一般"])
def test_anything_beyond_well_being_still_goes_to_a_clinician(htn_client, text: str) -> None:
    out = say(htn_client, text, "demo-htn-dm")
    assert out["outcome"] == "escalated" or out["route"] == "followup"
    assert len(alerts("demo-htn-dm")) == 1
