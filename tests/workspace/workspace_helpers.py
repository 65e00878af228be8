"""Demo users and patients for the workspace tests (module-scoped, rolled back)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client

from ammed_fhir import store
from ammed_fhir.demo_fixtures import load_demo_bundles
from ammed_fhir.demo_users import ensure_demo_users, link_demo_accounts

PATIENT = "demo-surgery"


def load_demo() -> None:
    ensure_demo_users()
    for item in load_demo_bundles():
        for entry in item.bundle.get("entry", []):
            store.write(entry["resource"])
    link_demo_accounts()


@pytest.fixture(scope="module")
def demo_db(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        load_demo()
        yield
        transaction.set_rollback(True)


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client
