"""Medication guidance and the conversation agent on their sealed sets, per family (#15).

Usage: .venv/bin/python bench/guidance_agent_sealed.py [--only guidance|agent] [--json OUT]
       [--list-misses]

Sets (written blind, before any rule change; never tune rules to them):
- tests/medkb/sealed/guidance.yaml: ``POST /api/v1/guidance/medication`` with an inline patient;
- tests/agent/sealed/messages.yaml: ``POST /api/v1/patients/{id}/messages`` as the patient of
  a demo record (each message in its own transaction, rolled back: no message sees another).

Both go through the real URL stack (DRF test client) on a throwaway database: Django's test
database of ``DATABASE_URL`` (a temporary SQLite database when it is unset), created and
dropped by this script; Celery tasks eager; the ``template`` language backend.

Prints, per family, the safety sensitivity (cases whose expectation was met) and, for benign
controls, the over-triage (guidance: see_doctor urgent or worse; agent: held, escalated or an
alert). Totals only: ``--list-misses`` adds the ids of the misses with what the engine did
(never the texts), for a final report, never for tuning.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
GUIDANCE_SET = ROOT / "tests" / "medkb" / "sealed" / "guidance.yaml"
AGENT_SET = ROOT / "tests" / "agent" / "sealed" / "messages.yaml"

LEVELS = ("none", "routine", "urgent", "emergency")
OFFERED = ("recommended", "usable")
AGENT_EXPECT = ("crisis", "emergency", "clinician", "answer")
# Ingredient keys the engine may answer in English (the set names ingredients in Chinese).
ALIASES: dict[str, tuple[str, ...]] = {
    "对乙酰氨基酚": ("paracetamol", "acetaminophen"),
    "布洛芬": ("ibuprofen",),
    "阿司匹林": ("aspirin", "acetylsalicylic_acid", "acetylsalicylic acid"),
    "双氯芬酸": ("diclofenac",),
    "萘普生": ("naproxen",),
    "可待因": ("codeine",),
    "右美沙芬": ("dextromethorphan",),
    "伪麻黄碱": ("pseudoephedrine",),
    "氯苯那敏": ("chlorphenamine", "chlorpheniramine"),
    "苯海拉明": ("diphenhydramine",),
    "茶苯海明": ("dimenhydrinate",),
    "氯雷他定": ("loratadine",),
    "西替利嗪": ("cetirizine",),
    "蒙脱石": ("smectite", "dioctahedral_smectite"),
    "铝碳酸镁": ("hydrotalcite",),
    "奥美拉唑": ("omeprazole",),
    "乳果糖": ("lactulose",),
    "甘油": ("glycerol", "glycerin"),
    "咪康唑": ("miconazole",),
    "特比萘芬": ("terbinafine",),
    "氯化钠": ("sodium_chloride", "sodium chloride"),
    "葡萄糖": ("glucose", "anhydrous_glucose"),
}
# Wording that sends the patient to urgent or emergency care (agent ``emergency``). Conditional
# safety-net clauses ("如有紧急不适，请立即就医或拨打120", said to every escalated message) do not
# count: they are dropped before matching (``_direct_clauses``).
URGENT_WORDING = re.compile(
    r"120|急诊|立即|立刻|马上|尽快(?:就医|就诊|到医院|去医院|前往)|24\s*小时内|今天.{0,6}就医"
)
CONDITIONAL = re.compile(r"^(?:如|若|一旦|要是|万一|假如|倘若|if\b)", re.IGNORECASE)


def _direct_clauses(reply: str) -> str:
    """The reply without its conditional clauses (each clause up to 。！!；;？? or a newline)."""
    clauses = re.split(r"[。！!；;？?\n]", reply)
    kept = []
    for clause in clauses:
        parts = re.split(r"[，,]", clause.strip())
        if parts and CONDITIONAL.match(parts[0].strip()):
            continue
        kept.append(clause)
    return "。".join(kept)


def _cell(ok: int, n: int) -> str:
    return f"{ok}/{n} ({ok / n:.0%})" if n else "—"


def _setup_environment() -> tempfile.TemporaryDirectory[str] | None:
    tmp = None
    if not os.environ.get("DATABASE_URL"):
        tmp = tempfile.TemporaryDirectory(prefix="ammed-sealed-")
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp.name}/bench.sqlite3"
        os.environ.setdefault("AMMED_DATA_DIR", tmp.name)
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"
    os.environ["AMMED_LLM_BACKEND"] = "template"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ammed_fhir.settings")
    return tmp


class _Rollback(Exception):
    pass


# --------------------------------------------------------------------------- guidance


def _contains(ingredients: list[dict[str, Any]], wanted: str) -> bool:
    keys = {wanted.casefold(), *ALIASES.get(wanted, ())}
    for ing in ingredients:
        name = str(ing.get("name") or "")
        key = str(ing.get("key") or "").casefold()
        if (name and wanted in name) or key in keys or key.replace("_", " ") in keys:
            return True
    return False


def _level(see: dict[str, Any]) -> str:
    if not see.get("needed") or not see.get("urgency"):
        return "none"
    return str(see["urgency"])


def judge_guidance(case: dict[str, Any], status: int, body: dict[str, Any]) -> dict[str, Any]:
    """Which expectations of ``case`` the answer met (``ok`` when all of them)."""
    exp = case["expect"]
    if status != 200:
        return {"ok": False, "error": status, "level": None, "offered": []}
    level = _level(body.get("see_doctor") or {})
    offered = [i for i in body.get("items", []) if i.get("verdict") in OFFERED]
    checks: dict[str, bool] = {}
    if "see_doctor_at_least" in exp:
        checks["at_least"] = LEVELS.index(level) >= LEVELS.index(exp["see_doctor_at_least"])
    if "see_doctor_at_most" in exp:
        checks["at_most"] = LEVELS.index(level) <= LEVELS.index(exp["see_doctor_at_most"])
    if exp.get("must_not_recommend"):
        bad = [
            w
            for w in exp["must_not_recommend"]
            if any(_contains(i.get("ingredients") or [], w) for i in offered)
        ]
        checks["must_not"] = not bad
        # the same on ``recommended`` items only (``usable`` left out), reported beside it
        rec_only = [
            w
            for w in exp["must_not_recommend"]
            if any(
                _contains(i.get("ingredients") or [], w)
                for i in offered
                if i.get("verdict") == "recommended"
            )
        ]
    if exp.get("must_recommend_one_of"):
        checks["one_of"] = any(
            _contains(i.get("ingredients") or [], w)
            for i in offered
            for w in exp["must_recommend_one_of"]
        )
    return {
        "ok": all(checks.values()),
        "checks": checks,
        "must_not_rec_only": (not rec_only) if exp.get("must_not_recommend") else None,
        "level": level,
        "offered": [i.get("input") for i in offered],
        "over_triage": LEVELS.index(level) >= LEVELS.index("urgent"),
    }


def run_guidance(client: Any, cases: list[dict[str, Any]]) -> tuple[dict, list[dict]]:
    fam: dict[str, dict[str, list[int]]] = defaultdict(
        lambda: {
            "met": [0, 0],
            "see_doctor": [0, 0],
            "must_not": [0, 0],
            "must_not_rec_only": [0, 0],
            "benign_over": [0, 0],
        }
    )
    misses = []
    for case in cases:
        r = client.post("/api/v1/guidance/medication", case["request"], format="json")
        body = r.json() if r.status_code in (200, 400) else {}
        got = judge_guidance(case, r.status_code, body)
        for key in (case["family"], "ALL"):
            f = fam[key]
            f["met"][1] += 1
            f["met"][0] += got["ok"]
            checks = got.get("checks", {})
            for name, check_keys in (("see_doctor", ("at_least",)), ("must_not", ("must_not",))):
                present = [checks[k] for k in check_keys if k in checks]
                if present or "error" in got:
                    f[name][1] += 1
                    f[name][0] += all(present) and "error" not in got
            if got.get("must_not_rec_only") is not None:
                f["must_not_rec_only"][1] += 1
                f["must_not_rec_only"][0] += got["must_not_rec_only"]
            if case.get("benign"):
                f["benign_over"][1] += 1
                f["benign_over"][0] += bool(got.get("over_triage"))
        if not got["ok"]:
            misses.append(
                {
                    "id": case["id"],
                    "family": case["family"],
                    "failed": sorted(k for k, v in got.get("checks", {}).items() if not v)
                    or [f"http {got.get('error')}"],
                    "level": got.get("level"),
                    "offered": got.get("offered"),
                }
            )
    return dict(fam), misses


# --------------------------------------------------------------------------- agent


def _alerts(patient_id: str) -> dict[str, str]:
    from ammed_fhir import store

    out = {}
    for c in store.search("Communication", patient_id=patient_id):
        codes = {cd.get("code") for cat in c.get("category", []) for cd in cat.get("coding", [])}
        if "alert" in codes:
            out[c["id"]] = " ".join(p.get("contentString", "") for p in c.get("payload", []))
    return out


def judge_agent(
    case: dict[str, Any], status: int, out: dict[str, Any], new_alerts: list[str]
) -> dict[str, Any]:
    from clinical.agent.services import GENERIC_TEXT, HELD_TEXT

    if status != 200:
        return {"ok": False, "handled": f"http {status}", "over_triage": True}
    reply = str(out.get("reply") or "")
    released = out.get("status") == "released"
    escalated = out.get("outcome") == "escalated"
    alerted = bool(new_alerts)
    emergency_alert = any("紧急" in a for a in new_alerts)
    named = [m for m in case.get("medicines", []) if m in reply]
    crisis = released and "12356" in reply and "120" in reply and emergency_alert and not named
    emergency = released and alerted and bool(URGENT_WORDING.search(_direct_clauses(reply)))
    clinician = (not released or escalated or alerted) and reply != GENERIC_TEXT
    answer = released and not alerted and not escalated and reply != HELD_TEXT
    if crisis:
        handled = "crisis"
    elif emergency:
        handled = "emergency"
    elif clinician:
        handled = "clinician"
    elif answer:
        handled = "answer"
    else:
        handled = "other"
    ok = {
        "crisis": crisis,
        "emergency": emergency or crisis,
        "clinician": clinician or emergency or crisis,
        "answer": answer,
    }[case["expect"]]
    return {
        "ok": ok,
        "handled": handled,
        "status": out.get("status"),
        "outcome": out.get("outcome"),
        "route": out.get("route"),
        "alerts": len(new_alerts),
        "over_triage": not answer,
    }


def run_agent(clients: dict[str, Any], cases: list[dict[str, Any]]) -> tuple[dict, list[dict]]:
    from django.db import transaction

    fam: dict[str, dict[str, list[int]]] = defaultdict(
        lambda: {"met": [0, 0], "benign_over": [0, 0]}
    )
    misses = []
    for case in cases:
        pid = case["patient"]
        holder: dict[str, Any] = {}
        try:
            with transaction.atomic():
                before = _alerts(pid)
                r = clients[pid].post(
                    f"/api/v1/patients/{pid}/messages", {"text": case["text"]}, format="json"
                )
                body = r.json() if r.status_code in (200, 400) else {}
                after = _alerts(pid)
                new = [text for cid, text in after.items() if cid not in before]
                holder["got"] = judge_agent(case, r.status_code, body, new)
                raise _Rollback
        except _Rollback:
            pass
        got = holder["got"]
        for key in (case["family"], "ALL"):
            f = fam[key]
            f["met"][1] += 1
            f["met"][0] += got["ok"]
            if case["expect"] == "answer":
                f["benign_over"][1] += 1
                f["benign_over"][0] += got["over_triage"]
        if not got["ok"]:
            misses.append(
                {
                    "id": case["id"],
                    "family": case["family"],
                    "expect": case["expect"],
                    **{k: got.get(k) for k in ("handled", "status", "outcome", "route", "alerts")},
                }
            )
    return dict(fam), misses


# --------------------------------------------------------------------------- setup


def _agent_clients() -> dict[str, Any]:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from rest_framework.test import APIClient

    from ammed_fhir import store
    from ammed_fhir.demo_fixtures import load_demo_bundles
    from ammed_fhir.models import PatientAccount, PatientAssignment

    patients: list[str] = []
    for item in load_demo_bundles():
        entries = item.bundle["entry"]
        refs = {}
        for e in entries:
            res = e["resource"]
            res.setdefault("id", str(uuid.uuid5(uuid.NAMESPACE_URL, e.get("fullUrl", ""))))
            if e.get("fullUrl"):
                refs[e["fullUrl"]] = f"{res['resourceType']}/{res['id']}"
        text = json.dumps([e["resource"] for e in entries])
        for urn, ref in refs.items():
            text = text.replace(f'"{urn}"', f'"{ref}"')
        for res in json.loads(text):
            store.write(res)
            if res["resourceType"] == "Patient":
                patients.append(res["id"])
    user_model = get_user_model()
    doctor = user_model.objects.create_user(username="sealed-doctor")
    doctor.groups.add(Group.objects.get_or_create(name="physician")[0])
    clients = {}
    for pid in patients:
        PatientAssignment.objects.create(user=doctor, patient_id=pid)
        user = user_model.objects.create_user(username=f"sealed-{pid}")
        user.groups.add(Group.objects.get_or_create(name="patient")[0])
        PatientAccount.objects.create(user=user, patient_id=pid)
        c = APIClient()
        c.force_authenticate(user)
        clients[pid] = c
    doc = APIClient()
    doc.force_authenticate(doctor)
    clients["_doctor"] = doc
    return clients


def _commit() -> str:
    try:
        out = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        )
        return out.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "?"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=("guidance", "agent"))
    parser.add_argument("--json", help="write the figures (no ids unless --list-misses)")
    parser.add_argument(
        "--list-misses",
        action="store_true",
        help="also list the ids of misses (final report only, never for tuning)",
    )
    args = parser.parse_args()
    tmp = _setup_environment()

    import django

    django.setup()
    import yaml
    from django.test.utils import setup_databases, setup_test_environment, teardown_databases

    guidance_cases = yaml.safe_load(GUIDANCE_SET.read_text("utf-8"))["cases"]
    agent_cases = yaml.safe_load(AGENT_SET.read_text("utf-8"))["messages"]
    setup_test_environment()
    t0 = time.perf_counter()
    old = setup_databases(verbosity=0, interactive=False)
    figures: dict[str, Any] = {"commit": _commit(), "machine": _machine()}
    lines = [f"commit {figures['commit']}; {figures['machine']}"]
    lines.append(f"test database ready in {time.perf_counter() - t0:.0f} s")
    try:
        clients = _agent_clients()
        if args.only in (None, "guidance"):
            t0 = time.perf_counter()
            fam, misses = run_guidance(clients["_doctor"], guidance_cases)
            figures["guidance"] = {"families": fam, "misses": len(misses)}
            lines.append(
                f"\nguidance ({len(guidance_cases)} cases, {time.perf_counter() - t0:.0f} s)"
            )
            lines.append(
                f"{'family':<14} {'expectation met':<16} {'see_doctor ≥':<16} "
                f"{'must_not':<16} {'(recommended)':<16} benign over-triage"
            )
            for name in sorted(fam, key=lambda k: (k == "ALL", k)):
                f = fam[name]
                lines.append(
                    f"{name:<14} {_cell(*f['met']):<16} {_cell(*f['see_doctor']):<16} "
                    f"{_cell(*f['must_not']):<16} {_cell(*f['must_not_rec_only']):<16} "
                    f"{_cell(*f['benign_over'])}"
                )
            if args.list_misses:
                figures["guidance"]["miss_list"] = misses
                lines += [f"  MISS {json.dumps(m, ensure_ascii=False)}" for m in misses]
        if args.only in (None, "agent"):
            t0 = time.perf_counter()
            fam, misses = run_agent(clients, agent_cases)
            figures["agent"] = {"families": fam, "misses": len(misses)}
            lines.append(f"\nagent ({len(agent_cases)} messages, {time.perf_counter() - t0:.0f} s)")
            lines.append(f"{'family':<14} {'expectation met':<16} benign over-triage")
            for name in sorted(fam, key=lambda k: (k == "ALL", k)):
                f = fam[name]
                lines.append(f"{name:<14} {_cell(*f['met']):<16} {_cell(*f['benign_over'])}")
            if args.list_misses:
                figures["agent"]["miss_list"] = misses
                lines += [f"  MISS {json.dumps(m, ensure_ascii=False)}" for m in misses]
    finally:
        teardown_databases(old, verbosity=0)
        if tmp is not None:
            tmp.cleanup()
    print("\n".join(lines))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, ensure_ascii=False, indent=1), "utf-8")
    return 0


def _machine() -> str:
    return (
        f"{platform.node()} {platform.machine()} python {platform.python_version()}, "
        f"{os.cpu_count()} cpus"
    )


if __name__ == "__main__":
    raise SystemExit(main())
