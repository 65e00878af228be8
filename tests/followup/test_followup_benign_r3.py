"""Round-3 benign over-triage development set (#15/#23, task B): everyday post-discharge
messages in dialect, typos, traditional/full-width/zero-width text and rambling are read, not
sent to a clinician as "unrecognised"; look-alikes in the same register still escalate.

Benign controls must come back ``self-care`` or ``routine`` (a control still over-triaged is a
strict xfail with its reason in the data: the safe failure); look-alikes at least their
reference disposition.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import timezone
from followup_helpers import assess, push_bundle, vignette_param
from followup_vignette_builder import load_vignettes, vignette_bundle

from clinical.followup.services.ruledata import rank

R3 = load_vignettes(Path(__file__).with_name("followup_vignettes_benign_r3.yaml"))


def test_the_r3_set_has_enough_benign_controls_and_look_alikes() -> None:
    assert len({v["id"] for v in R3}) == len(R3)
    benign = [v for v in R3 if v["benign"]]
    looks = [v for v in R3 if not v["benign"]]
    assert len(benign) >= 80
    assert len(looks) >= 20
    assert {v["expect"] for v in benign} <= {"self-care", "routine"}
    # a look-alike's expect is the clinical answer, whatever the engine reads today
    assert {v["expect"] for v in looks} <= {"urgent", "emergency"}
    # at most 15 % of the benign controls may still be over-triaged (#15 target)
    assert sum(bool(v.get("known_over_triage")) for v in benign) <= 0.15 * len(benign)


@pytest.mark.django_db
@pytest.mark.parametrize("vignette", [vignette_param(v) for v in R3], ids=[v["id"] for v in R3])
def test_r3_vignette(admin_client, vignette: dict) -> None:
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
