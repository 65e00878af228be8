"""First run: every demo user has an API token that works as the README says."""

from __future__ import annotations

import pytest
from django.test import Client
from workspace_helpers import PATIENT
from workspace_helpers import demo_db as demo_db

from ammed_fhir.demo_users import TRY, demo_tokens

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_db")]


def test_every_demo_user_has_a_token_and_a_hint():
    tokens = demo_tokens()
    assert set(tokens) == set(TRY)


@pytest.mark.parametrize(
    ("user", "status"), [("zhang_wei", 200), ("dr_wang", 200), ("nurse_zhao", 404)]
)
def test_the_readme_token_example_works(user, status):
    token = demo_tokens()[user]
    resp = Client().get(f"/api/v1/patients/{PATIENT}/messages", HTTP_AUTHORIZATION=f"Token {token}")
    assert resp.status_code == status


def test_basic_auth_stays_off():
    import base64

    auth = base64.b64encode(b"dr_wang:dr_wang").decode()
    resp = Client().get(f"/api/v1/patients/{PATIENT}/messages", HTTP_AUTHORIZATION=f"Basic {auth}")
    assert resp.status_code in (401, 403)
