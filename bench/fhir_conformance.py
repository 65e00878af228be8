"""FHIR R4 conformance replay: the official HL7 R4 (4.0.1) examples and the deliberately
invalid resources of ``tests/fhir/data/invalid`` against the validator and, with ``--post``,
through ``/fhir`` itself.

    .venv/bin/python bench/fhir_conformance.py            # validator only (no database)
    .venv/bin/python bench/fhir_conformance.py --post     # also PUT/POST through /fhir

``--post`` runs in one database transaction that is rolled back at the end (nothing stays
written, no events leave): an integration account is made, every ``Type/id`` an example
refers to that is not itself an example is stored as a stub (``{"resourceType", "id"}``,
"stubs for external references"), then every example is PUT to ``/fhir/{type}/{id}``
(transaction and batch Bundles are POSTed to ``/fhir``) and every invalid resource is PUT
to ``/fhir/{type}/{id}``. Accepted = 2xx, refused = 4xx; a 5xx is counted as an error.

Some official examples break R4 rules themselves; they are listed in ``KNOWN_INVALID`` with
the rule and the expression the validator must name, and are expected to be refused.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
INVALID_DIR = ROOT / "tests" / "fhir" / "data" / "invalid"
# Official R4 examples that break R4 itself: file -> (expression the validator names, why).
KNOWN_INVALID = {
    "Questionnaire-qs1.json": (
        "Questionnaire.item[0].item[0].linkId",
        "Questionnaire.item.linkId is 1..1; nested items of qs1 omit it",
    ),
    "Observation-clinical-gender.json": (
        "Observation.performer[0].reference",
        "Observation.performer may not reference an Encounter (R4 allows Practitioner, "
        "PractitionerRole, Organization, CareTeam, Patient, RelatedPerson)",
    ),
}


# Valid R4 examples that AM-Med refuses on purpose (not validation): file -> (status, why).
_GATE = "a Communication 'completed' to a patient only through AM-Med's output gate"
_IDENT = (
    "an identifier-only reference that may name a Patient must match exactly one Patient "
    "(whose compartment would it be in?)"
)
POLICY = {
    "Communication-fm-attachment.json": (403, _GATE),
    "Communication-fm-solicited.json": (403, _GATE),
    **{
        f"AuditEvent-{n}.json": (422, _IDENT)
        for n in (
            "example",
            "example-disclosure",
            "example-error",
            "example-login",
            "example-logout",
            "example-media",
            "example-pixQuery",
            "example-rest",
            "example-search",
        )
    },
}


# Valid examples using interactions this server does not take in a transaction yet.
UNSUPPORTED = {"Bundle-bundle-transaction.json": "DELETE and GET (search) entries"}


def _load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)


def example_files(shared: Path) -> list[Path]:
    folder = shared / "hl7-fhir-r4-examples"
    return sorted(p for p in folder.glob("*.json") if not p.name.startswith(("_", "package")))


def invalid_cases() -> dict[str, dict[str, str]]:
    return json.loads((INVALID_DIR / "expected.json").read_text(encoding="utf-8"))["cases"]


def validate_all(shared: Path) -> dict[str, Any]:
    """Validator-only figures: valid examples accepted/refused, invalid accepted/refused."""
    from ammed_fhir.validation import resource_issues

    out: dict[str, Any] = {"examples": Counter(), "invalid": Counter(), "wrong": []}
    for path in example_files(shared):
        issues = resource_issues(_load(path))
        exprs = {i.get("expression", [""])[0] for i in issues}
        if path.name in KNOWN_INVALID:
            ok = KNOWN_INVALID[path.name][0] in exprs
            out["examples"]["known-invalid refused" if ok else "known-invalid WRONG"] += 1
            if not ok:
                out["wrong"].append((path.name, sorted(exprs)[:3]))
            continue
        out["examples"]["refused" if issues else "accepted"] += 1
        if issues:
            out["wrong"].append((path.name, [i["diagnostics"][:160] for i in issues[:3]]))
    for name, case in invalid_cases().items():
        issues = resource_issues(_load(INVALID_DIR / f"{name}.json"))
        exprs = {i.get("expression", [""])[0] for i in issues}
        if not issues:
            out["invalid"]["accepted"] += 1
            out["wrong"].append((name, "accepted"))
        elif case["expression"] not in exprs:
            out["invalid"]["refused for another reason"] += 1
            out["wrong"].append((name, sorted(exprs)[:3]))
        else:
            out["invalid"]["refused"] += 1
    return out


def _references(node: Any, found: set[tuple[str, str]]) -> None:
    from ammed_fhir.validation import is_resource_type

    if isinstance(node, dict):
        ref = node.get("reference")
        if isinstance(ref, str) and ref.count("/") in (1, 3) and "://" not in ref:
            parts = ref.split("/")
            if is_resource_type(parts[0]):
                found.add((parts[0], parts[1]))
        for value in node.values():
            _references(value, found)
    elif isinstance(node, list):
        for value in node:
            _references(value, found)


def post_all(shared: Path, client: Any) -> dict[str, Any]:
    """Through /fhir with ``client`` (an integration account); the caller owns the
    transaction. Returns Counters of HTTP outcomes."""
    from ammed_fhir import store

    files = example_files(shared)
    texts = {p.name: p.read_text(encoding="utf-8") for p in files}
    examples = {name: json.loads(text, parse_float=Decimal) for name, text in texts.items()}
    wanted: set[tuple[str, str]] = set()
    for resource in examples.values():
        _references(resource, wanted)
    # every referenced Type/id gets a stub first (an example replaces its stub), so the
    # order of the files does not matter
    stubs = [{"resourceType": t, "id": i} for t, i in sorted(wanted)]
    if stubs:
        store.write_validated(stubs)
    out: dict[str, Any] = {
        "examples": Counter(),
        "invalid": Counter(),
        "wrong": [],
        "stubs": len(stubs),
        "stubs_external": len(
            wanted - {(r["resourceType"], r.get("id")) for r in examples.values()}
        ),
    }

    def send(resource: dict[str, Any], body: str) -> Any:
        kind = resource.get("type") if resource["resourceType"] == "Bundle" else None
        if kind in {"transaction", "batch"}:
            return client.post("/fhir", data=body, content_type="application/fhir+json")
        url = f"/fhir/{resource['resourceType']}/{resource['id']}"
        return client.put(url, data=body, content_type="application/fhir+json")

    # plain resources first, then bundles (whose entries may refer to them)
    order = sorted(examples, key=lambda n: (examples[n]["resourceType"] == "Bundle", n))
    for name in order:
        resp = send(examples[name], texts[name])
        code = resp.status_code
        verdict = "accepted" if code < 300 else "refused" if code < 500 else "error"
        if name in POLICY and code == POLICY[name][0]:
            verdict = "refused by AM-Med policy"
        elif name in UNSUPPORTED and code == 400 and b"is not supported" in resp.content:
            verdict = "refused: interaction not supported"
        elif name in KNOWN_INVALID:
            verdict = "known-invalid " + ("refused" if verdict == "refused" else "WRONG")
        if verdict not in {
            "accepted",
            "refused by AM-Med policy",
            "known-invalid refused",
        } and not verdict.startswith("refused: interaction"):
            out["wrong"].append((name, code, resp.content[:300].decode(errors="replace")))
        out["examples"][verdict] += 1
    for name in invalid_cases():
        text = (INVALID_DIR / f"{name}.json").read_text(encoding="utf-8")
        resource = json.loads(text)
        url = f"/fhir/{resource['resourceType']}/{quote(str(resource.get('id', 'x')), safe='')}"
        resp = client.put(url, data=text, content_type="application/fhir+json")
        code = resp.status_code
        verdict = "accepted" if code < 300 else "refused" if code < 500 else "error"
        if verdict != "refused":
            out["wrong"].append((name, code, resp.content[:300].decode(errors="replace")))
        out["invalid"][verdict] += 1
    return out


def _post_in_rollback(shared: Path) -> dict[str, Any]:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import transaction
    from django.test import Client
    from django.test.utils import setup_test_environment
    from rest_framework.authtoken.models import Token

    setup_test_environment()
    with transaction.atomic():
        user = get_user_model().objects.create_user("fhir-conformance-replay")
        user.groups.add(Group.objects.get_or_create(name="integration")[0])
        token = Token.objects.create(user=user)
        client = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
        result = post_all(shared, client)
        transaction.set_rollback(True)
    return result


def _report(title: str, result: dict[str, Any], seconds: float) -> None:
    print(f"== {title} ({seconds:.1f} s)")
    print("  HL7 R4 examples:", dict(result["examples"]))
    print("  deliberately invalid:", dict(result["invalid"]))
    if "stubs" in result:
        print(
            f"  stubs stored first: {result['stubs']} referenced Type/id, "
            f"{result['stubs_external']} of them not among the examples"
        )
    for row in result["wrong"]:
        print("  !", *row)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--post", action="store_true", help="also replay through /fhir")
    parser.add_argument("--shared", type=Path, default=None, help="the shared data folder")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ammed_fhir.settings")
    import django

    django.setup()
    from django.conf import settings

    shared = args.shared or Path(settings.AMMED_SHARED_DATA_DIR)
    print(
        f"machine: {platform.machine()} {platform.processor() or ''} {os.cpu_count()} CPUs, Python {platform.python_version()}"
    )
    start = time.perf_counter()
    result = validate_all(shared)
    _report("validator", result, time.perf_counter() - start)
    bad = bool(result["wrong"])
    if args.post:
        start = time.perf_counter()
        posted = _post_in_rollback(shared)
        _report("through /fhir (rolled back)", posted, time.perf_counter() - start)
        bad = bad or bool(posted["wrong"])
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
