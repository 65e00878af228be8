"""The conformance replay (bench/fhir_conformance.py): every valid HL7 R4 example accepted,
every deliberately invalid resource refused, by the validator and through /fhir."""

from __future__ import annotations

import importlib.util
import json
from decimal import Decimal
from pathlib import Path

import pytest

from ammed_fhir.validation import resource_issues

_SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "fhir_conformance.py"
_INVALID = Path(__file__).resolve().parent / "data" / "invalid"


def _conformance():
    spec = importlib.util.spec_from_file_location("fhir_conformance", _SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _cases() -> dict[str, dict[str, str]]:
    return json.loads((_INVALID / "expected.json").read_text(encoding="utf-8"))["cases"]


@pytest.mark.parametrize("name", sorted(_cases()))
def test_it_refuses_each_deliberately_invalid_resource(name: str) -> None:
    resource = json.loads((_INVALID / f"{name}.json").read_text(), parse_float=Decimal)
    expressions = {i["expression"][0] for i in resource_issues(resource)}
    assert _cases()[name]["expression"] in expressions


def test_the_valid_bases_of_the_invalid_cases_are_valid() -> None:
    bases = json.loads((_INVALID / "expected.json").read_text())["valid_bases"]
    assert {name: resource_issues(r) for name, r in bases.items()} == {n: [] for n in bases}


def test_there_are_at_least_31_invalid_cases() -> None:
    assert len(_cases()) >= 31


@pytest.mark.shared_data
def test_validator_figures(shared_data: Path) -> None:
    conf = _conformance()
    result = conf.validate_all(shared_data)
    total = len(conf.example_files(shared_data))
    assert result["wrong"] == []
    assert result["examples"] == {
        "accepted": total - len(conf.KNOWN_INVALID),
        "known-invalid refused": len(conf.KNOWN_INVALID),
    }
    assert result["invalid"] == {"refused": len(_cases())}


@pytest.mark.shared_data
@pytest.mark.django_db
def test_replay_through_fhir(shared_data: Path, emr_client) -> None:
    conf = _conformance()
    result = conf.post_all(shared_data, emr_client)
    total = len(conf.example_files(shared_data))
    assert result["wrong"] == []
    figures = dict(result["examples"])
    assert figures.pop("known-invalid refused") == len(conf.KNOWN_INVALID)
    assert figures.pop("refused by AM-Med policy") == len(conf.POLICY)
    # Bundle-bundle-transaction has DELETE and GET entries; refused until those land
    assert figures.pop("refused: interaction not supported", 0) <= 1
    assert figures.pop("accepted") >= total - len(conf.KNOWN_INVALID) - len(conf.POLICY) - 1
    assert figures == {}
    assert result["invalid"] == {"refused": len(_cases())}


@pytest.mark.django_db
def test_capability_lists_exactly_the_r4_types_and_the_operations(emr_client) -> None:
    from ammed_fhir.validation import resource_types

    body = emr_client.get("/fhir/metadata").json()
    assert resource_issues(body) == []  # the CapabilityStatement is valid R4 itself
    rest = body["rest"][0]
    listed = {r["type"] for r in rest["resource"]}
    assert listed == set(resource_types()) and len(listed) == 146
    assert {"MedicinalProduct", "Evidence", "EffectEvidenceSynthesis"} <= listed
    assert not {"SubscriptionTopic", "Resource", "DomainResource"} & listed
    assert [op["name"] for op in rest["operation"]] == ["export"]
    ops = {r["type"]: [op["name"] for op in r.get("operation", [])] for r in rest["resource"]}
    assert ops["Patient"] == ["everything", "export"] and ops["Group"] == ["export"]


def test_it_keeps_what_r4_allows() -> None:
    """Decimals are taken as parsed (1.00 stays Decimal('1.00')), an R4-only type such as
    Evidence is known, a primitive array may hold null where its _element has the extension."""
    obs = json.loads((_INVALID / "decimal-as-string.json").read_text(), parse_float=Decimal)
    obs["valueQuantity"]["value"] = Decimal("1.00")
    assert resource_issues(obs) == []
    evidence = {
        "resourceType": "Evidence",
        "status": "draft",
        "exposureBackground": {"reference": "EvidenceVariable/x"},  # 1..1 in R4, not R4B
    }
    assert resource_issues(evidence) == []
    patient = {
        "resourceType": "Patient",
        "name": [
            {
                "given": ["A", None],
                "_given": [
                    None,
                    {"extension": [{"url": "http://example.org/x", "valueString": "y"}]},
                ],
            }
        ],
    }
    assert resource_issues(patient) == []


@pytest.mark.django_db
def test_a_contained_provenance_may_cite_its_own_containers_version(emr_client) -> None:
    request = {
        "resourceType": "ServiceRequest",
        "id": "physio",
        "status": "active",
        "intent": "order",
        "subject": {"reference": "Patient/nobody-needed"},
        "relevantHistory": [{"reference": "#sig"}],
        "contained": [
            {
                "resourceType": "Provenance",
                "id": "sig",
                "target": [{"reference": "ServiceRequest/physio/_history/1"}],
                "recorded": "2017-02-01T17:23:07Z",
                "agent": [{"who": {"display": "Dr Adam Careful"}}],
            }
        ],
    }
    from ammed_fhir import store

    store.write_validated([{"resourceType": "Patient", "id": "nobody-needed"}])
    resp = emr_client.put(
        "/fhir/ServiceRequest/physio",
        data=json.dumps(request),
        content_type="application/fhir+json",
    )
    assert resp.status_code in (200, 201), resp.content


@pytest.mark.django_db
def test_a_document_bundle_keeps_references_between_its_own_entries(emr_client) -> None:
    comp, pat = (
        "urn:uuid:0c3151bd-1cbf-4d64-b04d-cd9187a4c6e0",
        "urn:uuid:541a72a8-df75-4484-ac89-ac4923f03b81",
    )
    document = {
        "resourceType": "Bundle",
        "id": "doc1",
        "identifier": {
            "system": "urn:ietf:rfc:3986",
            "value": "urn:uuid:0c3151bd-1cbf-4d64-b04d-cd9187a4c6e1",
        },
        "type": "document",
        "timestamp": "2026-12-04T10:00:00Z",
        "entry": [
            {
                "fullUrl": comp,
                "resource": {
                    "resourceType": "Composition",
                    "status": "final",
                    "type": {"text": "note"},
                    "date": "2026-12-04",
                    "title": "Note",
                    "author": [{"display": "Dr X"}],
                    "subject": {"reference": pat},
                },
            },
            {"fullUrl": pat, "resource": {"resourceType": "Patient", "name": [{"family": "Doe"}]}},
        ],
    }
    resp = emr_client.put(
        "/fhir/Bundle/doc1", data=json.dumps(document), content_type="application/fhir+json"
    )
    assert resp.status_code in (200, 201), resp.content
    assert emr_client.get("/fhir/Bundle/doc1").json()["entry"][0]["resource"]["subject"] == {
        "reference": pat
    }
