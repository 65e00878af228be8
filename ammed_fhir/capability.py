"""The CapabilityStatement served at ``/fhir/metadata``: generated from what the code does.

Search parameters come from ``ammed_fhir.search.SEARCH_PARAMS`` (the same table the search
parser enforces); every other R4 resource type is listed with create/update/read/vread only.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from ammed_fhir.search import SEARCH_PARAMS
from ammed_fhir.validation import resource_types as r4_resource_types

_WRITE_READ = ["create", "update", "read", "vread"]


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
            "versioning": "versioned",
            "readHistory": False,
            "updateCreate": True,
            "conditionalCreate": bool(params),  # ifNoneExist runs a search
            "conditionalUpdate": False,
            "conditionalDelete": "not-supported",
        }
        if params:
            entry["searchParam"] = [
                {"name": name, "type": kind, "documentation": doc}
                for name, (kind, doc) in sorted(params.items())
            ]
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
                "documentation": (
                    "Resources are validated against FHIR R4 (4.0.1). Transactions are "
                    "all or nothing; batches answer entry by entry. Search pages with _count "
                    f"(default {settings.FHIR_DEFAULT_PAGE_SIZE}, max "
                    f"{settings.FHIR_MAX_PAGE_SIZE}) and _offset. Bundles over "
                    f"{settings.FHIR_MAX_BODY_BYTES} bytes or "
                    f"{settings.FHIR_MAX_BUNDLE_ENTRIES} entries are refused (413). No delete, "
                    "no history listing, no _include."
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
