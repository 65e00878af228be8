"""The CapabilityStatement served at ``/fhir/metadata``: generated from what the code does.

Search parameters come from ``ammed_fhir.search.SEARCH_PARAMS`` (the same table the search
parser enforces); every other R4 resource type is listed with create/update/read/vread only.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from ammed_fhir.search import INCLUDES, SEARCH_PARAMS
from ammed_fhir.validation import resource_types as r4_resource_types

_WRITE_READ = ["create", "update", "delete", "read", "vread", "history-instance", "history-type"]
# $operations (ammed_fhir/operations/): Bulk Data export and Patient $everything
_BULK = "http://hl7.org/fhir/uv/bulkdata/OperationDefinition"
_EXPORT = {"name": "export", "definition": f"{_BULK}/export"}
_TYPE_OPERATIONS = {
    "Patient": [
        {
            "name": "everything",
            "definition": "http://hl7.org/fhir/OperationDefinition/Patient-everything",
        },
        {"name": "export", "definition": f"{_BULK}/patient-export"},
    ],
    "Group": [{"name": "export", "definition": f"{_BULK}/group-export"}],
}


def resource_types() -> tuple[str, ...]:
    """Exactly the concrete FHIR R4 (4.0.1) resource types (validated, stored, readable)."""
    return r4_resource_types()


def statement(base_url: str) -> dict[str, Any]:
    resources = []
    for rtype in resource_types():
        params = SEARCH_PARAMS.get(rtype, {})
        interactions = _WRITE_READ + (["search-type"] if params else [])
        entry: dict[str, Any] = {
            "type": rtype,
            "interaction": [{"code": code} for code in interactions],
            "versioning": "versioned-update",  # If-Match / request.ifMatch: 412 when stale
            "readHistory": True,
            "updateCreate": True,
            "conditionalCreate": bool(params),  # ifNoneExist runs a search
            "conditionalRead": "full-support",  # If-None-Match, If-Modified-Since: 304
            "conditionalUpdate": bool(params),  # PUT Type?search
            "conditionalDelete": "not-supported",
        }
        includes = [f"{rtype}:{p}" for p in INCLUDES.get(rtype, {})]
        if includes:
            entry["searchInclude"] = includes
        revincludes = [
            f"{source}:{p}"
            for source, by_param in INCLUDES.items()
            for p, (target, _) in by_param.items()
            if target == rtype
        ]
        if revincludes:
            entry["searchRevInclude"] = revincludes
        if rtype == "Subscription":
            entry["documentation"] = (
                "channel.type rest-hook only; criteria <CarePlan|Communication|Flag>?<search "
                "parameters of that type>; payload application/fhir+json: PUT "
                "<endpoint>/<type>/<id> with the resource, none: POST <endpoint> without a "
                "body; channel.header lines are sent (e.g. Authorization: Bearer …), and an "
                "X-AMMed-Signature HMAC when the server has a key."
            )
        if params:
            entry["searchParam"] = [
                {"name": name, "type": kind, "documentation": doc}
                for name, (kind, doc) in sorted(params.items())
            ]
        if rtype in _TYPE_OPERATIONS:
            entry["operation"] = _TYPE_OPERATIONS[rtype]
        resources.append(entry)
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": "2026-11-29",
        "publisher": "AM-Med",
        "kind": "instance",
        "software": {"name": "AM-Med", "version": "0.1.0"},
        "implementation": {"description": "AM-Med FHIR boundary", "url": base_url},
        "fhirVersion": "4.0.1",
        "format": ["application/fhir+json"],
        "rest": [
            {
                "mode": "server",
                "operation": [_EXPORT],
                "documentation": (
                    "Resources are validated against FHIR R4 (4.0.1). Transactions are "
                    "all or nothing; batches answer entry by entry. Search pages with _count "
                    f"(default {settings.FHIR_DEFAULT_PAGE_SIZE}, max "
                    f"{settings.FHIR_MAX_PAGE_SIZE}) and _offset. Bundles over "
                    f"{settings.FHIR_MAX_BODY_BYTES} bytes or "
                    f"{settings.FHIR_MAX_BUNDLE_ENTRIES} entries are refused (413). Search "
                    "also takes _sort (_id, _lastUpdated, date where listed; - for "
                    "descending), _total (none|estimate|accurate), _summary (true, text, data, "
                    "count, false), _elements, and the _include/_revinclude listed per type; "
                    "anything else answers 400. Read takes _summary/_elements, If-None-Match "
                    "and If-Modified-Since (304). Writes take If-Match (412 when stale) and "
                    "Prefer: return=minimal|representation|OperationOutcome; POST takes "
                    "If-None-Exist (or the search in the query string). DELETE keeps every "
                    "version (_history); a deleted resource reads 410. JSON only: XML is 406. "
                    "Subscription: R4 rest-hook with criteria on CarePlan, Communication "
                    "(released messages only) and Flag, retried with backoff for "
                    f"{max(settings.AMMED_SUBSCRIPTION_RETRY_HOURS, 24):g} h, then a dead "
                    "letter. No conditional delete, no PATCH, no system-level history."
                ),
                "security": {
                    "cors": False,
                    "description": (
                        "Token (Authorization: Token <key>) for integrations, Django session "
                        "for the admin. Clinicians see assigned patients; patients their own "
                        "compartment; anything else answers 404."
                    ),
                },
                "resource": resources,
                "interaction": [{"code": "transaction"}, {"code": "batch"}],
            }
        ],
    }
