"""The patient page: summary with per-order adherence, dated charts with threshold bands,
one timeline; the outsider gets 404."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from workspace_helpers import PATIENT, client_for
from workspace_helpers import demo_db as demo_db

from ammed_fhir.models import Resource
from clinical.agent.models import AgentMessage

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_db")]
URL = f"/admin/ammed_fhir/patientresource/{PATIENT}/change/"


def test_summary_charts_and_timeline_for_an_assigned_clinician():
    AgentMessage.objects.create(
        patient_id=PATIENT, direction="in", text="伤口有点红", status="received"
    )
    page = client_for("nurse_li").get(URL).text
    assert "张伟" in page and "岁" in page and "过敏" in page
    assert 'id="active-orders"' in page and "近28天依从性" in page
    assert 'class="reading-chart"' in page and 'class="x-tick"' in page
    assert 'class="y-tick"' in page and "fill-opacity" in page
    today = timezone.localdate()
    assert f"{today - dt.timedelta(days=30):%m-%d}" in page  # the x axis starts 30 days ago
    assert "伤口有点红" in page and "时间线" in page
    assert "resourceType" not in page  # not the raw JSON


def test_changelist_links_by_row_id_open_the_same_page():
    pk = Resource.objects.get(resource_type="Patient", resource_id=PATIENT).pk
    page = client_for("dr_wang").get(f"/admin/ammed_fhir/patientresource/{pk}/change/")
    assert page.status_code == 200 and 'id="patient-summary"' in page.text


def test_outsider_gets_404():
    assert client_for("nurse_zhao").get(URL).status_code == 404


def test_superuser_may_still_see_the_raw_record():
    page = client_for("admin").get(
        f"/admin/ammed_fhir/patientresource/"
        f"{Resource.objects.get(resource_type='Patient', resource_id=PATIENT).pk}/change/?raw=1"
    )
    assert page.status_code == 200 and "resourceType" in page.text


def test_symptoms_a_patient_writes_show_as_symptoms_and_the_message_stays_a_message():
    AgentMessage.objects.create(
        patient_id=PATIENT, direction="in", text="今天胸口疼，伤口红肿，没有发烧", status="received"
    )
    AgentMessage.objects.create(
        patient_id=PATIENT, direction="out", text="如出现胸痛请立即就医", status="released"
    )
    from django.contrib.auth import get_user_model

    from clinical.workspace.patient_page import timeline

    items = timeline(PATIENT, get_user_model().objects.get(username="nurse_li"))
    said = [i["text"] for i in items if i["kind"] == "症状" and "患者消息" in i["text"]]
    # 发烧 is negated; AM-Med's own text states no symptom of the patient
    assert said == ["患者消息中自述：胸痛、伤口红肿"]
    assert any(i["kind"] == "消息" and "今天胸口疼" in i["text"] for i in items)
    page = client_for("nurse_li").get(URL).text
    assert "患者消息中自述：胸痛、伤口红肿" in page
