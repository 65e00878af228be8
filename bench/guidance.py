"""Latency of POST /api/v1/guidance/medication, KB build/load time and memory.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/ammed_i3 .venv/bin/python bench/guidance.py \
        [--n 500] [--with-record]

- build: ``kb.build()`` + save in a fresh subprocess (wall time, peak RSS);
- load: unpickling the var/medkb artifact in a fresh subprocess (wall time, RSS after);
- latency: requests through the full Django/DRF URL stack (APIClient, authenticated
  superuser, JSON in/out) after 50 warm-up requests; a rotating set of 8 request bodies
  (1-8 cabinet entries, adults, children, pregnancy, warfarin, an unknown name).
  ``--with-record`` adds the ``patient_id`` path (needs a migrated DATABASE_URL; the demo
  patients are written into it through ``ammed_fhir.store``).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ammed_fhir.settings")

CHILD_BUILD = """
import os, sys, time, resource, django
sys.path.insert(0, {root!r}); os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ammed_fhir.settings")
django.setup()
from clinical.medkb import kb
t = time.perf_counter(); kb.build_and_save(); dt = time.perf_counter() - t
print(dt, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""
CHILD_LOAD = """
import os, sys, time, django
sys.path.insert(0, {root!r}); os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ammed_fhir.settings")
django.setup()
def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS"):
            return int(line.split()[1]) / 1024
before = rss()
from clinical.medkb import kb
t = time.perf_counter(); kb.get_kb(); dt = time.perf_counter() - t
print(dt, before, rss())
"""

BODIES = [
    {"patient": {"age_years": 35, "sex": "female"}, "cabinet": ["泰诺林"], "temperature_c": 38.5},
    {
        "patient": {
            "age_years": 68,
            "sex": "male",
            "allergies": ["青霉素"],
            "current_medications": ["华法林钠片 3mg", "头孢呋辛酯片 0.25g"],
        },
        "cabinet": ["泰诺林", "布洛芬缓释胶囊", "感冒灵颗粒", "阿莫西林胶囊"],
        "symptoms": ["发烧", "头痛"],
        "temperature_c": 38.5,
    },
    {
        "patient": {"age_years": 5, "weight_kg": 18},
        "cabinet": ["美林", "儿童泰诺林", "小儿氨酚黄那敏颗粒", "阿司匹林片"],
        "symptoms": ["发烧"],
        "temperature_c": 38.9,
    },
    {
        "patient": {"age_years": 29, "sex": "female", "pregnant": True, "pregnancy_weeks": 30},
        "cabinet": ["芬必得", "泰诺林", "新康泰克"],
        "symptoms": ["头痛", "鼻塞"],
    },
    {
        "patient": {"age_years": 45, "conditions": ["胃溃疡", "高血压"]},
        "cabinet": [
            "白加黑",
            "新康泰克",
            "泰诺",
            "999感冒灵",
            "连花清瘟",
            "开瑞坦",
            "右美沙芬片",
            "沐舒坦",
        ],
        "symptoms": ["鼻塞", "流鼻涕", "咳嗽", "咳痰", "发烧"],
        "temperature_c": 38.0,
    },
    {
        "patient": {"age_years": 52, "current_medications": ["甲硝唑片"]},
        "cabinet": ["藿香正气水", "藿香正气软胶囊", "思密达", "易蒙停", "口服补液盐"],
        "symptoms": ["拉肚子", "恶心"],
    },
    {
        "patient": {"age_years": 0.2},
        "cabinet": ["泰诺林混悬滴剂", "美林滴剂"],
        "temperature_c": 38.4,
    },
    {
        "patient": {"age_years": 40},
        "cabinet": ["泰诺琳x", "感冒灵", "Tylenol", "對乙醯氨基酚片", "不知道什么药", "板蓝根颗粒"],
        "symptoms": ["咽痛", "发热"],
        "temperature_c": 37.9,
        "fever_days": 2,
    },
]


def child(code: str) -> list[float]:
    out = subprocess.run(
        [sys.executable, "-c", code.format(root=str(ROOT))],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return [float(x) for x in out.stdout.split()]


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    k = max(0, min(len(values) - 1, round(p / 100 * len(values) + 0.5) - 1))
    return values[k]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=500)
    ap.add_argument("--with-record", action="store_true")
    args = ap.parse_args()

    build_s, build_peak = child(CHILD_BUILD)
    load_s, rss_before, rss_after = child(CHILD_LOAD)
    print(f"KB build (fresh process): {build_s:.1f} s, peak RSS {build_peak:.0f} MiB")
    print(
        f"KB load from var/medkb: {load_s * 1000:.0f} ms; RSS {rss_before:.0f} → "
        f"{rss_after:.0f} MiB (+{rss_after - rss_before:.0f} MiB for the KB)"
    )

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from rest_framework.test import APIClient

    from clinical.medkb.kb import get_kb

    get_kb()
    client = APIClient()
    client.force_authenticate(get_user_model()(username="bench", is_superuser=True))
    bodies = [json.dumps(b, ensure_ascii=False) for b in BODIES]
    if args.with_record:
        from ammed_fhir import store
        from ammed_fhir.demo_fixtures import load_demo_bundles

        bundles = [] if store.read("Patient", "demo-surgery") else load_demo_bundles()
        for item in bundles:
            for entry in item.bundle["entry"]:
                res = dict(entry["resource"])
                if res["resourceType"] in ("Encounter", "Practitioner", "Organization"):
                    continue
                res.pop("encounter", None)
                store.write(res)
        bodies.append(
            json.dumps(
                {
                    "patient_id": "demo-surgery",
                    "cabinet": ["泰诺林", "布洛芬缓释胶囊", "感冒灵颗粒", "阿莫西林胶囊"],
                    "symptoms": ["发烧"],
                    "temperature_c": 38.5,
                },
                ensure_ascii=False,
            )
        )

    def call(body: str) -> float:
        t = time.perf_counter()
        r = client.post("/api/v1/guidance/medication", data=body, content_type="application/json")
        dt = time.perf_counter() - t
        assert r.status_code == 200, r.content[:300]
        return dt * 1000

    for i in range(50):
        call(bodies[i % len(bodies)])
    lat = [call(bodies[i % len(bodies)]) for i in range(args.n)]
    print(
        f"latency over {args.n} requests ({len(bodies)} bodies): p50 {statistics.median(lat):.2f} ms, "
        f"p95 {pct(lat, 95):.2f} ms, p99 {pct(lat, 99):.2f} ms, max {max(lat):.2f} ms"
    )
    for i, b in enumerate(bodies):
        per = [call(b) for _ in range(30)]
        n_items = len(json.loads(b)["cabinet"])
        print(f"  body {i} ({n_items} items): p50 {statistics.median(per):.2f} ms")


if __name__ == "__main__":
    main()
