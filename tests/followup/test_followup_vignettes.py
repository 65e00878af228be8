"""Every vignette pushed through /fhir and assessed through the API gives its reference result."""

from __future__ import annotations

import pytest
from django.utils import timezone
from followup_helpers import assess, push_bundle, vignette_param
from followup_vignette_builder import load_vignettes, vignette_bundle

from clinical.followup.services.ruledata import DISPOSITIONS

VIGNETTES = load_vignettes()


def test_there_are_enough_vignettes_covering_every_family() -> None:
    assert len(VIGNETTES) >= 60
    families = {v["family"] for v in VIGNETTES}
    assert {
        "red_flags",
        "negation",
        "vitals",
        "labs",
        "trends",
        "postop",
        "chemo",
        "heart_failure",
        "adherence",
        "modifiers",
        "missing",
        "hypoglycemia",
    } <= families
    assert {v["expect"] for v in VIGNETTES} == set(DISPOSITIONS)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "vignette", [vignette_param(v) for v in VIGNETTES], ids=[v["id"] for v in VIGNETTES]
)
def test_vignette(admin_client, vignette: dict) -> None:
    push_bundle(admin_client, vignette_bundle(vignette, timezone.now()))
    resp = assess(admin_client, f"vg-{vignette['id']}")
    assert resp.status_code == 200, resp.content[:500]
    body = resp.json()
    codes = {r["code"] for r in body["reasons"]}
    assert body["disposition"] == vignette["expect"], body["reasons"]
    assert set(vignette.get("codes", [])) <= codes, codes
    assert not set(vignette.get("absent", [])) & codes, codes
    for reason in body["reasons"]:
        assert reason["text"] and reason["code"]
    assert body["timeframe"]["text"]
    assert body["careplan"]["resourceType"] == "CarePlan"
