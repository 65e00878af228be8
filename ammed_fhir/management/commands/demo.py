"""``manage.py demo``: demo users, push fixtures through /fhir, print each function's summary."""

from __future__ import annotations

import json
import logging
import os

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.test import Client
from django.utils.module_loading import import_string

from ammed_fhir.demo import DEMO_SECTIONS, DemoContext
from ammed_fhir.demo_fixtures import load_demo_bundles
from ammed_fhir.demo_users import (
    DEMO_PASSWORD_HINT,
    TRY,
    demo_tokens,
    ensure_demo_users,
    link_demo_accounts,
)
from ammed_fhir.summary import patient_summary_lines


class Command(BaseCommand):
    help = (
        "Set up demo users, push fixtures/bundles/*.json through /fhir and print the demo summary."
    )

    def handle(self, *args, **options) -> None:
        # In-process tasks log one INFO line each; the demo output is for people.
        logging.getLogger("celery.app.trace").setLevel(logging.WARNING)
        users = ensure_demo_users()
        tokens = demo_tokens()
        self.stdout.write(
            f"演示账号 (demo logins; {DEMO_PASSWORD_HINT}; API: Authorization: Token <令牌>):"
        )
        for role, username in users.items():
            self.stdout.write(f"  {role:<22} {username:<11} 令牌 {tokens.get(username, '-')}")
            self.stdout.write(f"  {'':<22} 试试：{TRY.get(username, '')}")
        emr_token = tokens[users["integration (EMR)"]]
        self.stdout.write(f"  EMR 令牌 (Authorization: Token …): {emr_token}")

        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(get_user_model().objects.get(username=users["admin (superuser)"]))
        patient_ids: list[str] = []
        emr = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Token {emr_token}")
        self.stdout.write("\n== 推送 FHIR 数据 (POST /fhir，以 EMR 集成账号令牌) ==")
        demo_bundles = load_demo_bundles()
        if demo_bundles and demo_bundles[0].days_moved:
            self.stdout.write(
                f"  （演示数据按今天重排日期：整体后移 {demo_bundles[0].days_moved} 天，"
                "术后天数、近7天读数与年龄保持不变）"
            )
        for item in demo_bundles:
            path, bundle = item.name, item.bundle
            resp = emr.post("/fhir", data=json.dumps(bundle), content_type="application/fhir+json")
            if resp.status_code != 200:
                raise CommandError(
                    f"{path}: /fhir answered {resp.status_code}: {resp.content[:500]!r}"
                )
            self.stdout.write(f"  {path}：{len(resp.json().get('entry', []))} 条资源已写入")
            patient_ids += [
                e["resource"]["id"]
                for e in bundle.get("entry", [])
                if e.get("resource", {}).get("resourceType") == "Patient"
            ]
        link_demo_accounts()
        self.stdout.write("\n== 患者概览 (读取自 /fhir 存储) ==")
        for pid in patient_ids:
            for line in patient_summary_lines(pid):
                self.stdout.write(line)

        ctx = DemoContext(out=self.stdout, client=client, patient_ids=patient_ids)
        for dotted in DEMO_SECTIONS:
            import_string(f"{dotted}.run")(ctx)
        # `make demo` serves on DEMO_ADDR next; name the address it really uses.
        base = f"http://{os.environ.get('DEMO_ADDR') or '127.0.0.1:8000'}"
        self.stdout.write(f"\n演示完成。管理后台 {base}/admin/ ，API 文档 {base}/api/docs/")
