"""Development set "noticed" (#15, #23): follow-up dispositions of the misreadings and silent
drops noticed in the last session and their look-alikes (docs in the yaml header), pushed through
/fhir and assessed through the API. A case still misread is a strict xfail with its reason."""

from __future__ import annotations

from pathlib import Path

import pytest
from followup_helpers import check_vignette
from followup_vignette_builder import load_vignettes

VIGNETTES = load_vignettes(Path(__file__).with_name("followup_vignettes_noticed.yaml"))
FAMILIES = {
    "undated_surgery",
    "immobility",
    "pepper",
    "wound_denial",
    "drainage",
    "vomiting",
    "speech",
    # round 2 (noticed r2)
    "counts",
    "abdomen_words",
    "worry",
    "epilepsy_question",
    "mouth_numb",
    "wound_question",
    "infant_dehydration",
    "red_flag_words",
}


def _param(v: dict) -> object:
    why = v.get("misread") or v.get("known_over_triage")
    return pytest.param(v, marks=pytest.mark.xfail(strict=True, reason=why)) if why else v


def test_noticed_set_covers_every_family() -> None:
    assert {v["family"] for v in VIGNETTES} == FAMILIES
    assert len({v["id"] for v in VIGNETTES}) == len(VIGNETTES)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "vignette", [_param(v) for v in VIGNETTES], ids=[v["id"] for v in VIGNETTES]
)
def test_noticed_vignette(admin_client, vignette: dict) -> None:
    check_vignette(admin_client, vignette)
