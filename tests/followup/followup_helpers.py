"""Test helpers of the follow-up tests: push a bundle through /fhir, assess through the API."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client


def push_bundle(client: Client, bundle: dict[str, Any]) -> dict[str, Any]:
    """POST a transaction Bundle to /fhir; the answer must be a 200 transaction-response."""
    resp = client.post("/fhir", data=json.dumps(bundle), content_type="application/fhir+json")
    assert resp.status_code == 200, resp.content[:1000]
    return resp.json()


def assess(client: Client, patient_id: str) -> Any:
    return client.post(
        "/api/v1/followup/assess", data={"patient_id": patient_id}, content_type="application/json"
    )
