"""Development set "windows" (#15 task E): a delivery, an inpatient stay or post-operative
hypoparathyroidism that the EMR sends as a Condition or an Encounter (no Procedure) opens the
risk window of the shared syndrome rules; refuted, entered-in-error, outdated, historical,
outpatient and male-record look-alikes do not. Written before the rule change, pushed through
/fhir and assessed through the API. A case gets exactly its reference; a benign control stays
below urgent; a look-alike whose words are urgent by themselves gets exactly that level."""

from __future__ import annotations

import pytest
from followup_helpers import check_vignette, vignette_param
from followup_vignette_builder import VIGNETTES_WINDOWS, load_vignettes

from clinical.followup.services.ruledata import rank

VIGNETTES = load_vignettes(VIGNETTES_WINDOWS)
FAMILIES = {"postpartum_preeclampsia", "postpartum_haemorrhage", "vte_admission", "hypocalcaemia"}


def _lookalike(v: dict) -> bool:
    return bool(v.get("benign") or v.get("lookalike"))


def test_the_windows_set_has_cases_and_lookalikes_of_every_family() -> None:
    assert {v["family"] for v in VIGNETTES} == FAMILIES
    assert len({v["id"] for v in VIGNETTES}) == len(VIGNETTES)
    cases = [v for v in VIGNETTES if not _lookalike(v)]
    lookalikes = [v for v in VIGNETTES if _lookalike(v)]
    assert len(cases) >= 25 and len(lookalikes) >= 15
    for family in FAMILIES:
        assert any(v["family"] == family for v in cases), family
        assert any(v["family"] == family for v in lookalikes), family
    assert all(rank(v["expect"]) >= rank("urgent") and v.get("flag") for v in cases)
    # no case opens its window through a Procedure: Conditions and Encounters only
    assert not any("surgery" in v for v in VIGNETTES)
    assert sum("encounters" in v for v in cases) >= 8


@pytest.mark.django_db
@pytest.mark.parametrize(
    "vignette", [vignette_param(v) for v in VIGNETTES], ids=[v["id"] for v in VIGNETTES]
)
def test_windows_vignette(admin_client, vignette: dict) -> None:
    check_vignette(admin_client, vignette)
