"""Agent fixtures: the demo patients stored through ``ammed_fhir.store`` and API personas."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from rest_framework.test import APIClient

from ammed_fhir import store
from ammed_fhir.models import PatientAccount, PatientAssignment
from inference import registry


def _store_bundle(bundle: dict[str, Any]) -> None:
    """Write each entry, turning ``urn:uuid:`` references into ``Type/id``."""
    refs: dict[str, str] = {}
    for entry in bundle["entry"]:
        res = entry["resource"]
        res.setdefault("id", str(uuid.uuid5(uuid.NAMESPACE_URL, entry.get("fullUrl", ""))))
        if entry.get("fullUrl"):
            refs[entry["fullUrl"]] = f"{res['resourceType']}/{res['id']}"
    text = json.dumps([e["resource"] for e in bundle["entry"]])
    for urn, ref in refs.items():
        text = text.replace(f'"{urn}"', f'"{ref}"')
    for res in json.loads(text):
        store.write(res)


@pytest.fixture(autouse=True)
def template_backend(settings) -> None:  # type: ignore[no-untyped-def]
    settings.AMMED_LLM_BACKEND = "template"
    registry.reset_backends()


@pytest.fixture
def demo_patients(db, demo_bundles: list[dict]) -> list[str]:  # type: ignore[no-untyped-def]
    for bundle in demo_bundles:
        _store_bundle(bundle)
    return ["demo-surgery", "demo-htn-dm"]


def _user(username: str, group: str | None = None, **kw: Any):  # type: ignore[no-untyped-def]
    user = get_user_model().objects.create_user(username=username, password="x", **kw)
    if group:
        user.groups.add(Group.objects.get_or_create(name=group)[0])
    return user


@pytest.fixture
def patient_client(demo_patients: list[str]) -> APIClient:
    """张伟 (demo-surgery) logged in as a patient."""
    user = _user("zhang_wei", "patient")
    PatientAccount.objects.create(user=user, patient_id="demo-surgery")
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def nurse_client(demo_patients: list[str]) -> APIClient:
    user = _user("nurse_li", "nurse")
    for pid in demo_patients:
        PatientAssignment.objects.create(user=user, patient_id=pid)
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def outsider_client(demo_patients: list[str]) -> APIClient:
    """A nurse assigned to nobody."""
    client = APIClient()
    client.force_authenticate(_user("nurse_zhao", "nurse"))
    return client
