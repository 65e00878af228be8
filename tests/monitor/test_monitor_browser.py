"""Browser test: a physician edits and approves a held message in the admin review queue;
an unassigned nurse cannot see it. Playwright drives Debian's chromium (headless), never a
downloaded browser; skipped (with the reason) only when /usr/bin/chromium is missing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from ammed_monitor_helpers import load_demo

from ammed_fhir import store
from clinical.monitor import gate
from clinical.monitor.models import AuditEvent, Review, ReviewStatus

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HELD = "对乙酰氨基酚片疼得厉害可以每次4片，每天6次。"
FIXED = "对乙酰氨基酚片疼痛时每次1片（0.5g），每天不超过4次。"

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason="Debian chromium missing: run `make browser`"
    ),
]


def _login(browser, live_server, username: str):
    page = browser.new_context(locale="zh-CN").new_page()
    page.set_default_timeout(20_000)
    page.goto(
        f"{live_server.url}/admin/login/?next=/admin/monitor/review/%3Fstatus__exact%3Dpending"
    )
    page.fill("#id_username", username)
    page.fill("#id_password", username)
    page.click("input[type=submit]")
    page.wait_for_load_state()
    return page


def test_physician_edits_and_approves_and_unassigned_nurse_cannot_see(live_server):
    from playwright.sync_api import sync_playwright

    # All ORM work happens outside Playwright's event loop (before and after the browser).
    load_demo()
    gate.submit(
        gate.OutgoingMessage(
            patient_id="demo-surgery", text=HELD, category="guidance", idempotency_key="browser-1"
        )
    )
    review = Review.objects.get(communication_id="browser-1")
    row = f"a[href*='/admin/monitor/review/{review.pk}/change/']"

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            nurse = _login(browser, live_server, "nurse_zhao")
            nurse_url = nurse.url
            nurse_rows = nurse.locator(row).count()
            nurse.goto(f"{live_server.url}/admin/monitor/review/{review.pk}/change/")
            nurse_page = nurse.content()

            page = _login(browser, live_server, "dr_wang")
            page.locator(row).first.click()
            page.wait_for_load_state()
            marks = page.locator("mark.finding").count()
            held_text = page.locator(".held-text").inner_text()
            page.fill("#id_edited_text", FIXED)
            page.click("#edit-approve-button")
            page.wait_for_load_state()
            after_url, after_page = page.url, page.content()
        finally:
            browser.close()

    assert "/admin/monitor/review/" in nurse_url and nurse_rows == 0
    assert HELD not in nurse_page
    assert marks >= 1 and "每次4片" in held_text
    assert re.search(r"/admin/monitor/review/\?status__exact=pending$", after_url)
    assert "已修改并批准发送" in after_page

    review.refresh_from_db()
    assert review.status == ReviewStatus.APPROVED and review.final_text == FIXED
    comm = store.read("Communication", "browser-1")
    assert comm["status"] == "completed" and comm["payload"][0]["contentString"] == FIXED
    ev = AuditEvent.objects.get(review=review, action="edit_approve")
    assert (ev.actor_name, ev.before, ev.after) == ("dr_wang", HELD, FIXED)
