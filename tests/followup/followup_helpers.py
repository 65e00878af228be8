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


KNOWN_FAILURES = ("known_over_triage", "known_under_triage")


def known_failure(v: dict[str, Any], keys: tuple[str, ...] = KNOWN_FAILURES) -> str:
    """Why a vignette is a known failure: its values of ``keys`` joined, or "" when none."""
    return "; ".join(str(v[k]) for k in keys if v.get(k))


def vignette_param(v: dict[str, Any]) -> object:
    """A vignette as a test parameter: a strict xfail, with its reason, when it carries
    ``known_over_triage`` (a benign control still sent up) or ``known_under_triage`` (a danger
    the engine does not yet read, below its clinical ``expect``); it flips to a failure once the
    engine gets it right, so the marker must then be removed."""
    import pytest

    why = known_failure(v)
    return pytest.param(v, marks=pytest.mark.xfail(strict=True, reason=why)) if why else v


def assert_not_over_triaged(body: dict[str, Any]) -> None:
    """A benign control: below ``urgent`` (#15 over-triage is a benign message at urgent or
    worse); ``review`` only through the safety net (words nothing reads, quoted for the care
    team), never reassurance alone."""
    from clinical.followup.services.ruledata import rank

    got = body["disposition"]
    assert rank(got) < rank("urgent"), body["reasons"]
    if got == "review":
        net = [r for r in body["reasons"] if r["code"] == "symptom-unrecognised"]
        assert net and net[0]["disposition"] == "review", body["reasons"]


def assessed(client: Client, vignette: dict[str, Any]) -> dict[str, Any]:
    """Push a vignette's record through /fhir and assess it through the API: the answer's body."""
    from django.utils import timezone
    from followup_vignette_builder import vignette_bundle

    push_bundle(client, vignette_bundle(vignette, timezone.now()))
    resp = assess(client, f"vg-{vignette['id']}")
    assert resp.status_code == 200, resp.content[:500]
    return resp.json()


def assert_exact(vignette: dict[str, Any], body: dict[str, Any]) -> None:
    """A benign control below urgent (``assert_not_over_triaged``), any other exactly its
    reference; every reason has a text and a code."""
    if vignette.get("benign"):
        assert_not_over_triaged(body)
    else:
        assert body["disposition"] == vignette["expect"], body["reasons"]
    for reason in body["reasons"]:
        assert reason["text"] and reason["code"]
