"""Development set r3 (#15 round 3): written before its rules, pushed through /fhir and assessed
through the API. An emergency or urgent case gets exactly its reference; a benign control stays
below urgent (a control the safety net still sends to a clinician is a strict xfail with its
reason in the data, so it fails once the engine reads it)."""

from __future__ import annotations

import pytest
from django.utils import timezone
from followup_helpers import check_vignette, vignette_param
from followup_vignette_builder import VIGNETTES_R3, load_vignettes, vignette_record

from clinical.followup.services.engine import assess_record
from clinical.followup.services.ruledata import rank

VIGNETTES = load_vignettes(VIGNETTES_R3)
FAMILIES = {
    "gi_bleed",
    "anaphylaxis",
    "vte_pe",
    "preeclampsia",
    "stroke",
    "acs",
    "hypocalcaemia",
    "ssi",
    "hip_fracture",
    "head_injury",
    "neutropenic_sepsis",
    "sepsis",
    "dka_hhs",
    "hypoglycemia",
    "urinary_retention",
    "suicidal",
}


def test_r3_covers_every_family_with_cases_and_controls() -> None:
    assert {v["family"] for v in VIGNETTES} == FAMILIES
    assert len({v["id"] for v in VIGNETTES}) == len(VIGNETTES)
    serious = [v for v in VIGNETTES if not v.get("benign")]
    controls = [v for v in VIGNETTES if v.get("benign")]
    assert len(serious) >= 50 and len(controls) >= 20
    assert all(rank(v["expect"]) >= rank("urgent") for v in serious)
    assert all(rank(v["expect"]) <= rank("routine") for v in controls)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "vignette", [vignette_param(v) for v in VIGNETTES], ids=[v["id"] for v in VIGNETTES]
)
def test_r3_vignette(admin_client, vignette: dict) -> None:
    check_vignette(admin_client, vignette)


def _assess_words(text: str, **extra: object) -> dict:
    now = timezone.now()
    v = {"id": "r3w", "age": 70, "survey": [["今日感受", text, 1]], **extra}
    return assess_record(vignette_record(v, now), now)


@pytest.mark.parametrize(
    ("text", "at_least"),
    [
        ("别的都挺好，就是胸口疼", "emergency"),  # reassurance in one clause, a red flag in another
        ("哪都疼", "routine"),  # "anywhere" with a complaint is no reassurance
        ("其他还行，大便发黑", "urgent"),
        ("心情不好，不想活了", "emergency"),
    ],
)
def test_r3_reassurance_subjects_never_cover_a_complaint(text: str, at_least: str) -> None:
    assert rank(_assess_words(text)["disposition"]) >= rank(at_least)
