"""Guidance reads the same risk windows as follow-up from a stored record (#15 task E): a
delivery, an inpatient stay or post-operative hypoparathyroidism sent as a Condition or an
Encounter reaches the shared syndrome rules through the one PatientContext. Every case of
tests/followup/followup_vignettes_windows.yaml raises its rule (``flag``) in guidance too; no
look-alike raises any rule of its family."""

from __future__ import annotations

import pytest
from django.utils import timezone

from clinical.medkb import api as medkb_api
from clinical.medkb.services.guidance import GuidanceRequest, advise
from tests.followup.followup_vignette_builder import (
    VIGNETTES_WINDOWS,
    load_vignettes,
    vignette_record,
)

VIGNETTES = load_vignettes(VIGNETTES_WINDOWS)
ANALGESICS = ["泰诺林", "布洛芬缓释胶囊"]
FAMILY_CODES = {
    "postpartum_preeclampsia": {
        "syndrome-preeclampsia",
        "syndrome-postpartum-severe-hypertension",
        "syndrome-preeclampsia-symptoms",
        "syndrome-undated-window",
    },
    "postpartum_haemorrhage": {
        "syndrome-postpartum-haemorrhage",
        "syndrome-postpartum-haemorrhage-shock",
        "syndrome-undated-window",
    },
    "vte_admission": {"syndrome-pe", "syndrome-dvt-risk", "syndrome-undated-window"},
    "hypocalcaemia": {
        "syndrome-hypocalcaemia",
        "syndrome-hypocalcaemia-tetany",
        "syndrome-neck-haematoma",
        "syndrome-undated-window",
    },
}
pytestmark = pytest.mark.django_db


def _flags(v: dict) -> set[str]:
    now = timezone.now()
    # the record's instant is now: a reading taken an hour ago is current whatever the time of
    # day (``today=`` would judge at local noon and drop an afternoon reading as in the future)
    ctx = medkb_api.PatientContext.from_fhir(vignette_record(v, now))
    words = [row[1] for row in v.get("survey", []) if isinstance(row[1], str)]
    out = advise(GuidanceRequest(patient=ctx, cabinet=ANALGESICS, symptoms=words))
    return {f["code"] for f in out["see_doctor"]["flags"]}


@pytest.mark.parametrize(
    "vignette",
    [v for v in VIGNETTES if not (v.get("benign") or v.get("lookalike"))],
    ids=lambda v: v["id"],
)
def test_a_window_from_a_condition_or_encounter_raises_its_rule_in_guidance(vignette):
    assert vignette["flag"] in _flags(vignette)


@pytest.mark.parametrize(
    "vignette",
    [v for v in VIGNETTES if v.get("benign") or v.get("lookalike")],
    ids=lambda v: v["id"],
)
def test_a_lookalike_raises_no_rule_of_its_family_in_guidance(vignette):
    assert not _flags(vignette) & FAMILY_CODES[vignette["family"]]
