"""An operation the EMR sent without a date is never dropped (noticed bugs #15/#23 item 1): it is
a note for the clinician, and the rules it would make fire are a clinician's question at their
level (``syndrome-undated-window``), as for an undated delivery or admission. Stated immobility
opens the VTE rules only, never the wound (SSI) rules (item 9)."""

from __future__ import annotations

import pytest
from django.utils import timezone
from followup_vignette_builder import assess_vignette


def _assess(**v) -> dict:
    now = timezone.now()
    return assess_vignette({"id": "undated-op", "age": 64, **v}, now)


@pytest.mark.django_db
def test_an_undated_surgery_is_a_note_and_its_rules_a_clinicians_question() -> None:
    out = _assess(
        surgery={"days_ago": None, "text": "全膝关节置换术", "snomed": "609588000"},
        survey=[["症状描述", "左边小腿肚子又肿又疼", 2]],
    )
    notes = [n for n in out["notes"] if n["code"] == "window-undated"]
    assert [n["ref"] for n in notes] and notes[0]["ref"].startswith("Procedure/")
    assert notes[0]["text"].startswith("手术时间不明：“全膝关节置换术”")
    reason = next(r for r in out["reasons"] if r["code"] == "syndrome-undated-window")
    assert reason["disposition"] == "urgent" and "全膝关节置换术" in reason["text"]
    assert "深静脉血栓" in reason["clinician"]


@pytest.mark.django_db
def test_a_dated_surgery_fires_the_rule_itself() -> None:
    out = _assess(surgery={"days_ago": 12}, survey=[["症状描述", "左边小腿肚子又肿又疼", 2]])
    codes = {r["code"] for r in out["reasons"]}
    assert "syndrome-dvt-risk" in codes and "syndrome-undated-window" not in codes


@pytest.mark.django_db
def test_stated_immobility_is_no_surgery_for_the_wound_rules() -> None:
    out = _assess(
        survey=[["症状描述", "腿打石膏卧床两周了，腿上擦伤的伤口红肿越来越大", 2]],
        obs=[["hr", 112, 1]],
    )
    codes = {r["code"] for r in out["reasons"]}
    assert not {"syndrome-ssi-spreading", "syndrome-ssi-sepsis"} & codes
    assert out["disposition"] in ("urgent", "emergency")  # the spreading redness is still judged


@pytest.mark.django_db
@pytest.mark.parametrize(("words", "level"), [("伤口有点红", "routine"), ("刀口流脓了", "urgent")])
def test_wound_signs_after_an_undated_surgery_are_judged_as_within_the_window(
    words: str, level: str
) -> None:
    # the postop family needs a day: an undated operation is never read as "too long ago"
    out = _assess(surgery={"days_ago": None}, survey=[["症状描述", words, 1]])
    reason = next(r for r in out["reasons"] if r["code"] == "postop-undated-window")
    assert reason["disposition"] == level and "腹腔镜胆囊切除术" in reason["text"]
    assert any(e.startswith("Procedure/") for e in reason["evidence"])
    assert "手术时间不明" in reason["clinician"]
    assert out["disposition"] != "self-care"
