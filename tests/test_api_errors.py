"""/api/v1 never answers 500 for bad input, and every error is JSON (security issue #17,
item 6): NUL characters in paths and query strings, dates past year 9999, JSON nested
50,000 deep, non-integer ids, unknown paths and methods."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from ammed_fhir import store

pytestmark = pytest.mark.django_db

PID = "err-p1"
DEEP = "[" * 50_000 + "]" * 50_000


@pytest.fixture
def admin() -> Client:
    store.write({"resourceType": "Patient", "id": PID, "gender": "male"})
    user = get_user_model().objects.create_superuser("err-admin", password="x")
    client = Client()
    client.force_login(user)
    return client


def _json_error(resp, status: int) -> dict:
    assert resp.status_code == status, resp.content[:300]
    assert resp["Content-Type"].startswith("application/json"), resp["Content-Type"]
    return resp.json()


# --- NUL characters ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", f"/api/v1/patients/{PID}%00/orders"),
        ("get", "/api/v1/patients/%00/reminders"),
        ("get", "/api/v1/patients/%00/adherence"),
        ("get", "/api/v1/patients/%00/inbox"),
        ("get", "/api/v1/patients/%00/routine"),
        ("get", "/api/v1/patients/%00/messages"),
        ("post", "/api/v1/orders/%00/approve"),
    ],
)
def test_nul_in_a_path_segment_is_400(admin, method: str, path: str) -> None:
    body = _json_error(getattr(admin, method)(path), 400)
    assert "NUL" in body["detail"]


def test_nul_in_a_query_string_is_400(admin) -> None:
    _json_error(admin.get("/api/v1/reviews?status=pending%00"), 400)
    _json_error(admin.get(f"/api/v1/patients/{PID}/reminders?from=2026-01-01%00"), 400)


@pytest.mark.parametrize("url", ["/api/v1/consult/diet", "/api/v1/monitor/check"])
def test_nul_in_a_json_body_is_400(admin, url: str) -> None:
    body = {"question": "能吃\x00西柚吗", "text": "按时服药\x00", "patient": {"age": 60}}
    resp = admin.post(url, data=json.dumps(body), content_type="application/json")
    assert "NUL" in _json_error(resp, 400)["detail"]


# --- dates past the calendar ------------------------------------------------------------


@pytest.mark.parametrize("endpoint", ["reminders", "adherence"])
@pytest.mark.parametrize(
    "query",
    [
        "to=9999-12-31",  # the end of that day is past datetime.max
        "from=9999-12-31&to=9999-12-31",
        "to=9999-12-31T23:59:59-14:00",
        "from=0001-01-01T00:00:00%2B14:00",
    ],
)
def test_dates_past_the_calendar_are_400(admin, endpoint: str, query: str) -> None:
    resp = admin.get(f"/api/v1/patients/{PID}/{endpoint}?{query}")
    assert resp.status_code == 400, resp.content[:300]
    assert resp.json()


# --- JSON nested 50,000 deep ----------------------------------------------------------------


@pytest.mark.parametrize("url", ["/api/v1/consult/diet", "/api/v1/monitor/check"])
def test_json_nested_50000_deep_is_400(admin, url: str) -> None:
    resp = admin.post(url, data=DEEP, content_type="application/json")
    assert "nested" in _json_error(resp, 400)["detail"]


def test_json_nested_past_the_depth_limit_is_400(admin) -> None:
    deep = {"patient": {"age": 60}, "question": "吃头孢能喝酒吗", "x": [[[[[[[[[]]]]]]]]] * 1}
    for _ in range(70):
        deep = {"x": deep}
    resp = admin.post(
        "/api/v1/consult/diet", data=json.dumps(deep), content_type="application/json"
    )
    _json_error(resp, 400)


def test_ordinary_json_still_parses(admin) -> None:
    body = {"patient": {"current_medications": ["苯磺酸氨氯地平片 5mg"]}, "food": "西柚汁"}
    resp = admin.post(
        "/api/v1/consult/diet", data=json.dumps(body), content_type="application/json"
    )
    assert resp.status_code == 200, resp.content[:300]


# --- JSON 404 and 405 -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/reviews/abc"),  # non-integer ids
        ("post", "/api/v1/reviews/abc/approve"),
        ("get", "/api/v1/assignments/1.5"),
        ("post", "/api/v1/reminders/x/ack"),
        ("get", "/api/v1/reviews/99999999999999999999999"),  # beyond a bigint
        ("get", "/api/v1/no-such-endpoint"),
        ("get", "/api/v2/me"),
        ("get", "/api/"),
    ],
)
def test_not_found_under_api_is_json(admin, method: str, path: str) -> None:
    _json_error(getattr(admin, method)(path), 404)


def test_not_found_is_json_for_anonymous_callers_too() -> None:
    _json_error(Client().get("/api/v1/reviews/abc"), 404)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("delete", "/api/v1/me"),
        ("put", "/api/v1/consult/diet"),
        ("get", "/api/v1/monitor/check"),
        ("patch", "/api/v1/reviews"),
    ],
)
def test_method_not_allowed_under_api_is_json(admin, method: str, path: str) -> None:
    _json_error(getattr(admin, method)(path), 405)


def test_not_found_elsewhere_keeps_django_page(admin) -> None:
    resp = admin.get("/no-such-page")
    assert resp.status_code == 404 and not resp["Content-Type"].startswith("application/json")
