"""Diet consultation latency: p50/p95/p99 after warm-up, in-process and through HTTP.

    DATABASE_URL=postgresql://... .venv/bin/python bench/diet.py [--n 400] [--warmup 50]

Scenarios: (1) ``services.consult`` with an explicit context (engine only); (2) POST
/api/v1/consult/diet with ``patient_id`` through Django's test client (URL stack, auth,
access check, record read from Postgres, KG query, engine, JSON). The demo patients are
written through ``ammed_fhir.store`` when missing. Results go into docs/benchmarks.md by hand.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ammed_fhir.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from ammed_fhir import store  # noqa: E402
from ammed_fhir.demo_users import ensure_demo_users, link_demo_accounts  # noqa: E402
from clinical.diet.services import consult  # noqa: E402

QUESTIONS = [
    "能喝酒吗",
    "能吃菠菜吗",
    "能吃西柚吗",
    "痛风能吃海鲜吗",
    "吃头孢能喝藿香正气水吗",
    "能吃榴莲披萨吗",
]
FOODS = ["啤酒", "西柚汁", "菠菜炒猪肝", "低钠盐", "牛奶", "asdfgh"]
CONTEXT = {
    "conditions": ["痛风", "原发性高血压 2级", "2型糖尿病"],
    "current_medications": ["华法林钠片 3mg", "头孢呋辛酯片 0.25g", "苯磺酸氨氯地平片 5mg"],
    "allergies": ["花生"],
}


def measure(fn: Callable[[int], None], n: int, warmup: int) -> list[float]:
    for i in range(warmup):
        fn(i)
    out = []
    for i in range(n):
        t0 = time.perf_counter()
        fn(i)
        out.append((time.perf_counter() - t0) * 1000)
    return out


def summary(name: str, ms: list[float]) -> str:
    q = statistics.quantiles(ms, n=100)
    return (
        f"| {name} | {len(ms)} | {statistics.median(ms):.2f} | {q[94]:.2f} | {q[98]:.2f} "
        f"| {max(ms):.2f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=400)
    parser.add_argument("--warmup", type=int, default=50)
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    if store.patient_record("demo-surgery") is None:
        from ammed_fhir.demo_fixtures import load_demo_bundles

        for item in load_demo_bundles():
            for entry in item.bundle["entry"]:
                store.write(entry["resource"])
    ensure_demo_users()
    link_demo_accounts()
    client = Client()
    client.force_login(get_user_model().objects.get(username="dr_wang"))
    patients = ["demo-surgery", "demo-htn-dm"]

    def engine(i: int) -> None:
        consult(food=FOODS[i % len(FOODS)], patient=CONTEXT)

    def http(i: int) -> None:
        body = {"patient_id": patients[i % 2], "question": QUESTIONS[i % len(QUESTIONS)]}
        resp = client.post(
            "/api/v1/consult/diet", data=json.dumps(body), content_type="application/json"
        )
        assert resp.status_code == 200, resp.content

    print(f"python {platform.python_version()} on {platform.node()} ({os.cpu_count()} cores)")
    print(f"n={args.n} after {args.warmup} warm-up calls per scenario; milliseconds\n")
    print("| scenario | n | p50 | p95 | p99 | max |")
    print("| --- | --- | --- | --- | --- | --- |")
    print(summary("engine: consult() with explicit context", measure(engine, args.n, args.warmup)))
    print(
        summary("HTTP: POST /api/v1/consult/diet, patient_id", measure(http, args.n, args.warmup))
    )


if __name__ == "__main__":
    main()
