"""Fixtures of the orders tests: personas, a patient with orders, a local webhook sink."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from orders_support import OTHER, PID, Sink, patient
from rest_framework.test import APIClient

from ammed_fhir import store
from ammed_fhir.models import PatientAccount, PatientAssignment, PractitionerAccount
from clinical.orders.channels import WebhookChannel


@pytest.fixture
def people(db) -> dict[str, Any]:
    User = get_user_model()
    groups = {g: Group.objects.get_or_create(name=g)[0] for g in ("physician", "nurse", "patient")}
    doc = User.objects.create_user("o_doc", email="doc@example.org")
    doc.groups.add(groups["physician"])
    outsider = User.objects.create_user("o_nurse")
    outsider.groups.add(groups["nurse"])
    pat = User.objects.create_user("o_patient")
    pat.groups.add(groups["patient"])
    other = User.objects.create_user("o_other_patient")
    other.groups.add(groups["patient"])
    PatientAccount.objects.create(user=pat, patient_id=PID)
    PatientAccount.objects.create(user=other, patient_id=OTHER)
    PatientAssignment.objects.create(user=doc, patient_id=PID)
    PractitionerAccount.objects.create(user=doc, practitioner_id="o-prac")
    store.write(patient(PID, "张三"))
    store.write(patient(OTHER, "李四"))
    return {"doctor": doc, "outsider": outsider, "patient": pat, "other": other}


@pytest.fixture
def client_for():
    def make(user) -> APIClient:
        c = APIClient()
        c.force_authenticate(user)
        return c

    return make


@pytest.fixture
def sink(settings):
    s = Sink(0)
    settings.AMMED_WEBHOOK_URL = f"http://127.0.0.1:{s.port}/hook"
    settings.AMMED_WEBHOOK_SECRET = "test-secret"
    settings.AMMED_CHANNELS = ["inbox", "webhook"]
    yield s
    WebhookChannel.close_connections()
    s.close()
