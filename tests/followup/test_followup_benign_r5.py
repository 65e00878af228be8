"""Round-5 benign over-triage development set (#15 follow-up): answers patients and relatives
write one to two weeks after an operation (normal recovery words, expected post-operative
findings, explained side effects, questions, hedges, long answers, typos, traditional
characters), and look-alikes in the same styles hiding a danger.

Benign controls must come back ``self-care`` or ``routine`` without the safety net (``review``
counts as over-triage here, as in the r3 set); a control still over-triaged is a strict xfail
with its mechanism in the data. Look-alikes at least their reference. A third of each family is
a transfer check (``transfer: true``): scored as totals only, never case by case.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import timezone
from followup_helpers import assess, push_bundle, vignette_param
from followup_vignette_builder import load_vignettes, vignette_bundle, vignette_record

from clinical.followup.services.engine import assess_record
from clinical.followup.services.ruledata import rank

R5 = load_vignettes(Path(__file__).with_name("followup_vignettes_benign_r5.yaml"))
TUNING = [v for v in R5 if not v.get("transfer")]
TRANSFER = [v for v in R5 if v.get("transfer")]
# transfer check totals after the rules of this round (bench/followup_sets.py --file
# tests/followup/followup_vignettes_benign_r5.yaml, "transfer check" line): benign controls at
# review or worse (review+), and look-alikes below their reference
TRANSFER_OVER = 21
TRANSFER_UNDER = 0


def test_the_r5_set_has_enough_cases_and_a_transfer_third() -> None:
    assert len({v["id"] for v in R5}) == len(R5)
    benign = [v for v in R5 if v["benign"]]
    looks = [v for v in R5 if not v["benign"]]
    assert len(benign) >= 80
    assert len(looks) >= 20
    assert {v["expect"] for v in benign} <= {"self-care", "routine"}
    assert {v["expect"] for v in looks} <= {"urgent", "emergency"}
    assert all(v.get("why") for v in R5)  # each reference has its one-line clinical reason
    for family in (benign, looks):
        moved = [v for v in family if v.get("transfer")]
        assert 0.28 * len(family) <= len(moved) <= 0.4 * len(family)
    # a transfer case carries no marker: its misses are never read one by one
    assert not any(v.get("known_over_triage") or v.get("known_under_triage") for v in TRANSFER)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "vignette", [vignette_param(v) for v in TUNING], ids=[v["id"] for v in TUNING]
)
def test_r5_vignette(admin_client, vignette: dict) -> None:
    push_bundle(admin_client, vignette_bundle(vignette, timezone.now()))
    resp = assess(admin_client, f"vg-{vignette['id']}")
    assert resp.status_code == 200, resp.content[:500]
    body = resp.json()
    got = body["disposition"]
    codes = {r["code"] for r in body["reasons"]}
    if vignette["benign"]:
        assert rank(got) <= rank("routine"), body["reasons"]
        assert "symptom-unrecognised" not in codes, body["reasons"]
    else:
        assert rank(got) >= rank(vignette["expect"]), body["reasons"]


def test_r5_transfer_check_totals() -> None:
    """The transfer third, as totals only (the figures of record; lower is better)."""
    now = timezone.now()
    over = under = 0
    for v in TRANSFER:
        got = assess_record(vignette_record(v, now), now)["disposition"]
        if v["benign"]:
            over += rank(got) > rank("routine")
        else:
            under += rank(got) < rank(v["expect"])
    assert under <= TRANSFER_UNDER
    assert over <= TRANSFER_OVER
