"""Test helpers of the follow-up tests: push a bundle through /fhir, assess through the API."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from ammed_fhir import store


def push_bundle(client: Client, bundle: dict[str, Any]) -> None:
    """POST a transaction Bundle to /fhir.

    TEMPORARY fallback until the FHIR transaction endpoint (issue 2) is merged to main: when
    /fhir answers 404/405 the entries are written one by one through ``ammed_fhir.store.write``
    (the vignette bundles carry explicit ids and PUT requests, so no reference resolution is
    needed). Any other non-200 answer fails the test.
    """
    resp = client.post("/fhir", data=json.dumps(bundle), content_type="application/fhir+json")
    if resp.status_code in (404, 405):
        for entry in bundle["entry"]:
            store.write(entry["resource"])
        return
    assert resp.status_code == 200, resp.content[:1000]


def assess(client: Client, patient_id: str) -> Any:
    return client.post(
        "/api/v1/followup/assess", data={"patient_id": patient_id}, content_type="application/json"
    )
