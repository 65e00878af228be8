"""Browser tests per role (Debian chromium through Playwright, never a downloaded browser):
the physician lands on the worklist, opens the patient page and signs off medication content;
the pharmacist signs off medication content; the nurse may only escalate it; the unassigned
nurse sees no patient. With ``AMMED_SCREENSHOTS=<dir>`` the worklist, patient page and review
page are saved there (``bench/workspace_screenshots.py`` writes docs/screenshots/)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from workspace_helpers import PATIENT, load_demo

from ammed_fhir import store
from clinical.followup.services.runs import run_assessment
from clinical.monitor import gate
from clinical.monitor.models import AuditEvent, Review

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HELD = "华法林钠片漏服了今天加倍吃两片补上。"
SHOTS = os.environ.get("AMMED_SCREENSHOTS", "")

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason="Debian chromium missing: run `make browser`"
    ),
]


def _login(browser, live_server, username: str):
    page = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 900}).new_page()
    page.set_default_timeout(20_000)
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", username)
    page.click("input[type=submit]")
    page.wait_for_load_state()
    return page


def _shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / name), full_page=True)


def _held(key: str) -> Review:
    gate.submit(
        gate.OutgoingMessage(
            patient_id=PATIENT, text=HELD, category="guidance", idempotency_key=key
        )
    )
    return Review.objects.get(communication_id=key)


def _post_op_fever_and_wound() -> None:
    """Day-5-style story for the screenshots: 38.6 ℃ today, and the patient writes that the
    wound is red and oozing (one alert episode with every reason; symptoms on the timeline)."""
    from django.utils import timezone

    from clinical.agent.models import AgentMessage

    now = timezone.now()
    base = {"status": "final", "subject": {"reference": f"Patient/{PATIENT}"}}
    store.write(
        {
            **base,
            "resourceType": "Observation",
            "id": "browser-temp",
            "code": {"coding": [{"system": "http://loinc.org", "code": "8310-5"}]},
            "effectiveDateTime": now.isoformat(),
            "valueQuantity": {"value": 38.6, "unit": "Cel", "code": "Cel"},
        }
    )
    store.write(
        {
            **base,
            "resourceType": "Observation",
            "id": "browser-wound",
            "category": [
                {
                    "coding": [
                        {
                            "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                            "code": "survey",
                        }
                    ]
                }
            ],
            "code": {"text": "伤口情况"},
            "effectiveDateTime": now.isoformat(),
            "valueString": "伤口红肿，有渗液",
        }
    )
    AgentMessage.objects.create(
        patient_id=PATIENT,
        direction="in",
        text="伤口红肿，有渗液，今天发烧38.6度",
        status="received",
    )


def test_each_role_main_flow(live_server):
    from playwright.sync_api import sync_playwright

    # All ORM work happens outside Playwright's event loop (before and after the browser).
    load_demo()
    _post_op_fever_and_wound()
    run_assessment(PATIENT, trigger="demo")
    first, second = _held("browser-ws-1"), _held("browser-ws-2")
    out: dict[str, object] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            doctor = _login(browser, live_server, "dr_wang")
            out["doctor_home"] = doctor.url
            out["worklist_rows"] = doctor.locator("tr.worklist-row").count()
            _shot(doctor, "worklist.png")
            doctor.locator(f"tr[data-patient='{PATIENT}'] td a").first.click()
            doctor.wait_for_load_state()
            out["patient_title"] = doctor.locator("#patient-title").inner_text()
            out["charts"] = doctor.locator("svg.reading-chart").count()
            _shot(doctor, "patient.png")
            doctor.goto(f"{live_server.url}/admin/monitor/review/{first.pk}/change/")
            _shot(doctor, "review.png")
            doctor.click("#approve-button")
            doctor.wait_for_load_state()

            pharmacist = _login(browser, live_server, "pharm_sun")
            pharmacist.goto(f"{live_server.url}/admin/monitor/review/{second.pk}/change/")
            out["pharmacist_can_approve"] = pharmacist.locator("#approve-button").count()

            nurse = _login(browser, live_server, "nurse_li")
            nurse.goto(f"{live_server.url}/admin/monitor/review/{second.pk}/change/")
            out["nurse_approve_buttons"] = nurse.locator("#approve-button").count()
            nurse.fill("#id_decision_reason", "漏服加倍不妥，请药师看")
            nurse.click("#escalate-button")
            nurse.wait_for_load_state()

            outsider = _login(browser, live_server, "nurse_zhao")
            out["outsider_rows"] = outsider.locator("tr.worklist-row").count()
            resp = outsider.goto(
                f"{live_server.url}/admin/ammed_fhir/patientresource/{PATIENT}/change/"
            )
            out["outsider_patient_status"] = resp.status if resp else None
        finally:
            browser.close()

    assert str(out["doctor_home"]).endswith("/admin/workspace/worklist/")
    assert out["worklist_rows"] == 2
    assert "张伟" in str(out["patient_title"]) and out["charts"] >= 1
    first.refresh_from_db()
    assert first.status == "approved"
    assert store.read("Communication", "browser-ws-1")["status"] == "completed"
    assert out["pharmacist_can_approve"] == 1
    assert out["nurse_approve_buttons"] == 0
    second.refresh_from_db()
    assert second.status == "pending"
    assert AuditEvent.objects.filter(
        review=second, action="escalate", actor_name="nurse_li"
    ).exists()
    assert out["outsider_rows"] == 0 and out["outsider_patient_status"] == 404
