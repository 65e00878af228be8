"""Development set "missing r7" (#15, task miss): nine follow-up misses found on probes (a child
who swallowed someone else's tablets, a missed period, potassium 6.0–6.4 with symptoms, vomiting
counts on chemotherapy, a resolved TIA, foot pain, blood draws read as convulsions, 手背, a reported
high fever after surgery), each a family in several wordings with look-alikes that must not
escalate (sources in the yaml header). About a third is a transfer check (``transfer: true``),
never looked at when rules were tuned (bench/followup_sets.py --file
tests/followup/followup_vignettes_missing_r7.yaml scores it apart). Written
before the rules of this round; a case still wrong is a strict xfail with its reason."""

from __future__ import annotations

from pathlib import Path

import pytest
from followup_helpers import check_vignette, vignette_param
from followup_vignette_builder import load_vignettes

MR7 = load_vignettes(Path(__file__).with_name("followup_vignettes_missing_r7.yaml"))
FAMILIES = {
    "ingestion",
    "missed_period",
    "potassium",
    "chemo_vomiting",
    "tia",
    "foot_pain",
    "blood_draw",
    "hand_back",
    "high_fever",
}


def test_the_set_has_every_family_with_look_alikes_and_a_transfer_third() -> None:
    assert len({v["id"] for v in MR7}) == len(MR7)
    assert {v["family"] for v in MR7} == FAMILIES
    for family in FAMILIES:
        cases = [v for v in MR7 if v["family"] == family]
        assert 4 <= len(cases) <= 10, family
        assert any(v.get("transfer") for v in cases), family
        # a look-alike: a benign control, or a danger among benign cases (the seizure of blood_draw)
        assert len({v["benign"] for v in cases}) == 2 or family == "foot_pain", family
    transfer = [v for v in MR7 if v.get("transfer")]
    assert 4 * len(transfer) >= len(MR7) and 2 * len(transfer) <= len(MR7)


@pytest.mark.django_db
@pytest.mark.parametrize("vignette", [vignette_param(v) for v in MR7], ids=[v["id"] for v in MR7])
def test_missing_r7_vignette(admin_client, vignette: dict) -> None:
    check_vignette(admin_client, vignette)
