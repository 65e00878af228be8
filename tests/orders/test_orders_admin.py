"""Admin pages of the orders app: approval action, adherence chart on change pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone
from orders_support import PID, med_request

from ammed_fhir import store
from clinical.orders.models import DoseReminder, OrderSchedule, PatientRoutine
from clinical.orders.services.schedule import sync_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(people) -> Client:
    admin = type(people["doctor"]).objects.create_superuser("o_admin2")
    c = Client()
    c.force_login(admin)
    return c


def test_approve_action_schedules(admin_client, people) -> None:
    store.write(med_request("adm-1", "阿托伐他汀钙片 20mg qn 口服"))
    row = sync_order("adm-1")
    resp = admin_client.post(
        "/admin/orders/orderschedule/",
        {"action": "approve", "_selected_action": [row.pk]},
        follow=True,
    )
    assert resp.status_code == 200
    assert OrderSchedule.objects.get(pk=row.pk).status == "scheduled"
    assert DoseReminder.objects.filter(request_id="adm-1", state="pending").count() == 30


def test_change_pages_show_an_adherence_chart(admin_client, people) -> None:
    store.write(med_request("adm-2", "阿托伐他汀钙片 20mg qn 口服"))
    row = sync_order("adm-2")
    DoseReminder.objects.create(
        key="dose-adm",
        patient_id=PID,
        request_id="adm-2",
        medication="阿托伐他汀钙片",
        due_at=timezone.now() - dt.timedelta(days=1),
        state="released",
        response="taken",
    )
    page = admin_client.get(f"/admin/orders/orderschedule/{row.pk}/change/").content.decode()
    assert "服药依从性(按天)" in page and "100%" in page
    routine = PatientRoutine.objects.create(patient_id=PID)
    page = admin_client.get(f"/admin/orders/patientroutine/{routine.pk}/change/").content.decode()
    assert "近28天全部药物依从性: 100%" in page
