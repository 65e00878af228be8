"""Fixtures for medkb tests: the KB (built once per session), demo records, personas."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from rest_framework.test import APIClient

from ammed_fhir import store
from ammed_fhir.models import PatientAccount, PatientAssignment
from clinical.medkb import api
from clinical.medkb.kb import KnowledgeBase, get_kb
from clinical.medkb.services.guidance import GuidanceRequest, advise


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    """Loads var/medkb (building it on first use; ~10 s once per machine/CI run)."""
    return get_kb()


@pytest.fixture
def ask(kb: KnowledgeBase):
    """Run the guidance service: ask(cabinet, symptoms=..., temperature_c=..., **patient)."""

    def _ask(
        cabinet: list[str],
        *,
        symptoms: list[str] | None = None,
        temperature_c: float | None = None,
        fever_days: float | None = None,
        **patient: Any,
    ) -> dict[str, Any]:
        patient.setdefault("age_years", 35)
        return advise(
            GuidanceRequest(
                patient=api.PatientContext(**patient),
                cabinet=cabinet,
                symptoms=symptoms or [],
                temperature_c=temperature_c,
                fever_days=fever_days,
            )
        )

    return _ask


@pytest.fixture
def demo_records(db: None, demo_bundles: list[dict]) -> list[str]:
    """The demo patients' resources written through the store (no HTTP)."""
    for bundle in demo_bundles:
        for entry in bundle["entry"]:
            res = dict(entry["resource"])
            if res["resourceType"] in ("Encounter", "Practitioner", "Organization"):
                continue
            res.pop("encounter", None)
            store.write(res)
    return ["demo-surgery", "demo-htn-dm"]


def _user(username: str, group: str) -> Any:
    g, _ = Group.objects.get_or_create(name=group)
    u = get_user_model().objects.create_user(username=username)  # no password: hashing is slow
    u.groups.add(g)
    return u


@pytest.fixture
def clients(db: None) -> dict[str, APIClient]:
    """physician assigned to demo-surgery, an unassigned nurse, the patient 张伟, anonymous."""
    doctor = _user("doc", "physician")
    PatientAssignment.objects.create(patient_id="demo-surgery", user=doctor)
    outsider = _user("outsider", "nurse")
    patient = _user("zhangwei", "patient")
    PatientAccount.objects.create(user=patient, patient_id="demo-surgery")
    out = {}
    for name, user in (("doctor", doctor), ("outsider", outsider), ("patient", patient)):
        c = APIClient()
        c.force_authenticate(user)
        out[name] = c
    out["anonymous"] = APIClient()
    return out


def by_input(answer: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {i["input"]: i for i in answer["items"]}


def codes(item: dict[str, Any], severity: str | None = None) -> set[str]:
    return {r["code"] for r in item["reasons"] if severity is None or r["severity"] == severity}
