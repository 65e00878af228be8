"""The "clinician review within 24 h" disposition (#15, task h-review): words nothing reads
send the message to the care team's queue (``review``), not the patient to hospital; the
residue of a read complaint (its qualifier may be the red flag) stays ``urgent``; clear red flags
keep their disposition. Development set: followup_vignettes_review.yaml (written before the rule).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import timezone
from followup_helpers import assess, push_bundle
from followup_vignette_builder import load_vignettes, vignette_bundle

from clinical.followup.services.ruledata import rank

REVIEW_SET = load_vignettes(Path(__file__).with_name("followup_vignettes_review.yaml"))


def test_the_review_set_has_enough_cases_of_each_kind() -> None:
    assert len({v["id"] for v in REVIEW_SET}) == len(REVIEW_SET)
    fams = [v["family"] for v in REVIEW_SET]
    assert fams.count("unread_benign") >= 30
    assert fams.count("residue_danger") >= 15
    assert fams.count("red_flag") >= 10


@pytest.mark.django_db
@pytest.mark.parametrize("vignette", REVIEW_SET, ids=[v["id"] for v in REVIEW_SET])
def test_review_vignette(admin_client, vignette: dict) -> None:
    push_bundle(admin_client, vignette_bundle(vignette, timezone.now()))
    resp = assess(admin_client, f"vg-{vignette['id']}")
    assert resp.status_code == 200, resp.content[:500]
    body = resp.json()
    got = body["disposition"]
    if vignette["family"] == "unread_benign":
        assert got == vignette["expect"], body["reasons"]
        assert body["uncertainty"]["level"] == "high"
    else:
        assert rank(got) >= rank(vignette["expect"]), body["reasons"]
