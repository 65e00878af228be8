"""Personas for the FHIR boundary tests (real Postgres)."""

from __future__ import annotations

import pytest
from django.test import Client
from fhir_helpers import make_user
from rest_framework.authtoken.models import Token


@pytest.fixture
def emr_client(db) -> Client:
    """An integration account authenticating with a DRF token (like a real EMR)."""
    user = make_user("emr-test", "integration")
    token = Token.objects.create(user=user)
    return Client(HTTP_AUTHORIZATION=f"Token {token.key}")


@pytest.fixture
def admin_client_fhir(db) -> Client:
    client = Client()
    client.force_login(make_user("admin-test", superuser=True))
    return client
