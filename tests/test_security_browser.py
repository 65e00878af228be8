"""Browser test: the admin and Swagger UI work under the Content-Security-Policy.

Chromium reports every CSP violation on the console; a page that needed an inline script,
eval or a foreign origin would log one (and Swagger UI would not render). Debian's chromium
through Playwright, skipped only when /usr/bin/chromium is missing (as the monitor's test).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PASSWORD = "Wq8#ward-round-7"

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason="Debian chromium missing: run `make browser`"
    ),
]


def test_admin_and_swagger_ui_render_without_csp_violations(live_server) -> None:
    from playwright.sync_api import sync_playwright

    get_user_model().objects.create_superuser("csp_admin", password=PASSWORD)
    console: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_context().new_page()
            page.set_default_timeout(20_000)
            page.on("console", lambda msg: console.append(msg.text))
            page.goto(f"{live_server.url}/api/docs/")  # anonymous: sent to the login form
            assert "/admin/login/" in page.url
            page.fill("#id_username", "csp_admin")
            page.fill("#id_password", PASSWORD)
            page.click("input[type=submit]")
            page.wait_for_load_state()
            assert page.url.endswith("/api/docs/")
            page.wait_for_selector(".swagger-ui .info .title")
            assert "AM-Med API" in page.inner_text(".swagger-ui .info .title")
            page.wait_for_selector(".opblock-tag")
            page.goto(f"{live_server.url}/admin/")
            page.wait_for_selector("#content")
            page.goto(f"{live_server.url}/admin/auth/user/")
            page.wait_for_selector("#result_list")
        finally:
            browser.close()
    violations = [m for m in console if "Content Security Policy" in m]
    assert violations == []
