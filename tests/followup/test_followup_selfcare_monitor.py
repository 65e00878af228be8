"""A self-care answer is safe by construction: it never says that no care is needed, it carries a
safety net naming the patient's red flags, and the real output monitor releases it; a reply that
does discourage care is still held."""

from __future__ import annotations

import pytest
from django.utils import timezone
from followup_helpers import assess, push_bundle
from followup_vignette_builder import load_vignettes, vignette_bundle

from clinical.agent.routes.followup import assessment_text
from clinical.monitor.context import PatientContext
from clinical.monitor.engine import run_monitor

BY_ID = {v["id"]: v for v in load_vignettes()}


def _self_care(admin_client, vignette_id: str) -> tuple[str, dict]:
    push_bundle(admin_client, vignette_bundle(BY_ID[vignette_id], timezone.now()))
    body = assess(admin_client, f"vg-{vignette_id}").json()
    assert body["disposition"] == "self-care", body["reasons"]
    return f"vg-{vignette_id}", body


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("vignette_id", "flags"),
    [
        ("postop-well", ["胸痛", "伤口红肿流脓", "小腿肿痛", "黑便、出血不止"]),
        ("neg-no-tremor", ["胸痛", "低血糖症状"]),
        ("vit-bp-controlled", ["胸痛", "言语不清或口角歪斜"]),
    ],
)
def test_self_care_reply_names_red_flags_and_is_released(
    admin_client, vignette_id: str, flags: list[str]
) -> None:
    patient_id, body = _self_care(admin_client, vignette_id)
    when = body["timeframe"]["text"]
    assert when.startswith("目前可以先在家观察")
    assert "无需就医" not in when and "请及时就医" in when and "拨打120" in when
    for flag in flags:
        assert flag in when
    reply = assessment_text(body)  # what the agent's follow-up route sends
    assert when in reply
    result = run_monitor(reply, PatientContext.from_record(patient_id), {"assessment": body})
    assert result.action == "release", [f.as_dict() for f in result.findings]


@pytest.mark.django_db
def test_a_reply_that_discourages_care_is_still_held(admin_client) -> None:
    patient_id, body = _self_care(admin_client, "postop-well")
    reply = assessment_text(body).replace("目前可以先在家观察", "不用去医院，在家观察即可")
    result = run_monitor(reply, PatientContext.from_record(patient_id), {"assessment": body})
    assert result.action == "hold"
    assert "discourages_care" in {f.code for f in result.findings}
