"""Helpers for the FHIR boundary tests: bundle builders, personas, an event recorder."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from ammed_fhir.access import ROLES

FHIR = "application/fhir+json"


def post_bundle(client: Client, bundle: Any, **extra: Any):
    body = bundle if isinstance(bundle, str | bytes) else json.dumps(bundle)
    return client.post("/fhir", data=body, content_type=FHIR, **extra)


def transaction(*entries: dict[str, Any], kind: str = "transaction") -> dict[str, Any]:
    return {"resourceType": "Bundle", "type": kind, "entry": list(entries)}


def put(resource: dict[str, Any]) -> dict[str, Any]:
    return {
        "fullUrl": f"{resource['resourceType']}/{resource['id']}",
        "resource": resource,
        "request": {"method": "PUT", "url": f"{resource['resourceType']}/{resource['id']}"},
    }


def post(resource: dict[str, Any], full_url: str | None = None) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "resource": resource,
        "request": {"method": "POST", "url": resource["resourceType"]},
    }
    if full_url:
        entry["fullUrl"] = full_url
    return entry


def patient(pid: str, **extra: Any) -> dict[str, Any]:
    return {
        "resourceType": "Patient",
        "id": pid,
        "identifier": [{"system": "urn:oid:2.16.156.test.mrn", "value": f"MRN-{pid}"}],
        "name": [{"text": "测试患者"}],
        "gender": "female",
        "birthDate": "1968-05-01",
        **extra,
    }


def observation(pid: str, value: float = 120, day: int = 1, **extra: Any) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "8480-6"}]},
        "subject": {"reference": f"Patient/{pid}"},
        "effectiveDateTime": f"2026-11-{day:02d}T08:00:00+08:00",
        "valueQuantity": {"value": value, "unit": "mmHg"},
        **extra,
    }


def make_user(username: str, role: str | None = None, *, superuser: bool = False):
    for name in ROLES:
        Group.objects.get_or_create(name=name)
    user = get_user_model().objects.create_user(
        username, password="pw", is_superuser=superuser, is_staff=superuser
    )
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


RECORDED: list[list] = []


def record(changes: list) -> None:
    """An events subscriber (dotted path ``fhir_helpers.record``) for tests."""
    RECORDED.append(changes)
