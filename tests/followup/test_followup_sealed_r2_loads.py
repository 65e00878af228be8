"""The second sealed follow-up set (#15) loads and every vignette builds a valid FHIR record.

Only the set's shape is asserted here, never an engine outcome: the set is scored by
bench/followup_sealed.py (totals per family) and must not become a tuning target.
"""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from followup_vignette_builder import (
    SEALED_R2,
    load_vignettes,
    vignette_bundle,
    vignette_record,
    vignette_resources,
)

from ammed_fhir.validation import validate_resource

R2 = load_vignettes(SEALED_R2)
DISPOSITIONS = {"emergency", "urgent", "routine", "self-care"}
FAMILIES = {
    "acs",
    "stroke",
    "gi_bleed",
    "anaphylaxis",
    "vte",
    "preeclampsia",
    "sepsis_vitals",
    "neutropenic_fever",
    "dka_hhs",
    "hypoglycaemia",
    "head_injury_anticoag",
    "hip_fracture",
    "ssi",
    "hypocalcaemia",
    "urinary_retention",
    "bowel_obstruction_leak",
    "suicidal",
    "benign",
}


def test_the_r2_set_has_its_size_families_and_benign_controls() -> None:
    assert len(R2) >= 110
    assert {v["family"] for v in R2} == FAMILIES
    assert sum(bool(v.get("benign")) for v in R2) >= 35
    assert {v["expect"] for v in R2} == DISPOSITIONS


def test_r2_ids_are_unique_and_numbered() -> None:
    ids = [v["id"] for v in R2]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"R2-\d{3}", i) for i in ids)


def test_every_r2_vignette_has_a_source_and_a_safe_label() -> None:
    for v in R2:
        assert v["expect"] in DISPOSITIONS, v["id"]
        assert isinstance(v["source"], str) and v["source"].strip(), v["id"]
        # a benign control is never labelled urgent or worse; a non-benign vignette whose
        # reference is routine or lower says so explicitly (the bench's default would count it
        # as a control)
        if v.get("benign"):
            assert v["expect"] in {"routine", "self-care"}, v["id"]
        elif v["expect"] in {"routine", "self-care"}:
            assert v.get("benign") is False, v["id"]


@pytest.mark.parametrize("vignette", R2, ids=[v["id"] for v in R2])
def test_every_r2_vignette_builds_a_valid_record(vignette: dict) -> None:
    now = timezone.now()
    resources = vignette_resources(vignette, now)
    for resource in resources:
        validate_resource(resource)
    validate_resource(vignette_bundle(vignette, now))
    record = vignette_record(vignette, now)
    assert record.patient["id"] == f"vg-{vignette['id']}"
    built = (
        len(record.conditions)
        + len(record.medication_requests)
        + len(record.observations)
        + len(record.procedures)
        + len(record.encounters)
    )
    assert built == len(resources) - 1
    # every vignette says something: a survey answer or a measured value
    assert record.observations, vignette["id"]
