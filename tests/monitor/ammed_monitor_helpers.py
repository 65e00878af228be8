"""Shared set-up for the monitor tests: demo users and the demo FHIR bundles."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client

from ammed_fhir import store
from ammed_fhir.demo_fixtures import load_demo_bundles
from ammed_fhir.demo_users import ensure_demo_users, link_demo_accounts

PERSONAS = ["admin", "dr_wang", "nurse_li", "nurse_zhao", "zhang_wei", "emr"]

RELEASED: list[dict] = []


def record_release(communication: dict) -> None:
    """A release handler for tests: records what would be delivered."""
    RELEASED.append(communication)


def load_demo() -> None:
    """Demo users, the two demo patients (through POST /fhir) and the assignments."""
    ensure_demo_users()
    # Written through the store (the /fhir endpoint belongs to issue 2 and is tested there).
    for item in load_demo_bundles():
        for entry in item.bundle.get("entry", []):
            store.write(entry["resource"])
    link_demo_accounts()


@pytest.fixture(scope="module")
def demo_db(django_db_setup, django_db_blocker):
    """Load the demo once per module inside a transaction rolled back at the module's end
    (each test still runs in its own savepoint)."""
    with django_db_blocker.unblock(), transaction.atomic():
        load_demo()
        yield
        transaction.set_rollback(True)


def client_for(username: str | None) -> Client:
    client = Client()
    if username:
        client.force_login(get_user_model().objects.get(username=username))
    return client


def post_json(client: Client, url: str, data: object, **extra: object):
    return client.post(url, data=json.dumps(data), content_type="application/json", **extra)
