"""Review h5 item 6: the shared condition reader reads a denial and a family history
(无高血压, 高血压家族史 are not hypertension), and guidance's patient profile resolves condition
text through it. None of these texts comes from a sealed set."""

from __future__ import annotations

import pytest

from clinical.knowledge import conditions as kc
from clinical.medkb import api
from clinical.medkb.checks.profile import build_profile
from clinical.medkb.kb import get_kb


@pytest.mark.parametrize(
    "text",
    [
        "无高血压",
        "無高血壓",
        "否认高血压",
        "没有高血压",
        "高血压家族史",
        "家族史：高血压",
        "父亲有高血压",
        "母亲高血压",
        "否认糖尿病、高血压",
        "否认糖尿病、高血压病史",
    ],
)
def test_denied_or_family_hypertension_is_not_the_patients(text: str) -> None:
    assert "hypertension" not in kc.keys_for_text(text)
    profile = build_profile(get_kb(), api.PatientContext(conditions=[text]))
    assert "hypertension" not in profile.conditions


@pytest.mark.parametrize(
    "text",
    [
        "高血压",
        "高血压病史",
        "有高血压",
        "高血压3年",
        "原发性高血压",
        "糖尿病，高血压",
        "hypertension",
    ],
)
def test_the_patients_hypertension_is_read(text: str) -> None:
    assert "hypertension" in kc.keys_for_text(text)
    profile = build_profile(get_kb(), api.PatientContext(conditions=[text]))
    assert "hypertension" in profile.conditions


def test_a_denial_keeps_the_other_conditions() -> None:
    keys = kc.keys_for_text("糖尿病，无高血压")
    assert "diabetes" in keys and "hypertension" not in keys
    profile = build_profile(get_kb(), api.PatientContext(conditions=["I10", "无糖尿病"]))
    assert "hypertension" in profile.conditions  # a code still resolves
    assert "diabetes" not in profile.conditions


def test_past_history_is_the_patients() -> None:
    # a past disease still counts for contraindications (以前得过胃出血: NSAID caution)
    assert "peptic_ulcer" in kc.keys_for_text("以前得过胃出血")
    assert "stroke" in kc.keys_for_text("以前得过脑梗")


def test_read_conditions_says_why() -> None:
    (m,) = [m for m in kc.read_conditions("高血压家族史") if m.key == "hypertension"]
    assert m.family and not m.negated
    (m,) = [m for m in kc.read_conditions("无高血压") if m.key == "hypertension"]
    assert m.negated and not m.family
    (m,) = [m for m in kc.read_conditions("以前得过脑梗") if m.key == "stroke"]
    assert m.past and not m.negated
