"""Lexicon-gap paraphrase families (#15, task h-gaps): the dangers the review level exposed
(spreading wound redness, wound discharge/smell/bulging, right-lower-quadrant tenderness, leg
swelling after surgery, perioral/finger tingling after thyroid surgery, fluids not kept down,
visual disturbance post-partum), each in several patient wordings, reach ``urgent``; their
look-alikes stay below urgent. Written before the lexicon rows that read them; a case the engine
still gets wrong is a strict xfail with its reason in the data."""

from __future__ import annotations

from pathlib import Path

import pytest
from followup_helpers import check_vignette, vignette_param
from followup_vignette_builder import load_vignettes

from clinical.followup.services.ruledata import rank

GAPS = load_vignettes(Path(__file__).with_name("followup_vignettes_gaps.yaml"))
FAMILIES = {
    "ssi_redness",
    "ssi_discharge",
    "rlq",
    "dvt",
    "hypocalcaemia",
    "fluids",
    "preeclampsia",
}


def test_every_gap_family_has_paraphrases_and_look_alikes() -> None:
    assert {v["family"] for v in GAPS} == FAMILIES
    assert len({v["id"] for v in GAPS}) == len(GAPS)
    for family in FAMILIES:
        dangers = [v for v in GAPS if v["family"] == family and not v["benign"]]
        looks = [v for v in GAPS if v["family"] == family and v["benign"]]
        assert len(dangers) >= 5 and len(looks) >= 2, family
        assert all(rank(v["expect"]) >= rank("urgent") for v in dangers)
        assert all(rank(v["expect"]) <= rank("routine") for v in looks)


@pytest.mark.django_db
@pytest.mark.parametrize("vignette", [vignette_param(v) for v in GAPS], ids=[v["id"] for v in GAPS])
def test_gap_vignette(admin_client, vignette: dict) -> None:
    check_vignette(admin_client, vignette)
