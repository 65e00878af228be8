"""Public data sets through the boundary: every Synthea bundle, every HL7 R4 example."""

from __future__ import annotations

import gzip
import json
from collections import Counter
from pathlib import Path

import pytest
from django.db.models import Count
from fhir_helpers import post_bundle

from ammed_fhir import store
from ammed_fhir.models import Resource
from ammed_fhir.validation import resource_issues

pytestmark = [pytest.mark.django_db, pytest.mark.shared_data]

# Known-invalid upstream example: R4 requires Questionnaire.item.linkId (1..1), and
# qs1 omits it on nested items. We must reject it and say where.
# Likewise Observation.performer may not reference an Encounter, as clinical-gender does.
_HL7_INVALID = {
    "Questionnaire-qs1.json": "Questionnaire.item[0].item[0].linkId",
    "Observation-clinical-gender.json": "Observation.performer[0].reference",
}


def test_every_synthea_bundle_is_ingested(shared_data: Path, emr_client) -> None:
    files = sorted((shared_data / "synthea-fhir-r4").glob("*.json.gz"))
    if not files:
        pytest.skip("no Synthea bundles in the shared data")
    expected: Counter[str] = Counter()
    for path in files:
        bundle = json.loads(gzip.open(path).read())
        expected.update(e["resource"]["resourceType"] for e in bundle["entry"])
        resp = post_bundle(emr_client, bundle)
        assert resp.status_code == 200, (path.name, resp.content[:500])
        statuses = {e["response"]["status"] for e in resp.json()["entry"]}
        assert statuses == {"201 Created"}
        assert len(resp.json()["entry"]) == len(bundle["entry"])
    stored = dict(Resource.objects.values_list("resource_type").annotate(n=Count("id")).order_by())
    assert stored == dict(expected)
    assert stored["Patient"] == len(files)
    # every urn:uuid reference was resolved to a stored resource
    assert not Resource.objects.filter(data__icontains="urn:uuid:").exists()
    patients = Resource.objects.filter(resource_type="Patient").values_list(
        "resource_id", flat=True
    )
    for pid in patients:
        record = store.patient_record(pid)
        assert record is not None and record.conditions


def test_hl7_examples_round_trip(shared_data: Path, admin_client_fhir) -> None:
    folder = shared_data / "hl7-fhir-r4-examples"
    files = sorted(p for p in folder.glob("*.json") if not p.name.startswith(("_", "package")))
    if not files:
        pytest.skip("no HL7 examples in the shared data")
    last: dict[tuple[str, str], dict] = {}
    for path in files:
        resource = json.loads(path.read_text(encoding="utf-8"))
        issues = resource_issues(resource)
        if path.name in _HL7_INVALID:
            assert _HL7_INVALID[path.name] in {i["expression"][0] for i in issues}
            continue
        assert issues == [], (path.name, issues[:3])
        stored = store.write(resource)
        last[(resource["resourceType"], resource["id"])] = resource
        assert stored["id"] == resource["id"]
    assert len(last) > 300

    def numbers_as_float(node):
        # PostgreSQL jsonb keeps decimals by value, not by spelling: -1e+245 reads back as
        # the integer -1000…0. Compare numbers by value (FHIR decimal semantics).
        if isinstance(node, dict):
            return {k: numbers_as_float(v) for k, v in node.items()}
        if isinstance(node, list):
            return [numbers_as_float(v) for v in node]
        if isinstance(node, int | float) and not isinstance(node, bool):
            return float(node)
        return node

    def strip(r: dict) -> dict:
        return numbers_as_float({k: v for k, v in r.items() if k != "meta"})

    for (rtype, rid), original in last.items():
        resp = admin_client_fhir.get(f"/fhir/{rtype}/{rid}")
        assert resp.status_code == 200, (rtype, rid)
        assert strip(resp.json()) == strip(original), (rtype, rid)
