"""Fuzz: no server error anywhere under /api/v1 (schemathesis over drf-spectacular's OpenAPI
schema, positive and negative cases), nor in FHIR search (hypothesis over the parameters).

Bounded and seeded for CI: ``derandomize=True`` (the same cases every run), a few dozen
examples per operation, the demo data loaded once per module, requests in-process through
the WSGI application. Every answer must be below 500; under /api every error must be JSON.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest
import schemathesis
from django.contrib.auth import get_user_model
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token

from ammed_fhir import store
from ammed_fhir.demo_fixtures import load_demo_bundles
from ammed_fhir.demo_users import ensure_demo_users, link_demo_accounts
from ammed_fhir.search import SEARCH_PARAMS

API_EXAMPLES = 40  # per operation and generation mode
FHIR_EXAMPLES = 1000


def fuzz(max_examples: int) -> settings:
    """Seeded (the same cases every run), no deadline, nothing remembered between runs."""
    return settings(
        max_examples=max_examples,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )


def _openapi() -> dict[str, Any]:
    """drf-spectacular's schema for /api/v1, as the JSON /api/schema/ serves."""
    spec = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(spec, renderer_context={}))


schema = schemathesis.openapi.from_dict(_openapi()).include(path_regex=r"^/api/v1/")
schema.app = get_wsgi_application()


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker) -> Any:
    """Demo users and patients, once for the module, rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        ensure_demo_users()
        for item in load_demo_bundles():
            for entry in item.bundle.get("entry", []):
                store.write(entry["resource"])
        link_demo_accounts()
        yield {
            persona: Token.objects.get_or_create(
                user=get_user_model().objects.get(username=persona)
            )[0].key
            for persona in ("admin", "dr_wang")
        }
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def keep_the_test_connection() -> Any:
    """What Django's test client does around a request: requests made through the WSGI
    application must not close the test's database connection (and its transaction)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


SEEN: Counter[str] = Counter()  # requests made, by suite and status class (for the report)


@pytest.fixture(scope="module", autouse=True)
def report() -> Any:
    yield
    print(f"\nfuzz requests: {dict(sorted(SEEN.items()))}")


def _no_server_error(path: str, status: int, content_type: str, body: bytes) -> None:
    SEEN[f"api {status // 100}xx"] += 1
    assert status < 500, f"{status} on {path}: {body[:300]!r}"
    if path.startswith("/api/") and status >= 400:
        assert content_type.startswith("application/json"), f"{status} {content_type} on {path}"


@pytest.mark.django_db
@schema.parametrize()
@fuzz(API_EXAMPLES)
def test_api_v1_never_answers_a_server_error(case: Any, demo: dict[str, str]) -> None:
    for token in demo.values():
        response = case.call(headers={"Authorization": f"Token {token}"})
        _no_server_error(
            case.formatted_path, response.status_code, _content_type(response), response.content
        )


def _content_type(response: Any) -> str:
    for key, value in response.headers.items():
        if key.lower() == "content-type":
            return value[0] if isinstance(value, list) else value
    return ""


# --- FHIR search ------------------------------------------------------------------------------

_NAMES = sorted({name for params in SEARCH_PARAMS.values() for name in params})
_ODD_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)) | st.sampled_from("\x00|,/:"),
    max_size=30,
)
_NUMBERS = st.integers(min_value=-(10**30), max_value=10**30).map(str) | st.just("9" * 5000)
_DATES = (
    st.sampled_from(
        [
            "9999-12-31T23:59:59",
            "9999-12-31",
            "0001-01-01",
            "0001-01-01T00:00:00+14:00",
            "9999-12-31T23:59:59-14:00",
            "2026-02-30",
            "2026-13",
            "10000",
            "2026-01-01T25:00",
            "2026-01-01T00:00:00+99:00",
        ]
    )
    | st.dates().map(str)
    | st.datetimes().map(lambda d: d.isoformat())
)
_PREFIXED_DATES = st.tuples(st.sampled_from(["", "ge", "gt", "le", "lt", "eq", "ne", "sa"]), _DATES)
_VALUES = (
    _ODD_TEXT
    | _NUMBERS
    | _DATES
    | _PREFIXED_DATES.map("".join)
    | st.sampled_from(["Patient/demo-surgery", "demo-htn-dm", "http://loinc.org|8480-6"])
)
_PARAMS = st.lists(
    st.tuples(
        st.sampled_from([*_NAMES, "_count", "_offset", "_format"]) | _ODD_TEXT,
        _VALUES,
    ),
    max_size=4,
)
_TYPES = st.sampled_from(sorted(SEARCH_PARAMS)) | st.sampled_from(["Claim", "Bundle", "Nope"])


@pytest.mark.django_db
@fuzz(FHIR_EXAMPLES)
@given(resource_type=_TYPES, params=_PARAMS)
def test_fhir_search_never_answers_a_server_error(
    demo: dict[str, str], resource_type: str, params: list[tuple[str, str]]
) -> None:
    client = Client(HTTP_AUTHORIZATION=f"Token {demo['admin']}")
    response = client.get(f"/fhir/{resource_type}", params)
    SEEN[f"fhir {response.status_code // 100}xx"] += 1
    assert response.status_code < 500, (resource_type, params, response.content[:300])
    assert response.json()["resourceType"] in {"Bundle", "OperationOutcome"}
